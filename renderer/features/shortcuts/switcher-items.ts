// What the quick switcher lists: open chats (in tab order), every shown account's contacts (in roster order),
// joined rooms, bookmarked rooms not joined, and the accounts. Built once when the switcher opens; each item
// keeps its name and address folded for matching (matcher.ts), so a keystroke only compares.
import type { BookmarkList } from '../../../shared/bookmarks.ts';
import { displayText } from '../../text/display-text.ts';
import { chatId, parseConversationId } from '../../stores/conversation.ts';
import { displayName, type RosterByAccount } from '../../stores/roster.ts';
import { privateChatTitle } from '../chat/private-title.ts';
import { roomName } from '../rooms/room-words.ts';
import { roomId } from '../rooms/rooms-sync.ts';
import type { RoomsByAccount } from '../rooms/rooms-store.ts';
import { foldText, type Matchable } from './matcher.ts';

export type SwitcherKind = 'chat' | 'contact' | 'room' | 'bookmark' | 'account';

export interface SwitcherItem extends Matchable {
  /** Unique among the items (a conversationId, or the account for an account). */
  key: string;
  kind: SwitcherKind;
  label: string;
  /** The address shown beside the name (and matched too); empty for an account (its name is one). */
  address: string;
  account: string;
}

export interface SwitcherSources {
  tabs: readonly string[];
  /** The accounts whose contacts the roster shows, in its order. */
  accounts: readonly string[];
  roster: RosterByAccount;
  rooms: RoomsByAccount;
  bookmarks: ReadonlyMap<string, BookmarkList>;
}

function item(
  kind: SwitcherKind,
  key: string,
  label: string,
  address: string,
  account: string,
): SwitcherItem {
  return {
    kind,
    key,
    label,
    address,
    account,
    open: kind === 'chat',
    folded: [foldText(label), foldText(address)],
  };
}

/** An open chat's name as its tab shows it. */
function tabLabel(
  id: string,
  roster: RosterByAccount,
  bookmarks: SwitcherSources['bookmarks'],
): SwitcherItem | null {
  const key = parseConversationId(id);
  if (!key) return null;
  const { account, kind, peer } = key;
  if (kind === 'groupchat') {
    const named = bookmarks.get(account)?.bookmarks.find((b) => b.room === peer)?.name;
    return item('chat', id, named ? displayText(named) : roomName(peer), peer, account);
  }
  if (kind === 'private') return item('chat', id, privateChatTitle(peer), peer, account);
  return item('chat', id, displayName(roster.get(account)?.contacts.get(peer), peer), peer, account);
}

export function switcherItems(sources: SwitcherSources): SwitcherItem[] {
  const { tabs, accounts, roster, rooms, bookmarks } = sources;
  const items: SwitcherItem[] = [];
  const listed = new Set<string>();
  const add = (entry: SwitcherItem | null): void => {
    if (!entry || listed.has(entry.key)) return;
    listed.add(entry.key);
    items.push(entry);
  };
  for (const id of tabs) add(tabLabel(id, roster, bookmarks));
  for (const account of accounts) {
    for (const { contact, sortName } of roster.get(account)?.order ?? []) {
      const id = chatId(account, contact.jid);
      if (!listed.has(id)) add(item('contact', id, sortName, contact.jid, account));
    }
  }
  for (const account of accounts) {
    const joined = rooms.get(account);
    for (const [room] of joined ?? []) {
      const id = roomId(account, room);
      if (!listed.has(id)) add(item('room', id, roomName(room), room, account));
    }
    for (const bookmark of bookmarks.get(account)?.bookmarks ?? []) {
      const id = roomId(account, bookmark.room);
      if (listed.has(id)) continue;
      const label = bookmark.name ? displayText(bookmark.name) : roomName(bookmark.room);
      add(item(joined?.has(bookmark.room) ? 'room' : 'bookmark', id, label, bookmark.room, account));
    }
  }
  for (const account of accounts) add(item('account', `account ${account}`, account, '', account));
  return items;
}
