// One chat: header (who, presence, search, pop-out/dock/close), the chat's search bar (the Search button or
// Ctrl+F / Cmd+F), the message list and the composer.
import { useEffect, useState } from 'react';
import { displayName, useRoster } from '../../stores/roster.ts';
import { SHOW_LABELS, presenceShow, usePresence } from '../../stores/presence.ts';
import { useChats } from '../../stores/chats.ts';
import { dock, popOut } from '../../stores/actions.ts';
import { useUi } from '../../stores/ui.ts';
import { PresenceDot } from '../presence/PresenceDot.tsx';
import { MessageSearch } from '../search/MessageSearch.tsx';
import { MessageList } from './MessageList.tsx';
import { Composer } from './Composer.tsx';

export function ChatView({ peer, mode }: { peer: string; mode: 'tab' | 'window' }) {
  const contact = useRoster((s) => s.contacts.get(peer));
  const presence = usePresence((s) => s.byJid.get(peer));
  const stranger = useChats(
    (s) => s.chats.get(peer)?.messages.some((m) => m.direction === 'in' && !m.fromRoster) ?? false,
  );
  const name = displayName(contact, peer);
  const show = presenceShow(presence);
  const status = presence?.best?.status;
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
        <PresenceDot show={show} />
        <div className="chat-title">
          <h2>{name}</h2>
          <div className="chat-subtitle">
            {SHOW_LABELS[show]}
            {status ? ` — ${status}` : ''}
            {name !== peer ? ` · ${peer}` : ''}
          </div>
        </div>
        <div className="chat-actions">
          <button
            type="button"
            className="small"
            aria-expanded={searchOpen}
            aria-label={`Search messages with ${name}`}
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
                onClick={() => void popOut(peer)}
                aria-label={`Pop out chat with ${name}`}
              >
                Pop out
              </button>
              <button
                type="button"
                className="small"
                onClick={() => useUi.getState().closeTab(peer)}
                aria-label={`Close chat with ${name}`}
              >
                Close
              </button>
            </>
          ) : (
            <button
              type="button"
              className="small"
              onClick={() => void dock(peer)}
              aria-label={`Dock chat with ${name}`}
            >
              Dock
            </button>
          )}
        </div>
      </header>
      {searchOpen && (
        <MessageSearch
          peer={peer}
          label={`Search messages with ${name}`}
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
      <MessageList peer={peer} />
      <Composer key={peer} peer={peer} label={name} />
    </div>
  );
}
