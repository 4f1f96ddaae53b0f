// One chat: header (the way back to the roster in a narrow window, who, on which account when there are
// several, presence, mute, search, pop-out/dock/close), the chat's search bar (the Search button or Ctrl+F /
// Cmd+F), the message list and the composer.
import { useEffect, useState } from 'react';
import { displayName, useContact } from '../../stores/roster.ts';
import { SHOW_LABELS, presenceShow, useContactPresence } from '../../stores/presence.ts';
import { useChats } from '../../stores/chats.ts';
import { hasSession, useConnection } from '../../stores/connection.ts';
import { parseConversationId } from '../../stores/conversation.ts';
import { useSeveralAccounts } from '../accounts/use-accounts.ts';
import { dock, popOut } from '../../stores/actions.ts';
import { useUi } from '../../stores/ui.ts';
import { PresenceDot } from '../presence/PresenceDot.tsx';
import { MessageSearch } from '../search/MessageSearch.tsx';
import { MessageList } from './MessageList.tsx';
import { BackToContacts } from './BackToContacts.tsx';
import { Composer } from './Composer.tsx';
import { displayText } from '../../text/display-text.ts';
import { MutedIcon, NotifyMenu } from '../notifications/NotifyMenu.tsx';

/** Narrow windows: back from the chat to the roster, whose tree takes the focus. */
export function ChatView({ chat, mode }: { chat: string; mode: 'tab' | 'window' }) {
  const key = parseConversationId(chat);
  const account = key?.account ?? '';
  const peer = key?.peer ?? chat;
  const contact = useContact(account, peer);
  const presence = useContactPresence(account, peer);
  const signedIn = useConnection((s) => hasSession(s.connections.get(account)));
  const paused = useConnection((s) => s.connections.get(account)?.status === 'paused');
  const several = useSeveralAccounts();
  const stranger = useChats(
    (s) => s.chats.get(chat)?.messages.some((m) => m.direction === 'in' && !m.fromRoster) ?? false,
  );
  const name = displayName(contact, peer);
  // With several accounts, names carry the account: "Alice on me@example.com".
  const title = several ? `${name} on ${account}` : name;
  const show = presenceShow(presence);
  const remoteStatus = presence?.best?.status;
  const status = remoteStatus ? displayText(remoteStatus) : null;
  const [searchOpen, setSearchOpen] = useState(false);
  const [searchFocus, setSearchFocus] = useState(0);

  const openSearch = (): void => {
    setSearchOpen(true);
    setSearchFocus((n) => n + 1);
  };
  const closeSearch = (): void => {
    setSearchOpen(false);
    useUi.getState().requestComposerFocus();
  };

  // Ctrl+F (Cmd+F): search this chat instead of the page. Only one chat view is shown per window.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      if (event.key.toLowerCase() !== 'f') return;
      if (document.querySelector('[aria-modal="true"]')) return; // a dialog owns the keyboard
      event.preventDefault();
      setSearchOpen(true);
      setSearchFocus((n) => n + 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="chat-view">
      <header className="chat-header">
        {mode === 'tab' && <BackToContacts />}
        <PresenceDot show={show} />
        <div className="chat-title">
          <h2>
            {name}
            <MutedIcon id={chat} />
          </h2>
          <div className="chat-subtitle">
            {SHOW_LABELS[show]}
            {/* Isolated: a bidi control in the status must not reorder the address after it. */}
            {status && (
              <>
                {' — '}
                <bdi>{status}</bdi>
              </>
            )}
            {name !== peer ? ` · ${peer}` : ''}
          </div>
          {several && <div className="chat-account">on {account}</div>}
        </div>
        <div className="chat-actions">
          <NotifyMenu chat={chat} title={title} />
          <button
            type="button"
            className="small"
            aria-expanded={searchOpen}
            aria-label={`Search messages with ${title}`}
            title="Search this chat (Ctrl+F)"
            onClick={() => (searchOpen ? closeSearch() : openSearch())}
          >
            Search
          </button>
          {mode === 'tab' ? (
            <>
              <button
                type="button"
                className="small"
                onClick={() => void popOut(chat)}
                aria-label={`Pop out chat with ${title}`}
              >
                Pop out
              </button>
              <button
                type="button"
                className="small"
                onClick={() => useUi.getState().closeTab(chat)}
                aria-label={`Close chat with ${title}`}
              >
                Close
              </button>
            </>
          ) : (
            <button
              type="button"
              className="small"
              onClick={() => void dock(chat)}
              aria-label={`Dock chat with ${title}`}
            >
              Dock
            </button>
          )}
        </div>
      </header>
      {searchOpen && (
        <MessageSearch
          chat={key ?? undefined}
          label={`Search messages with ${title}`}
          className="chat-search"
          focusRequest={searchFocus}
          onClose={closeSearch}
        />
      )}
      {stranger && !contact && (
        <p className="stranger-note" role="note">
          {peer} is not in your contacts.
        </p>
      )}
      {!signedIn && (
        <p className="signed-out-note" role="note">
          {account} is signed out: messages go out once it is signed in again.
        </p>
      )}
      {paused && (
        <p className="signed-out-note" role="note">
          {account} is offline: messages go out once you choose a presence again.
        </p>
      )}
      <MessageList chat={chat} title={title} />
      <Composer key={chat} chat={chat} label={name} />
    </div>
  );
}
