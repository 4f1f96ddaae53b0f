// EventBatcher, pure: bursts coalesce into a few batches, each event type merges the way the contract
// says (presence: last per contact; roster: reset/upsert/remove; chat: in order), flush() is immediate and a
// throwing listener cannot starve the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBatcher, MAX_ITEMS } from './event-batcher.ts';
import type {
  ChatMessage,
  Contact,
  ContactPresence,
  EngineEvent,
  EventName,
  EventPayload,
} from '../../shared/contract.ts';
import type { Occupant, Room } from '../../shared/muc.ts';

const ME = 'me@example.org';

function presence(jid: string, status: string, priority = 0): ContactPresence {
  const resource = { resource: 'r', show: 'available' as const, status, priority, since: 1 };
  return { jid, best: resource, resources: [resource], error: null };
}

function contact(jid: string, name: string | null = null): Contact {
  return {
    jid,
    name,
    groups: [],
    subscription: 'both',
    pendingOut: false,
    pendingIn: false,
    preApproved: false,
  };
}

function message(n: number): ChatMessage {
  return {
    account: ME,
    kind: 'chat',
    seq: n,
    id: `m${n}`,
    originId: `m${n}`,
    direction: 'in',
    peer: 'bob@example.com',
    peerFull: 'bob@example.com/x',
    type: 'chat',
    body: `body ${n}`,
    subject: null,
    thread: null,
    timestamp: n,
    delayed: false,
    state: 'received',
    fromRoster: true,
  };
}

function record(batcher: EventBatcher): EngineEvent[][] {
  const batches: EngineEvent[][] = [];
  batcher.subscribe((batch) => batches.push(batch));
  return batches;
}

function payloadsOf<E extends EventName>(batches: EngineEvent[][], event: E): EventPayload<E>[] {
  return batches
    .flat()
    .filter((e) => e.event === event)
    .map((e) => e.payload as EventPayload<E>);
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a synchronous burst of 5,000 presence emits arrives as a handful of batches, last value per contact', async () => {
  const batcher = new EventBatcher(10);
  const batches = record(batcher);
  // 4,000 distinct contacts, then 1,000 repeats of the first 100 (10 updates each).
  for (let i = 0; i < 4000; i++)
    batcher.emit('presence.changed', { account: ME, contacts: [presence(`c${i}@example.com`, 'first')] });
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 100; i++) {
      batcher.emit('presence.changed', {
        account: ME,
        contacts: [presence(`c${i}@example.com`, `round ${round}`, round)],
      });
    }
  }
  assert.equal(batches.length, 0, 'nothing is delivered synchronously');
  await tick(50);
  assert.ok(batches.length >= 1 && batches.length <= 5, `expected 1..5 deliveries, got ${batches.length}`);
  const payloads = payloadsOf(batches, 'presence.changed');
  for (const payload of payloads) {
    const jids = payload.contacts.map((c) => c.jid);
    assert.equal(new Set(jids).size, jids.length, 'each contact appears once per batch');
  }
  const last = new Map<string, ContactPresence>();
  for (const payload of payloads) for (const c of payload.contacts) last.set(c.jid, c);
  assert.equal(last.size, 4000);
  assert.equal(last.get('c0@example.com')?.best?.status, 'round 9');
  assert.equal(last.get('c0@example.com')?.best?.priority, 9);
  assert.equal(last.get('c99@example.com')?.best?.status, 'round 9');
  assert.equal(last.get('c100@example.com')?.best?.status, 'first');
  assert.equal(last.get('c3999@example.com')?.best?.status, 'first');
  // In one batch the burst is in order of last change: untouched contacts first, then the repeated ones.
  if (payloads.length === 1) {
    const jids = payloads[0]!.contacts.map((c) => c.jid);
    assert.equal(jids[0], 'c100@example.com');
    assert.equal(jids.at(-1), 'c99@example.com');
  }
});

