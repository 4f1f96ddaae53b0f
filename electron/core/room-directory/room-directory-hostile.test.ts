// Room discovery against a hostile room service, played by a scripted server: a directory that never ends
// (every page says there is more, with 5,000-character names and bogus JIDs) is read up to
// MAX_DIRECTORY_ROOMS and no further; a room's disco#info with a 50 kB description and a bogus occupant
// count is cut to bounds. Nothing crashes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DIRECTORY_ROOMS, MAX_ROOM_DESCRIPTION_CHARS } from '../../../shared/room-directory.ts';
import { rogueClient, rogueServer, watchCrashes } from '../../../e2e/hostile/kit.ts';
import { NS_DATA, NS_DISCO_INFO, NS_RSM } from '../xmpp/ns.ts';
import { NS_DISCO_ITEMS } from './room-directory-xml.ts';

const SERVICE = 'rooms.rogue.test';

describe('room discovery: a hostile room service (scripted server)', () => {
  watchCrashes();

  test('an endless directory stops at the bound; oversized room info is cut', async () => {
    let pages = 0;
    const rogue = await rogueServer({
      onIq: (iq) => {
        const { id, to } = iq.attrs;
        const reply = (body: string) => `<iq type='result' id='${id}' from='${to}'>${body}</iq>`;
        if (iq.getChild('query', NS_DISCO_ITEMS) && to === 'rogue.test') {
          return reply(
            `<query xmlns='${NS_DISCO_ITEMS}'><item jid='${SERVICE}'/><item jid='pubsub.rogue.test'/></query>`,
          );
        }
        if (iq.getChild('query', NS_DISCO_INFO) && to === SERVICE) {
          return reply(
            `<query xmlns='${NS_DISCO_INFO}'><identity category='conference' type='text'/>` +
              `<feature var='${NS_RSM}'/></query>`,
          );
        }
        if (iq.getChild('query', NS_DISCO_ITEMS) && to === SERVICE) {
          pages++;
          const items = Array.from(
            { length: 150 },
            (_, i) => `<item jid='r${pages}-${i}@${SERVICE}' name='${'n'.repeat(5000)}'/>`,
          ).join('');
          return reply(
            `<query xmlns='${NS_DISCO_ITEMS}'>${items}<item jid='not a jid'/>` +
              `<set xmlns='${NS_RSM}'><last>p${pages}</last><count>999999</count></set></query>`,
          );
        }
        if (iq.getChild('query', NS_DISCO_INFO) && to?.endsWith(`@${SERVICE}`)) {
          return reply(
            `<query xmlns='${NS_DISCO_INFO}'><identity category='conference' type='text' name='Big'/>` +
              `<feature var='muc_passwordprotected'/><x xmlns='${NS_DATA}' type='result'>` +
              `<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roominfo</value></field>` +
              `<field var='muc#roominfo_description'><value>${'d'.repeat(50_000)}</value></field>` +
              `<field var='muc#roominfo_occupants'><value>-12e99</value></field></x></query>`,
          );
        }
        return undefined;
      },
    });
    const client = await rogueClient(rogue);
    await client.online();
    const listing = await client.engine.invoke('rooms.directory', { account: client.account });
    assert.ok(listing.ok, JSON.stringify(listing));
    assert.equal(listing.value.service, SERVICE, 'the conference service, not the pubsub one');
    // Every page says there is more: the walk stops once MAX_DIRECTORY_ROOMS are listed (7 pages of 150).
    assert.equal(pages, Math.ceil(MAX_DIRECTORY_ROOMS / 150));
    assert.equal(listing.value.rooms.length, MAX_DIRECTORY_ROOMS);
    assert.equal(listing.value.more, 999_999 - MAX_DIRECTORY_ROOMS, 'the rest counted, as the service says');
    assert.ok(listing.value.rooms.every((r) => r.name?.length === 256 && r.jid.endsWith(`@${SERVICE}`)));

    const info = await client.engine.invoke('rooms.directoryInfo', {
      account: client.account,
      rooms: [listing.value.rooms[0]!.jid],
    });
    assert.ok(info.ok);
    const [room] = info.value.rooms;
    assert.deepEqual(
      [room!.name, room!.description?.length, room!.occupants, room!.passwordProtected],
      ['Big', MAX_ROOM_DESCRIPTION_CHARS, null, true],
    );
  });
});
