// Fault injection (issue 4 §3), continued: the app process killed while sending and started again, and two
// devices of one account (XEP-0280 carbons) through a reset and a sign-out gap (XEP-0313 catch-up). Each
// asserts that every message sent arrived exactly once at the other side, in order; that every stored
// conversation holds each message exactly once, in order; and that the states are right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { bodiesAt, expected, idsInState, shownFrom, sleep, storedChat, useFaultFixture } from './fixture.ts';
import type { Client } from './fixture.ts';

const fx = useFaultFixture();
const ENGINE_PROCESS = fileURLToPath(new URL('./engine-process.ts', import.meta.url));

test('the app killed while sending and started again: pending messages go out, each exactly once, in order', async () => {
  const [a, b] = await Promise.all([fx.account('kill-a'), fx.account('kill-b')]);
  const bob = await fx.peer(b);
  const link = await fx.proxy();
  const dataDir = await fx.tempDir();
  const child = spawn(
    process.execPath,
    [
      ENGINE_PROCESS,
      JSON.stringify({
        dataDir,
        caPem: fx.server.certificate.certPem,
        jid: a.jid,
        password: a.password,
        host: fx.server.host,
        port: link.port,
      }),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  fx.onCleanup(async () => child.kill('SIGKILL'));
  const accepted: number[] = [];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const said = JSON.parse(line) as { ready?: boolean; sent?: number; state?: string; error?: unknown };
    assert.equal(said.error, undefined, `the engine process failed: ${line}`);
    if (said.ready) ready();
    if (said.sent !== undefined) {
      assert.equal(said.state, 'pending', 'a sent message is stored as pending before it goes out');
      accepted.push(said.sent);
      // Halfway: the link goes dead (what is written from now on never arrives), then the process dies.
      if (said.sent === 150) link.blackHole();
      if (said.sent === 200) child.kill('SIGKILL');
    }
  });
  await isReady;
  child.stdin.write(`${JSON.stringify({ op: 'burst', to: b.jid, count: 400, prefix: 'k' })}\n`);
  await exited;
  link.reset();
  const arrivedBeforeRestart = bodiesAt(bob, a.jid).length;
  assert.ok(accepted.length >= 200, `the process accepted ${accepted.length} messages before it was killed`);
  assert.ok(arrivedBeforeRestart < accepted.length, 'some accepted messages had not reached the peer');

  // The app starts again on the same data folder, directly connected.
  const again = await fx.client(a, fx.server.c2sPort, { dataDir });
  const stored = () => storedChat(again, b.jid);
  const sentCount = (await stored()).length;
  assert.ok(sentCount >= accepted.length, 'every accepted message was in the history before it was sent');
  await again.until(
    () => bodiesAt(bob, a.jid).length >= sentCount,
    20_000,
    `${sentCount} messages at the peer`,
  );
  await sleep(500); // a duplicate would arrive right behind
  // Counted on the peer's wire, not after any de-duplication: nothing sent twice, nothing lost, in order.
  assert.deepEqual(bodiesAt(bob, a.jid), expected('k', sentCount));
  const deadline = Date.now() + 10_000;
  let history = await stored();
  while (history.some((m) => m.state === 'pending') && Date.now() < deadline) {
    await sleep(50);
    history = await stored();
  }
  assert.deepEqual(
    history.map((m) => [m.body, m.state]),
    expected('k', sentCount).map((body) => [body, 'sent']),
  );
  console.log(
    `killed after ${accepted.length} accepted; ${arrivedBeforeRestart} had arrived; ${sentCount} stored and delivered once`,
  );
});

/** Makes `a` and `b` see each other's presence (so receipts and markers flow) and waits for both rosters. */
async function befriend(x: Client, y: Client): Promise<void> {
  for (const [from, to] of [
    [x, y],
    [y, x],
  ] as const) {
    assert.ok(
      (await from.engine.invoke('roster.add', { account: from.account, jid: to.jid, subscribe: true })).ok,
    );
    await to.until(
      () =>
        to.events.some(
          (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === from.jid),
        ),
      10_000,
      `${to.jid} to see the request`,
    );
    assert.ok(
      (
        await to.engine.invoke('subscription.answer', {
          account: to.account,
          jid: from.jid,
          answer: 'approve',
        })
      ).ok,
    );
  }
  for (const [c, other] of [
    [x, y],
    [y, x],
  ] as const) {
    await c.until(
      () =>
        c.events.some(
          (e) =>
            e.event === 'roster.changed' &&
            e.payload.upserts.some((u) => u.jid === other.jid && u.subscription === 'both'),
        ),
      10_000,
      `${c.jid} subscribed both ways`,
    );
  }
}

