// The message box: Enter sends, Shift+Enter starts a new line (IME composition is left alone); with
// Settings › Chat › Enter to send off, Enter is a new line and Ctrl/Cmd+Enter sends. Emoticons become emoji
// as one types when that setting is on; spell checking follows its setting; a contact hears 'composing'
// and 'paused' (XEP-0085, typing-notifier.ts) unless typing notifications are off. Drafts are
// kept per chat while the app runs. A send that fails keeps the text and says why. Text is never cut: near
// the length limit a counter says what is left, and past it Send is off and says how far over it is.
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import { sendMessage } from '../../stores/actions.ts';
import { useUi } from '../../stores/ui.ts';
import { lengthState } from './composer-limit.ts';
import { convertAtEnd, convertBeforeCaret } from './emoticons.ts';
import { usePreferences } from '../settings/preferences-store.ts';
import { TypingNotifier } from './typing-notifier.ts';
import { parseConversationId } from '../../stores/conversation.ts';
import { getBridge } from '../../transport/bridge.ts';
import './composer.css';

const drafts = new Map<string, string>();
/** The composer on screen for each chat, so a draft set from outside (an xmpp: link's body) shows at once. */
const shownComposers = new Map<string, (text: string) => void>();

/** Puts text in a chat's draft (never sends it): the chat's composer shows it now or when it opens. */
export function setDraft(chat: string, text: string): void {
  drafts.set(chat, text);
  shownComposers.get(chat)?.(text);
}

export function draftOf(chat: string): string {
  return drafts.get(chat) ?? '';
}
let handledFocusRequest = 0;

export function Composer({
  chat,
  label,
  send: sendBody = (body) => sendMessage(chat, body),
  completeOnTab,
}: {
  chat: string;
  label: string;
  /** How the text goes out (a room's composer sends to the room); the 1:1 chat's send by default. */
  send?: (body: string) => Promise<EngineErrorPayload | null>;
  /** Tab completes the word before the caret (a room's nicks); null: nothing to complete, Tab moves on. */
  completeOnTab?: (text: string, caret: number) => { text: string; caret: number } | null;
}) {
  const [text, setText] = useState(() => drafts.get(chat) ?? '');
  const errorId = useId();
  const countId = useId();
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const focusRequest = useUi((s) => s.composerFocus);
  const length = lengthState(text.length);
  const prefs = usePreferences((s) => s.preferences.chat);
  /** Where the caret goes once a conversion is on screen: before the next key, not a frame later. */
  const caretAfterRender = useRef<number | null>(null);
  const typing = useRef<TypingNotifier | null>(null);
  useEffect(() => {
    const key = parseConversationId(chat);
    if (!key || key.kind !== 'chat') return; // rooms and private chats: no chat states from here
    const notifier = new TypingNotifier(
      (state) => {
        if (!usePreferences.getState().preferences.privacy.typingNotifications) return;
        void getBridge().invoke('chat.typing', { account: key.account, peer: key.peer, state });
      },
      { set: (run, ms) => setTimeout(run, ms), clear: (h) => clearTimeout(h as number) },
    );
    typing.current = notifier;
    return () => {
      notifier.left();
      if (typing.current === notifier) typing.current = null;
    };
  }, [chat]);
  useLayoutEffect(() => {
    const caret = caretAfterRender.current;
    if (caret === null) return;
    caretAfterRender.current = null;
    ref.current?.setSelectionRange(caret, caret);
  });

  useEffect(() => {
    shownComposers.set(chat, setText);
    return () => {
      if (shownComposers.get(chat) === setText) shownComposers.delete(chat);
    };
  }, [chat]);

  useEffect(() => {
    if (focusRequest !== handledFocusRequest) {
      handledFocusRequest = focusRequest;
      ref.current?.focus();
    }
  }, [focusRequest]);

  const update = (value: string): void => {
    setText(value);
    drafts.set(chat, value);
    typing.current?.edited(value.trim() !== '');
    if (error) setError(null);
  };

  const typed = (value: string, caret: number): void => {
    const converted = prefs.emojiShortcuts ? convertBeforeCaret(value, caret) : null;
    if (converted) caretAfterRender.current = converted.caret;
    update(converted?.text ?? value);
  };

  const send = async (): Promise<void> => {
    // Too long: refused here, the counter already says why (the engine would refuse it as well).
    if (sending || text.trim() === '' || length.over) return;
    setSending(true);
    const failure = await sendBody(prefs.emojiShortcuts ? convertAtEnd(text) : text);
    setSending(false);
    if (failure) {
      setError(`Not sent: ${failure.message}`);
      return;
    }
    typing.current?.sent();
    drafts.delete(chat);
    setText('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    const el = event.currentTarget;
    const plainTab =
      event.key === 'Tab' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey;
    if (plainTab && completeOnTab && el.selectionStart === el.selectionEnd) {
      const completed = completeOnTab(text, el.selectionStart);
      if (completed) {
        event.preventDefault();
        update(completed.text);
        requestAnimationFrame(() => ref.current?.setSelectionRange(completed.caret, completed.caret));
        return;
      }
    }
    const sends = event.ctrlKey || event.metaKey || (prefs.enterToSend && !event.shiftKey);
    if (event.key === 'Enter' && sends && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  const describedBy = [length.text ? countId : null, error ? errorId : null].filter(Boolean).join(' ');
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
        value={text}
        spellCheck={prefs.spellCheck}
        aria-keyshortcuts={prefs.enterToSend ? undefined : 'Control+Enter Meta+Enter'}
        onChange={(e) => typed(e.target.value, e.target.selectionStart)}
        onKeyDown={onKeyDown}
        aria-invalid={length.over || undefined}
        aria-describedby={describedBy || undefined}
      />
      <button type="submit" className="primary" disabled={sending || text.trim() === '' || length.over}>
        Send
      </button>
      {/* Always in the page, so screen readers hear it once it has something to say. */}
      <div
        id={countId}
        role="status"
        aria-live="polite"
        className={`composer-count${length.over ? ' over' : ''}`}
      >
        {length.text}
      </div>
      <div id={errorId} role="alert" className="form-error composer-error">
        {error}
      </div>
    </form>
  );
}
