// A server that drops us right after every sign-in (issue 9): the reconnect backoff must keep growing, since
// only a session that stayed up a while resets it. Before, each successful sign-in reset it, and such a
// server got a new sign-in about every initial delay, forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, useFaultFixture } from './fixture.ts';

const fx = useFaultFixture();

test('a server that drops each session right after sign-in gets fewer and fewer tries, not one per delay', async () => {
  const a = await fx.account('backoff');
  const link = await fx.proxy();
  // 100 ms doubling up to 3.2 s; a session counts as stable after 10 s (never reached here).
  const alice = await fx.client(a, link.port, {
    reconnectDelay: { initialMs: 100, maxMs: 3_200, stableMs: 10_000 },
  });
  const onlineCount = () => alice.states().filter((s) => s.status === 'online').length;
  // Every time the account is online again, the link is cut at once.
  let seen = onlineCount();
  const cutting = setInterval(() => {
    alice.engine.flushEvents();
    if (onlineCount() > seen) {
      seen = onlineCount();
      link.reset();
    }
  }, 5);
  link.reset();
  try {
    await sleep(4_000);
  } finally {
    clearInterval(cutting);
  }
  // Delays of about 0.1, 0.2, 0.4, 0.8, 1.6, 3.2 s (each half to whole): at most 6 tries fit in 4 s. With the
  // backoff reset by every sign-in there were more than 20.
  const signIns = onlineCount() - 1;
  assert.ok(signIns >= 2, `it still tries (${signIns} sign-ins)`);
  assert.ok(signIns <= 7, `${signIns} sign-ins in 4 s`);
  // And it is still trying: once the server behaves, the account is back.
  link.heal();
  const before = onlineCount();
  await alice.until(() => onlineCount() > before, 10_000, 'online again');
});