test('roster.changed: a reset followed by upserts merges into one reset with all items', () => {
  const batcher = new EventBatcher(1000);
  const batches = record(batcher);
  batcher.emit('roster.changed', {
    account: ME,
    reset: false,
    upserts: [contact('old@example.com')],
    removed: ['gone@example.com'],
  });
  batcher.emit('roster.changed', {
    account: ME,
    reset: true,
    upserts: [contact('a@example.com'), contact('b@example.com')],
    removed: [],
  });
  batcher.emit('roster.changed', {
    account: ME,
    reset: false,
    upserts: [contact('b@example.com', 'Bee'), contact('c@example.com')],
    removed: [],
  });
  batcher.emit('roster.changed', {
    account: ME,
    reset: false,
    upserts: [],
    removed: ['a@example.com', 'never@example.com'],
  });
  batcher.flush();
  assert.equal(batches.length, 1);
  const [payload] = payloadsOf(batches, 'roster.changed');
  assert.equal(payload!.reset, true);
  assert.deepEqual(
    payload!.upserts.map((c) => [c.jid, c.name]),
    [
      ['b@example.com', 'Bee'],
      ['c@example.com', null],
    ],
  );
  // After a reset the list is complete: removals need no mention, and the pre-reset items are gone.
  assert.deepEqual(payload!.removed, []);
});

test('roster.changed: upsert after remove keeps the contact; remove after upsert drops it', () => {
  const batcher = new EventBatcher(1000);
  const batches = record(batcher);
  batcher.emit('roster.changed', { account: ME, reset: false, upserts: [], removed: ['x@example.com'] });
  batcher.emit('roster.changed', {
    account: ME,
    reset: false,
    upserts: [contact('x@example.com', 'X again')],
    removed: [],
  });
  batcher.emit('roster.changed', {
    account: ME,
    reset: false,
    upserts: [contact('y@example.com')],
    removed: [],
  });
  batcher.emit('roster.changed', { account: ME, reset: false, upserts: [], removed: ['y@example.com'] });
  batcher.flush();
  const [payload] = payloadsOf(batches, 'roster.changed');
  assert.deepEqual(payload, {
    account: ME,
    reset: false,
    upserts: [contact('x@example.com', 'X again')],
    removed: ['y@example.com'],
  });
});

test('chat.messages, chat.failed and subscription.notice keep every item in order', () => {
  const batcher = new EventBatcher(1000);
  const batches = record(batcher);
  for (let i = 0; i < 300; i++) batcher.emit('chat.messages', { messages: [message(i)] });
  batcher.emit('chat.messages', { messages: [message(300), message(301)] });
  const failure = (id: string) => ({
    account: ME,
    id,
    peer: 'bob@example.com',
    kind: 'chat' as const,
    error: {
      code: 'server-error' as const,
      message: id,
      condition: 'service-unavailable',
      certificate: null,
    },
  });
  batcher.emit('chat.failed', { failures: [failure('f1')] });
  batcher.emit('chat.failed', { failures: [failure('f2'), failure('f3')] });
  batcher.emit('subscription.notice', {
    account: ME,
    notices: [{ jid: 'a@example.com', kind: 'subscribed' }],
  });
  batcher.emit('subscription.notice', {
    account: ME,
    notices: [{ jid: 'a@example.com', kind: 'unsubscribed' }],
  });
  batcher.flush();
  assert.equal(batches.length, 1);
  const [chat] = payloadsOf(batches, 'chat.messages');
  assert.deepEqual(
    chat!.messages.map((m) => m.id),
    Array.from({ length: 302 }, (_, i) => `m${i}`),
  );
  const [failed] = payloadsOf(batches, 'chat.failed');
  assert.deepEqual(
    failed!.failures.map((f) => f.id),
    ['f1', 'f2', 'f3'],
  );
  const [notices] = payloadsOf(batches, 'subscription.notice');
  assert.deepEqual(
    notices!.notices.map((n) => n.kind),
    ['subscribed', 'unsubscribed'],
  );
});

test('latest-value events keep only the last value; event types keep first-appearance order', () => {
  const batcher = new EventBatcher(1000);
  const batches = record(batcher);
  batcher.emit('presence.own', { account: ME, show: 'away', status: 'a', priority: 1 });
  batcher.emit('chat.messages', { messages: [message(1)] });
  batcher.emit('presence.own', { account: ME, show: 'dnd', status: 'b', priority: 2 });
  batcher.flush();
  assert.deepEqual(
    batches[0]!.map((e) => e.event),
    ['presence.own', 'chat.messages'],
  );
  assert.deepEqual(batches[0]![0]!.payload, { account: ME, show: 'dnd', status: 'b', priority: 2 });
});

