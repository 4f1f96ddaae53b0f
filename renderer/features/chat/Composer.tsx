// The message box: Enter sends, Shift+Enter starts a new line (IME composition is left alone). Drafts are
// kept per chat while the app runs. A send that fails keeps the text and says why.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { sendMessage } from '../../stores/actions.ts';
import { useUi } from '../../stores/ui.ts';

/** Same bound as the contract's MAX_BODY_CHARS (not imported: that would pull the schemas into the page). */
const MAX_BODY_CHARS = 100_000;
const drafts = new Map<string, string>();
let handledFocusRequest = 0;

export function Composer({ peer, label }: { peer: string; label: string }) {
  const [text, setText] = useState(() => drafts.get(peer) ?? '');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const focusRequest = useUi((s) => s.composerFocus);

  useEffect(() => {
    if (focusRequest !== handledFocusRequest) {
      handledFocusRequest = focusRequest;
      ref.current?.focus();
    }
  }, [focusRequest]);

  const update = (value: string): void => {
    setText(value);
    drafts.set(peer, value);
    if (error) setError(null);
  };

  const send = async (): Promise<void> => {
    if (sending || text.trim() === '') return;
    setSending(true);
    const failure = await sendMessage(peer, text);
    setSending(false);
    if (failure) {
      setError(`Not sent: ${failure.message}`);
      return;
    }
    drafts.delete(peer);
    setText('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void send();
      }}
    >
      <textarea
        ref={ref}
        aria-label="Message"
        placeholder={`Message ${label}`}
        rows={2}
        maxLength={MAX_BODY_CHARS}
        value={text}
        onChange={(e) => update(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={error ? `composer-error-${peer}` : undefined}
      />
      <button type="submit" className="primary" disabled={sending || text.trim() === ''}>
        Send
      </button>
      <div id={`composer-error-${peer}`} role="alert" className="form-error composer-error">
        {error}
      </div>
    </form>
  );
}
