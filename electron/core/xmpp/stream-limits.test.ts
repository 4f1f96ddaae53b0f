// XEP-0478 stream limits (issue 9): what a server announces is read defensively; a message over its
// max-bytes fails on its own (typed 'too-large', the stream stays up, nothing is written), and with
// idle-seconds a whitespace keepalive goes out in time. Against the rogue server: no server here announces
// limits (Prosody 0.12 and ejabberd 23.01 predate XEP-0478).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { rogueClient, rogueServer, sleep, watchCrashes } from '../../../e2e/hostile/kit.ts';
import { NO_LIMITS, parseStreamLimits, stanzaBytes } from './stream-limits.ts';
import { NS_STREAM_LIMITS } from './ns.ts';

watchCrashes();

const features = (...children: ReturnType<typeof xml>[]) =>
  xml('stream:features', {}, xml('limits', { xmlns: NS_STREAM_LIMITS }, ...children));

test('limits are read only when they make sense', () => {
  const limits = (maxBytes: string, idle: string) =>
    parseStreamLimits(features(xml('max-bytes', {}, maxBytes), xml('idle-seconds', {}, idle)));
  assert.deepEqual(limits('10000', '600'), { maxBytes: 10_000, idleSeconds: 600 });
  assert.deepEqual(limits(' 262144 ', '300'), { maxBytes: 262_144, idleSeconds: 300 });
  assert.deepEqual(limits('12', '1'), NO_LIMITS, 'too small to be real: ignored');
  assert.deepEqual(limits('-5', '1e3'), NO_LIMITS);
  assert.deepEqual(limits('9'.repeat(50), 'abc'), NO_LIMITS);
  assert.deepEqual(parseStreamLimits(xml('stream:features')), NO_LIMITS);
  assert.deepEqual(parseStreamLimits(features()), NO_LIMITS);
  assert.equal(stanzaBytes(xml('body', {}, 'é')), '<body>é</body>'.length + 1, 'UTF-8 bytes');
});

test("a message over the server's max-bytes fails with 'too-large'; nothing is written and the stream stays up", async () => {
  const rogue = await rogueServer({
    extraFeatures: {
      authenticated: `<limits xmlns='${NS_STREAM_LIMITS}'><max-bytes>4096</max-bytes></limits>`,
    },
  });
  const client = await rogueClient(rogue);
  const connection = await client.online();
  const big = await client.engine.invoke('chat.send', {
    account: client.account,
    to: 'bob@rogue.test',
    body: 'x'.repeat(10_000),
  });
  assert.ok(big.ok);
  assert.equal(big.value.state, 'pending', 'kept in the history, as every message is');
  const failed = await client.waitForEvent(
    (e) => e.event === 'chat.failed' && e.payload.failures.some((f) => f.id === big.value.id),
  );
  assert.ok(failed.event === 'chat.failed');
  const failure = failed.payload.failures[0]!;
  assert.equal(failure.error.code, 'too-large');
  assert.match(failure.error.message, /larger than your server accepts \(4096 bytes\)/);

  const small = await client.engine.invoke('chat.send', {
    account: client.account,
    to: 'bob@rogue.test',
    body: 'short one',
  });
  assert.ok(small.ok);
  await connection.waitFor((e) => e.is('message') && e.attrs.id === small.value.id);
  assert.equal(
    connection.received.some((e) => e.is('message') && e.attrs.id === big.value.id),
    false,
    'the large one never reached the server',
  );
  const page = await client.engine.invoke('chat.history', {
    account: client.account,
    peer: 'bob@rogue.test',
  });
  assert.ok(page.ok);
  assert.deepEqual(
    page.value.messages.map((m) => m.state),
    ['failed', 'sent'],
    'failed, not left pending for the next sign-in to try again',
  );
});

test('with idle-seconds announced, a whitespace keepalive goes out before they run out', async () => {
  const rogue = await rogueServer({
    extraFeatures: {
      authenticated: `<limits xmlns='${NS_STREAM_LIMITS}'><idle-seconds>10</idle-seconds></limits>`,
    },
  });
  const client = await rogueClient(rogue);
  const connection = await client.online();
  const before = connection.raw().length;
  const deadline = Date.now() + 9_000;
  // Whitespace between top-level elements: the keepalive (a serialised element never has it there).
  const keepalive = /(^|>)\s+($|<)/;
  while (Date.now() < deadline && !keepalive.test(connection.raw().slice(before))) await sleep(100);
  assert.match(connection.raw().slice(before), keepalive, 'a keepalive within 9 s');
});
