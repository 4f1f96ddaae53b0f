// The rooms the muc bench joins, played by an external component (XEP-0114) on its own domain, the way a
// MUC service would: it answers a room's disco#info and, to our join presence, sends the occupants'
// presences and then our self-presence (status 110); later it says room lines from those occupants. (A real
// room of 5,000 needs 5,000 joins, and its service broadcasts each to all the others: O(n²) stanzas to make
// the room, which would measure the service.) Every time is epoch ms (performance.timeOrigin + now), the
// clock the page uses too.
import { xml } from '@xmpp/xml';
import type { ComponentClient } from '../../e2e/harness/component.ts';

export const epochNow = (): number => performance.timeOrigin + performance.now();

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function occupantPresence(room: string, to: string, nick: string, self = false, status = ''): string {
  const statuses = self ? '<status code="110"/>' : '';
  return (
    `<presence from="${escape(`${room}/${nick}`)}" to="${escape(to)}">` +
    (status ? `<show>away</show><status>${escape(status)}</status>` : '') +
    `<x xmlns="http://jabber.org/protocol/muc#user"><item affiliation="none" role="participant"/>${statuses}</x>` +
    '</presence>'
  );
}

/** A room line from occupant `nick`, stamped with the room's stanza-id as a MUC service does. */
export function roomLine(room: string, to: string, nick: string, id: string, body: string): string {
  return (
    `<message from="${escape(`${room}/${nick}`)}" to="${escape(to)}" type="groupchat" id="${escape(id)}">` +
    `<body>${escape(body)}</body><stanza-id xmlns="urn:xmpp:sid:0" by="${escape(room)}" id="${escape(id)}"/>` +
    '</message>'
  );
}

export interface PlayedRoom {
  /** Our full JID, as the join presence came from. */
  who: string;
  nick: string;
  /** Epoch ms just after the last occupant presence and the self-presence were written to the server. */
  lastPresenceSentAt: number;
}

/**
 * Plays `room`: answers disco#info, and a join with `occupants` occupants (nicks `prefix0`...) then the
 * self-presence. Start it before the join is asked for.
 */
export async function playRoom(
  component: ComponentClient,
  room: string,
  prefix: string,
  occupants: number,
): Promise<PlayedRoom> {
  const disco = await component.waitFor(
    (s) =>
      s.is('iq') &&
      s.attrs.to === room &&
      s.attrs.type === 'get' &&
      s.getChild('query', 'http://jabber.org/protocol/disco#info') !== undefined,
    60_000,
  );
  component.send(
    xml(
      'iq',
      { type: 'result', id: disco.attrs.id, from: room, to: disco.attrs.from },
      xml(
        'query',
        { xmlns: 'http://jabber.org/protocol/disco#info' },
        xml('identity', { category: 'conference', type: 'text', name: 'bench' }),
        xml('feature', { var: 'http://jabber.org/protocol/muc' }),
      ),
    ).toString(),
  );
  const joinPresence = await component.waitFor(
    (s) => s.is('presence') && (s.attrs.to ?? '').startsWith(`${room}/`),
    60_000,
  );
  const who = joinPresence.attrs.from!;
  const nick = joinPresence.attrs.to!.slice(room.length + 1);
  const stanzas = Array.from({ length: occupants }, (_, i) => occupantPresence(room, who, `${prefix}${i}`));
  stanzas.push(occupantPresence(room, who, nick, true));
  await component.sendAll(stanzas, 200);
  return { who, nick, lastPresenceSentAt: epochNow() };
}

/** `count` room lines from the room's occupants (nicks `prefix0`... `prefix{occupants-1}`), bodies by `bodyOf`. */
export function roomFlood(
  room: string,
  to: string,
  prefix: string,
  occupants: number,
  count: number,
  bodyOf: (n: number) => string,
): string[] {
  return Array.from({ length: count }, (_, i) =>
    roomLine(room, to, `${prefix}${i % occupants}`, `${room}-${i + 1}`, bodyOf(i + 1)),
  );
}
