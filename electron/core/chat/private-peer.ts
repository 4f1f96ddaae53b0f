// Which conversation a message of type chat/normal belongs to: a 1:1 chat with a bare JID, or a private
// conversation with a room occupant (XEP-0045 §7.5), whose peer is the occupant's full JID room/nick. A
// message is private when its other party has a resource and its bare JID is a room (one we are in now, or
// one whose lines the history holds, so a catch-up after a restart, before any room is joined again, still
// files it right) or, for one we sent (from another device), it carries <x xmlns='…muc#user'/> (what XEP-0045
// asks a private message to carry). An incoming marker alone is not believed: anyone can add one, and each
// resource of theirs would open a conversation of its own, past the strangers' caps.
import { xml, type Element } from '@xmpp/xml';
import type { ConversationKind } from '../../../shared/contract.ts';
import { NS_MUC_USER } from '../muc/muc-user.ts';

/** Whether a bare JID is a room (see the header); called once per message, an indexed lookup at most. */
export type RoomLookup = (bare: string) => boolean;
export const NO_ROOMS: RoomLookup = () => false;

/** Where a message with `bare`/`resource` as its other party is filed: kind, peer and the resource kept. */
export interface FiledPeer {
  kind: Extract<ConversationKind, 'chat' | 'private'>;
  peer: string;
  peerResource: string | null;
}

/** Whether `message` carries the muc#user marker of a private message through a room. */
export function hasMucUserMarker(message: Element | null | undefined): boolean {
  return message?.getChild('x', NS_MUC_USER) !== undefined;
}

export function filePeer(
  bare: string,
  resource: string | null,
  marked: boolean,
  isRoom: RoomLookup,
): FiledPeer {
  if (resource !== null && resource !== '' && (marked || isRoom(bare))) {
    return { kind: 'private', peer: `${bare}/${resource}`, peerResource: null };
  }
  return { kind: 'chat', peer: bare, peerResource: resource };
}

/** The address a stored message of `kind` goes to: an occupant's full JID is its peer. */
export function addressOf(kind: ConversationKind, peer: string, peerResource: string | null): string {
  if (kind === 'private' || peerResource === null) return peer;
  return `${peer}/${peerResource}`;
}

/** XEP-0045 §7.5: a private message says it goes through the room. */
export function mucUserMarker(): Element {
  return xml('x', { xmlns: NS_MUC_USER });
}