test('two devices of one account with carbons, through a reset and a sign-out gap: one conversation, once each, in order', async () => {
  const [a, c] = await Promise.all([fx.account('dev-a'), fx.account('dev-c')]);
  const link = await fx.proxy();
  const laptop = await fx.client(a, link.port); // the device whose link fails
  const phone = await fx.client(a, fx.server.c2sPort);
  const carol = await fx.client(c, fx.server.c2sPort);
  await befriend(laptop, carol);

  // A conversation, not a burst: each line reaches the other side before the answer is written.
  const conversation: string[] = [];
  const phoneSent: string[] = [];
  const line = async (i: number) => {
    const fromPhone = i % 2 === 0;
    const body = fromPhone ? `p${i}` : `c${i}`;
    const [sender, receiver] = fromPhone ? [phone, carol] : [carol, phone];
    const r = await sender.engine.invoke('chat.send', {
      account: sender.account,
      to: fromPhone ? c.jid : a.jid,
      body,
    });
    assert.ok(r.ok, JSON.stringify(r));
    if (fromPhone) phoneSent.push(r.value.id);
    conversation.push(body);
    await receiver.until(
      () => shownFrom(receiver, fromPhone ? a.jid : c.jid).includes(body),
      10_000,
      `${body} to arrive`,
    );
  };

  // Phase 1: carol and the phone talk while the laptop's link is reset mid-way (resumed or signed in again).
  for (let i = 0; i < 40; i++) {
    if (i === 20) link.reset();
    await line(i);
  }
  await laptop.until(() => laptop.states().at(-1)?.status === 'online', 20_000, 'laptop back online');

  // Phase 2: the laptop signs out; the conversation goes on; it signs in again and catches up.
  assert.ok((await laptop.engine.invoke('account.signOut', { account: laptop.account })).ok);
  await sleep(1_100); // the archive stamps whole seconds: keep the phases apart
  for (let i = 40; i < 60; i++) await line(i);
  await sleep(1_100);
  assert.ok(
    (
      await laptop.engine.invoke('account.signIn', {
        jid: a.jid,
        password: a.password,
        host: fx.server.host,
        port: link.port,
      })
    ).ok,
  );

  const lines = (messages: Array<{ body: string | null }>) => messages.map((m) => m.body);
  await laptop.until(
    () =>
      laptop.events.some(
        (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === conversation.at(-1)),
      ),
    20_000,
    'the laptop to catch up',
  );
  // Every device's history: the whole conversation, each line once, in order.
  for (const device of [laptop, phone]) {
    assert.deepEqual(lines(await storedChat(device, c.jid)), conversation, `history of ${device.dataDir}`);
  }
  assert.deepEqual(lines(await storedChat(carol, a.jid)), conversation, "carol's history");
  // Carol saw each of the phone's lines exactly once.
  assert.deepEqual(
    shownFrom(carol, a.jid),
    conversation.filter((b) => b.startsWith('p')),
  );
  // And the laptop showed each line once, whether it came live, as a carbon or from the archive.
  const shown = laptop.events.flatMap((e) =>
    e.event === 'chat.messages' ? e.payload.messages.filter((m) => m.peer === c.jid).map((m) => m.body) : [],
  );
  assert.equal(new Set(shown).size, shown.length, `no line shown twice on the laptop: ${shown.join(' ')}`);
  assert.deepEqual(new Set(shown), new Set(conversation));

  // States: carol's device acknowledged receipt of every line from the phone; once she looks at the chat
  // (displayed marker), the newest one is 'read'.
  await phone.until(
    () => phoneSent.every((id) => idsInState(phone, 'delivered').has(id)),
    10_000,
    "every phone line 'delivered'",
  );
  assert.ok((await carol.engine.invoke('chat.markDisplayed', { account: carol.account, peer: a.jid })).ok);
  await phone.until(() => idsInState(phone, 'read').has(phoneSent.at(-1)!), 10_000, "the newest line 'read'");
  const phoneHistory = await storedChat(phone, c.jid);
  assert.equal(phoneHistory.find((m) => m.id === phoneSent.at(-1))?.state, 'read');
  assert.ok(
    phoneHistory
      .filter((m) => m.direction === 'out')
      .every((m) => m.state === 'delivered' || m.state === 'read'),
  );
  // Nothing is marked while the chat is not looked at: a second call has nothing new to send.
  const readBefore = idsInState(phone, 'read').size;
  assert.ok((await carol.engine.invoke('chat.markDisplayed', { account: carol.account, peer: a.jid })).ok);
  await sleep(300);
  phone.engine.flushEvents();
  assert.equal(idsInState(phone, 'read').size, readBefore);
});
