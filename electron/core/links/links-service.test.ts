// uri.open through the Engine: a link is parsed and announced to every window; a refused one says why and
// announces nothing; a flood reaches the page as one bounded batch holding the latest links.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineEvent } from '../../../shared/contract.ts';
import { Engine } from '../engine.ts';
import { MAX_URIS_PER_BATCH } from '../event-batcher.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function engineWithEvents(): Promise<{ engine: Engine; opened: () => string[][] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-links-'));
  dirs.push(dir);
  // A long interval: the test flushes, so a whole flood falls into one batch.
  const engine = await Engine.create({ dataDir: dir, batchIntervalMs: 60_000 });
  const batches: EngineEvent[][] = [];
  engine.subscribe((batch) => batches.push(batch));
  const opened = () =>
    batches
      .map((batch) =>
        batch.flatMap((event) =>
          event.event === 'uri.opened' ? event.payload.uris.map((uri) => `${uri.action} ${uri.jid}`) : [],
        ),
      )
      .filter((uris) => uris.length > 0);
  return { engine, opened };
}

test('uri.open parses the link, answers it and announces it as uri.opened', async () => {
  const { engine, opened } = await engineWithEvents();
  const result = await engine.invoke('uri.open', { uri: 'xmpp:Peer@Example.com?message;body=hi%20there' });
  assert.ok(result.ok);
  assert.deepEqual(result.value.uri, {
    account: null,
    jid: 'peer@example.com',
    action: 'message',
    params: { body: 'hi there' },
  });
  engine.flushEvents();
  assert.deepEqual(opened(), [['message peer@example.com']]);
  await engine.dispose();
});

test('a refused link is invalid-request with the reason, and nothing is announced', async () => {
  const { engine, opened } = await engineWithEvents();
  const result = await engine.invoke('uri.open', { uri: 'xmpp:a@b.example?message;body=%FF' });
  assert.equal(result.ok, false);
  assert.equal(result.ok ? '' : result.error.code, 'invalid-request');
  assert.match(result.ok ? '' : result.error.message, /%-escape/);
  const notXmpp = await engine.invoke('uri.open', { uri: 'https://example.com' });
  assert.match(notXmpp.ok ? '' : notXmpp.error.message, /not an xmpp: link/);
  engine.flushEvents();
  assert.deepEqual(opened(), []);
  await engine.dispose();
});

test('a flood of uri.open calls reaches the page as one batch of the latest links', async () => {
  const { engine, opened } = await engineWithEvents();
  const results = await Promise.all(
    Array.from({ length: 500 }, (_, i) => engine.invoke('uri.open', { uri: `xmpp:user${i}@example.com` })),
  );
  assert.ok(results.every((result) => result.ok));
  engine.flushEvents();
  const batches = opened();
  assert.equal(batches.length, 1);
  assert.equal(batches[0]!.length, MAX_URIS_PER_BATCH);
  assert.deepEqual(
    batches[0],
    Array.from(
      { length: MAX_URIS_PER_BATCH },
      (_, i) => `message user${500 - MAX_URIS_PER_BATCH + i}@example.com`,
    ),
  );
  await engine.dispose();
});
