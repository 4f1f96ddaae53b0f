// What a stream error means for the account (issue 9, hostile suite): conditions that say trying again is
// pointless leave a session that was up offline instead of reconnecting forever, and a stream error while a
// sign-in waits for a reply (the roster asked right after binding) ends that sign-in at once, not at its
// timeout. Both failed before (isWorthRetrying retried every stream error; openAt waited for the timeout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rogueClient, rogueServer, sleep, watchCrashes } from './kit.ts';
import {
  CONDITIONS,
  NO_RETRY,
  assertHuman,
  endedOnceUp,
  policyProblems,
  streamError,
} from './stream-errors.ts';

watchCrashes();

test('on a session that is up, not-authorized, host-gone, host-unknown and unsupported-version leave it offline', async () => {
  const conditions = CONDITIONS.filter((c) => NO_RETRY.has(c) && c !== 'conflict');
  // One after the other: four engines signing in at once on a loaded machine once hung this test.
  const runs = [];
  for (const condition of conditions) runs.push({ condition, ...(await endedOnceUp(condition)) });
  const started = Date.now();
  await sleep(1_500);
  assert.deepEqual(policyProblems(runs, Date.now() - started), []);
});

test('a stream error right after binding ends that sign-in at once, not at the sign-in timeout', async () => {
  const rogue = await rogueServer({
    onStage: (stage, connection) => {
      if (stage === 'bound') setImmediate(() => connection.send(streamError('system-shutdown')));
    },
  });
  const client = await rogueClient(rogue, { timeoutMs: 60_000 });
  const outcome = await Promise.race([client.signIn(), sleep(10_000).then(() => 'still waiting' as const)]);
  assert.notEqual(outcome, 'still waiting', 'the sign-in ended with the stream');
  assert.ok(outcome !== 'still waiting' && !outcome.ok);
  assertHuman(outcome.error, 'system-shutdown');
});
