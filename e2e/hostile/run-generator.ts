// Drives one signed-in engine with the hostile generator through a rogue server (no real server in the loop,
// so the figures are the engine's) and measures what the issue asks about: stanzas per second, the heap
// before, during and after (after a full GC), and how long a cheap command takes while it runs. Shared by
// generator.test.ts (which asserts the bounds) and scripts/bench/hostile.ts (which reports the figures).
//
// The rogue server and the generator run in a worker thread (this same file), as the flood benchmark's
// flooder does: building, encrypting and writing 100,000 stanzas never competes with the engine for its
// thread, and the heap measured is the engine's, not the writer's.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../../electron/core/engine.ts';
import type { AccountSnapshot } from '../../shared/contract.ts';
import { ROGUE_PASSWORD, startRogueServer, type RogueConnection } from '../harness/rogue-server.ts';
import { hostileStanzas } from './generator.ts';

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

export const CONTACTS = Array.from({ length: 50 }, (_, i) => `contact${i}@rogue.test`);

type FromWorker =
  | { kind: 'listening'; port: number; caPem: string; domain: string }
  | { kind: 'bound'; jid: string }
  | { kind: 'done'; elapsedMs: number; kinds: Record<string, number>; connections: number };
type ToWorker = { cmd: 'go' } | { cmd: 'close' };

/** A full garbage collection, from a process started without --expose-gc. */
let collect: (() => void) | null = null;
function heapMb(gc: boolean): number {
  if (gc) {
    if (!collect) {
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as () => void;
    }
    collect();
    collect();
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export async function runGenerator(options: GeneratorOptions = {}): Promise<GeneratorRun> {
  const { count = 100_000, seed = 9, sampleEveryMs = 250, chunk = 200 } = options;
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { count, seed, chunk } });
  const messages: FromWorker[] = [];
  const waiting = new Set<() => void>();
  let failure: Error | null = null;
  worker.on('message', (message: FromWorker) => {
    messages.push(message);
    for (const wake of waiting) wake();
  });
  worker.on('error', (error) => {
    failure = error;
    for (const wake of waiting) wake();
  });
  const next = <K extends FromWorker['kind']>(kind: K): Promise<Extract<FromWorker, { kind: K }>> =>
    new Promise((resolve, reject) => {
      const wake = () => {
        if (failure) reject(failure);
        const found = messages.find((m) => m.kind === kind);
        if (!found && !failure) return;
        waiting.delete(wake);
        if (found) resolve(found as Extract<FromWorker, { kind: K }>);
      };
      waiting.add(wake);
      wake();
    });
  const tell = (message: ToWorker) => worker.postMessage(message);

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-hostile-run-'));
  let engine: Engine | null = null;
  try {
    const rogue = await next('listening');
    engine = await Engine.create({ dataDir, extraCertificates: [rogue.caPem], timeoutMs: 10_000 });
    const events: Record<string, number> = {};
    engine.subscribe((batch) => {
      for (const event of batch) events[event.event] = (events[event.event] ?? 0) + 1;
    });
    const account = `alice@${rogue.domain}`;
    const signedIn = await engine.invoke('account.signIn', {
      jid: account,
      password: ROGUE_PASSWORD,
      host: '127.0.0.1',
      port: rogue.port,
    });
    if (!signedIn.ok) throw new Error(`sign-in failed: ${signedIn.error.message}`);
    await next('bound');
    const heapBeforeMb = heapMb(true);

    const invokeMs: number[] = [];
    let peakHeapMb = heapBeforeMb;
    let sampling = false;
    const signedInEngine = engine;
    const sampler = setInterval(() => {
      if (sampling) return; // one at a time: a slow answer shows as one long sample, not a pile-up
      sampling = true;
      const started = performance.now();
      void signedInEngine.invoke('state.snapshot', {}).then(() => {
        invokeMs.push(performance.now() - started);
        peakHeapMb = Math.max(peakHeapMb, heapMb(false));
        sampling = false;
      });
    }, sampleEveryMs);
    tell({ cmd: 'go' });
    const done = await next('done').finally(() => clearInterval(sampler));
    while (sampling) await new Promise((resolve) => setTimeout(resolve, 5));

    const snap = await engine.invoke('state.snapshot', {});
    if (!snap.ok) throw new Error('no snapshot');
    const snapshot = snap.value.accounts.find((a) => a.account === account)!;
    const heapAfterMb = heapMb(true);
    return {
      count,
      elapsedMs: done.elapsedMs,
      stanzasPerSecond: count / (done.elapsedMs / 1000),
      heapBeforeMb,
      heapAfterMb,
      heapGrowthMb: heapAfterMb - heapBeforeMb,
      peakHeapMb,
      invokeMs,
      connections: done.connections,
      kinds: done.kinds,
      snapshot,
      events,
    };
  } finally {
    await engine?.dispose().catch(() => undefined);
    tell({ cmd: 'close' });
    await new Promise((resolve) => worker.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The worker: the rogue server and the generator.

let pings = 0;
/** Resolves once the engine has handled everything sent before: it answers this ping only after them. */
async function handled(connection: RogueConnection): Promise<void> {
  const id = `pace-${++pings}`;
  connection.send(`<iq type='get' id='${id}' from='rogue.test'><ping xmlns='urn:xmpp:ping'/></iq>`);
  await connection.waitFor((e) => e.attrs.id === id && e.attrs.type === 'result', 120_000);
}

async function rogueWorker(): Promise<void> {
  const { count, seed, chunk } = workerData as { count: number; seed: number; chunk: number };
  const port = parentPort!;
  const roster = CONTACTS.map(
    (jid, i) => `<item jid='${jid}' name='Contact ${i}' subscription='both'/>`,
  ).join('');
  // Keeps little of what the engine writes back: it is the engine's work that is measured, not ours.
  const rogue = await startRogueServer({ roster, keep: 50 });
  const post = (message: FromWorker) => port.postMessage(message);
  port.on('message', (message: ToWorker) => {
    if (message.cmd === 'close') void rogue.close().then(() => port.close());
  });
  post({ kind: 'listening', port: rogue.port, caPem: rogue.caPem, domain: rogue.domain });
  const connection = await rogue.connection(0, 30_000);
  await connection.reached('bound');
  await handled(connection); // the sign-in's own traffic is over
  post({ kind: 'bound', jid: connection.jid! });
  await new Promise<void>((resolve) =>
    port.on('message', (message: ToWorker) => message.cmd === 'go' && resolve()),
  );
  const target = { ownBare: connection.jid!.split('/')[0]!, ownFull: connection.jid!, contacts: CONTACTS };
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
    // Every 5,000 stanzas, wait until the engine has handled them: the flood goes at its pace, and no
    // socket buffer holds more than that.
    if (sent % 5_000 === 0) await handled(connection);
  }
  if (batch.length > 0) connection.send(batch.join(''));
  await handled(connection);
  post({
    kind: 'done',
    elapsedMs: performance.now() - started,
    kinds,
    connections: rogue.connections.length,
  });
}

if (!isMainThread && (workerData as { count?: number } | null)?.count !== undefined) {
  rogueWorker().catch((error: unknown) => {
    throw error; // surfaces as the Worker's 'error' event
  });
}
