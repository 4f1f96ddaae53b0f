// Fault injection (issue 8): the link drops while the archive (XEP-0313) catch-up after a sign-in is still
// paging, and the stream is then resumed (XEP-0198). The catch-up belongs to the account, not to the socket
// it started on: every message archived while this device was away must still arrive exactly once, in order,
// and stay after a restart; the stored resume point must never pass what was actually fetched.
//
// Why another device of the account is online while this one is away: with no resource online, Prosody's
// mod_offline stores the messages too and floods them to us right after our initial presence (before the
// catch-up has queried anything), so they would arrive live whatever the catch-up does. A phone that took
// them leaves the archive as the only way to this device, which is what the catch-up exists for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expected, shownFrom, sleep, storedChat, useFaultFixture, type Client } from './fixture.ts';

const fx = useFaultFixture();

const OFFLINE = 60; // archived while away: 12 pages of 5
const LIVE = 5; // sent once the stream is resumed
const PAGE = 5;

const rosterResets = (c: Client) =>
  c.events.filter((e) => e.event === 'roster.changed' && e.payload.reset).length;

/** Waits for `predicate` but, unlike Client.until, does not throw: the assertions after it say what is missing. */
async function settle(c: Client, predicate: () => boolean, timeoutMs: number): Promise<void> {
  await c.until(predicate, timeoutMs, 'settling').catch(() => undefined);
  c.engine.flushEvents();
}

test('link reset mid catch-up, stream resumed: every archived and live message arrives once, in order, and stays', async () => {
  const [a, b] = await Promise.all([fx.account('resume-a'), fx.account('resume-b')]);
  const bob = await fx.peer(b);
  const dataDir = await fx.tempDir();

  // 1. The laptop has signed in before and holds a message with an archive id: its resume point.
  const first = await fx.client(a, fx.server.c2sPort, { dataDir });
  await bob.sendMessage(a.jid, 'before');
  await first.until(() => shownFrom(first, b.jid).includes('before'), 10_000, "'before' to arrive");
  await first.engine.dispose();
  await sleep(1_100); // archive stamps are whole seconds: one in 'before''s second would sort before it

  // 2. Away: the phone takes the messages, the archive keeps them.
  const phone = await fx.peer(a);
  await bob.sendMany(a.jid, OFFLINE, 'o');
  await phone.waitFor('message', (e) => e.body === `o${OFFLINE - 1}`, 15_000); // so archived, too
  await sleep(1_100); // the archive stamps whole seconds: keep the away phase apart from the live one

  // 3. Sign in again through the proxy, small archive pages. The proxy's latency (both ways) makes each page
  // a round trip of ~50 ms, so the 12 pages take most of a second and polling can catch the walk mid-way.
  const link = await fx.proxy();
  link.delay(25);
  const laptop = await fx.client(a, link.port, { dataDir, archivePageSize: PAGE });
  await laptop.until(() => laptop.states().at(-1)?.status === 'online', 15_000, 'second sign-in');
  const resetsBefore = rosterResets(laptop);
  const fromArchive = () => shownFrom(laptop, b.jid).filter((body) => body?.startsWith('o')).length;
  await laptop.until(() => fromArchive() >= 2 * PAGE, 15_000, 'two pages of the catch-up');
  link.reset(); // what is in flight (a page query or its results) is lost; resumption resends it
  link.heal(); // the reconnect itself runs at loopback speed
  const shownAtReset = fromArchive();
  assert.ok(shownAtReset < OFFLINE, `the reset came mid catch-up (${shownAtReset} of ${OFFLINE} shown)`);

  await laptop.until(() => laptop.states().at(-1)?.status === 'reconnecting', 5_000, 'the reset noticed');
  await laptop.until(() => laptop.states().at(-1)?.status === 'online', 15_000, 'back online');
  // Resumed, not signed in anew: a full sign-in fetches the roster again (and would redo the catch-up anyway).
  assert.equal(rosterResets(laptop), resetsBefore, 'the stream was resumed (XEP-0198), no new roster fetch');

  // 4. Live messages after the resumption: they move the stored resume point.
  await bob.sendMany(a.jid, LIVE, 'l');
  const all = ['before', ...expected('o', OFFLINE), ...expected('l', LIVE)];
  const arrived = () => shownFrom(laptop, b.jid).filter((body) => body !== 'before');
  await laptop.until(() => arrived().filter((x) => x?.startsWith('l')).length >= LIVE, 10_000, 'live ones');
  await settle(laptop, () => arrived().length >= OFFLINE + LIVE, 5_000);
  await sleep(300); // a duplicate would arrive right behind

  // 5. Shown exactly once each; stored exactly once each, in the peer's send order.
  const shown = arrived();
  const missing = all.slice(1).filter((body) => !shown.includes(body));
  const twice = shown.filter((body, i) => shown.indexOf(body) !== i);
  console.log(`reset after ${shownAtReset} of ${OFFLINE} archived messages were shown`);
  assert.deepEqual(
    { missing, twice },
    { missing: [], twice: [] },
    `shown after the resumption: missing ${missing.join(' ') || 'none'}; twice ${twice.join(' ') || 'none'}`,
  );
  assert.deepEqual(
    (await storedChat(laptop, b.jid)).map((m) => m.body),
    all,
    'stored exactly once each, in order',
  );

  // And after a restart with a normal sign-in: still all there, each once. A live message is held until the
  // catch-up is done, so once 'after' is shown the catch-up has finished.
  await laptop.engine.dispose();
  const again = await fx.client(a, fx.server.c2sPort, { dataDir, archivePageSize: PAGE });
  await bob.sendMessage(a.jid, 'after');
  await again.until(() => shownFrom(again, b.jid).includes('after'), 15_000, "'after' to arrive");
  assert.deepEqual(
    (await storedChat(again, b.jid)).map((m) => m.body),
    [...all, 'after'],
    'after a restart: stored exactly once each, in order',
  );
});