test('flush() delivers immediately, and nothing is delivered twice or after an empty flush', async () => {
  const batcher = new EventBatcher(50);
  const batches = record(batcher);
  batcher.emit('presence.changed', { account: ME, contacts: [presence('a@example.com', 'one')] });
  batcher.flush();
  assert.equal(batches.length, 1, 'flush delivered synchronously');
  assert.equal(payloadsOf(batches, 'presence.changed')[0]!.contacts[0]!.best?.status, 'one');
  batcher.flush();
  await tick(80);
  assert.equal(batches.length, 1, 'the cancelled timer and the empty flush delivered nothing');
  batcher.emit('presence.changed', { account: ME, contacts: [presence('a@example.com', 'two')] });
  await tick(80);
  assert.equal(batches.length, 2, 'the timer delivers without a flush');
  assert.equal(payloadsOf(batches, 'presence.changed')[1]!.contacts[0]!.best?.status, 'two');
});

test('a throwing listener does not stop the others; an unsubscribed listener gets nothing', (t) => {
  const batcher = new EventBatcher(1000);
  const errors: unknown[] = [];
  t.mock.method(console, 'error', (...args: unknown[]) => errors.push(args));
  const seen: string[] = [];
  batcher.subscribe(() => {
    seen.push('first');
    throw new Error('listener bug');
  });
  batcher.subscribe((batch) => seen.push(`second:${batch.length}`));
  const unsubscribe = batcher.subscribe(() => seen.push('third'));
  unsubscribe();
  batcher.emit('presence.own', { account: ME, show: 'available', status: null, priority: 0 });
  batcher.flush();
  assert.deepEqual(seen, ['first', 'second:1']);
  assert.equal(errors.length, 1, 'the failure was logged once');
});

test('a large roster reset is split: the first part resets, the rest add, nothing lost or repeated', () => {
  const batcher = new EventBatcher(1000);
  const batches = record(batcher);
  const max = MAX_ITEMS['roster.changed'];
  const total = max * 2 + 500;
  const all = Array.from({ length: total }, (_, i) => contact(`c${i}@example.com`));
  batcher.emit('roster.changed', { account: ME, reset: true, upserts: all, removed: [] });
  batcher.flush();
  assert.equal(batches.length, 3, 'flush() still delivers everything, as consecutive batches');
  const payloads = payloadsOf(batches, 'roster.changed');
  assert.deepEqual(
    payloads.map((p) => [p.reset, p.upserts.length]),
    [
      [true, max],
      [false, max],
      [false, 500],
    ],
  );
  assert.deepEqual(
    payloads.flatMap((p) => p.upserts.map((c) => c.jid)),
    all.map((c) => c.jid),
  );
});

test('split batches go out one per interval, and later changes merge into what is still pending', (t) => {
  // Mocked timers: a loaded machine must not make 'one batch per tick' a race.
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const batcher = new EventBatcher(5);
  const batches = record(batcher);
  const max = MAX_ITEMS['presence.changed'];
  const total = max + 10;
  for (let i = 0; i < total; i++)
    batcher.emit('presence.changed', { account: ME, contacts: [presence(`c${i}@example.com`, 'first')] });
  batcher.emit('chat.messages', { messages: [message(1)] });
  t.mock.timers.tick(8);
  assert.equal(batches.length, 1, 'one batch per tick');
  assert.equal(payloadsOf(batches, 'presence.changed')[0]!.contacts.length, max);
  assert.equal(payloadsOf(batches, 'chat.messages').length, 1, 'small events are not held back');
  // c0 went out already (a new change is sent again); the last one is still pending (its value replaced).
  batcher.emit('presence.changed', {
    account: ME,
    contacts: [presence(`c${total - 1}@example.com`, 'second')],
  });
  batcher.emit('presence.changed', { account: ME, contacts: [presence('c0@example.com', 'second')] });
  t.mock.timers.tick(30);
  assert.equal(batches.length, 2);
  const rest = payloadsOf(batches, 'presence.changed')[1]!.contacts;
  assert.equal(rest.length, 11);
  assert.equal(rest.at(-2)?.jid, `c${total - 1}@example.com`);
  assert.equal(rest.at(-2)?.best?.status, 'second');
  assert.equal(rest.at(-1)?.jid, 'c0@example.com');
});

