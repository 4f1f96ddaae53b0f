// Open chats as tabs (tablist; arrows move, Delete closes) beside the roster; the shown chat below.
import { useId, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import { useUi } from '../../stores/ui.ts';
import { displayName, useRoster } from '../../stores/roster.ts';
import { useChats } from '../../stores/chats.ts';
import { ChatView } from './ChatView.tsx';

function ChatTab({
  peer,
  id,
  panelId,
  selected,
}: {
  peer: string;
  id: string;
  panelId: string;
  selected: boolean;
}) {
  const contact = useRoster((s) => s.contacts.get(peer));
  const unread = useChats((s) => s.chats.get(peer)?.unread ?? 0);
  const name = displayName(contact, peer);
  return (
    <button
      type="button"
      role="tab"
      id={id}
      data-peer={peer}
      aria-selected={selected}
      aria-controls={selected ? panelId : undefined}
      aria-label={unread > 0 ? `${name}, ${unread} unread` : name}
      tabIndex={selected ? 0 : -1}
      className={`chat-tab${selected ? ' selected' : ''}${unread > 0 ? ' has-unread' : ''}`}
      title={peer}
      onClick={() => useUi.getState().activate(peer)}
      onAuxClick={(e) => {
        if (e.button === 1) useUi.getState().closeTab(peer);
      }}
    >
      <span className="chat-tab-name">{name}</span>
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

export function ChatArea() {
  const tabs = useUi((s) => s.tabs);
  const active = useUi((s) => s.activePeer);
  const baseId = useId();
  const listRef = useRef<HTMLDivElement>(null);
  const tabId = (peer: string): string => `${baseId}-tab-${tabs.indexOf(peer)}`;
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
    const peer = next;
    requestAnimationFrame(() =>
      listRef.current?.querySelector<HTMLElement>(`[data-peer="${CSS.escape(peer)}"]`)?.focus(),
    );
  };

  if (tabs.length === 0 || active === null) {
    return (
      <section className="chat-area empty" aria-label="Chats">
        <p>Choose a contact to start a chat.</p>
      </section>
    );
  }

  return (
    <section className="chat-area" aria-label="Chats">
      <div ref={listRef} role="tablist" aria-label="Open chats" className="chat-tabs" onKeyDown={onKeyDown}>
        {tabs.map((peer) => (
          <ChatTab key={peer} peer={peer} id={tabId(peer)} panelId={panelId} selected={peer === active} />
        ))}
      </div>
      <div role="tabpanel" id={panelId} aria-labelledby={tabId(active)} className="chat-panel">
        <ChatView key={active} peer={active} mode="tab" />
      </div>
    </section>
  );
}
