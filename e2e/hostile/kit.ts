// What the hostile-input suites share: rogue servers and engines signed in to them (rogue-client.ts), all
// disposed after the suite, and a watch for crashes (an uncaught exception or unhandled rejection anywhere
// fails the suite).
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { startRogueServer, type RogueServer, type RogueServerOptions } from '../harness/rogue-server.ts';
import { createRogueClient, type RogueClient, type RogueClientOptions } from './rogue-client.ts';

export { barrier, bodiesSince, sleep, type RogueClient, type RogueClientOptions } from './rogue-client.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** A fresh engine for the rogue server's account; disposed (and its data removed) after the suite. */
export async function rogueClient(
  rogue: RogueServer,
  options: RogueClientOptions = {},
): Promise<RogueClient> {
  const client = await createRogueClient(rogue, options);
  cleanups.push(() => client.dispose());
  return client;
}

/** A rogue server closed after the suite. */
export async function rogueServer(options: RogueServerOptions = {}): Promise<RogueServer> {
  const server = await startRogueServer(options);
  cleanups.push(() => server.close());
  return server;
}

/** Uncaught exceptions and unhandled rejections seen while the suite runs; asserted empty after it. */
export function watchCrashes(): { readonly crashes: unknown[] } {
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => void crashes.push(error);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  after(() => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    assert.deepEqual(crashes, [], 'no uncaught exception or unhandled rejection');
  });
  return { crashes };
}
