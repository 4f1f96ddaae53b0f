// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
// A large roster in 'state.snapshot' is applied in parts, one task each (a page reload with 10,000 contacts
// never holds the main thread for long), and the store stays right: the result equals one reset, events that
// arrive while the parts go in wait and then apply in their order, events older than the snapshot are dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParleyBridge } from '../../shared/bridge.ts';
import type { Contact, ContactPresence, EventName, EventPayload } from '../../shared/contract.ts';
import { OFFLINE, useConnection } from './connection.ts';
import { sortContacts, useRoster } from './roster.ts';
import { usePresence } from './presence.ts';
import { useRequests } from './requests.ts';
import { applySnapshot, nextTask, startSync, type AccountSnapshot } from './sync.ts';
import { DEFAULT_PREFERENCES } from '../../shared/preferences.ts';

const A = 'me@one.example';
const B = 'me@two.example';

const contact = (i: number, name: string | null = `Name ${(i * 7919) % 1000}`): Contact => ({
  jid: `c${i}@x.example`,
  name,
  groups: [],
  subscription: 'both',
  pendingOut: false,
  pendingIn: false,
  preApproved: false,
});
const online = (jid: string): ContactPresence => ({
  jid,
  best: { resource: 'r', show: 'available', status: null, priority: 0, since: 0 },
  resources: [],
  error: null,
});
const roster = (n: number): Contact[] => Array.from({ length: n }, (_, i) => contact(i));
const snapshot = (
  account: string,
  contacts: Contact[],
  presence: ContactPresence[] = [],
): AccountSnapshot => ({
  account,
  connection: { ...OFFLINE, status: 'online', jid: `${account}/r` },
  roster: contacts,
  presence,
  requests: [],
  ownPresence: { show: 'available', status: null, priority: 0 },
});

/** A yieldTask the test steps by hand: each call waits until release() lets one part through. */
function manualTasks(): {
  yieldTask: () => Promise<void>;
  release: () => Promise<void>;
  waiting: () => number;
} {
  const pending: Array<() => void> = [];
  return {
    yieldTask: () => new Promise<void>((resolve) => pending.push(resolve)),
    release: async () => {
      pending.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
    waiting: () => pending.length,
  };
}

const jidsInOrder = (account: string): string[] =>
  useRoster
    .getState()
    .byAccount.get(account)!
    .order.map((e) => e.contact.jid);

test('a large snapshot roster goes in parts, one task each, and ends as one reset would', async () => {
  useRoster.setState({ byAccount: new Map() });
  const contacts = roster(2500);
  const tasks = manualTasks();
  let firstPart = 0;
  const done = applySnapshot([snapshot(A, contacts, [online('c1@x.example')])], {
    part: 1000,
    yieldTask: tasks.yieldTask,
    firstPartApplied: () => firstPart++,
  });
  // The first part is in at once, with presence and the connection: the UI can show it.
  assert.equal(firstPart, 1);
  assert.equal(useRoster.getState().byAccount.get(A)!.contacts.size, 1000);
  assert.equal(usePresence.getState().online, 1);
  assert.equal(useConnection.getState().connections.get(A)?.status, 'online');
  assert.equal(tasks.waiting(), 1);
  await tasks.release();
  assert.equal(useRoster.getState().byAccount.get(A)!.contacts.size, 2000);
  await tasks.release();
  await done;
  assert.equal(useRoster.getState().byAccount.get(A)!.contacts.size, 2500);
  assert.deepEqual(
    jidsInOrder(A),
    sortContacts(contacts).map((e) => e.contact.jid),
  );
});

test('a small snapshot roster, or one without yieldTask, goes in at once', async () => {
  useRoster.setState({ byAccount: new Map() });
  let yielded = 0;
  await applySnapshot([snapshot(A, roster(10))], { part: 1000, yieldTask: async () => void yielded++ });
  assert.equal(useRoster.getState().byAccount.get(A)!.contacts.size, 10);
  await applySnapshot([snapshot(B, roster(3000))]); // a snapshot lists every account: A is gone
  assert.equal(yielded, 0);
  assert.equal(useRoster.getState().byAccount.has(A), false);
  assert.equal(useRoster.getState().byAccount.get(B)!.contacts.size, 3000);
});

test('a roster dropped while its parts go in stays dropped; a newer snapshot stops the older one', async () => {
  useRoster.setState({ byAccount: new Map() });
  const tasks = manualTasks();
  const done = applySnapshot([snapshot(A, roster(3000)), snapshot(B, roster(3000))], {
    part: 1000,
    yieldTask: tasks.yieldTask,
  });
  useRoster.getState().drop(A); // the account was removed meanwhile
  for (let i = 0; i < 4 && tasks.waiting() > 0; i++) await tasks.release();
  await done;
  assert.equal(useRoster.getState().byAccount.has(A), false);
  assert.equal(useRoster.getState().byAccount.get(B)!.contacts.size, 3000);

  let current = true;
  const stale = manualTasks();
  const older = applySnapshot([snapshot(A, roster(3000))], {
    part: 1000,
    yieldTask: stale.yieldTask,
    current: () => current,
  });
  current = false;
  await applySnapshot([snapshot(A, roster(5))]);
  await stale.release();
  await older;
  assert.equal(useRoster.getState().byAccount.get(A)!.contacts.size, 5);
});

test('a snapshot carries the count of requests waiting on the server past the cap', async () => {
  await applySnapshot([{ ...snapshot(A, roster(1)), moreRequests: 42 }]);
  assert.equal(useRequests.getState().more.get(A), 42);
  await applySnapshot([snapshot(A, roster(1))]);
  assert.equal(useRequests.getState().more.has(A), false);
});

test('nextTask is a macrotask: it resolves after the current task and its microtasks', async () => {
  const seen: string[] = [];
  const wait = nextTask().then(() => seen.push('next task'));
  void Promise.resolve().then(() => seen.push('microtask'));
  await wait;
  assert.deepEqual(seen, ['microtask', 'next task']);
});

// ---------------------------------------------------------------------------------------------------------
// startSync over a fake bridge: the order events and the snapshot's parts reach the stores in.

type Handler = (payload: unknown) => void;

function fakeBridge() {
  const handlers = new Map<string, Handler[]>();
  let answerSnapshot: (accounts: AccountSnapshot[]) => void = () => undefined;
  let asked: () => void = () => undefined;
  const snapshotAsked = new Promise<void>((resolve) => (asked = resolve));
  const bridge: ParleyBridge = {
    invoke: ((command: string) => {
      switch (command) {
        case 'state.snapshot':
          asked();
          return new Promise<unknown>((resolve) => {
            answerSnapshot = (accounts) => resolve({ ok: true, value: { accounts } });
          });
        case 'account.saved':
          return Promise.resolve({ ok: true, value: { accounts: [], lastUsed: null } });
        case 'account.restore':
          return Promise.resolve({ ok: true, value: { results: [] } });
        case 'invitations.list':
          return Promise.resolve({ ok: true, value: { invitations: [], more: 0 } });
        case 'prefs.get':
          return Promise.resolve({
            ok: true,
            value: { preferences: DEFAULT_PREFERENCES, conversations: [] },
          });
        default:
          return Promise.resolve({ ok: true, value: { ok: true } });
      }
    }) as unknown as ParleyBridge['invoke'],
    on: ((event: string, handler: Handler) => {
      handlers.set(event, [...(handlers.get(event) ?? []), handler]);
      return () => undefined;
    }) as ParleyBridge['on'],
  };
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    for (const handler of handlers.get(event) ?? []) handler(payload);
  };
  return { bridge, emit, snapshotAsked, answer: (accounts: AccountSnapshot[]) => answerSnapshot(accounts) };
}

