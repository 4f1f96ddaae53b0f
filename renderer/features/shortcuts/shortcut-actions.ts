// What each shortcut and app-menu item does, over the stores the rest of the page already uses. The keys
// (Shortcuts.tsx) and 'shell.menu' (menu-sync.ts) both end here.
import type { MENU_ACTIONS } from '../../../shared/desktop.ts';
import { openChat } from '../../stores/actions.ts';
import { useChats } from '../../stores/chats.ts';
import { chatId, parseConversationId } from '../../stores/conversation.ts';
import { shownAccounts, useConnection } from '../../stores/connection.ts';
import { useRoster } from '../../stores/roster.ts';
import { useUi } from '../../stores/ui.ts';
import { useAboutView } from '../about/about-view.ts';
import { openRoom } from '../rooms/rooms-actions.ts';
import { roomId } from '../rooms/rooms-sync.ts';
import { useRooms } from '../rooms/rooms-store.ts';
import { useSettingsView } from '../settings/settings-view.ts';
import type { ShortcutAction } from './key-map.ts';
import { neighbourTab, neighbourUnread, unreadWalk } from './navigation.ts';
import { useShortcutsView } from './shortcuts-view.ts';

export type MenuAction = (typeof MENU_ACTIONS)[number];

/** Shows a conversation as a tab with its composer focused (a room's through the rooms feature). */
export function showConversation(id: string): void {
  const key = parseConversationId(id);
  if (key?.kind === 'groupchat') openRoom(key.account, key.peer);
  else openChat(id);
}

/** Where the roster lists each contact's chat and each joined room (rooms after every contact). */
function rosterRanks(): Map<string, number> {
  const ranks = new Map<string, number>();
  const byAccount = useRoster.getState().byAccount;
  for (const account of shownAccounts(useConnection.getState().connections)) {
    for (const entry of byAccount.get(account)?.order ?? []) {
      ranks.set(chatId(account, entry.contact.jid), ranks.size);
    }
  }
  for (const [account, rooms] of useRooms.getState().byAccount) {
    for (const room of rooms.keys()) ranks.set(roomId(account, room), ranks.size);
  }
  return ranks;
}

function goToUnread(step: 1 | -1): void {
  const { tabs, activeId } = useUi.getState();
  const unread = new Map<string, number>();
  for (const [id, chat] of useChats.getState().chats) if (chat.unread > 0) unread.set(id, chat.unread);
  if (unread.size === 0) return;
  const ranks = rosterRanks();
  const walk = unreadWalk(tabs, unread, (id) => ranks.get(id));
  const next = neighbourUnread(walk, new Set(unread.keys()), activeId, step);
  if (next !== null) showConversation(next);
}

function goToTab(step: 1 | -1): void {
  const ui = useUi.getState();
  const next = neighbourTab(ui.tabs, ui.activeId, step);
  if (next === null) return;
  ui.activate(next);
  ui.requestComposerFocus();
}

export function runShortcut(action: ShortcutAction): void {
  switch (action) {
    case 'quick-switcher':
      return useShortcutsView.getState().show('switcher');
    case 'shortcuts':
      return useShortcutsView.getState().show('help');
    case 'new-chat':
      return useShortcutsView.getState().show('new-chat');
    case 'settings':
      useShortcutsView.getState().hide();
      return useSettingsView.getState().show();
    case 'next-tab':
      return goToTab(1);
    case 'previous-tab':
      return goToTab(-1);
    case 'next-unread':
      return goToUnread(1);
    case 'previous-unread':
      return goToUnread(-1);
    case 'close-chat': {
      const { activeId, closeTab } = useUi.getState();
      if (activeId !== null) closeTab(activeId);
      return;
    }
  }
}

/** What an app-menu item does: the same as its key, and About. */
export function runMenuAction(action: MenuAction): void {
  if (action === 'about') {
    useShortcutsView.getState().hide();
    useAboutView.getState().show();
    return;
  }
  runShortcut(action);
}
