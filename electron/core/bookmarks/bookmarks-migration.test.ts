// The XEP-0402 §5.3 migration, against a scripted server: no real server here leaves the native node empty
// beside legacy bookmarks (Prosody's mod_bookmarks converts them itself when a resource binds; ejabberd 23.01
// offers no #compat), so a rogue server plays one that does: #compat and publish-options advertised, no native node, two
// XEP-0048 conferences in private storage. The engine publishes them as native items with the XEP's node
// options, lists them, and remembers it: the next sign-in, with the node still empty, migrates nothing again.
// The same server then pushes hostile bookmarks: a forged push from another address, and oversized fields.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import type { BookmarkList } from '../../../shared/bookmarks.ts';
import type { EngineEvent } from '../../../shared/contract.ts';
import { rogueClient, rogueServer, watchCrashes } from '../../../e2e/hostile/kit.ts';
import { NS_DISCO_INFO } from '../xmpp/ns.ts';
import {
  NS_BOOKMARKS,
  NS_BOOKMARKS_COMPAT,
  NS_LEGACY_BOOKMARKS,
  NS_PRIVATE,
  NS_PUBSUB,
  NS_PUBSUB_EVENT,
  NS_PUBSUB_PUBLISH_OPTIONS,
} from './bookmark-xml.ts';

const ACCOUNT = 'alice@rogue.test';

describe('bookmarks: the legacy migration and hostile pushes (scripted server)', () => {
  watchCrashes();

  test('an empty native node gets the legacy bookmarks, once; forged and oversized pushes change nothing', async () => {
    const published: Element[] = [];
    const legacyReads: number[] = [];
    const rogue = await rogueServer({
      onIq: (iq, connection) => {
        const { id, type } = iq.attrs;
        const result = (body = '', from = '') =>
          `<iq type='result' id='${id}'${from ? ` from='${from}'` : ''}>${body}</iq>`;
        if (type === 'get' && iq.attrs.to === ACCOUNT && iq.getChild('query', NS_DISCO_INFO)) {
          return result(
            `<query xmlns='${NS_DISCO_INFO}'><identity category='account' type='registered'/>` +
              `<feature var='${NS_BOOKMARKS_COMPAT}'/><feature var='${NS_PUBSUB_PUBLISH_OPTIONS}'/></query>`,
            ACCOUNT,
          );
        }
        const pubsub = iq.getChild('pubsub', NS_PUBSUB);
        if (pubsub?.getChild('items')) {
          return `<iq type='error' id='${id}'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`;
        }
        if (pubsub?.getChild('publish')) {
          published.push(pubsub);
          return result();
        }
        if (type === 'get' && iq.getChild('query', NS_PRIVATE)) {
          legacyReads.push(connection.index);
          return result(
            `<query xmlns='${NS_PRIVATE}'><storage xmlns='${NS_LEGACY_BOOKMARKS}'>` +
              `<conference jid='old@rooms.rogue.test' name='Old' autojoin='false'><nick>oldie</nick></conference>` +
              `<conference jid='pw@rooms.rogue.test' autojoin='0'><password>s3cret</password></conference>` +
              `<conference jid='not a jid' name='Broken'/>` +
              `</storage></query>`,
          );
        }
        return undefined;
      },
    });
    const client = await rogueClient(rogue);
    const changed = async (pred: (l: BookmarkList) => boolean, since = 0) => {
      const event = await client.waitForEvent(
        (e: EngineEvent) =>
          client.events.indexOf(e) >= since && e.event === 'bookmarks.changed' && pred(e.payload),
      );
      return (event as Extract<EngineEvent, { event: 'bookmarks.changed' }>).payload;
    };
    const connection = await client.online();
    const first = await changed((l) => l.storage === 'pep' && l.bookmarks.length > 0);
    assert.deepEqual(first.bookmarks, [
      {
        room: 'old@rooms.rogue.test',
        name: 'Old',
        nick: 'oldie',
        autojoin: false,
        hasPassword: false,
        joinError: null,
      },
      {
        room: 'pw@rooms.rogue.test',
        name: null,
        nick: null,
        autojoin: false,
        hasPassword: true,
        joinError: null,
      },
    ]);
    // Published one item per room, with the XEP's node options, the password kept.
    assert.deepEqual(
      published.map((p) => p.getChild('publish')?.getChild('item')?.attrs.id),
      ['old@rooms.rogue.test', 'pw@rooms.rogue.test'],
    );
    const options = published[0]!.getChild('publish-options')?.getChild('x')?.getChildren('field') ?? [];
    const option = (name: string) => options.find((f) => f.attrs.var === name)?.getChildText('value');
    assert.deepEqual(
      [option('pubsub#access_model'), option('pubsub#persist_items'), option('pubsub#max_items')],
      ['whitelist', 'true', 'max'],
    );
    assert.equal(
      published[1]!
        .getChild('publish')
        ?.getChild('item')
        ?.getChild('conference', NS_BOOKMARKS)
        ?.getChildText('password'),
      's3cret',
    );

    // Pushes: one from another address (dropped), then ours with an over-long nick (kept without it).
    const event = (from: string, item: string) =>
      `<message from='${from}' to='${connection.jid}' type='headline'><event xmlns='${NS_PUBSUB_EVENT}'>` +
      `<items node='${NS_BOOKMARKS}'>${item}</items></event></message>`;
    const since = client.events.length;
    connection.send(
      event(
        'mallory@rogue.test',
        `<item id='evil@rooms.rogue.test'><conference xmlns='${NS_BOOKMARKS}' autojoin='true'/></item>`,
      ),
    );
    connection.send(event(`${ACCOUNT}/other`, `<retract id='old@rooms.rogue.test'/>`)); // a full JID: not the account's PEP
    connection.send(
      event(
        ACCOUNT,
        `<item id='new@rooms.rogue.test'><conference xmlns='${NS_BOOKMARKS}' name='${'N'.repeat(5000)}'>` +
          `<nick>${'x'.repeat(5000)}</nick></conference></item>`,
      ),
    );
    const pushed = await changed((l) => l.bookmarks.some((b) => b.room === 'new@rooms.rogue.test'), since);
    assert.deepEqual(
      pushed.bookmarks.map((b) => b.room),
      ['new@rooms.rogue.test', 'old@rooms.rogue.test', 'pw@rooms.rogue.test'],
      'the forged item and retraction changed nothing',
    );
    const added = pushed.bookmarks[0]!;
    assert.deepEqual([added.name?.length, added.nick], [256, null], 'the name cut, the nick dropped');

    // Signed in again with the node still empty: the migration is not done twice.
    assert.deepEqual(legacyReads, [0]);
    assert.ok((await client.engine.invoke('account.signOut', { account: ACCOUNT })).ok);
    const again = client.events.length;
    await client.online();
    await changed((l) => l.storage === 'pep', again);
    assert.deepEqual(legacyReads, [0], 'the legacy storage is not read again');
    assert.equal(published.length, 2);
  });
});
