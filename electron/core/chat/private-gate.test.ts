// PrivatePeerGate: a room's new private peers are bounded; one admitted (or held by the history) stays
// admitted; another room has a bound of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_NEW_PRIVATE_PEERS, PrivatePeerGate } from './private-gate.ts';

test(`${MAX_NEW_PRIVATE_PEERS} new nicks per room, the rest dropped and counted; known ones always pass`, () => {
  const gate = new PrivatePeerGate((peer) => peer === 'r@m/old');
  const nicks = Array.from({ length: MAX_NEW_PRIVATE_PEERS + 5 }, (_, i) => `r@m/n${i}`);
  const kept = nicks.filter((peer) => gate.admit('r@m', peer));
  assert.equal(kept.length, MAX_NEW_PRIVATE_PEERS);
  assert.equal(gate.dropped, 5);
  assert.ok(gate.admit('r@m', 'r@m/n0'), 'an admitted nick writes again');
  assert.ok(gate.admit('r@m', 'r@m/old'), 'a conversation the history holds is not new');
  assert.ok(gate.admit('s@m', 's@m/n0'), 'another room has its own bound');
});
