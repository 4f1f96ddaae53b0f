// Presence: the pure helpers (best-resource choice, our own stanza), the module's handling of hostile
// input, and the engine against a real Prosody with slixmpp peers: our show/status/priority as a contact
// sees it, going offline, per-resource contact presence, a 5,000-stanza storm and presence errors.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import { EventBatcher } from '../event-batcher.ts';
import { describeStanzaError } from '../errors.ts';
import { Presences, ownPresenceStanza, pickBestResource } from './presence.ts';
import { accountEvents } from '../account/module.ts';
import { parseEnvelope, type PresenceEnvelope } from '../xmpp/envelope.ts';
import { parseJid } from '../../../shared/jid.ts';
import type { ContactPresence, EngineEvent, ResourcePresence, Show } from '../../../shared/contract.ts';
import type { SlixmppPeer } from '../../../e2e/harness/peer.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { snapshot, useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';

// ---------------------------------------------------------------------------------------------------------
// Pure helpers

function res(resource: string, show: Show, priority: number, since: number): ResourcePresence {
  return { resource, show, status: null, priority, since };
}

describe('pickBestResource', () => {
  test('no resources: null', () => {
    assert.equal(pickBestResource([]), null);
  });

  test('highest priority wins over availability and recency', () => {
    const low = res('low', 'chat', 1, 300);
    const high = res('high', 'xa', 5, 100);
    assert.equal(pickBestResource([low, high])?.resource, 'high');
    assert.equal(pickBestResource([high, low])?.resource, 'high');
    assert.equal(pickBestResource([res('neg', 'chat', -1, 900), res('zero', 'dnd', 0, 1)])?.resource, 'zero');
  });

  test('equal priority: chat > available > away > dnd > xa, regardless of order and recency', () => {
    const order: Show[] = ['chat', 'available', 'away', 'dnd', 'xa'];
    for (let i = 0; i < order.length; i++) {
      // Every less available show is more recent, so recency alone would pick the wrong one.
      const candidates = order.slice(i).map((show, j) => res(show, show, 3, 100 + j * 10));
      assert.equal(pickBestResource(candidates)?.show, order[i]);
      assert.equal(pickBestResource([...candidates].reverse())?.show, order[i]);
    }
  });

  test('equal priority and show: most recent wins', () => {
    const older = res('older', 'away', 2, 1000);
    const newer = res('newer', 'away', 2, 2000);
    assert.equal(pickBestResource([older, newer])?.resource, 'newer');
    assert.equal(pickBestResource([newer, older])?.resource, 'newer');
  });
});

describe('ownPresenceStanza', () => {
  test('available with priority 0 and no status is a bare <presence/>', () => {
    const stanza = ownPresenceStanza({ show: 'available', status: null, priority: 0 });
    assert.equal(stanza.name, 'presence');
    assert.equal(stanza.attrs.type, undefined);
    assert.equal(stanza.children.length, 0);
  });

  for (const show of ['chat', 'away', 'xa', 'dnd'] as const) {
    test(`${show}: <show>, <status> and <priority>`, () => {
      const stanza = ownPresenceStanza({ show, status: `I am ${show}`, priority: -7 });
      assert.equal(stanza.getChildText('show'), show);
      assert.equal(stanza.getChildText('status'), `I am ${show}`);
      assert.equal(stanza.getChildText('priority'), '-7');
      assert.equal(stanza.attrs.type, undefined);
    });
  }

  test('available never carries <show>; offline carries none either', () => {
    assert.equal(
      ownPresenceStanza({ show: 'available', status: 'here', priority: 3 }).getChild('show'),
      undefined,
    );
    assert.equal(
      ownPresenceStanza({ show: 'available', status: 'here', priority: 3 }).getChildText('priority'),
      '3',
    );
    assert.equal(
      ownPresenceStanza({ show: 'offline', status: null, priority: 0 }).getChild('show'),
      undefined,
    );
  });
});

