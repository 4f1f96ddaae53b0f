// Rooms and occupants in words: a room's name, where we stand in it, why we are out, occupants' roles and
// presence. Pure, for the list, the room view and tests.
import type { MucRole, Occupant, Room } from '../../../shared/muc.ts';
import { displayText } from '../../text/display-text.ts';

/** A room's name in the list: its address's localpart (the part before '@'), tamed as remote text is. */
export function roomName(room: string): string {
  const at = room.indexOf('@');
  return displayText(at > 0 ? room.slice(0, at) : room);
}

export const ROOM_STATUS_WORDS: Record<Room['status'], string> = {
  joining: 'Joining…',
  joined: 'Joined',
  left: 'Left',
  kicked: 'Kicked',
  banned: 'Banned',
  removed: 'Removed',
  destroyed: 'Room closed',
};

/** ROOM_STATUS_WORDS as catalog ids (one literal each, for the catalog check). */
export const ROOM_STATUS_MESSAGES = {
  joining: { id: 'rooms.status.joining' },
  joined: { id: 'rooms.status.joined' },
  left: { id: 'rooms.status.left' },
  kicked: { id: 'rooms.status.kicked' },
  banned: { id: 'rooms.status.banned' },
  removed: { id: 'rooms.status.removed' },
  destroyed: { id: 'rooms.status.destroyed' },
} satisfies Record<Room['status'], { id: string }>;

/** The sentence a room we are out of shows
, with the room's reason when it gave one. */
export function outSentence(room: Room): string {
  const why = room.reason ? ` Reason: ${displayText(room.reason)}` : '';
  switch (room.status) {
    case 'kicked':
      return `You were kicked from this room.${why}`;
    case 'banned':
      return `You were banned from this room.${why}`;
    case 'removed':
      return `You were removed from this room.${why}`;
    case 'destroyed':
      return `This room was closed by its owner.${why}${room.alternate ? ` It moved to ${room.alternate}.` : ''}`;
    case 'left':
      return 'You left this room.';
    default:
      return '';
  }
}

/** Occupant groups in the order shown, with their headings. */
export const ROLE_GROUPS: ReadonlyArray<{ role: MucRole; heading: string }> = [
  { role: 'moderator', heading: 'Moderators' },
  { role: 'participant', heading: 'Participants' },
  { role: 'visitor', heading: 'Visitors' },
];

export const OCCUPANT_SHOW_WORDS: Record<Occupant['show'], string> = {
  available: 'Available',
  chat: 'Free to chat',
  away: 'Away',
  xa: 'Not available',
  dnd: 'Busy',
};

const nickOrder = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export type OccupantRow =
  | { kind: 'heading'; key: string; role: MucRole; heading: string; count: number; collapsed: boolean }
  | { kind: 'occupant'; key: string; occupant: Occupant };

/**
 * The occupant list's rows: a heading per role with occupants (moderators, participants, visitors), then
 * its occupants by nick unless collapsed. One pass to group, one sort per group: O(n log n).
 */
export function occupantRows(occupants: Iterable<Occupant>, collapsed: ReadonlySet<MucRole>): OccupantRow[] {
  const byRole = new Map<MucRole, Occupant[]>();
  for (const o of occupants) {
    const list = byRole.get(o.role);
    if (list) list.push(o);
    else byRole.set(o.role, [o]);
  }
  const rows: OccupantRow[] = [];
  for (const { role, heading } of ROLE_GROUPS) {
    const list = byRole.get(role);
    if (!list || list.length === 0) continue;
    const isCollapsed = collapsed.has(role);
    rows.push({
      kind: 'heading',
      key: `h:${role}`,
      role,
      heading,
      count: list.length,
      collapsed: isCollapsed,
    });
    if (isCollapsed) continue;
    list.sort((a, b) => nickOrder.compare(a.nick, b.nick));
    for (const occupant of list) rows.push({ kind: 'occupant', key: `o:${occupant.nick}`, occupant });
  }
  return rows;
}

/** The nick a room message came from: the resource of its full JID (room@service/nick). */
export function senderNick(peerFull: string): string | null {
  const slash = peerFull.indexOf('/');
  return slash < 0 ? null : peerFull.slice(slash + 1);
}

/**
 * Tab in a room's composer: the word before the caret, if it starts an occupant's nick (not ours, case
 * ignored), becomes that nick, followed by ": " at the start of the message and " " elsewhere. The first
 * match by nick order wins; null when nothing matches (Tab then moves the focus as usual). Linear in the
 * text before the caret and the number of occupants.
 */
export function completeNick(
  text: string,
  caret: number,
  nicks: Iterable<string>,
  ownNick: string,
): { text: string; caret: number } | null {
  let start = caret;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  const prefix = text.slice(start, caret).toLowerCase();
  if (prefix === '') return null;
  let best: string | null = null;
  for (const nick of nicks) {
    if (nick === ownNick || !nick.toLowerCase().startsWith(prefix)) continue;
    if (best === null || nickOrder.compare(nick, best) < 0) best = nick;
  }
  if (best === null) return null;
  const suffix = text.slice(0, start).trim() === '' ? ': ' : ' ';
  const inserted = best + suffix;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}
