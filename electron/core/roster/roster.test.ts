// Roster (RFC 6121 §2) end to end: a real Engine against a real Prosody 0.12, with slixmpp peers as the
// other sessions and as a hostile user. Every test registers its own accounts, so order does not matter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Element } from '@xmpp/xml';
import type { Contact, EngineEvent } from '../../../shared/contract.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { sleep, snapshot, uid, useProsodyScenario, waitContact } from '../../../e2e/harness/scenario.ts';
import { XmppSession } from '../xmpp/session.ts';
import { NS_ROSTER } from './roster.ts';

// ---------------------------------------------------------------------------------------------------------
// Wire log: every stanza any XmppSession in this process sends or receives, tagged with the session's
// full JID. Installed by wrapping the prototype (test-only; the code under test is unchanged).

interface WireEntry {
  dir: 'in' | 'out';
  jid: string;
  stanza: Element;
}
const wire: WireEntry[] = [];
const originalSend = XmppSession.prototype.send;
const originalEmit = XmppSession.prototype.emit;
const originalOpen = XmppSession.open;
/** Sessions that asked for the roster between binding and stream management (full JIDs). */
const rosterBeforeSm = new Set<string>();

function installWireTap(): void {
  // What a new session asked right after binding (before stream management): the roster, normally.
  XmppSession.open = async function (options) {
    const session = await originalOpen.call(XmppSession, options);
    for (const { request, reply } of session.prefetched) {
      if (request.getChild('query', NS_ROSTER) && reply) rosterBeforeSm.add(session.jid);
      wire.push({ dir: 'out', jid: session.jid, stanza: request });
      if (reply) wire.push({ dir: 'in', jid: session.jid, stanza: reply });
    }
    return session;
  };
  XmppSession.prototype.send = function (this: XmppSession, stanza: Element) {
    wire.push({ dir: 'out', jid: this.jid, stanza });
    return originalSend.call(this, stanza);
  };
  (XmppSession.prototype as { emit: (name: string, ...args: unknown[]) => boolean }).emit = function (
    this: XmppSession,
    name: string,
    ...args: unknown[]
  ) {
    if (name === 'stanza') wire.push({ dir: 'in', jid: this.jid, stanza: args[0] as Element });
    return (originalEmit as (name: string, ...args: unknown[]) => boolean).call(this, name, ...args);
  };
}

function removeWireTap(): void {
  XmppSession.open = originalOpen;
  XmppSession.prototype.send = originalSend;
  XmppSession.prototype.emit = originalEmit;
}

