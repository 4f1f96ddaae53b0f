// Open chats as tabs (tablist; arrows move, Delete closes) beside the roster; the shown chat below. With
// several accounts, each tab says which account its chat is on.
import { useId, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import { useUi } from '../../stores/ui.ts';
import { displayName, useContact } from '../../stores/roster.ts';
import { useChats } from '../../stores/chats.ts';
import { parseConversationId } from '../../stores/conversation.ts';
import { useSeveralAccounts } from '../accounts/use-accounts.ts';
import { ChatView } from './ChatView.tsx';
import { RoomView } from '../rooms/RoomView.tsx';
import { roomName } from '../rooms/room-words.ts';
import { PrivateChatView } from './PrivateChatView.tsx';
import { privateChatTitle } from './private-title.ts';

function ChatTab({
  chat,
  id,
  panelId,
  selected,
  showAccount,
}: {
  chat: string;
  id: string;
  panelId: string;
  selected: boolean;
  showAccount: boolean;
}) {
  const key = parseConversationId(chat);
  const account = key?.account ?? '';
  const peer = key?.peer ?? chat;
  const contact = useContact(account, peer);
  const unread = useChats((s) => s.chats.get(chat)?.unread ?? 0);
  const name =
    key?.kind === 'groupchat'
      ? roomName(peer)
      : key?.kind === 'private'
        ? privateChatTitle(peer)
        : displayName(contact, peer);
  const title = showAccount ? `${name} on ${account}` : name;
  return (
    <button
      type="button"
      role="tab"
      id={id}
      data-chat={chat}
      aria-selected={selected}
      aria-controls={selected ? panelId : undefined}
      aria-label={unread > 0 ? `${title}, ${unread} unread` : title}
      tabIndex={selected ? 0 : -1}
      className={`chat-tab${selected ? ' selected' : ''}${unread > 0 ? ' has-unread' : ''}`}
      title={showAccount ? `${peer} on ${account}` : peer}
      onClick={() => useUi.getState().activate(chat)}
      onAuxClick={(e) => {
        if (e.button === 1) useUi.getState().closeTab(chat);
      }}
    >
      <span className="chat-tab-name">{name}</span>
      {showAccount && ' '}
      {showAccount && <span className="chat-tab-account">on {account}</span>}
      {/* A space, so the visible text ("Bea 2") is part of the accessible name ("Bea, 2 unread"). */}
      {unread > 0 && ' '}
      {unread > 0 && (
        <span className="unread-badge" aria-hidden="true">
          {unread > 999 ? '999+' : unread}
        </span>
      )}
    </button>
  );
}

/** The shown conversation, by its kind: a room, a private conversation with an occupant, or a 1:1 chat. */
function ActiveView({ chat }: { chat: string }) {
  switch (parseConversationId(chat)?.kind) {
    case 'groupchat':
      return <RoomView key={chat} chat={chat} />;
    case 'private':
      return <PrivateChatView key={chat} chat={chat} />;
    default:
      return <ChatView key={chat} chat={chat} mode="tab" />;
  }
}

export function ChatArea() {
  const tabs = useUi((s) => s.tabs);
  const active = useUi((s) => s.activeId);
  const several = useSeveralAccounts();
  const baseId = useId();
  const listRef = useRef<HTMLDivElement>(null);
  const tabId = (chat: string): string => `${baseId}-tab-${tabs.indexOf(chat)}`;
  const panelId = `${baseId}-panel`;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (!active) return;
    const at = tabs.indexOf(active);
    let next: string | undefined;
    if (event.key === 'ArrowRight') next = tabs[(at + 1) % tabs.length];
    else if (event.key === 'ArrowLeft') next = tabs[(at - 1 + tabs.length) % tabs.length];
    else if (event.key === 'Home') next = tabs[0];
    else if (event.key === 'End') next = tabs.at(-1);
    else if (event.key === 'Delete') {
      event.preventDefault();
      useUi.getState().closeTab(active);
      requestAnimationFrame(() =>
        listRef.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.focus(),
      );
      return;
    }
    if (next === undefined) return;
    event.preventDefault();
    useUi.getState().activate(next);
    const chat = next;
    requestAnimationFrame(() =>
      listRef.current?.querySelector<HTMLElement>(`[data-chat="${CSS.escape(chat)}"]`)?.focus(),
    );
  };

  if (tabs.length === 0 || active === null) {
    return (
      <section className="chat-area empty" aria-label="Chats">
        <p>Choose a contact or a room to start a chat.</p>
      </section>
    );
  }

  return (
    <section className="chat-area" aria-label="Chats">
      <div ref={listRef} role="tablist" aria-label="Open chats" className="chat-tabs" onKeyDown={onKeyDown}>
        {tabs.map((chat) => (
          <ChatTab
            key={chat}
            chat={chat}
            id={tabId(chat)}
            panelId={panelId}
            selected={chat === active}
            showAccount={several}
          />
        ))}
      </div>
      <div role="tabpanel" id={panelId} aria-labelledby={tabId(active)} className="chat-panel">
        <ActiveView chat={active} />
      </div>
    </section>
  );
}