test('random roster changes: the split batches add up to the same roster as the changes themselves', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let seed = 7;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  type Roster = Map<string, string | null>;
  const apply = (roster: Roster, change: EventPayload<'roster.changed'>): void => {
    if (change.reset) roster.clear();
    for (const jid of change.removed) roster.delete(jid);
    for (const c of change.upserts) roster.set(c.jid, c.name);
  };
  for (let round = 0; round < 20; round++) {
    const batcher = new EventBatcher(1000);
    const delivered: Roster = new Map();
    batcher.subscribe((batch) => {
      for (const e of batch) {
        if (e.event !== 'roster.changed') continue;
        const jids = [...e.payload.upserts.map((c) => c.jid), ...e.payload.removed];
        assert.ok(jids.length <= MAX_ITEMS['roster.changed']);
        assert.equal(new Set(jids).size, jids.length, 'a contact once per batch');
        apply(delivered, e.payload);
      }
    });
    const expected: Roster = new Map();
    for (let step = 0; step < 30; step++) {
      const jid = (): string => `c${rand(3000)}@example.com`;
      const change: EventPayload<'roster.changed'> =
        rand(10) === 0
          ? {
              account: ME,
              reset: true,
              upserts: Array.from({ length: rand(5000) }, () => contact(jid(), `n${step}`)),
              removed: [],
            }
          : {
              account: ME,
              reset: false,
              upserts: Array.from({ length: rand(300) }, () => contact(jid(), `n${step}`)),
              removed: Array.from({ length: rand(300) }, jid),
            };
      // One change names a contact either as upserted or as removed, not both.
      const upserted = new Set(change.upserts.map((c) => c.jid));
      change.removed = change.removed.filter((j) => !upserted.has(j));
      apply(expected, change);
      batcher.emit('roster.changed', change);
      // Sometimes the timer delivers one batch in between, sometimes flush() everything.
      if (rand(3) === 0) t.mock.timers.tick(1000);
      if (rand(5) === 0) batcher.flush();
    }
    batcher.flush();
    assert.deepEqual(new Map([...delivered].sort()), new Map([...expected].sort()), `round ${round}`);
  }
});

test('events about different accounts never merge: each keeps its latest state and its own contacts', () => {
  const batcher = new EventBatcher(1000);
  const batches = record(batcher);
  const OTHER = 'other@example.net';
  const state = (account: string, status: 'online' | 'reconnecting') => ({
    account,
    status,
    jid: null,
    error: null,
    security: null,
    mechanism: null,
    rosterShown: true,
  });
  batcher.emit('connection.state', state(ME, 'reconnecting'));
  batcher.emit('connection.state', state(OTHER, 'online'));
  batcher.emit('connection.state', state(ME, 'online'));
  batcher.emit('presence.changed', { account: ME, contacts: [presence('bob@example.com', 'mine')] });
  batcher.emit('presence.changed', { account: OTHER, contacts: [presence('bob@example.com', 'theirs')] });
  batcher.flush();
  const events = batches.flat();
  const states = events.flatMap((e) => (e.event === 'connection.state' ? [e.payload] : []));
  assert.deepEqual(
    states.map((s) => [s.account, s.status]).sort(),
    [
      [ME, 'online'],
      [OTHER, 'online'],
    ],
    'the latest per account, one each',
  );
  const presences = events.flatMap((e) => (e.event === 'presence.changed' ? [e.payload] : []));
  assert.deepEqual(
    presences.map((p) => [p.account, p.contacts.map((c) => c.best?.status)]).sort(),
    [
      [ME, ['mine']],
      [OTHER, ['theirs']],
    ],
    'the same contact on two accounts is two entries, each under its account',
  );
});

test('hurry() delivers one batch now; the rest of a split list keeps its pace', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const batcher = new EventBatcher(16);
  const batches = record(batcher);
  const contacts = Array.from({ length: 2_500 }, (_, i) => contact(`c${i}@example.com`));
  batcher.emit('roster.changed', { account: ME, reset: true, upserts: contacts, removed: [] });
  batcher.hurry();
  assert.equal(batches.length, 1, 'the first part at once');
  const first = payloadsOf(batches, 'roster.changed')[0]!;
  assert.deepEqual([first.reset, first.upserts.length], [true, MAX_ITEMS['roster.changed']]);
  t.mock.timers.tick(15);
  assert.equal(batches.length, 1, 'the next part not before the interval');
  t.mock.timers.tick(1);
  t.mock.timers.tick(16);
  const parts = payloadsOf(batches, 'roster.changed');
  assert.deepEqual(
    parts.map((p) => [p.reset, p.upserts.length]),
    [
      [true, 1000],
      [false, 1000],
      [false, 500],
    ],
  );
});