/** The roster get this session sent after `from` in the wire log, and the server's reply to it. */
function rosterFetch(jid: string, from: number): { request: Element; reply: Element } {
  const log = wire.slice(from).filter((e) => e.jid === jid);
  const request = log.find(
    (e) =>
      e.dir === 'out' &&
      e.stanza.name === 'iq' &&
      e.stanza.attrs.type === 'get' &&
      e.stanza.getChild('query', NS_ROSTER),
  )?.stanza;
  assert.ok(request, `no roster get sent by ${jid}`);
  const reply = log.find(
    (e) => e.dir === 'in' && e.stanza.name === 'iq' && e.stanza.attrs.id === request.attrs.id,
  )?.stanza;
  assert.ok(reply, `no reply to the roster get of ${jid}`);
  return { request, reply };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

async function waitRemoved(client: EngineClient, since: number, jid: string): Promise<void> {
  await client.waitForEvent(
    (e, i) => i >= since && e.event === 'roster.changed' && e.payload.removed.includes(jid),
  );
}

/** Sorted by JID, each contact's groups sorted: the server keeps groups as a set, not a list. */
function sortByJid(contacts: Contact[]): Contact[] {
  return contacts
    .map((c) => ({ ...c, groups: [...c.groups].sort() }))
    .sort((a, b) => a.jid.localeCompare(b.jid));
}

function contact(
  jid: string,
  name: string | null,
  groups: string[],
  subscription: Contact['subscription'] = 'none',
): Contact {
  return { jid, name, groups, subscription, pendingOut: false, pendingIn: false, preApproved: false };
}

// ---------------------------------------------------------------------------------------------------------

describe('roster (RFC 6121 §2)', () => {
  const scenario = useProsodyScenario();
  const { account, engine, peer } = scenario;
  const dirs: string[] = [];
  /** A fresh address on the server; nobody signs in as it, roster items only name it. */
  const contactJid = (prefix: string): string => `${prefix}-${uid()}@${scenario.server.domain}`;

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-roster-test-'));
    dirs.push(dir);
    return dir;
  }

  // Registered after the scenario's hooks: the server is up before the tap goes in.
  before(() => {
    installWireTap();
  });

  after(async () => {
    removeWireTap();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  test('sign-in fetches contacts another session of the account added earlier', async () => {
    const alice = await account('alice');
    const carol = contactJid('carol');
    const dave = contactJid('dave');
    // Another session of the same account (slixmpp) edits the roster before Parley signs in.
    const other = await peer(alice, { resource: 'other' });
    await other.sendRaw(
      `<iq type="set" id="r1"><query xmlns="jabber:iq:roster"><item jid="${carol}" name="Carol"><group>Friends</group><group>Work</group></item></query></iq>`,
    );
    await other.sendRaw(
      `<iq type="set" id="r2"><query xmlns="jabber:iq:roster"><item jid="${dave}"/></query></iq>`,
    );
    const deadline = Date.now() + 5000;
    while ((await other.getRoster()).length < 2) {
      assert.ok(Date.now() < deadline, 'the other session did not see its own roster edits');
      await sleep(100);
    }

    const client = await engine(alice);
    const reset = await client.waitForEvent((e) => e.event === 'roster.changed' && e.payload.reset);
    assert.equal(reset.event, 'roster.changed');
    const expected = sortByJid([contact(carol, 'Carol', ['Friends', 'Work']), contact(dave, null, [])]);
    assert.deepEqual(sortByJid(reset.payload.upserts), expected);
    assert.deepEqual(reset.payload.removed, []);
    assert.deepEqual(sortByJid((await snapshot(client)).roster), expected);
    assert.ok(rosterBeforeSm.has(client.jid!), 'asked for before stream management, answered then');
  });

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

    let since = first.events.length;
    assert.ok(
      (
        await first.engine.invoke('roster.add', {
          account: first.account,
          jid: bob,
          name: 'Bob',
          groups: ['Team'],
        })
      ).ok,
    );
    await waitContact(first, since, bob);
    since = first.events.length;
    assert.ok((await first.engine.invoke('roster.add', { account: first.account, jid: carol })).ok);
    await waitContact(first, since, carol);
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
    let since = first.events.length;
    assert.ok(
      (await first.engine.invoke('roster.add', { account: first.account, jid: bob, name: 'Bob' })).ok,
    );
    await waitContact(first, since, bob);
    since = first.events.length;
    assert.ok(
      (await first.engine.invoke('roster.add', { account: first.account, jid: dave, name: 'Dave' })).ok,
    );
    await waitContact(first, since, dave);
    await first.dispose();

    // Meanwhile another device (a second engine, its own data dir) adds, renames and removes.
    const other = await engine(alice);
    assert.notEqual(other.jid, first.jid);
    since = other.events.length;
    assert.ok(
      (
        await other.engine.invoke('roster.add', {
          account: other.account,
          jid: carol,
          name: 'Carol',
          groups: ['New'],
        })
      ).ok,
    );
    await waitContact(other, since, carol);
    since = other.events.length;
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
    const since = first.events.length;
    assert.ok(
      (await first.engine.invoke('roster.add', { account: first.account, jid: bob, name: 'Bob' })).ok,
    );
    await waitContact(first, since, bob);
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

  test('pushes: add, rename, set groups and remove reach this engine and a second session', async () => {
    const alice = await account('alice');
    const one = await engine(alice);
    const two = await engine(alice);
    assert.notEqual(one.jid, two.jid, 'different data dirs bind different resources');
    const bob = contactJid('bob');

    const step = async (
      action: () => Promise<{ ok: boolean }>,
      check: (client: EngineClient, since: number) => Promise<void>,
    ): Promise<void> => {
      const marks = [one.events.length, two.events.length] as const;
      const result = await action();
      assert.ok(result.ok, JSON.stringify(result));
      await check(one, marks[0]);
      await check(two, marks[1]);
    };

    await step(
      () =>
        one.engine.invoke('roster.add', { account: one.account, jid: bob, name: 'Bob', groups: ['Friends'] }),
      async (client, since) => {
        assert.deepEqual(await waitContact(client, since, bob), contact(bob, 'Bob', ['Friends']));
      },
    );
    await step(
      () => one.engine.invoke('roster.update', { account: one.account, jid: bob, name: 'Bobby' }),
      async (client, since) => {
        // A rename keeps the groups the contact already had.
        assert.deepEqual(await waitContact(client, since, bob), contact(bob, 'Bobby', ['Friends']));
      },
    );
    await step(
      () => one.engine.invoke('roster.update', { account: one.account, jid: bob, groups: ['Work', 'Chess'] }),
      async (client, since) => {
        // Setting groups keeps the name.
        const updated = await waitContact(client, since, bob);
        assert.equal(updated.name, 'Bobby');
        assert.deepEqual([...updated.groups].sort(), ['Chess', 'Work']);
      },
    );
    // The second session edits too: the first must follow.
    await step(
      () => two.engine.invoke('roster.update', { account: two.account, jid: bob, name: null, groups: [] }),
      async (client, since) => {
        assert.deepEqual(await waitContact(client, since, bob), contact(bob, null, []));
      },
    );
    for (const client of [one, two]) {
      assert.deepEqual((await snapshot(client)).roster, [contact(bob, null, [])]);
    }
    await step(
      () => one.engine.invoke('roster.remove', { account: one.account, jid: bob }),
      async (client, since) => {
        await waitRemoved(client, since, bob);
      },
    );
    for (const client of [one, two]) assert.deepEqual((await snapshot(client)).roster, []);
  });

  test('a roster push from another user is ignored', async () => {
    const alice = await account('alice');
    const mallory = await account('mallory');
    const client = await engine(alice);
    const evil = await peer(mallory);
    const fullJid = client.jid!;
    const mark = wire.length;
    const since = client.events.length;

    await evil.sendRaw(
      `<iq type="set" to="${fullJid}" id="evil-1"><query xmlns="jabber:iq:roster"><item jid="evil@x" name="Evil"/></query></iq>`,
    );
    // Make sure the push really reached the engine (Prosody routes iqs to full JIDs without subscription).
    const deadline = Date.now() + 5000;
    while (
      !wire.slice(mark).some((e) => e.dir === 'in' && e.jid === fullJid && e.stanza.attrs.id === 'evil-1')
    ) {
      assert.ok(Date.now() < deadline, 'the hostile push never reached the engine');
      await sleep(50);
    }
    const delivered = wire.slice(mark).find((e) => e.dir === 'in' && e.stanza.attrs.id === 'evil-1')!.stanza;
    assert.match(
      delivered.attrs.from ?? '',
      new RegExp(`^${mallory.jid}/`),
      'the server stamped the real sender',
    );

    // Barrier: a legitimate change after it; once that arrives, the hostile one would have too.
    const sentinel = contactJid('sentinel');
    assert.ok((await client.engine.invoke('roster.add', { account: client.account, jid: sentinel })).ok);
    await waitContact(client, since, sentinel);
    client.engine.flushEvents();

    const mentionsEvil = client.events
      .slice(since)
      .some(
        (e) =>
          e.event === 'roster.changed' &&
          (e.payload.upserts.some((c) => c.jid === 'evil@x') || e.payload.removed.includes('evil@x')),
      );
    assert.equal(mentionsEvil, false, 'no roster event for the hostile item');
    assert.deepEqual((await snapshot(client)).roster, [contact(sentinel, null, [])]);
    // It was not acknowledged as a roster push either: the engine answered with an error, not a result.
    const answer = wire.find(
      (e) => e.dir === 'out' && e.jid === fullJid && e.stanza.attrs.id === 'evil-1',
    )?.stanza;
    assert.ok(answer, 'every iq set gets an answer (RFC 6120 §8.2.3)');
    assert.equal(answer.attrs.type, 'error');
    assert.equal(answer.attrs.to, delivered.attrs.from);
  });

  test('invalid input is refused with invalid-request; commands while signed out answer not-connected', async () => {
    const alice = await account('alice');
    const client = await engine(alice);
    const since = client.events.length;
    // (A domain-only address such as 'gateway.example' is a valid bare JID, RFC 7622 §3, so it is not here.)
    for (const jid of ['not a jid', `bob@${scenario.server.domain}/resource`, '@nodomain', 'a@b@c', '']) {
      const result = await client.engine.invoke('roster.add', { account: client.account, jid });
      assert.equal(result.ok, false, `roster.add ${JSON.stringify(jid)} must fail`);
      assert.equal(
        result.ok === false && result.error.code,
        'invalid-request',
        `roster.add ${JSON.stringify(jid)}`,
      );
    }
    const extra = await client.engine.invoke('roster.add', {
      account: client.account,
      jid: `bob@${scenario.server.domain}`,
      bogus: true,
    });
    assert.equal(!extra.ok && extra.error.code, 'invalid-request', 'unknown fields are refused');
    const tooManyGroups = await client.engine.invoke('roster.update', {
      account: client.account,
      jid: `bob@${scenario.server.domain}`,
      groups: Array.from({ length: 65 }, (_, i) => `g${i}`),
    });
    assert.equal(!tooManyGroups.ok && tooManyGroups.error.code, 'invalid-request');

    await client.signOut();
    const bob = contactJid('bob');
    const offline = [
      await client.engine.invoke('roster.add', { account: client.account, jid: bob }),
      await client.engine.invoke('roster.update', { account: client.account, jid: bob, name: 'B' }),
      await client.engine.invoke('roster.remove', { account: client.account, jid: bob }),
    ];
    for (const result of offline) {
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, 'not-connected');
    }
    // A never-signed-in engine says the same.
    const fresh = await engine(alice, { signIn: false });
    const never = await fresh.engine.invoke('roster.add', { account: fresh.account, jid: bob });
    assert.equal(!never.ok && never.error.code, 'not-connected');

    client.engine.flushEvents();
    assert.equal(
      client.events.slice(since).some((e) => e.event === 'roster.changed' && e.payload.upserts.length > 0),
      false,
      'nothing was added',
    );
    // And the server has nothing either.
    const again = await engine(alice);
    assert.deepEqual((await snapshot(again)).roster, []);
  });
});
