// Fault injection (issue 4 §3): a loopback proxy between the engine and Prosody resets, black-holes or cuts
// the link, or Prosody itself restarts. Each scenario asserts that every message the user sent arrived
// exactly once and in order, that every message the peer sent was shown exactly once and in order, and
// that sent messages reach the 'sent' state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody, type ProsodyServer } from '../harness/prosody.ts';
import { startSlixmppPeer, type SlixmppPeer } from '../harness/peer.ts';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.ts';
import { Engine, type EngineOptions } from '../../electron/core/engine.ts';
import type { ConnectionState, EngineEvent } from '../../shared/contract.ts';

let server: ProsodyServer;
const dirs: string[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
let counter = 0;

before(async () => {
  server = await startProsody();
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await server?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function account(prefix: string) {
  const user = `${prefix}-${++counter}-${Date.now().toString(36)}`;
  const password = `pw-${user}`;
  await server.register(user, password);
  return { user, password, jid: `${user}@${server.domain}` };
}

interface Client {
  engine: Engine;
  events: EngineEvent[];
  jid: string;
  states(): ConnectionState[];
  until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void>;
}

/** An engine signed in through `port` (the proxy, or Prosody itself). Fast backoff keeps tests short. */
async function client(
  acc: { jid: string; password: string },
  port: number,
  options: Partial<EngineOptions> = {},
): Promise<Client> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-faults-'));
  dirs.push(dataDir);
  const engine = await Engine.create({
    dataDir,
    extraCertificates: [server.certificate.certPem],
    batchIntervalMs: 1,
    reconnectDelay: { initialMs: 100, maxMs: 1_000 },
    ...options,
  });
  cleanups.push(() => engine.dispose());
  const events: EngineEvent[] = [];
  engine.subscribe((batch) => events.push(...batch));
  const result = await engine.invoke('account.signIn', {
    jid: acc.jid,
    password: acc.password,
    host: server.host,
    port,
  });
  assert.ok(result.ok, JSON.stringify(result));
  const states = () => events.flatMap((e) => (e.event === 'connection.state' ? [e.payload] : []));
  return {
    engine,
    events,
    jid: acc.jid,
    states,
    until: async (predicate, timeoutMs, what) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; states: ${states()
              .map((s) => s.status)
              .join(' > ')}`,
          );
        }
        engine.flushEvents();
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

async function peer(acc: { jid: string; password: string }): Promise<SlixmppPeer> {
  const started = await startSlixmppPeer({
    ...acc,
    host: server.host,
    port: server.c2sPort,
    caPem: server.certificate.certPem,
  });
  cleanups.push(() => started.stop());
  return started;
}

async function proxy(): Promise<FaultProxy> {
  const started = await startFaultProxy({ host: server.host, port: server.c2sPort });
  cleanups.push(() => started.close());
  return started;
}

const bodiesAt = (p: SlixmppPeer, from: string) =>
  p.events.flatMap((e) =>
    e.type === 'message' && e.from.startsWith(from) && e.body !== null ? [e.body] : [],
  );

const shownFrom = (c: Client, peerJid: string) =>
  c.events.flatMap((e) =>
    e.event === 'chat.messages'
      ? e.payload.messages.filter((m) => m.peer === peerJid && m.direction === 'in').map((m) => m.body)
      : [],
  );

const sentIds = (c: Client) =>
  new Set(
    c.events.flatMap((e) =>
      e.event === 'chat.states' ? e.payload.updates.filter((u) => u.state === 'sent').map((u) => u.id) : [],
    ),
  );

const expected = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

test('link reset during a burst of 1,000 sends: every message arrives exactly once, in order, and is confirmed', async () => {
  const [a, b] = await Promise.all([account('burst-a'), account('burst-b')]);
  const link = await proxy();
  const alice = await client(a, link.port);
  const bob = await peer(b);
  const sends = [];
  for (let i = 0; i < 1000; i++) {
    sends.push(alice.engine.invoke('chat.send', { to: b.jid, body: `m${i}` }));
    if (i === 300) link.reset();
    if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve)); // let some go out before the reset
  }
  const results = await Promise.all(sends);
  assert.ok(
    results.every((r) => r.ok),
    'every send was accepted',
  );
  await alice.until(() => bodiesAt(bob, a.jid).length >= 1000, 30_000, 'the peer to get 1,000 messages');
  await new Promise((resolve) => setTimeout(resolve, 300)); // any duplicate would arrive right behind
  assert.deepEqual(bodiesAt(bob, a.jid), expected('m', 1000), 'exactly once, in order');
  assert.ok(
    alice.states().some((s) => s.status === 'reconnecting'),
    'the reset was noticed',
  );
  await alice.until(() => sentIds(alice).size >= 1000, 10_000, "all 1,000 to reach 'sent'");
  const ids = new Set(results.map((r) => (r.ok ? r.value.id : '')));
  assert.deepEqual(sentIds(alice), ids);
});

test('a peer flooding while we reconnect: each of its messages is shown exactly once, in order', async () => {
  const [a, b] = await Promise.all([account('flood-a'), account('flood-b')]);
  const link = await proxy();
  const alice = await client(a, link.port);
  const bob = await peer(b);
  const flood = bob.sendMany(a.jid, 500, 'f');
  await new Promise((resolve) => setTimeout(resolve, 30));
  link.reset();
  await flood;
  await alice.until(() => shownFrom(alice, b.jid).length >= 500, 30_000, '500 messages from the peer');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(shownFrom(alice, b.jid), expected('f', 500));
  assert.equal(alice.states().at(-1)?.status, 'online');
});

test('Prosody restarted mid-conversation: full sign-in again, roster back, nothing lost or doubled', async () => {
  const [a, b] = await Promise.all([account('restart-a'), account('restart-b')]);
  const alice = await client(a, server.c2sPort);
  const bobEngine = await client(b, server.c2sPort);
  assert.ok((await alice.engine.invoke('roster.add', { jid: b.jid, name: 'Bob' })).ok);
  for (let i = 0; i < 5; i++)
    assert.ok((await alice.engine.invoke('chat.send', { to: b.jid, body: `r${i}` })).ok);
  await bobEngine.until(() => shownFrom(bobEngine, a.jid).length >= 5, 10_000, 'the first five');
  const resetsBefore = alice.events.filter((e) => e.event === 'roster.changed' && e.payload.reset).length;
  const restarting = server.restart();
  // Written while the server is down: kept and sent once a session is back.
  await alice.until(() => alice.states().at(-1)?.status === 'reconnecting', 10_000, 'reconnecting');
  for (let i = 5; i < 10; i++)
    assert.ok((await alice.engine.invoke('chat.send', { to: b.jid, body: `r${i}` })).ok);
  await restarting;
  await alice.until(() => alice.states().at(-1)?.status === 'online', 20_000, 'alice back online');
  await bobEngine.until(() => bobEngine.states().at(-1)?.status === 'online', 20_000, 'bob back online');
  await bobEngine.until(() => shownFrom(bobEngine, a.jid).length >= 10, 20_000, 'all ten at bob');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(shownFrom(bobEngine, a.jid), expected('r', 10));
  // Not a resumption (the server forgot the session): the roster was fetched again and still has Bob.
  const resets = alice.events.filter((e) => e.event === 'roster.changed' && e.payload.reset);
  assert.ok(resets.length > resetsBefore, 'roster fetched again');
  const snapshot = await alice.engine.invoke('state.snapshot', {});
  assert.ok(snapshot.ok);
  assert.deepEqual(
    snapshot.value.roster.map((c) => [c.jid, c.name]),
    [[b.jid, 'Bob']],
  );
});

test('a black hole (packets dropped, no reset) is noticed within 30 s; after it heals nothing is lost', async () => {
  const [a, b] = await Promise.all([account('hole-a'), account('hole-b')]);
  const link = await proxy();
  const alice = await client(a, link.port); // default liveness: probe after 10 s, give up after 25 s
  const bob = await peer(b);
  const started = Date.now();
  link.blackHole();
  for (let i = 0; i < 5; i++)
    assert.ok((await alice.engine.invoke('chat.send', { to: b.jid, body: `h${i}` })).ok);
  await alice.until(
    () => alice.states().at(-1)?.status === 'reconnecting',
    35_000,
    'the dead link to be noticed',
  );
  const noticedAfter = Date.now() - started;
  assert.ok(noticedAfter <= 30_000, `noticed after ${noticedAfter} ms`);
  link.heal();
  await alice.until(() => alice.states().at(-1)?.status === 'online', 20_000, 'back online');
  await alice.until(() => bodiesAt(bob, a.jid).length >= 5, 15_000, 'the five messages');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(bodiesAt(bob, a.jid), expected('h', 5));
});

test('forgetting the account while it is reconnecting stops the reconnecting', async () => {
  const a = await account('forget-a');
  const link = await proxy();
  const alice = await client(a, link.port);
  link.refuse(true);
  link.reset();
  await alice.until(() => alice.states().at(-1)?.status === 'reconnecting', 10_000, 'reconnecting');
  assert.ok((await alice.engine.invoke('account.forget', { jid: a.jid })).ok);
  alice.engine.flushEvents();
  assert.equal(alice.states().at(-1)?.status, 'offline');
  const attempts = link.accepted;
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // backoff here is 100 ms to 1 s
  assert.equal(link.accepted, attempts, 'no further connection attempts');
});
