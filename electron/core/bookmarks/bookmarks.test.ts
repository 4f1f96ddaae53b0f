// Bookmarks against a real server, twice per server: as it comes (Prosody 0.12 without mod_bookmarks and
// ejabberd 23.01 advertise no urn:xmpp:bookmarks:1#compat: XEP-0048 private storage is used) and, on Prosody,
// with mod_bookmarks (#compat: XEP-0402 PEP items, pushed to the account's other devices). What the engine
// writes is read back by another session of the account; what another device writes reaches the engine; a
// stranger's forged push changes nothing; autojoin bookmarks are joined at sign-in, and live.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import type { EngineEvent } from '../../../shared/contract.ts';
import type { BookmarkList } from '../../../shared/bookmarks.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { openRawSession, type RawSession } from '../../../e2e/harness/raw-session.ts';
import { useServerScenario, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { createConfiguredRoom, roomState } from '../muc/muc-test-kit.ts';
import {
  NS_BOOKMARKS,
  NS_LEGACY_BOOKMARKS,
  NS_PRIVATE,
  NS_PUBSUB,
  NS_PUBSUB_EVENT,
  itemsRequest,
  legacyGetRequest,
  publishRequest,
  type StoredBookmark,
} from './bookmark-xml.ts';

for (const native of [false, true]) {
  // ejabberd ignores the Prosody module option: both of its passes use private storage.
  const storage = native && serverKind() === 'prosody' ? 'pep' : 'private';
  describe(`bookmarks against ${serverKind()}${native ? ' with mod_bookmarks' : ''} (${storage})`, () => {
    const scenario = useServerScenario(native ? { prosody: { extraModules: ['bookmarks'] } } : {});

    const list = async (client: EngineClient): Promise<BookmarkList> => {
      const answer = await client.engine.invoke('bookmarks.list', { account: client.account });
      assert.ok(answer.ok, JSON.stringify(answer));
      return answer.value;
    };
    const changed = async (client: EngineClient, since: number, pred: (l: BookmarkList) => boolean) => {
      const event = await client.waitForEvent(
        (e: EngineEvent, i) => i >= since && e.event === 'bookmarks.changed' && pred(e.payload),
        20_000,
      );
      return (event as Extract<EngineEvent, { event: 'bookmarks.changed' }>).payload;
    };
    const loaded = (client: EngineClient) => changed(client, 0, (l) => l.storage !== 'not-loaded');
    /** The conferences the server holds for the account, read by another session of it. */
    const onServer = async (raw: RawSession): Promise<Map<string, Element>> => {
      const found = new Map<string, Element>();
      if (storage === 'pep') {
        const reply = await raw.iq.request('get', null, itemsRequest()).catch(() => null);
        for (const item of reply?.getChild('pubsub')?.getChild('items')?.getChildren('item') ?? [])
          found.set(item.attrs.id!, item.getChild('conference', NS_BOOKMARKS)!);
      } else {
        const reply = await raw.iq.request('get', null, legacyGetRequest());
        const stored = reply.getChild('query', NS_PRIVATE)?.getChild('storage', NS_LEGACY_BOOKMARKS);
        for (const c of stored?.getChildren('conference') ?? []) found.set(c.attrs.jid!, c);
      }
      return found;
    };
    const device = (acc: ScenarioAccount, resource: string) => openRawSession(scenario.server, acc, resource);
    /** A bookmark written by another device: a PEP publish, or the whole private storage replaced. */
    const writeFromDevice = async (raw: RawSession, bookmarks: StoredBookmark[]): Promise<void> => {
      if (storage === 'pep') {
        for (const b of bookmarks) await raw.iq.request('set', null, publishRequest(b));
        return;
      }
      const conferences = bookmarks.map((b) =>
        xml(
          'conference',
          { jid: b.room, ...(b.name ? { name: b.name } : {}), autojoin: String(b.autojoin) },
          b.nick ? xml('nick', {}, b.nick) : null,
          b.password ? xml('password', {}, b.password) : null,
        ),
      );
      await raw.iq.request(
        'set',
        null,
        xml('query', { xmlns: NS_PRIVATE }, xml('storage', { xmlns: NS_LEGACY_BOOKMARKS }, ...conferences)),
      );
    };

    test('set, list and remove: the server holds what the engine wrote; the password never leaves main', async () => {
      const acc = await scenario.account('bm-set');
      const me = await scenario.engine(acc);
      assert.equal((await loaded(me)).storage, storage);
      const room = scenario.room('den');
      const set = await me.engine.invoke('bookmarks.set', {
        account: acc.jid,
        room,
        name: 'The Den',
        nick: 'alice',
        password: 'secret-pw',
        autojoin: true,
      });
      assert.ok(set.ok, JSON.stringify(set));
      const listed = await list(me);
      assert.deepEqual(listed.bookmarks, [
        { room, name: 'The Den', nick: 'alice', autojoin: true, hasPassword: true, joinError: null },
      ]);
      assert.ok(!JSON.stringify(me.events).includes('secret-pw'), 'no event carries the password');

      const other = await device(acc, 'laptop');
      try {
        const conference = (await onServer(other)).get(room);
        assert.ok(conference, 'stored on the server');
        assert.equal(conference.attrs.name, 'The Den');
        assert.equal(conference.attrs.autojoin, 'true');
        assert.equal(conference.getChildText('nick'), 'alice');
        assert.equal(conference.getChildText('password'), 'secret-pw');

        // Changing autojoin keeps the password (none given), and the name.
        const since = me.events.length;
        assert.ok((await me.engine.invoke('bookmarks.set', { account: acc.jid, room, autojoin: false })).ok);
        const after = await changed(me, since, (l) =>
          l.bookmarks.some((b) => b.room === room && !b.autojoin),
        );
        assert.deepEqual(after.bookmarks[0], { ...listed.bookmarks[0], autojoin: false });
        assert.equal((await onServer(other)).get(room)?.getChildText('password'), 'secret-pw');

        assert.ok((await me.engine.invoke('bookmarks.remove', { account: acc.jid, room })).ok);
        assert.deepEqual((await list(me)).bookmarks, []);
        assert.equal((await onServer(other)).has(room), false, 'gone from the server');
      } finally {
        await other.session.close();
      }
    });

    test('two bookmarks set at once are both kept (private storage: each write replaces the whole storage)', async () => {
      const acc = await scenario.account('bm-race');
      const me = await scenario.engine(acc);
      await loaded(me);
      const rooms = [scenario.room('race-a'), scenario.room('race-b'), scenario.room('race-c')];
      const sets = await Promise.all(
        rooms.map((room) => me.engine.invoke('bookmarks.set', { account: acc.jid, room, autojoin: false })),
      );
      assert.ok(
        sets.every((s) => s.ok),
        JSON.stringify(sets),
      );
      // A fresh sign-in reads them back from the server.
      await me.signOut();
      const since = me.events.length;
      await me.signIn();
      const fresh = await changed(me, since, (l) => l.storage !== 'not-loaded');
      assert.deepEqual(
        fresh.bookmarks.map((b) => b.room),
        [...rooms].sort(),
      );
    });

    test("another device's bookmarks: read at sign-in, and (native) pushed live; a stranger's push is dropped", async () => {
      const acc = await scenario.account('bm-sync');
      const phone = await device(acc, 'phone');
      const early = scenario.room('early');
      await writeFromDevice(phone, [
        { room: early, name: 'Early', nick: null, autojoin: false, password: null },
      ]);
      const me = await scenario.engine(acc);
      const first = await loaded(me);
      assert.deepEqual(
        first.bookmarks.map((b) => [b.room, b.name]),
        [[early, 'Early']],
      );
      if (storage !== 'pep') {
        await phone.session.close();
        return; // private storage sends no pushes: the next sign-in reads it again
      }
      // A forged push from a stranger to our full JID, then one round trip of theirs so it was routed first.
      const stranger = await scenario.account('bm-stranger');
      const evil = await device(stranger, 'evil');
      const forged = scenario.room('forged');
      await evil.session.send(
        xml(
          'message',
          { to: me.jid!, type: 'headline' },
          xml(
            'event',
            { xmlns: NS_PUBSUB_EVENT },
            xml(
              'items',
              { node: NS_BOOKMARKS },
              xml('item', { id: forged }, xml('conference', { xmlns: NS_BOOKMARKS, autojoin: 'true' })),
              xml('retract', { id: early }),
            ),
          ),
        ),
      );
      await evil.iq.request('get', null, xml('ping', { xmlns: 'urn:xmpp:ping' }));

      const live = scenario.room('live');
      const since = me.events.length;
      await writeFromDevice(phone, [
        { room: live, name: 'Live', nick: 'a', autojoin: false, password: null },
      ]);
      const pushed = await changed(me, since, (l) => l.bookmarks.some((b) => b.room === live));
      assert.deepEqual(
        pushed.bookmarks.map((b) => b.room).sort(),
        [early, live].sort(),
        'the forged push changed nothing',
      );

      const retracted = me.events.length;
      await phone.iq.request(
        'set',
        null,
        xml(
          'pubsub',
          { xmlns: NS_PUBSUB },
          xml('retract', { node: NS_BOOKMARKS, notify: 'true' }, xml('item', { id: early })),
        ),
      );
      const gone = await changed(me, retracted, (l) => !l.bookmarks.some((b) => b.room === early));
      assert.deepEqual(
        gone.bookmarks.map((b) => b.room),
        [live],
      );
      await evil.session.close();
      await phone.session.close();
    });

    test('legacy (XEP-0048) bookmarks an older client left are listed, and end up where the engine keeps them', async () => {
      const acc = await scenario.account('bm-legacy');
      const old = await device(acc, 'old-client');
      const room = scenario.room('legacy');
      await old.iq.request(
        'set',
        null,
        xml(
          'query',
          { xmlns: NS_PRIVATE },
          xml(
            'storage',
            { xmlns: NS_LEGACY_BOOKMARKS },
            xml('conference', { jid: room, name: 'Old room', autojoin: 'false' }, xml('nick', {}, 'oldnick')),
            xml('url', { name: 'kept', url: 'https://example.com/' }),
          ),
        ),
      );
      const me = await scenario.engine(acc);
      const first = await loaded(me);
      assert.deepEqual(first.bookmarks, [
        { room, name: 'Old room', nick: 'oldnick', autojoin: false, hasPassword: false, joinError: null },
      ]);
      if (storage === 'private') {
        // A write replaces the whole storage: what else an older client kept there stays.
        assert.ok(
          (
            await me.engine.invoke('bookmarks.set', {
              account: acc.jid,
              room: scenario.room('new'),
              autojoin: false,
            })
          ).ok,
        );
        const reply = await old.iq.request('get', null, legacyGetRequest());
        const kept = reply.getChild('query', NS_PRIVATE)?.getChild('storage', NS_LEGACY_BOOKMARKS);
        assert.equal(kept?.getChildren('url').length, 1, 'the URL bookmark is kept');
        assert.equal(kept?.getChildren('conference').length, 2);
      } else {
        assert.ok((await onServer(old)).has(room), 'a native item now');
      }
      await old.session.close();
    });

    test('autojoin: joined at sign-in with the bookmark nick; a refused one says why; a new one from another device is joined live', async () => {
      const acc = await scenario.account('bm-auto');
      const owner = await scenario.account('bm-owner');
      const open = scenario.room('auto');
      const locked = scenario.room('locked');
      const ownerRoom = await createConfiguredRoom(scenario.server, owner, locked, {
        'muc#roomconfig_passwordprotectedroom': '1',
        'muc#roomconfig_roomsecret': 'right',
      });
      const phone = await device(acc, 'phone');
      await writeFromDevice(phone, [
        { room: open, name: 'Auto', nick: 'autonick', autojoin: true, password: null },
        { room: locked, name: 'Locked', nick: null, autojoin: true, password: 'wrong' },
      ]);
      const me = await scenario.engine(acc);
      const joined = await roomState(me, open, (r) => r.status === 'joined');
      assert.equal(joined.nick, 'autonick');
      const refused = await changed(me, 0, (l) => l.bookmarks.some((b) => b.room === locked && b.joinError));
      assert.match(refused.bookmarks.find((b) => b.room === locked)!.joinError!, /password/i);

      // Signed out and in again: joined again (a fresh sign-in has no rooms of its own to rejoin).
      await me.signOut();
      const since = me.events.length;
      await me.signIn();
      await roomState(me, open, (r) => r.status === 'joined', since);

      if (storage === 'pep') {
        const later = scenario.room('later');
        const before = me.events.length;
        await writeFromDevice(phone, [
          { room: later, name: null, nick: null, autojoin: true, password: null },
        ]);
        const live = await roomState(me, later, (r) => r.status === 'joined', before);
        assert.equal(live.nick, acc.user, 'the localpart when the bookmark names no nick');
      }
      await phone.session.close();
      await ownerRoom.session.close();
    });
  });
}
