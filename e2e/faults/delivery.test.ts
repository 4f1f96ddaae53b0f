// Fault injection (issue 4 §3): a loopback proxy between the engine and Prosody resets, black-holes or cuts
// the link, or Prosody itself restarts. Each scenario asserts that every message the user sent arrived
// exactly once and in order, that every message the peer sent was shown exactly once and in order, and
// that sent messages reach the 'sent' state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodiesAt, expected, idsInState, shownFrom, sleep, storedChat, useFaultFixture } from './fixture.ts';
import { snapshot } from '../harness/scenario.ts';
import { XmppSession } from '../../electron/core/xmpp/session.ts';
import { NS_ROSTER } from '../../electron/core/xmpp/ns.ts';

const fx = useFaultFixture();

test('link reset during a burst of 1,000 sends: every message arrives exactly once, in order, and is confirmed', async () => {
  const [a, b] = await Promise.all([fx.account('burst-a'), fx.account('burst-b')]);
  const link = await fx.proxy();
  const alice = await fx.client(a, link.port);
  const bob = await fx.peer(b);
  const sends = [];
  for (let i = 0; i < 1000; i++) {
    sends.push(alice.engine.invoke('chat.send', { account: alice.account, to: b.jid, body: `m${i}` }));
    if (i === 300) link.reset();
    if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve)); // let some go out before the reset
  }
  const results = await Promise.all(sends);
  assert.ok(
    results.every((r) => r.ok),
    'every send was accepted',
  );
  await alice.until(() => bodiesAt(bob, a.jid).length >= 1000, 30_000, 'the peer to get 1,000 messages');
  await sleep(300); // any duplicate would arrive right behind
  assert.deepEqual(bodiesAt(bob, a.jid), expected('m', 1000), 'exactly once, in order');
  assert.ok(
    alice.states().some((s) => s.status === 'reconnecting'),
    'the reset was noticed',
  );
  await alice.until(() => idsInState(alice, 'sent').size >= 1000, 10_000, "all 1,000 to reach 'sent'");
  const ids = new Set(results.map((r) => (r.ok ? r.value.id : '')));
  assert.deepEqual(idsInState(alice, 'sent'), ids);
  // The history holds each once, in order, and 'sent' (it was 'pending' until the server's ack).
  const stored = await storedChat(alice, b.jid);
  assert.deepEqual(
    stored.map((m) => m.body),
    expected('m', 1000),
  );
  assert.ok(results.every((r) => r.ok && r.value.state === 'pending'));
  assert.deepEqual(new Set(stored.map((m) => m.state)), new Set(['sent']));
});

test('a peer flooding while we reconnect: each of its messages is shown exactly once, in order', async () => {
  const [a, b] = await Promise.all([fx.account('flood-a'), fx.account('flood-b')]);
  const link = await fx.proxy();
  const alice = await fx.client(a, link.port);
  // A contact: a stranger's messages would wait as a message request, capped at 100 (chat/strangers.ts).
  assert.ok((await alice.engine.invoke('roster.add', { account: alice.account, jid: b.jid })).ok);
  const bob = await fx.peer(b);
  const flood = bob.sendMany(a.jid, 500, 'f');
  await sleep(30);
  link.reset();
  await flood;
  await alice.until(() => shownFrom(alice, b.jid).length >= 500, 30_000, '500 messages from the peer');
  await sleep(300);
  // ejabberd 23.01, resuming the stream, sends its queue of unacknowledged messages (delay-stamped)
  // interleaved with messages routed to the session during the resumption (seen on the wire: f412, f429 …
  // f436, then f413), so there the order is the server's and only "exactly once" is checked.
  const inOrder = fx.server.kind === 'prosody';
  const asSent = (bodies: Array<string | null>) => (inOrder ? bodies : [...bodies].sort());
  assert.deepEqual(asSent(shownFrom(alice, b.jid)), asSent(expected('f', 500)));
  // Stored exactly once each, in order (on Prosody), too.
  const stored = await storedChat(alice, b.jid);
  assert.deepEqual(asSent(stored.map((m) => m.body)), asSent(expected('f', 500)));
  assert.deepEqual(new Set(stored.map((m) => m.state)), new Set(['received']));
  assert.equal(alice.states().at(-1)?.status, 'online');
});

