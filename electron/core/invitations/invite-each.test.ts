// inviteEach: a send that throws halfway fails that invitee only; the ones before and after are reported as
// sent (the command used to end at the first throw, and the invitations already out went unreported).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors.ts';
import { inviteEach } from './invite-each.ts';

test('a send that throws in the middle: the others are sent and reported, that one failed with why', async () => {
  const tried: string[] = [];
  const outcome = await inviteEach(['a@x', 'b@x', 'c@x'], async (to) => {
    tried.push(to);
    if (to === 'b@x') throw new EngineError('not-connected', 'You are offline.');
    return to === 'a@x' ? 'direct' : 'mediated';
  });
  assert.deepEqual(tried, ['a@x', 'b@x', 'c@x']);
  assert.deepEqual(outcome, {
    sent: [
      { to: 'a@x', mode: 'direct' },
      { to: 'c@x', mode: 'mediated' },
    ],
    failed: [{ to: 'b@x', reason: 'You are offline.' }],
  });
});

test('when nothing could be sent, the first error is thrown; an error of ours in other words is not shown', async () => {
  const offline = new EngineError('not-connected', 'You are offline.');
  await assert.rejects(
    inviteEach(['a@x', 'b@x'], async () => {
      throw offline;
    }),
    (error) => error === offline,
  );
  const outcome = await inviteEach(['a@x', 'b@x'], async (to) => {
    if (to === 'a@x') throw new TypeError('secret internals');
    return 'direct';
  });
  assert.deepEqual(outcome.failed, [{ to: 'a@x', reason: 'It could not be sent.' }]);
});
