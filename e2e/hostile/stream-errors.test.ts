// Every stream error condition of RFC 6120 §4.9.3, from a server that sends it before TLS, after TLS, and on a
// session that is up: each ends the stream with a typed error (the condition as sent, a contract error code)
// and a message a person can read, and the account then does what the condition calls for (stream-errors.ts:
// offline for the ones no retry can fix, backoff for the rest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rogueClient, rogueServer, sleep, watchCrashes } from './kit.ts';
import {
  CONDITIONS,
  NS_STREAMS,
  assertHuman,
  endedOnceUp,
  policyProblems,
  refusedBeforeTls,
  streamError,
} from './stream-errors.ts';

watchCrashes();

test('before TLS, every stream error condition fails the sign-in with that condition, typed and readable', async () => {
  await Promise.all(
    CONDITIONS.map(async (condition) => {
      const content = condition === 'see-other-host' ? 'other.rogue.test:5222' : '';
      const client = await refusedBeforeTls(streamError(condition, undefined, content));
      const result = await client.signIn();
      assert.ok(!result.ok, `${condition}: the sign-in fails`);
      assertHuman(result.error, condition);
      await client.dispose();
    }),
  );
});

test('after TLS and before SASL, a stream error fails the sign-in and no password has gone out', async () => {
  for (const condition of ['not-authorized', 'policy-violation', 'system-shutdown']) {
    const rogue = await rogueServer({
      mechanisms: ['PLAIN'],
      onStage: (stage, connection) => {
        if (stage !== 'secured') return;
        connection.send(connection.header() + streamError(condition, 'Go away.'));
        return 'stop';
      },
    });
    const client = await rogueClient(rogue);
    const result = await client.signIn();
    assert.ok(!result.ok);
    assertHuman(result.error, condition);
    const connection = await rogue.connection(0);
    assert.ok(!connection.received.some((e) => e.is('auth')), `${condition}: no <auth/> was sent`);
  }
});

test('on a session that is up, the NO_RETRY conditions leave the account offline and the rest back off', async () => {
  const runs = await Promise.all(
    CONDITIONS.map(async (condition) => ({ condition, ...(await endedOnceUp(condition)) })),
  );
  const started = Date.now();
  await sleep(1_500);
  assert.deepEqual(policyProblems(runs, Date.now() - started), []);
  await Promise.all(runs.map(({ client }) => client.dispose()));
});

test('a stream error with text, with markup in its text, or with an application condition beside it', async () => {
  const cases: Array<[string, string]> = [
    [streamError('system-shutdown', 'Maintenance until 10:00.'), 'system-shutdown'],
    [streamError('reset', '&lt;img src=x onerror=alert(1)&gt;'), 'reset'],
    [`<stream:error><conflict xmlns='${NS_STREAMS}'/><evil xmlns='urn:evil'/></stream:error>`, 'conflict'],
    ['<stream:error/></stream:stream>', 'undefined-condition'],
  ];
  for (const [error, condition] of cases) {
    const client = await refusedBeforeTls(error);
    const result = await client.signIn();
    assert.ok(!result.ok);
    assertHuman(result.error, condition);
    await client.dispose();
  }
  const withText = await refusedBeforeTls(streamError('system-shutdown', 'Maintenance until 10:00.'));
  const result = await withText.signIn();
  assert.ok(!result.ok);
  assert.match(result.error.message, /Maintenance until 10:00\./, 'the server’s reason is shown');
});

// A server chooses the length of its <text/>: the message shows a reason, not 100,000 characters.
test("a stream error's 100,000-character text is cut to a readable message", async () => {
  const client = await refusedBeforeTls(streamError('policy-violation', 'x'.repeat(100_000)));
  const result = await client.signIn();
  assert.ok(!result.ok);
  assertHuman(result.error, 'policy-violation');
  assert.match(result.error.message, /: x{200}…\.$/, 'the start of the reason, then an ellipsis');
});

// The condition reaches the UI and the reconnect policy: only the names RFC 6120 §4.9.3 defines count.
test('a condition RFC 6120 does not define is undefined-condition, not a name the server chose', async () => {
  const client = await refusedBeforeTls(streamError('made-up-condition-'.repeat(20), 'hmm'));
  const result = await client.signIn();
  assert.ok(!result.ok);
  assertHuman(result.error, 'undefined-condition');
});
