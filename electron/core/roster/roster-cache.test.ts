// The roster across sign-ins, end to end against a real Prosody 0.12: versioning (RFC 6121 §2.6) with the
// roster cached on disk, and the roster on screen while a sign-in is still connecting.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../../shared/contract.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { snapshot, waitContact } from '../../../e2e/harness/scenario.ts';
import { NS_ROSTER } from './roster.ts';
import {
  addContact,
  contact,
  rosterFetch,
  sortByJid,
  useRosterSuite,
  waitRemoved,
  wire,
} from './roster-test-kit.ts';

describe('roster across sign-ins (RFC 6121 §2.6)', () => {
  const suite = useRosterSuite();
  const { scenario, contactJid, tempDir } = suite;
  const { account, engine } = scenario;

  test('roster versioning: a re-sign-in with the same data dir sends the cached ver and uses the cache', async () => {
    const alice = await account('alice');
    const dataDir = await tempDir();
    const bob = contactJid('bob');
    const carol = contactJid('carol');

    const first = await engine(alice, { dataDir });
    // The very first fetch has no cache: RFC 6121 §2.6.2 says send ver="" to ask for versioning.
    const firstFetch = rosterFetch(first.jid!, 0);
    assert.equal(firstFetch.request.getChild('query', NS_ROSTER)!.attrs.ver, '');
    assert.ok(firstFetch.reply.getChild('query', NS_ROSTER), 'the first fetch must return the full roster');

    await addContact(first, bob, { name: 'Bob', groups: ['Team'] });
    await addContact(first, carol);
    // The version the server stamped on the last push is what must be cached.
    const lastPush = wire
      .filter(
        (e) =>
          e.jid === first.jid && e.dir === 'in' && e.stanza.name === 'iq' && e.stanza.attrs.type === 'set',
      )
      .map((e) => e.stanza.getChild('query', NS_ROSTER))
      .findLast((q) => q?.getChild('item')?.attrs.jid === carol);
    const cachedVer = lastPush?.attrs.ver;
    assert.ok(cachedVer, 'Prosody stamps roster pushes with a version');
    await first.dispose(); // sign out; the cache is flushed to dataDir

    const mark = wire.length;
    const second = await engine(alice, { dataDir });
    assert.equal(second.jid, first.jid, 'same data dir, same resource');
    const { request, reply } = rosterFetch(second.jid!, mark);
    assert.equal(
      request.getChild('query', NS_ROSTER)!.attrs.ver,
      cachedVer,
      'the fetch carries the cached version',
    );
    assert.equal(reply.attrs.type, 'result');
    assert.equal(
      reply.getChild('query', NS_ROSTER),
      undefined,
      'the server answered "your copy is current" (empty result)',
    );

    const expected = sortByJid([contact(bob, 'Bob', ['Team']), contact(carol, null, [])]);
    const reset = await second.waitForEvent((e) => e.event === 'roster.changed' && e.payload.reset);
    assert.equal(reset.event, 'roster.changed');
    assert.deepEqual(sortByJid(reset.payload.upserts), expected, 'the roster came complete from the cache');
    assert.deepEqual(sortByJid((await snapshot(second)).roster), expected);
    second.engine.flushEvents();
    assert.equal(
      second.events.filter((e) => e.event === 'roster.changed' && e.payload.reset).length,
      1,
      'shown once: before the answer, which then changed nothing',
    );
  });

  test('roster versioning: a change made by another session while signed out arrives on re-sign-in', async () => {
    const alice = await account('alice');
    const dataDir = await tempDir();
    const bob = contactJid('bob');
    const carol = contactJid('carol');
    const dave = contactJid('dave');

    const first = await engine(alice, { dataDir });
    await addContact(first, bob, { name: 'Bob' });
    await addContact(first, dave, { name: 'Dave' });
    await first.dispose();

    // Meanwhile another device (a second engine, its own data dir) adds, renames and removes.
    const other = await engine(alice);
    assert.notEqual(other.jid, first.jid);
    await addContact(other, carol, { name: 'Carol', groups: ['New'] });
    let since = other.events.length;
    assert.ok(
      (await other.engine.invoke('roster.update', { account: other.account, jid: bob, name: 'Robert' })).ok,
    );
    await waitContact(other, since, bob, (c) => c.name === 'Robert');
    since = other.events.length;
    assert.ok((await other.engine.invoke('roster.remove', { account: other.account, jid: dave })).ok);
    await waitRemoved(other, since, dave);
    await other.signOut();

    const mark = wire.length;
    const again = await engine(alice, { dataDir });
    const { request, reply } = rosterFetch(again.jid!, mark);
    assert.notEqual(request.getChild('query', NS_ROSTER)!.attrs.ver, '', 'the cached version was sent');
    assert.ok(
      reply.getChild('query', NS_ROSTER),
      'the cached version was stale, so the server sent the roster',
    );

    const expected = sortByJid([contact(bob, 'Robert', []), contact(carol, 'Carol', ['New'])]);
    await again.waitForEvent((e) => e.event === 'roster.changed' && e.payload.reset);
    again.engine.flushEvents();
    const resets = again.events.flatMap((e) =>
      e.event === 'roster.changed' && e.payload.reset ? [sortByJid(e.payload.upserts)] : [],
    );
    // The cached roster is shown at once, before the server answers; the server's full answer replaces it.
    assert.deepEqual(resets, [sortByJid([contact(bob, 'Bob', []), contact(dave, 'Dave', [])]), expected]);
    assert.deepEqual(sortByJid((await snapshot(again)).roster), expected);
  });

  test('the roster is on screen while connecting: the cached one before the server lets us in, a first one once fetched', async () => {
    const alice = await account('alice');
    const dataDir = await tempDir();
    const bob = contactJid('bob');
    const connecting = (e: EngineEvent): e is Extract<EngineEvent, { event: 'connection.state' }> =>
      e.event === 'connection.state' && e.payload.status === 'connecting';
    const states = (client: EngineClient) =>
      client.events.flatMap((e) =>
        e.event === 'connection.state'
          ? [`${e.payload.status}${e.payload.rosterShown ? '+roster' : ''}`]
          : [],
      );

    /** Index of the first batch holding an event that matches. */
    const batchOf = (batches: EngineEvent[][], match: (e: EngineEvent) => boolean) =>
      batches.findIndex((batch) => batch.some(match));
    const isReset = (e: EngineEvent) => e.event === 'roster.changed' && e.payload.reset;

    // A first sign-in (no cache): the state says so once the fetched roster is out, before 'online'.
    const first = await engine(alice, { dataDir, signIn: false });
    const batches: EngineEvent[][] = [];
    first.engine.subscribe((batch) => void batches.push([...batch]));
    await first.signIn();
    first.engine.flushEvents();
    // (A 'connecting' before it may be merged into it: the batcher keeps an account's latest state.)
    assert.deepEqual(states(first).slice(-2), ['connecting+roster', 'online+roster']);
    const shownIn = batchOf(batches, (e) => connecting(e) && e.payload.rosterShown);
    const resetIn = batchOf(batches, isReset);
    assert.ok(resetIn >= 0 && resetIn <= shownIn, 'the roster goes out with the state naming it, or before');
    await addContact(first, bob, { name: 'Bob' });
    await first.dispose();

    // Again with a wrong password: the cached roster and 'connecting+roster' come although the server never
    // lets us in; the failure then ends it offline, the roster no longer shown.
    const again = await engine(alice, { dataDir, signIn: false });
    const refused = await again.engine.invoke('account.signIn', {
      jid: again.account,
      password: 'not-the-password',
      host: scenario.server.host,
      port: scenario.server.c2sPort,
    });
    assert.equal(refused.ok ? 'ok' : refused.error.code, 'auth-failed');
    again.engine.flushEvents();
    assert.deepEqual(states(again).slice(-2), ['connecting+roster', 'offline']);
    const cached = again.events.find(isReset);
    assert.ok(cached?.event === 'roster.changed');
    assert.deepEqual(
      cached.payload.upserts.map((c) => [c.jid, c.name]),
      [[bob, 'Bob']],
    );
    // The right password then: shown at once again, online, and the cache still current (shown once).
    const mark = again.events.length;
    const before = states(again).length;
    await again.signIn();
    again.engine.flushEvents();
    assert.deepEqual(states(again).slice(before).slice(-2), ['connecting+roster', 'online+roster']);
    assert.equal(again.events.slice(mark).filter(isReset).length, 1);
  });
});
