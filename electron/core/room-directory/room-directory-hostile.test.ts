// Room discovery against a hostile room service, played by a scripted server: a directory that never ends
// (every page says there is more, with 5,000-character names and bogus JIDs) is read up to
// MAX_DIRECTORY_ROOMS and no further; a room's disco#info with a 50 kB description and a bogus occupant
// count is cut to bounds. A directory that repeats its rooms under a new <last/> each page, or adds one room
// per page forever, is walked a bounded number of pages. Rooms (and server items) that never answer their
// disco#info are given INFO_TIMEOUT_MS, not the IQ tracker's 30 s. Nothing crashes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { MAX_DIRECTORY_ROOMS, MAX_ROOM_DESCRIPTION_CHARS } from '../../../shared/room-directory.ts';
import { rogueClient, rogueServer, watchCrashes } from '../../../e2e/hostile/kit.ts';
import { NS_DATA, NS_DISCO_INFO, NS_RSM } from '../xmpp/ns.ts';
import { MAX_DIRECTORY_PAGES } from './room-directory-module.ts';
import { NS_DISCO_ITEMS } from './room-directory-xml.ts';

const SERVICE = 'rooms.rogue.test';

/**
 * A rogue server whose conference service (RSM-paged) answers its n-th disco#items page with `page(n)`'s
 * items (and a fresh <last/>); `onOther` answers anything else (undefined: the rogue server's default).
 */
async function pagingService(
  page: (n: number) => string,
  onOther: (iq: Element) => string | 'ignore' | undefined = () => undefined,
) {
  let pages = 0;
  const rogue = await rogueServer({
    onIq: (iq) => {
      const { id, to } = iq.attrs;
      const reply = (body: string) => `<iq type='result' id='${id}' from='${to}'>${body}</iq>`;
      const other = onOther(iq);
      if (other !== undefined) return other;
      if (iq.getChild('query', NS_DISCO_ITEMS) && to === 'rogue.test') {
        return reply(`<query xmlns='${NS_DISCO_ITEMS}'><item jid='${SERVICE}'/></query>`);
      }
      if (iq.getChild('query', NS_DISCO_INFO) && to === SERVICE) {
        return reply(
          `<query xmlns='${NS_DISCO_INFO}'><identity category='conference' type='text'/>` +
            `<feature var='${NS_RSM}'/></query>`,
        );
      }
      if (iq.getChild('query', NS_DISCO_ITEMS) && to === SERVICE) {
        pages++;
        return reply(
          `<query xmlns='${NS_DISCO_ITEMS}'>${page(pages)}<set xmlns='${NS_RSM}'><last>p${pages}</last></set></query>`,
        );
      }
      return undefined;
    },
  });
  const client = await rogueClient(rogue);
  await client.online();
  return { client, pages: () => pages };
}

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

  test('a service that repeats its rooms under a new <last/> each page is asked twice', async () => {
    const rooms = Array.from({ length: 10 }, (_, i) => `<item jid='same${i}@${SERVICE}'/>`).join('');
    const { client, pages } = await pagingService(() => rooms);
    const listing = await client.engine.invoke('rooms.directory', { account: client.account });
    assert.ok(listing.ok, JSON.stringify(listing));
    assert.equal(listing.value.rooms.length, 10);
    assert.equal(pages(), 2, 'the second page added no room: the walk ends there');
  });

  test('a service that adds one room per page, forever, is walked MAX_DIRECTORY_PAGES pages', async () => {
    const { client, pages } = await pagingService((n) => `<item jid='one${n}@${SERVICE}'/>`);
    const listing = await client.engine.invoke('rooms.directory', { account: client.account });
    assert.ok(listing.ok, JSON.stringify(listing));
    assert.equal(pages(), MAX_DIRECTORY_PAGES);
    assert.equal(listing.value.rooms.length, MAX_DIRECTORY_PAGES);
  });

  test('rooms and server items that never answer disco#info: the row says so, the service is still found', async () => {
    const silent = (jid: string | undefined) => jid === 'quiet.rogue.test' || jid?.startsWith('mute');
    const { client } = await pagingService(
      () => '',
      (iq) => {
        const { id, to } = iq.attrs;
        if (iq.getChild('query', NS_DISCO_INFO) && silent(to)) return 'ignore';
        if (iq.getChild('query', NS_DISCO_ITEMS) && to === 'rogue.test') {
          // A silent item before the service: the lookup must not wait 30 s on it.
          return (
            `<iq type='result' id='${id}' from='rogue.test'><query xmlns='${NS_DISCO_ITEMS}'>` +
            `<item jid='quiet.rogue.test'/><item jid='${SERVICE}'/></query></iq>`
          );
        }
        if (iq.getChild('query', NS_DISCO_INFO) && to?.endsWith(`@${SERVICE}`)) {
          return (
            `<iq type='result' id='${id}' from='${to}'><query xmlns='${NS_DISCO_INFO}'>` +
            `<identity category='conference' type='text' name='Talks'/></query></iq>`
          );
        }
        return undefined;
      },
    );
    const listing = await client.engine.invoke('rooms.directory', { account: client.account });
    assert.ok(listing.ok, JSON.stringify(listing));
    assert.equal(listing.value.service, SERVICE);
    const info = await client.engine.invoke('rooms.directoryInfo', {
      account: client.account,
      rooms: [`mute1@${SERVICE}`, `talks@${SERVICE}`, `mute2@${SERVICE}`],
    });
    assert.ok(info.ok, JSON.stringify(info));
    // Our own short timeout's words, not the IQ tracker's (30 s): the batch did not wait for that one.
    assert.deepEqual(
      info.value.rooms.map((r) => [r.jid, r.name, r.error]),
      [
        [`mute1@${SERVICE}`, null, 'It did not answer in time.'],
        [`talks@${SERVICE}`, 'Talks', null],
        [`mute2@${SERVICE}`, null, 'It did not answer in time.'],
      ],
    );
  });
});