describe('Presences with hostile input', () => {
  function setup() {
    const batcher = new EventBatcher(1000);
    const batches: EngineEvent[][] = [];
    batcher.subscribe((b) => batches.push(b));
    const presences = new Presences(accountEvents(batcher, 'me@example.org'));
    const own = parseJid('me@example.org');
    // What the account runtime does: parse the stanza once, then hand the envelope on.
    const module = {
      handle: (stanza: Element) => presences.handle(parseEnvelope(stanza, own) as PresenceEnvelope),
      snapshot: () => presences.snapshot(),
    };
    const changed = (): ContactPresence[] => {
      batcher.flush();
      return batches.flat().flatMap((e) => (e.event === 'presence.changed' ? e.payload.contacts : []));
    };
    return { module, changed };
  }

  test('missing or malformed from is dropped without an event', () => {
    const { module, changed } = setup();
    assert.equal(module.handle(xml('presence', {}, xml('status', {}, 'no from'))), true);
    assert.equal(module.handle(xml('presence', { from: 'a@@b/c' })), true);
    assert.equal(module.handle(xml('presence', { from: 'has space@example.com' })), true);
    assert.equal(module.handle(xml('presence', { from: '@example.com/x', type: 'unavailable' })), true);
    assert.equal(module.handle(xml('presence', { from: '', type: 'error' })), true);
    assert.deepEqual(changed(), []);
    assert.deepEqual(module.snapshot(), []);
  });

  test('bogus show/priority fall back to available/0; huge priority is clamped; long status is cut', () => {
    const { module, changed } = setup();
    module.handle(
      xml(
        'presence',
        { from: 'bob@example.com/a' },
        xml('show', {}, 'party'),
        xml('priority', {}, 'lots'),
        xml('status', {}, 'x'.repeat(5000)),
      ),
    );
    module.handle(
      xml('presence', { from: 'bob@example.com/b' }, xml('show', {}, ' dnd '), xml('priority', {}, '99999')),
    );
    const last = changed().at(-1)!;
    const a = last.resources.find((r) => r.resource === 'a')!;
    const b = last.resources.find((r) => r.resource === 'b')!;
    assert.deepEqual([a.show, a.priority, a.status?.length], ['available', 0, 1024]);
    assert.deepEqual([b.show, b.priority], ['dnd', 127]);
    assert.equal(last.best?.resource, 'b');
  });

  test("subscription-type presence is not this module's", () => {
    const { module, changed } = setup();
    assert.equal(module.handle(xml('presence', { from: 'bob@example.com', type: 'subscribe' })), false);
    assert.equal(module.handle(xml('presence', { from: 'bob@example.com', type: 'probe' })), false);
    assert.deepEqual(changed(), []);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Against a real Prosody

describe(`presence against ${serverKind()}`, () => {
  const scenario = useServerScenario();
  const { engine, account, peer } = scenario;

  /** Waits for an event that arrives at or after index `from` of client.events. */
  function after_(
    client: EngineClient,
    from: number,
    predicate: (e: EngineEvent) => boolean,
    timeoutMs?: number,
  ) {
    return client.waitForEvent((e, i) => i >= from && predicate(e), timeoutMs);
  }

  function presenceOf(jid: string, predicate: (c: ContactPresence) => boolean) {
    return (e: EngineEvent) =>
      e.event === 'presence.changed' && e.payload.contacts.some((c) => c.jid === jid && predicate(c));
  }

  function lastPresence(client: EngineClient, jid: string): ContactPresence | undefined {
    client.engine.flushEvents();
    let found: ContactPresence | undefined;
    for (const e of client.events) {
      if (e.event !== 'presence.changed') continue;
      for (const c of e.payload.contacts) if (c.jid === jid) found = c;
    }
    return found;
  }

  /** Mutual subscription between engine user A and a slixmpp peer. */
  async function befriend(a: EngineClient, p: SlixmppPeer): Promise<void> {
    const added = await a.engine.invoke('roster.add', { account: a.account, jid: p.jid, subscribe: true });
    assert.deepEqual(added, { ok: true, value: { ok: true } });
    await p.waitFor('presence', (e) => e.presenceType === 'subscribe' && e.from === a.account);
    await p.approve(a.account);
    await p.subscribe(a.account);
    await a.waitForEvent(
      (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === p.jid),
    );
    const answered = await a.engine.invoke('subscription.answer', {
      account: a.account,
      jid: p.jid,
      answer: 'approve',
    });
    assert.equal(answered.ok, true);
    await a.waitForEvent(
      (e) =>
        e.event === 'roster.changed' &&
        e.payload.upserts.some((c) => c.jid === p.jid && c.subscription === 'both'),
    );
    // Both directions flow: the peer sees us, we see the peer.
    await p.waitFor('presence', (e) => e.presenceType === 'available' && e.from === a.jid);
    await a.waitForEvent(presenceOf(p.jid, (c) => c.best !== null));
  }

  test('own presence.set for every show reaches a subscribed contact with show, status and priority', async () => {
    const a = await engine('own');
    const p = await peer('ownpeer');
    await befriend(a, p);
    const cases = [
      { show: 'away', status: 'at lunch', priority: 5, wire: 'away' },
      { show: 'chat', status: 'talk to me', priority: 10, wire: 'chat' },
      { show: 'xa', status: 'on holiday', priority: -3, wire: 'xa' },
      { show: 'dnd', status: 'busy', priority: 0, wire: 'dnd' },
      { show: 'available', status: 'back', priority: 42, wire: null },
    ] as const;
    for (const c of cases) {
      const start = a.events.length;
      const result = await a.engine.invoke('presence.set', {
        account: a.account,
        show: c.show,
        status: c.status,
        priority: c.priority,
      });
      assert.deepEqual(result, { ok: true, value: { ok: true } });
      const seen = await p.waitFor('presence', (e) => e.from === a.jid && e.status === c.status);
      assert.deepEqual(
        { type: seen.presenceType, show: seen.show, status: seen.status, priority: seen.priority },
        { type: 'available', show: c.wire, status: c.status, priority: c.priority },
      );
      const own = await after_(a, start, (e) => e.event === 'presence.own');
      assert.deepEqual(own.payload, {
        account: a.account,
        show: c.show,
        status: c.status,
        priority: c.priority,
      });
    }
    // Omitted status/priority keep the previous values.
    const kept = await a.engine.invoke('presence.set', { account: a.account, show: 'away' });
    assert.equal(kept.ok, true);
    const seen = await p.waitFor('presence', (e) => e.from === a.jid && e.show === 'away');
    assert.deepEqual([seen.status, seen.priority], ['back', 42]);
    assert.deepEqual((await snapshot(a)).ownPresence, { show: 'away', status: 'back', priority: 42 });
  });

  test('presence.set offline: the contact sees unavailable, the account pauses without an error (offline.test.ts has more)', async () => {
    const a = await engine('off');
    const p = await peer('offpeer');
    await befriend(a, p);
    const fullJid = a.jid;
    const start = a.events.length;
    const result = await a.engine.invoke('presence.set', {
      account: a.account,
      show: 'offline',
      status: 'bye',
    });
    assert.deepEqual(result, { ok: true, value: { ok: true } });
    const gone = await p.waitFor('presence', (e) => e.from === fullJid && e.presenceType === 'unavailable');
    assert.equal(gone.from, fullJid);
    const state = await after_(
      a,
      start,
      (e) => e.event === 'connection.state' && e.payload.status === 'paused',
    );
    assert.deepEqual(state.payload, {
      account: a.account,
      status: 'paused',
      jid: null,
      error: null,
      security: null,
      mechanism: null,
      rosterShown: true,
    });
    // Contacts' presence is forgotten once we are offline.
    assert.equal(lastPresence(a, p.jid)?.best, null);
    const own = await after_(a, start, (e) => e.event === 'presence.own');
    assert.equal(own.event === 'presence.own' && own.payload.show, 'offline');
  });

  test('contact presence per resource: best by priority, then by show; the other takes over when the best leaves', async () => {
    const a = await engine('multi');
    const acc = await account('multipeer');
    const one = await peer(acc, { resource: 'one' });
    await befriend(a, one);
    await one.setPresence('away', 'resource one', 5);
    await a.waitForEvent(presenceOf(acc.jid, (c) => c.best?.status === 'resource one'));

    const start = a.events.length;
    const two = await peer(acc, { resource: 'two' });
    await two.setPresence('dnd', 'resource two', 10);
    const both = await after_(
      a,
      start,
      presenceOf(acc.jid, (c) => c.resources.length === 2 && c.best?.status === 'resource two'),
    );
    const contact =
      both.event === 'presence.changed' ? both.payload.contacts.find((c) => c.jid === acc.jid)! : null;
    assert.deepEqual(contact!.resources.map((r) => [r.resource, r.show, r.status, r.priority]).sort(), [
      ['one', 'away', 'resource one', 5],
      ['two', 'dnd', 'resource two', 10],
    ]);
    assert.equal(contact!.best?.resource, 'two');
    assert.equal(contact!.error, null);

    // Equal priority: the more available show wins (away beats dnd).
    const tie = a.events.length;
    await two.setPresence('dnd', 'resource two tie', 5);
    const tied = await after_(
      a,
      tie,
      presenceOf(acc.jid, (c) => c.resources.some((r) => r.status === 'resource two tie')),
    );
    assert.equal(
      tied.event === 'presence.changed' &&
        tied.payload.contacts.find((c) => c.jid === acc.jid)?.best?.resource,
      'one',
    );

    // Back to two being best, then it leaves: one takes over.
    await two.setPresence('chat', 'resource two again', 20);
    await a.waitForEvent(presenceOf(acc.jid, (c) => c.best?.status === 'resource two again'));
    const leave = a.events.length;
    await two.stop();
    const after2 = await after_(
      a,
      leave,
      presenceOf(acc.jid, (c) => c.resources.length === 1),
    );
    const remaining =
      after2.event === 'presence.changed' ? after2.payload.contacts.find((c) => c.jid === acc.jid)! : null;
    assert.deepEqual(
      [remaining!.best?.resource, remaining!.best?.show, remaining!.best?.status, remaining!.best?.priority],
      ['one', 'away', 'resource one', 5],
    );
    // And when the last one leaves, the contact is offline.
    const leave1 = a.events.length;
    await one.stop();
    const offline = await after_(
      a,
      leave1,
      presenceOf(acc.jid, (c) => c.best === null),
    );
    assert.deepEqual(
      offline.event === 'presence.changed' && offline.payload.contacts.find((c) => c.jid === acc.jid),
      { jid: acc.jid, best: null, resources: [], error: null },
    );
  });

  test('directed presence from a non-contact does not touch the roster or crash the engine', async () => {
    const a = await engine('stranger');
    const friendAcc = await account('friend');
    const friend = await peer(friendAcc);
    await befriend(a, friend);
    const stranger = await peer('stranger', { resource: 'desk' });
    const start = a.events.length;
    await stranger.sendRaw(
      `<presence to="${a.jid}"><show>chat</show><status>hi from a stranger</status></presence>`,
    );
    // Garbage the server relays as is: bad show, non-numeric priority, deeply nested unknown children.
    await stranger.sendRaw(
      `<presence to="${a.jid}"><show>bogus</show><priority>x</priority><x xmlns="urn:example">${'<y>'.repeat(50)}${'</y>'.repeat(50)}</x></presence>`,
    );
    // Then a contact's presence: if the engine is still healthy it arrives after the stranger's.
    await friend.setPresence('away', 'still alive', 1);
    await after_(
      a,
      start,
      presenceOf(friend.jid, (c) => c.best?.status === 'still alive'),
    );
    a.engine.flushEvents();
    const later = a.events.slice(start);
    assert.equal(
      later.some(
        (e) => e.event === 'roster.changed' && e.payload.upserts.some((c) => c.jid === stranger.jid),
      ),
      false,
      'a stranger never enters the roster',
    );
    assert.equal(
      later.some(
        (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === stranger.jid),
      ),
      false,
    );
    const mine = await snapshot(a);
    assert.equal(mine.connection.status, 'online');
    assert.equal(
      mine.roster.some((c) => c.jid === stranger.jid),
      false,
    );
    // Current behaviour, pinned: a stranger's directed presence (RFC 6121 §4.6 allows it) IS surfaced in
    // presence.changed, like a contact's. The last stanza had a bogus show and priority: Prosody relays it
    // and the engine reads it as available/0; ejabberd 23.01 validates presence and bounces that one to
    // its sender with bad-request ("Bad value of cdata in tag <show/>"), so the 'chat' one stays.
    const strangerPresence = mine.presence.find((c) => c.jid === stranger.jid);
    assert.ok(strangerPresence, 'directed presence from a non-contact is kept');
    assert.deepEqual(
      [
        strangerPresence.resources.length,
        strangerPresence.best?.resource,
        strangerPresence.best?.show,
        strangerPresence.best?.priority,
      ],
      [1, 'desk', scenario.server.kind === 'ejabberd' ? 'chat' : 'available', 0],
    );
  });

  test('a storm of 5,000 presence stanzas reaches the subscriber as few presence.changed batches', async () => {
    const a = await engine('storm');
    const p = await peer('stormpeer');
    await befriend(a, p);
    const batches: EngineEvent[][] = [];
    const unsubscribe = a.engine.subscribe((batch) => batches.push(batch));
    const TOTAL = 5000;
    const CHUNK = 500;
    for (let from = 0; from < TOTAL; from += CHUNK) {
      let raw = '';
      for (let n = from; n < from + CHUNK; n++) {
        raw += `<presence to="${a.jid}"><show>${n % 2 ? 'away' : 'dnd'}</show><status>${n}</status><priority>${n % 100}</priority></presence>`;
      }
      await p.sendRaw(raw);
    }
    const last = String(TOTAL - 1);
    await a.waitForEvent(
      presenceOf(p.jid, (c) => c.best?.status === last),
      30_000,
    );
    unsubscribe();
    const withPresence = batches.filter((b) => b.some((e) => e.event === 'presence.changed'));
    const entries = withPresence.flatMap((b) =>
      b.flatMap((e) => (e.event === 'presence.changed' ? e.payload.contacts : [])),
    );
    console.log(`5,000 presence stanzas -> ${withPresence.length} batches, ${entries.length} entries`);
    assert.ok(
      withPresence.length < 100,
      `expected far fewer batches than stanzas, got ${withPresence.length}`,
    );
    for (const b of withPresence) {
      const jids = b.flatMap((e) =>
        e.event === 'presence.changed' ? e.payload.contacts.map((c) => c.jid) : [],
      );
      assert.equal(new Set(jids).size, jids.length, 'each contact once per batch');
    }
    const final = lastPresence(a, p.jid)!;
    assert.equal(final.resources.length, 1);
    assert.deepEqual(
      [final.best?.show, final.best?.status, final.best?.priority],
      ['away', last, (TOTAL - 1) % 100],
    );
  });

  test("subscribing to a contact on an unreachable domain surfaces the server's presence error", async () => {
    const a = await engine('err');
    const remote = 'nobody@unreachable.invalid';
    const added = await a.engine.invoke('roster.add', { account: a.account, jid: remote, subscribe: true });
    assert.deepEqual(added, { ok: true, value: { ok: true } });
    const errored = await a.waitForEvent(
      presenceOf(remote, (c) => c.error !== null),
      15_000,
    );
    const contact =
      errored.event === 'presence.changed' ? errored.payload.contacts.find((c) => c.jid === remote)! : null;
    console.log(`presence error for ${remote}: ${contact!.error}`);
    assert.equal(contact!.best, null);
    assert.deepEqual(contact!.resources, []);
    // With s2s disabled each server bounces the subscription request with its own condition and text
    // (Prosody: not-allowed; ejabberd, whose s2s_access denies every domain: forbidden); the engine shows
    // the human text for the condition plus the server's explanation.
    assert.equal(
      contact!.error,
      scenario.server.kind === 'ejabberd'
        ? describeStanzaError('forbidden', 'Access denied by service policy')
        : describeStanzaError('not-allowed', 'Communication with remote domains is not enabled'),
    );
    const mine = await snapshot(a);
    assert.equal(mine.presence.find((c) => c.jid === remote)?.error, contact!.error);
    assert.equal(mine.connection.status, 'online');
  });
});
