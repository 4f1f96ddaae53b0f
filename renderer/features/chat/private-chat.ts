// Private messages with a room occupant (XEP-0045 §7.5): a conversation of kind 'private' whose peer is the
// occupant's full JID room@service/nick. Opened from an occupant's menu, or by an incoming private message.
import { openChat } from '../../stores/actions.ts';
import { conversationId } from '../../stores/conversation.ts';

/** The conversationId of the private conversation with `nick` in `room` on `account`. */
export function privateChatId(account: string, room: string, nick: string): string {
  return conversationId({ account, kind: 'private', peer: `${room}/${nick}` });
}

/** The room and the nick of a private conversation's peer (room@service/nick); null for any other JID. */
export function splitOccupant(peer: string): { room: string; nick: string } | null {
  const slash = peer.indexOf('/');
  if (slash <= 0 || slash === peer.length - 1) return null;
  return { room: peer.slice(0, slash), nick: peer.slice(slash + 1) };
}

/** Opens (or shows) the private conversation with `nick` in `room`, with its history, composer focused. */
export function openPrivateChat(account: string, room: string, nick: string): void {
  openChat(privateChatId(account, room, nick));
}