test('events arriving while a large snapshot goes in wait and apply after it, in order', async () => {
  const fake = fakeBridge();
  const listeners = { addEventListener: () => undefined };
  Object.assign(globalThis, {
    window: { ...listeners, parley: fake.bridge },
    document: {
      ...listeners,
      hasFocus: () => true,
      visibilityState: 'visible',
      // The page's look (Settings › Appearance) goes on <html>.
      documentElement: { setAttribute: () => undefined, removeAttribute: () => undefined },
    },
  });
  useRoster.setState({ byAccount: new Map() });
  usePresence.setState({ byAccount: new Map(), online: 0, onlineVersion: 0, own: new Map() });
  startSync();
  await fake.snapshotAsked;

  // Older than the snapshot (it arrives before the answer): dropped, the snapshot has it.
  fake.emit('roster.changed', { account: A, reset: false, upserts: [contact(99_999, 'Stale')], removed: [] });

  const contacts = roster(10_000);
  fake.answer([snapshot(A, contacts)]);
  // The answer's task ends; the first part goes in a task after it, the others one task each after that.
  const size = () => useRoster.getState().byAccount.get(A)?.contacts.size ?? 0;
  for (let i = 0; i < 100 && size() === 0; i++) await new Promise((r) => setImmediate(r));
  assert.ok(size() >= 1000 && size() < 10_000, `first part only, held ${size()}`);
  assert.equal(useConnection.getState().ready, true);

  // Newer than the snapshot, about contacts in parts not applied yet: a rename, a removal, presence, then a
  // reset that replaces everything. Applied out of order, the later parts would undo the first two.
  fake.emit('roster.changed', {
    account: A,
    reset: false,
    upserts: [contact(9_999, 'Renamed')],
    removed: [],
  });
  fake.emit('roster.changed', { account: A, reset: false, upserts: [], removed: ['c9998@x.example'] });
  fake.emit('presence.changed', { account: A, contacts: [online('c9999@x.example')] });
  assert.equal(useRoster.getState().byAccount.get(A)!.contacts.get('c9999@x.example'), undefined);
  assert.equal(usePresence.getState().online, 0);

  const deadline = Date.now() + 5000;
  while (size() !== 9_999 && Date.now() < deadline) await nextTask();
  const held = useRoster.getState().byAccount.get(A)!.contacts;
  assert.equal(held.size, 9_999);
  assert.equal(held.get('c9999@x.example')?.name, 'Renamed');
  assert.equal(held.has('c9998@x.example'), false);
  assert.equal(held.has('c99999@x.example'), false);
  assert.equal(usePresence.getState().online, 1);
  assert.equal(jidsInOrder(A).length, 9_999);
  assert.deepEqual(
    jidsInOrder(A),
    sortContacts(held.values()).map((e) => e.contact.jid),
  );

  // From now on events apply at once.
  fake.emit('roster.changed', { account: A, reset: true, upserts: [contact(1, 'Only')], removed: [] });
  assert.deepEqual(jidsInOrder(A), ['c1@x.example']);
});
