// A message body as text, with links (http, https, mailto, xmpp only) as anchors that open through the
// shell. React renders every segment as a text node: nothing in a body is ever parsed as HTML.
import { memo, useMemo } from 'react';
import { openExternal } from '../../stores/actions.ts';
import { segmentText } from './message-model.ts';

export const MessageText = memo(function MessageText({ text }: { text: string }) {
  const segments = useMemo(() => segmentText(text), [text]);
  return (
    <>
      {segments.map((s, i) =>
        s.url === null ? (
          <span key={i}>{s.text}</span>
        ) : (
          <a
            key={i}
            href={s.url}
            rel="noopener noreferrer"
            onClick={(e) => {
              e.preventDefault();
              void openExternal(s.url);
            }}
            onAuxClick={(e) => {
              e.preventDefault();
              if (e.button === 1) void openExternal(s.url);
            }}
          >
            {s.text}
          </a>
        ),
      )}
    </>
  );
});
