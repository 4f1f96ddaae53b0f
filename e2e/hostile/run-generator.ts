// Drives one signed-in engine with the hostile generator through a rogue server (no real server in the loop,
// so the figures are the engine's) and measures what the issue asks about: stanzas per second, the heap
// before, during and after (after a full GC), and how long a cheap command takes while it runs. Shared by
// generator.test.ts (which asserts the bounds) and scripts/bench/hostile.ts (which reports the figures).
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AccountSnapshot } from '../../shared/contract.ts';
import { hostileStanzas, type GeneratorTarget } from './generator.ts';
import { startRogueServer } from '../harness/rogue-server.ts';
import { barrier, createRogueClient } from './rogue-client.ts';

export interface GeneratorRun {
  count: number;
  elapsedMs: number;
  stanzasPerSecond: number;
  /** heapUsed after a full GC: once signed in, and once every stanza has been handled. */
  heapBeforeMb: number;
  heapAfterMb: number;
  heapGrowthMb: number;
  /** The largest heapUsed seen while it ran (sampled with the commands, no GC forced). */
  peakHeapMb: number;
  /** Each sampled state.snapshot's time to answer, in ms. */
  invokeMs: number[];
  /** Connections the rogue server saw: 1 unless a stanza ended the session. */
  connections: number;
  kinds: Record<string, number>;
  /** The account as the engine holds it after the run. */
  snapshot: AccountSnapshot;
  /** Events the engine emitted, by name. */
  events: Record<string, number>;
}

export interface GeneratorOptions {
  count?: number;
  seed?: number;
  /** How often a state.snapshot is timed while stanzas flow. Default 250 ms. */
  sampleEveryMs?: number;
  /** Stanzas per socket write. Default 200. */
  chunk?: number;
}

/** A full garbage collection, from a process started without --expose-gc. */
const collect: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

function heapMb(gc: boolean): number {
  if (gc) {
    collect();
    collect();
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export const CONTACTS = Array.from({ length: 50 }, (_, i) => `contact${i}@rogue.test`);

export async function runGenerator(options: GeneratorOptions = {}): Promise<GeneratorRun> {
  const { count = 100_000, seed = 9, sampleEveryMs = 250, chunk = 200 } = options;
  const roster = CONTACTS.map(
    (jid, i) => `<item jid='${jid}' name='Contact ${i}' subscription='both'/>`,
  ).join('');
  // Keep little of what the engine writes back: the harness's memory counts in the same heap.
  const rogue = await startRogueServer({ roster, keep: 50 });
  const client = await createRogueClient(rogue, { keepEvents: false });
  const events: Record<string, number> = {};
  client.engine.subscribe((batch) => {
    for (const event of batch) events[event.event] = (events[event.event] ?? 0) + 1;
  });
  try {
    const connection = await client.online();
    const target: GeneratorTarget = { ownBare: client.account, ownFull: connection.jid!, contacts: CONTACTS };
    await barrier(client, connection);
    const heapBeforeMb = heapMb(true);

    const invokeMs: number[] = [];
    let peakHeapMb = heapBeforeMb;
    let sampling = false;
    const sampler = setInterval(() => {
      if (sampling) return; // one at a time: a slow answer shows as one long sample, not a pile-up
      sampling = true;
      const started = performance.now();
      void client.engine.invoke('state.snapshot', {}).then(() => {
        invokeMs.push(performance.now() - started);
        peakHeapMb = Math.max(peakHeapMb, heapMb(false));
        sampling = false;
      });
    }, sampleEveryMs);

    const kinds: Record<string, number> = {};
    const started = performance.now();
    let batch: string[] = [];
    let sent = 0;
    for (const stanza of hostileStanzas(seed, count, target, kinds)) {
      batch.push(stanza);
      if (batch.length < chunk) continue;
      if (!connection.send(batch.join(''))) await connection.flushed();
      sent += batch.length;
      batch = [];
      // Every 5,000 stanzas, wait until the engine has handled them: the flood goes at its pace, and a
      // socket buffer never holds more than that.
      if (sent % 5_000 === 0) await barrier(client, connection, 60_000);
    }
    if (batch.length > 0) connection.send(batch.join(''));
    await barrier(client, connection, 60_000);
    const elapsedMs = performance.now() - started;
    clearInterval(sampler);
    while (sampling) await new Promise((resolve) => setTimeout(resolve, 5));

    const snapshot = await client.snapshot();
    const heapAfterMb = heapMb(true);
    return {
      count,
      elapsedMs,
      stanzasPerSecond: count / (elapsedMs / 1000),
      heapBeforeMb,
      heapAfterMb,
      heapGrowthMb: heapAfterMb - heapBeforeMb,
      peakHeapMb,
      invokeMs,
      connections: rogue.connections.length,
      kinds,
      snapshot,
      events,
    };
  } finally {
    await client.dispose();
    await rogue.close();
  }
}