test('Prosody restarted mid-conversation: full sign-in again, roster back, nothing lost or doubled', async () => {
  const [a, b] = await Promise.all([fx.account('restart-a'), fx.account('restart-b')]);
  const alice = await fx.client(a, fx.server.c2sPort);
  const bobEngine = await fx.client(b, fx.server.c2sPort);
  assert.ok(
    (await alice.engine.invoke('roster.add', { account: alice.account, jid: b.jid, name: 'Bob' })).ok,
  );
  for (let i = 0; i < 5; i++)
    assert.ok(
      (await alice.engine.invoke('chat.send', { account: alice.account, to: b.jid, body: `r${i}` })).ok,
    );
  await bobEngine.until(() => shownFrom(bobEngine, a.jid).length >= 5, 10_000, 'the first five');
  // Every session opened from here on, to see that alice's next one is fresh and fetches the roster.
  const opened: XmppSession[] = [];
  const open = XmppSession.open;
  XmppSession.open = async (options) => {
    const session = await open.call(XmppSession, options);
    opened.push(session);
    return session;
  };
  fx.onCleanup(async () => void (XmppSession.open = open));
  const restarting = fx.server.restart();
  // Written while the server is down: kept and sent once a session is back.
  await alice.until(() => alice.states().at(-1)?.status === 'reconnecting', 10_000, 'reconnecting');
  for (let i = 5; i < 10; i++)
    assert.ok(
      (await alice.engine.invoke('chat.send', { account: alice.account, to: b.jid, body: `r${i}` })).ok,
    );
  await restarting;
  await alice.until(() => alice.states().at(-1)?.status === 'online', 20_000, 'alice back online');
  await bobEngine.until(() => bobEngine.states().at(-1)?.status === 'online', 20_000, 'bob back online');
  await bobEngine.until(() => shownFrom(bobEngine, a.jid).length >= 10, 20_000, 'all ten at bob');
  await sleep(300);
  assert.deepEqual(shownFrom(bobEngine, a.jid), expected('r', 10));
  assert.deepEqual(
    (await storedChat(bobEngine, a.jid)).map((m) => m.body),
    expected('r', 10),
  );
  await alice.until(() => idsInState(alice, 'sent').size >= 10, 10_000, "all ten 'sent'");
  assert.deepEqual(
    (await storedChat(alice, b.jid)).map((m) => [m.body, m.state]),
    expected('r', 10).map((body) => [body, 'sent']),
  );
  // Not a resumption (the server forgot the session): the roster was fetched again and still has Bob.
  XmppSession.open = open;
  const fresh = opened.filter((session) => session.jid.startsWith(`${a.jid}/`) && !session.resumed);
  assert.ok(fresh.length > 0, 'a fresh session, not a resumption');
  assert.ok(
    fresh.every((session) =>
      session.prefetched.some(({ request, reply }) => request.getChild('query', NS_ROSTER) && reply),
    ),
    'roster fetched again',
  );
  assert.deepEqual(
    (await snapshot(alice)).roster.map((c) => [c.jid, c.name]),
    [[b.jid, 'Bob']],
  );
});

test('a 40 s black hole (packets dropped, no reset) is noticed within 30 s; after it heals nothing is lost', async () => {
  const [a, b] = await Promise.all([fx.account('hole-a'), fx.account('hole-b')]);
  const link = await fx.proxy();
  const alice = await fx.client(a, link.port); // default liveness: probe after 10 s, give up after 25 s
  const bob = await fx.peer(b);
  const started = Date.now();
  link.blackHole();
  for (let i = 0; i < 5; i++)
    assert.ok(
      (await alice.engine.invoke('chat.send', { account: alice.account, to: b.jid, body: `h${i}` })).ok,
    );
  await alice.until(
    () => alice.states().at(-1)?.status === 'reconnecting',
    35_000,
    'the dead link to be noticed',
  );
  const noticedAfter = Date.now() - started;
  assert.ok(noticedAfter <= 30_000, `noticed after ${noticedAfter} ms`);
  // The partition lasts 40 s: reconnect attempts meanwhile reach nothing either.
  await sleep(40_000 - (Date.now() - started));
  assert.equal(bodiesAt(bob, a.jid).length, 0, 'nothing got through the black hole');
  link.heal();
  await alice.until(() => alice.states().at(-1)?.status === 'online', 20_000, 'back online');
  await alice.until(() => bodiesAt(bob, a.jid).length >= 5, 15_000, 'the five messages');
  await sleep(300);
  assert.deepEqual(bodiesAt(bob, a.jid), expected('h', 5));
});

test('forgetting the account while it is reconnecting stops the reconnecting', async () => {
  const a = await fx.account('forget-a');
  const link = await fx.proxy();
  const alice = await fx.client(a, link.port);
  link.refuse(true);
  link.reset();
  await alice.until(() => alice.states().at(-1)?.status === 'reconnecting', 10_000, 'reconnecting');
  assert.ok((await alice.engine.invoke('account.forget', { account: a.jid })).ok);
  alice.engine.flushEvents();
  assert.equal(alice.states().at(-1)?.status, 'offline');
  const attempts = link.accepted;
  await sleep(1_500); // backoff here is 100 ms to 1 s
  assert.equal(link.accepted, attempts, 'no further connection attempts');
});

test('the machine wakes up on a dead link: connection.retryNow notices in seconds, not 25, and nothing is lost', async () => {
  const [a, b] = await Promise.all([fx.account('wake-a'), fx.account('wake-b')]);
  const link = await fx.proxy();
  const alice = await fx.client(a, link.port, { wakeProbeMs: 2_000 }); // silent-link timer: 10 s / 25 s
  const bob = await fx.peer(b);
  link.blackHole(); // the route died while the machine slept
  for (let i = 0; i < 3; i++)
    assert.ok(
      (await alice.engine.invoke('chat.send', { account: alice.account, to: b.jid, body: `w${i}` })).ok,
    );
  const woke = Date.now();
  assert.ok((await alice.engine.invoke('connection.retryNow', {})).ok); // what the shell sends on 'resume'
  await alice.until(
    () => alice.states().at(-1)?.status === 'reconnecting',
    5_000,
    'the dead link to be noticed',
  );
  const noticedAfter = Date.now() - woke;
  assert.ok(noticedAfter < 4_000, `noticed ${noticedAfter} ms after waking`);
  link.heal();
  assert.ok((await alice.engine.invoke('connection.retryNow', {})).ok); // and now without waiting for backoff
  await alice.until(() => alice.states().at(-1)?.status === 'online', 10_000, 'back online');
  await alice.until(() => bodiesAt(bob, a.jid).length >= 3, 10_000, 'the three messages');
  await sleep(300);
  assert.deepEqual(bodiesAt(bob, a.jid), expected('w', 3));
});
