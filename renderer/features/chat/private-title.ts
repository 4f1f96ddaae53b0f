// A private conversation's peer (an occupant's full JID room@service/nick) in words. Pure, for the tab, the
// view's header, search hits and tests.
import { displayText } from '../../text/display-text.ts';
import { roomName } from '../rooms/room-words.ts';

/** The room and the nick of a private conversation's peer (room/nick); null for any other JID. */
export function splitOccupant(peer: string): { room: string; nick: string } | null {
  const slash = peer.indexOf('/');
  if (slash <= 0 || slash === peer.length - 1) return null;
  return { room: peer.slice(0, slash), nick: peer.slice(slash + 1) };
}

/** "bea (in lounge)": the nick is remote text, tamed. */
export function privateChatTitle(peer: string): string {
  const occupant = splitOccupant(peer);
  return occupant ? `${displayText(occupant.nick)} (in ${roomName(occupant.room)})` : peer;
}
