// A message body as text, with links (http, https, mailto, xmpp only) as anchors that open through the
// shell (xmpp: ones through Parley's own link handler). React renders every segment as a text node: nothing
// in a body is ever parsed as HTML. A long body shows its preview and a "Show more" button; expanded, it is
// shown in chunks the page lays out only near the screen (body-view.ts), so no body costs a long task however
// long it is.
import { memo } from 'react';
import type { ChatMessage } from '../../../shared/contract.ts';
import { openExternal } from '../../stores/actions.ts';
import { withoutBidiControls } from '../../text/display-text.ts';
import { isXmppLink, openXmppLink } from '../links/link-actions.ts';
import { chunksOf, estimateChunkPx, previewOf } from './body-view.ts';
import type { TextSegment } from './message-model.ts';

/** xmpp: links stay in Parley (their own handler); the other allowed schemes go to the OS. */
function openLink(url: string): void {
  if (isXmppLink(url)) openXmppLink(url);
  else void openExternal(url);
}

function Segments({ segments }: { segments: readonly TextSegment[] }) {
  return segments.map((s, i) =>
    s.url === null ? (
      <span key={i}>{s.text}</span>
    ) : (
      <a
        key={i}
        href={s.url}
        rel="noopener noreferrer"
        onClick={(e) => {
          e.preventDefault();
          openLink(s.url);
        }}
        onAuxClick={(e) => {
          e.preventDefault();
          if (e.button === 1) openLink(s.url);
        }}
      >
        {/* A link reads in the order its URL really has: no bidi control may reorder it. */}
        {withoutBidiControls(s.text)}
      </a>
    ),
  );
}

const countFormat = new Intl.NumberFormat();

export const MessageText = memo(function MessageText({
  message,
  expanded,
  perLine,
  onToggle,
}: {
  message: ChatMessage;
  expanded: boolean;
  /** Characters per line of the bubble, for the chunks' size estimates. */
  perLine: number;
  onToggle: (seq: number, expand: boolean) => void;
}) {
  const preview = previewOf(message);
  if (!preview.collapsed) return <Segments segments={preview.segments} />;
  const total = (message.body ?? '').length;
  return (
    <>
      {expanded ? (
        chunksOf(message).map((chunk, i) => (
          <span
            key={i}
            className="msg-chunk"
            style={{ containIntrinsicSize: `auto ${estimateChunkPx(chunk, perLine)}px` }}
          >
            <Segments segments={chunk.segments} />
          </span>
        ))
      ) : (
        // No ellipsis after it: an override the preview leaves open would move it, and isolating the preview
        // would cost an RTL body its direction. The button below says there is more.
        <span key="preview">
          <Segments segments={preview.segments} />
        </span>
      )}
      <span key="more" className="msg-more">
        <button
          type="button"
          className="link-button"
          aria-expanded={expanded}
          onClick={() => onToggle(message.seq, !expanded)}
        >
          {expanded ? 'Show less' : `Show more (${countFormat.format(total)} characters)`}
        </button>
      </span>
    </>
  );
});