function occupant(nick: string, status: string | null = null): Occupant {
  return {
    nick,
    role: 'participant',
    affiliation: 'none',
    jid: null,
    show: 'available',
    status,
    occupantId: null,
  };
}

test('muc.occupants: 5,000 presences in two rooms come as a few payloads per room, last per nick, rooms apart', () => {
  const batcher = new EventBatcher(1000);
  const batches = record(batcher);
  const roomA = 'a@muc.example.com';
  const roomB = 'b@muc.example.com';
  batcher.emit('muc.occupants', {
    account: ME,
    room: roomA,
    reset: true,
    upserts: [occupant('me')],
    removed: [],
  });
  for (let i = 0; i < 4000; i++) {
    batcher.emit('muc.occupants', {
      account: ME,
      room: i % 2 ? roomA : roomB,
      reset: false,
      upserts: [occupant(`n${i % 3000}`, `v${i}`)],
      removed: [],
    });
  }
  for (let i = 0; i < 1000; i++) {
    batcher.emit('muc.occupants', {
      account: ME,
      room: roomA,
      reset: false,
      upserts: [],
      removed: [`n${i}`],
    });
  }
  batcher.flush();
  const payloads = payloadsOf(batches, 'muc.occupants');
  assert.ok(payloads.length <= 4, `${payloads.length} payloads`);
  const a = payloads.filter((p) => p.room === roomA);
  const b = payloads.filter((p) => p.room === roomB);
  assert.equal(a[0]?.reset, true, "room A's list starts with its reset");
  assert.ok(
    b.every((p) => !p.reset),
    "room B's never had one",
  );
  assert.ok(payloads.every((p) => p.account === ME));
  const upsertsA = new Map(a.flatMap((p) => p.upserts).map((o) => [o.nick, o]));
  const removedA = new Set(a.flatMap((p) => p.removed));
  // After a reset the list is complete: removals need no mention, they are simply not in it.
  assert.equal(removedA.size, 0);
  assert.ok(!upsertsA.has('n1') && upsertsA.has('n1001') && upsertsA.has('me'));
  assert.equal(upsertsA.get('n1001')?.status, 'v1001');
  const upsertsB = new Map(b.flatMap((p) => p.upserts).map((o) => [o.nick, o]));
  // n0 was set at i=0 and again at i=3000 (both even: room B): the last value wins.
  assert.equal(upsertsB.get('n0')?.status, 'v3000');
});

test('muc.occupants: a large reset is split, the first part resets; an empty reset still goes out', () => {
  const batcher = new EventBatcher(1000);
  const batches = record(batcher);
  const room = 'big@muc.example.com';
  const all = Array.from({ length: 5000 }, (_, i) => occupant(`n${i}`));
  batcher.emit('muc.occupants', { account: ME, room, reset: true, upserts: all, removed: [] });
  batcher.flush();
  const payloads = payloadsOf(batches, 'muc.occupants');
  assert.deepEqual(
    payloads.map((p) => [p.reset, p.upserts.length]),
    [
      [true, MAX_ITEMS['muc.occupants']],
      [false, MAX_ITEMS['muc.occupants']],
      [false, 5000 - 2 * MAX_ITEMS['muc.occupants']],
    ],
  );
  batcher.emit('muc.occupants', { account: ME, room, reset: true, upserts: [], removed: [] });
  batcher.flush();
  assert.deepEqual(payloadsOf(batches, 'muc.occupants').at(-1), {
    account: ME,
    room,
    reset: true,
    upserts: [],
    removed: [],
  });
});

test('muc.rooms: the latest state per room', () => {
  const batcher = new EventBatcher(1000);
  const batches = record(batcher);
  const room = (jid: string, status: Room['status']): Room => ({
    room: jid,
    status,
    reason: null,
    alternate: null,
    nick: 'me',
    role: 'participant',
    affiliation: 'none',
    subject: null,
    features: [],
    nonAnonymous: false,
    logging: false,
    occupants: 0,
    mentions: 0,
  });
  batcher.emit('muc.rooms', { account: ME, rooms: [room('a@m', 'joining'), room('b@m', 'joining')] });
  batcher.emit('muc.rooms', { account: ME, rooms: [room('a@m', 'joined')] });
  batcher.flush();
  const [payload] = payloadsOf(batches, 'muc.rooms');
  assert.deepEqual(
    payload?.rooms.map((r) => [r.room, r.status]),
    [
      ['b@m', 'joining'],
      ['a@m', 'joined'],
    ],
  );
});
