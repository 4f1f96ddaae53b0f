// 100,000 hostile stanzas (generator.ts, seeded) into one signed-in engine through a rogue server: nothing
// crashes or goes unhandled, no stanza ends the session, the heap after a full GC grows by less than 50 MB,
// a state.snapshot sampled every 250 ms is answered within 200 ms every time (a liveness bound, generous on
// purpose; the figures themselves are `npm run bench -- hostile`), and what the engine keeps stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESENCE_LIMITS } from '../../electron/core/presence/presence.ts';
import { STRANGER_LIMITS } from '../../electron/core/chat/strangers.ts';
import { MAX_PENDING_REQUESTS } from '../../shared/limits.ts';
import { KIND_NAMES, hostileStanzas } from './generator.ts';
import { CONTACTS, runGenerator } from './run-generator.ts';
import { watchCrashes } from './kit.ts';

const { crashes } = watchCrashes();
const target = { ownBare: 'alice@rogue.test', ownFull: 'alice@rogue.test/desk', contacts: CONTACTS };

test('the generator is deterministic: the same seed gives the same stanzas, another seed others', () => {
  const first = [...hostileStanzas(1, 500, target)];
  assert.deepEqual([...hostileStanzas(1, 500, target)], first);
  assert.notDeepEqual([...hostileStanzas(2, 500, target)], first);
  const kinds: Record<string, number> = {};
  for (const _ of hostileStanzas(3, 5_000, target, kinds));
  assert.deepEqual(Object.keys(kinds).sort(), [...KIND_NAMES].sort(), 'every kind is made');
});

test('100,000 hostile stanzas: no crash, the session stays up, bounded heap and state, commands answered', async () => {
  const run = await runGenerator({ count: 100_000, seed: 9 });
  const slowest = Math.max(...run.invokeMs);
  // Figures for the log (the benchmark reports them properly).
  console.warn(
    `hostile: ${run.stanzasPerSecond.toFixed(0)} stanzas/s, heap ${run.heapBeforeMb.toFixed(1)} -> ` +
      `${run.heapAfterMb.toFixed(1)} MB (peak ${run.peakHeapMb.toFixed(1)}), slowest snapshot ` +
      `${slowest.toFixed(1)} ms of ${run.invokeMs.length}`,
  );
  assert.deepEqual(crashes, [], 'no uncaught exception or unhandled rejection');
  assert.equal(run.connections, 1, 'no stanza ended the session');
  assert.equal(run.snapshot.connection.status, 'online');
  assert.ok(run.heapGrowthMb < 50, `the heap grew by ${run.heapGrowthMb.toFixed(1)} MB`);
  assert.ok(run.invokeMs.length >= 4, `${run.invokeMs.length} samples`);
  assert.ok(slowest < 200, `the slowest state.snapshot took ${slowest.toFixed(1)} ms`);

  const { snapshot } = run;
  const strangers = snapshot.presence.filter((p) => !CONTACTS.includes(p.jid) && p.jid !== snapshot.account);
  assert.ok(strangers.length <= PRESENCE_LIMITS.strangers, `${strangers.length} strangers' presence kept`);
  assert.ok(snapshot.presence.every((p) => p.resources.length <= PRESENCE_LIMITS.resourcesPerJid));
  assert.ok(snapshot.requests.length <= MAX_PENDING_REQUESTS, `${snapshot.requests.length} requests`);
  assert.ok((snapshot.messageRequests ?? []).length <= STRANGER_LIMITS.requests);
  assert.ok((snapshot.messageRequests ?? []).every((r) => r.count <= STRANGER_LIMITS.messagesEach));
  assert.deepEqual(
    snapshot.roster.map((c) => c.jid).filter((jid) => !CONTACTS.includes(jid)),
    [],
    'only pushes from our own account changed the roster',
  );
  assert.ok((run.events['chat.messages'] ?? 0) > 0, 'messages were shown meanwhile');
});
