// The message box: Enter sends, Shift+Enter starts a new line (IME composition is left alone). Drafts are
// kept per chat while the app runs. A send that fails keeps the text and says why.
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { MAX_BODY_CHARS } from '../../../shared/limits.ts';
import { sendMessage } from '../../stores/actions.ts';
import { useUi } from '../../stores/ui.ts';

const drafts = new Map<string, string>();
let handledFocusRequest = 0;

export function Composer({ chat, label }: { chat: string; label: string }) {
  const [text, setText] = useState(() => drafts.get(chat) ?? '');
  const errorId = useId();
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
    drafts.set(chat, value);
    if (error) setError(null);
  };

  const send = async (): Promise<void> => {
    if (sending || text.trim() === '') return;
    setSending(true);
    const failure = await sendMessage(chat, text);
    setSending(false);
    if (failure) {
      setError(`Not sent: ${failure.message}`);
      return;
    }
    drafts.delete(chat);
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
        aria-describedby={error ? errorId : undefined}
      />
      <button type="submit" className="primary" disabled={sending || text.trim() === ''}>
        Send
      </button>
      <div id={errorId} role="alert" className="form-error composer-error">
        {error}
      </div>
    </form>
  );
}
