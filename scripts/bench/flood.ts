// `npm run bench -- flood [runs]`: a peer sends 10,000 chat messages as fast as it can; how many messages per
// second reach (1) a raw reader that only counts stanzas (the baseline: the rate Prosody delivers), (2) the
// engine's 'chat.messages' events (the engine stores every message in its SQLite history before it emits
// it, so this is "received and stored"), and (3) the screen in browser mode, with the chat to the flooder open. Harness Prosody on loopback (mod_limits
// unloaded, as in every harness run), accounts `reader` and `flooder`, each with the other in its roster
// (subscription "both", seeded into Prosody's storage).
//
// The flooder runs in a worker thread (this same file), so building and writing its stanzas never competes
// with the receiver for the main thread. It is an XmppSession (the engine's own stream code) signed in as
// flooder; it waits for the reader's available presence (it is subscribed), then writes 10,000 pre-built
// <message type="chat"> stanzas (distinct bodies, an id and a XEP-0359 origin-id each) to the reader's bare
// JID in sendMany() chunks of 500.
//
// Every figure: 10,000 / (completion - the flooder's first write), clocks compared as epoch ms
// (performance.timeOrigin + performance.now() in every thread and in the page). Medians over the runs,
// which go round-robin over the receivers after one unrecorded warm-up flood.
//   raw-socket baseline:      an XmppSession signed in as reader (no stream management, no engine) counting
//                             'stanza' events carrying this run's bodies; done at the 10,000th.
//   engine (stored):          a fresh Engine signed in as reader; done when its 'chat.messages' events have
//                             carried 10,000 distinct bodies of this run (each written to its history file,
//                             WAL, before the event); the history is then checked to hold all 10,000.
//   browser mode (shown):     a fresh Engine signed in as reader behind startBrowserMode(), a Chromium page on
//                             its URL, the chat opened by clicking "Flooder" in the roster. The message list is
//                             virtualized, so rows are not counted: done in the first animation frame in which
//                             the 10,000th body is on screen inside the chat's log (role=log) and the page has
//                             received all 10,000 bodies over the bridge WebSocket (counted in a wrapper around
//                             the page's WebSocket, installed before the app loads). The stream is ordered
//                             end to end, so the last body on screen follows all the others into the chat store.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { xml, type Element } from '@xmpp/xml';
import type { Browser } from '@playwright/test';
import { startProsody, type ProsodyServer } from '../../e2e/harness/prosody.ts';
import { seedRoster } from '../../e2e/harness/roster-seed.ts';
import { Engine } from '../../electron/core/engine.ts';
import { XmppSession } from '../../electron/core/xmpp/session.ts';
import type { EngineEvent } from '../../shared/contract.ts';
import { startBrowserMode } from '../start.ts';
import { rebuildRendererAndLaunchChromium } from './_browser.ts';
import { median, report } from './_stats.ts';

const DOMAIN = 'parley.test';
const READER = 'reader';
const FLOODER = 'flooder';
const PASSWORD = 'flood-bench-password';
const COUNT = 10_000;
const CHUNK = 500;
const TARGET = 5_000;
const TIMEOUT_MS = 120_000;
const NS_SID = 'urn:xmpp:sid:0';

const epochNow = (): number => performance.timeOrigin + performance.now();
/** Bodies of one flood: `flood r<run> #<n> ...`, n from 1 to COUNT; every run's bodies are distinct. */
const prefixOf = (run: number): string => `flood r${run} #`;
const bodyOf = (run: number, n: number): string =>
  `${prefixOf(run)}${n} the quick brown fox jumps over the lazy dog`;

interface ServerInfo {
  host: string;
  port: number;
  domain: string;
  certPem: string;
}

function trust(server: ServerInfo) {
  return { servername: server.domain, pinnedFingerprint256: null, extraCertificates: [server.certPem] };
}

// ---------------------------------------------------------------------------------------------------------
// The flooder (worker thread).

type ToWorker = { cmd: 'arm' } | { cmd: 'flood'; run: number } | { cmd: 'close' };
type FromWorker =
  | { kind: 'online' }
  | { kind: 'flooded'; run: number; startedAt: number; writtenAt: number }
  | { kind: 'error'; message: string };

async function flooderWorker(server: ServerInfo): Promise<void> {
  const port = parentPort!;
  const post = (message: FromWorker): void => port.postMessage(message);
  const session = await XmppSession.open({
    jid: `${FLOODER}@${server.domain}`,
    password: PASSWORD,
    resource: 'flood',
    host: server.host,
    port: server.port,
    trust: trust(server),
  });
  const readerBare = `${READER}@${server.domain}`;
  // Reader resources that sent available presence since the last 'arm'.
  const available = new Set<string>();
  let waiting: (() => void) | null = null;
  session.on('stanza', (stanza: Element) => {
    if (stanza.name !== 'presence') return;
    const from = stanza.attrs.from ?? '';
    if (!from.startsWith(`${readerBare}/`)) return;
    if (stanza.attrs.type === 'unavailable') available.delete(from);
    else if (!stanza.attrs.type) {
      available.add(from);
      waiting?.();
    }
  });
  session.on('closed', (error) => {
    if (error) post({ kind: 'error', message: `flooder session closed: ${error.message}` });
  });
  session.start();
  await session.send(xml('presence'));
  post({ kind: 'online' });

  port.on('message', (message: ToWorker) => {
    void (async () => {
      if (message.cmd === 'close') {
        await session.close().catch(() => undefined);
        port.close();
        return;
      }
      if (message.cmd === 'arm') {
        available.clear();
        return;
      }
      const run = message.run;
      // Built before the clock starts: the figure is about receiving, not about our stanza construction.
      const chunks: Element[][] = [];
      for (let n = 1; n <= COUNT; n += CHUNK) {
        const chunk: Element[] = [];
        for (let k = n; k < n + CHUNK && k <= COUNT; k++) {
          const id = `f${run}-${k}`;
          chunk.push(
            xml(
              'message',
              { to: readerBare, type: 'chat', id },
              xml('body', {}, bodyOf(run, k)),
              xml('origin-id', { xmlns: NS_SID, id }),
            ),
          );
        }
        chunks.push(chunk);
      }
      if (available.size === 0) await new Promise<void>((resolve) => (waiting = resolve));
      waiting = null;
      const startedAt = epochNow();
      for (const chunk of chunks) await session.sendMany(chunk);
      post({ kind: 'flooded', run, startedAt, writtenAt: epochNow() });
    })().catch((error: unknown) => post({ kind: 'error', message: (error as Error).message }));
  });
}

if (!isMainThread && (workerData as { floodBench?: ServerInfo } | null)?.floodBench) {
  await flooderWorker((workerData as { floodBench: ServerInfo }).floodBench);
}

class Flooder {
  readonly #worker: Worker;
  #listeners = new Set<(message: FromWorker) => void>();
  #failure: string | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'error') this.#failure = message.message;
      for (const listener of this.#listeners) listener(message);
    });
    worker.on('error', (error) => {
      this.#failure = error.message;
      for (const listener of this.#listeners) listener({ kind: 'error', message: error.message });
    });
  }

  static async start(server: ServerInfo): Promise<Flooder> {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { floodBench: server } });
    const flooder = new Flooder(worker);
    await flooder.#next((m) => m.kind === 'online', 20_000);
    return flooder;
  }

  #next<T extends FromWorker>(match: (m: FromWorker) => m is T, timeoutMs: number): Promise<T>;
  #next(match: (m: FromWorker) => boolean, timeoutMs: number): Promise<FromWorker>;
  #next(match: (m: FromWorker) => boolean, timeoutMs: number): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`flooder: no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const listener = (message: FromWorker): void => {
        if (message.kind === 'error') {
          clearTimeout(timer);
          this.#listeners.delete(listener);
          reject(new Error(message.message));
        } else if (match(message)) {
          clearTimeout(timer);
          this.#listeners.delete(listener);
          resolve(message);
        }
      };
      this.#listeners.add(listener);
    });
  }

  /** Forget which reader sessions are online: the next flood waits for a new one. */
  arm(): void {
    if (this.#failure) throw new Error(this.#failure);
    this.#worker.postMessage({ cmd: 'arm' } satisfies ToWorker);
  }

  /** Floods once a reader is available; resolves with the epoch ms of the first and after the last write. */
  async flood(run: number): Promise<{ startedAt: number; writtenAt: number }> {
    const done = this.#next(
      (m): m is Extract<FromWorker, { kind: 'flooded' }> => m.kind === 'flooded' && m.run === run,
      TIMEOUT_MS,
    );
    this.#worker.postMessage({ cmd: 'flood', run } satisfies ToWorker);
    return done;
  }

  async close(): Promise<void> {
    this.#worker.postMessage({ cmd: 'close' } satisfies ToWorker);
    await Promise.race([
      new Promise((resolve) => this.#worker.once('exit', resolve)),
      new Promise((resolve) => setTimeout(resolve, 3_000)),
    ]);
    await this.#worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Receivers. Each returns the epoch ms at which the run counted as complete, plus notes.

interface RunResult {
  startedAt: number;
  writtenAt: number;
  firstAt: number;
  doneAt: number;
  notes: Record<string, number | string | null>;
}

function waitFor<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: not done within ${TIMEOUT_MS / 1000} s`)),
        TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function baselineRun(server: ServerInfo, flooder: Flooder, run: number): Promise<RunResult> {
  const prefix = prefixOf(run);
  flooder.arm();
  const session = await XmppSession.open({
    jid: `${READER}@${server.domain}`,
    password: PASSWORD,
    resource: `baseline-${run}`,
    host: server.host,
    port: server.port,
    trust: trust(server),
  });
  try {
    let count = 0;
    let firstAt = 0;
    let resolveDone: (at: number) => void = () => undefined;
    const done = new Promise<number>((resolve) => (resolveDone = resolve));
    session.on('stanza', (stanza: Element) => {
      if (stanza.name !== 'message') return;
      const body = stanza.getChildText('body');
      if (body === null || !body.startsWith(prefix)) return;
      if (count === 0) firstAt = epochNow();
      if (++count === COUNT) resolveDone(epochNow());
    });
    session.start();
    await session.send(xml('presence'));
    const sent = await flooder.flood(run);
    const doneAt = await waitFor(done, 'baseline reader');
    return { ...sent, firstAt, doneAt, notes: {} };
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** Counts this run's distinct bodies in 'chat.messages' until COUNT. */
function watchMessages(engine: Engine, run: number) {
  const prefix = prefixOf(run);
  const bodies = new Set<string>();
  let firstAt = 0;
  let receivedAt = 0;
  let batches = 0;
  let largestBatch = 0;
  let resolveDone: (at: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const stop = engine.subscribe((batch: EngineEvent[]) => {
    for (const event of batch) {
      if (event.event !== 'chat.messages') continue;
      const mine = event.payload.messages.filter((m) => m.body?.startsWith(prefix));
      if (mine.length === 0) continue;
      const now = epochNow();
      if (bodies.size === 0) firstAt = now;
      batches++;
      largestBatch = Math.max(largestBatch, mine.length);
      for (const m of mine) bodies.add(m.body!);
      if (bodies.size >= COUNT && receivedAt === 0) receivedAt = now;
      if (bodies.size >= COUNT) resolveDone(epochNow());
    }
  });
  return {
    done,
    stop,
    stats: () => ({ firstAt, receivedAt, batches, largestBatch }),
  };
}

async function signInReader(engine: Engine, server: ServerInfo): Promise<void> {
  const result = await engine.invoke('account.signIn', {
    jid: `${READER}@${server.domain}`,
    password: PASSWORD,
    host: server.host,
    port: server.port,
  });
  if (!result.ok) throw new Error(`engine sign-in failed: ${result.error.message}`);
}

async function engineRun(server: ServerInfo, flooder: Flooder, run: number): Promise<RunResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-flood-bench-'));
  const engine = await Engine.create({ dataDir, extraCertificates: [server.certPem] });
  const watch = watchMessages(engine, run);
  try {
    flooder.arm();
    await signInReader(engine, server);
    const sent = await flooder.flood(run);
    const doneAt = await waitFor(watch.done, 'engine');
    const s = watch.stats();
    // Emitted means stored: the history ends with the flood's last message.
    const history = await engine.invoke('chat.history', {
      account: `${READER}@${server.domain}`,
      peer: `${FLOODER}@${server.domain}`,
      limit: 1,
    });
    if (!history.ok || history.value.messages[0]?.body !== bodyOf(run, COUNT)) {
      throw new Error('the history does not end with the last message of the flood');
    }
    return {
      ...sent,
      firstAt: s.firstAt,
      doneAt,
      notes: { batches: s.batches, largestBatch: s.largestBatch },
    };
  } finally {
    watch.stop();
    await engine.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Browser mode.

interface PageProbe {
  received: number;
  firstAt: number | null;
  allReceivedAt: number | null;
  shownAt: number | null;
  longTasks: number[];
}

function instrumentPage(args: { prefix: string; lastBody: string; count: number }): void {
  const epoch = (): number => performance.timeOrigin + performance.now();
  const probe: PageProbe = { received: 0, firstAt: null, allReceivedAt: null, shownAt: null, longTasks: [] };
  (window as unknown as { __flood: PageProbe }).__flood = probe;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask entries: reported as null
  }
  // Count this run's bodies as they arrive on the bridge socket (before the app's own listener runs).
  const needle = `"body":"${args.prefix}`;
  const NativeWebSocket = window.WebSocket;
  class CountingWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string' || !event.data.includes('"chat.messages"')) return;
        const data = event.data;
        let n = 0;
        for (let i = data.indexOf(needle); i >= 0; i = data.indexOf(needle, i + needle.length)) n++;
        if (n === 0) return;
        if (probe.firstAt === null) probe.firstAt = epoch();
        probe.received += n;
        if (probe.allReceivedAt === null && probe.received >= args.count) probe.allReceivedAt = epoch();
      });
    }
  }
  window.WebSocket = CountingWebSocket;
  // Every frame: is the last body on screen inside the chat log?
  const frame = (): void => {
    if (probe.shownAt === null && probe.allReceivedAt !== null) {
      const log = document.querySelector('[role="log"]');
      if (log) {
        const box = log.getBoundingClientRect();
        for (const el of log.querySelectorAll('.msg-body')) {
          if (el.textContent !== args.lastBody) continue;
          const r = el.getBoundingClientRect();
          if (r.height > 0 && r.bottom > box.top && r.top < box.bottom) probe.shownAt = epoch();
          break;
        }
      }
    }
    if (probe.shownAt === null) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

async function browserRun(
  server: ServerInfo,
  flooder: Flooder,
  browser: Browser,
  run: number,
): Promise<RunResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-flood-bench-'));
  const engine = await Engine.create({ dataDir, extraCertificates: [server.certPem] });
  const watch = watchMessages(engine, run);
  let host: { close(): Promise<void>; url: string } | null = null;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    flooder.arm();
    await signInReader(engine, server);
    host = (await startBrowserMode({ engine })).host;
    const page = await context.newPage();
    await page.addInitScript(instrumentPage, {
      prefix: prefixOf(run),
      lastBody: bodyOf(run, COUNT),
      count: COUNT,
    });
    await page.goto(host.url);
    // Open the chat as a user would: click the contact in the roster.
    await page.getByRole('treeitem', { name: /^Flooder\b/ }).click({ timeout: 20_000 });
    await page.getByRole('log', { name: /Flooder/ }).waitFor({ timeout: 10_000 });
    const sent = await flooder.flood(run);
    const engineDoneAt = await waitFor(watch.done, 'engine behind browser mode');
    const probe = () => page.evaluate(() => (window as unknown as { __flood: PageProbe }).__flood);
    const deadline = Date.now() + TIMEOUT_MS;
    let state = await probe();
    while (state.shownAt === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = await probe();
    }
    if (state.shownAt === null) {
      throw new Error(
        `browser mode: the last message was not shown within ${TIMEOUT_MS / 1000} s ` +
          `(page received ${state.received} of ${COUNT})`,
      );
    }
    const longTaskSupported = await page.evaluate(() =>
      PerformanceObserver.supportedEntryTypes.includes('longtask'),
    );
    return {
      ...sent,
      firstAt: state.firstAt ?? 0,
      doneAt: state.shownAt,
      notes: {
        engineMsgsPerS: Math.round(COUNT / ((engineDoneAt - sent.startedAt) / 1000)),
        pageReceivedMsgsPerS: Math.round(COUNT / ((state.allReceivedAt! - sent.startedAt) / 1000)),
        bridgeBatches: watch.stats().batches,
        longTasks: longTaskSupported ? state.longTasks.length : null,
        longestTaskMs: longTaskSupported ? Math.round(Math.max(0, ...state.longTasks)) : null,
        longTasksTotalMs: longTaskSupported ? Math.round(state.longTasks.reduce((a, b) => a + b, 0)) : null,
      },
    };
  } finally {
    watch.stop();
    await context.close().catch(() => undefined);
    await host?.close();
    await engine.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------

type Receiver = 'raw-socket baseline' | 'engine (stored)' | 'browser mode (shown)';

const DESCRIPTIONS: Record<Receiver, string> = {
  'raw-socket baseline':
    "XmppSession as reader counting 'stanza' events (no engine, no stream management): the rate Prosody delivers",
  'engine (stored)':
    "fresh Engine as reader; 10,000 distinct bodies stored in its history (WAL file) and carried by 'chat.messages'",
  'browser mode (shown)':
    'fresh Engine behind startBrowserMode(), Chromium page with the chat open: frame in which the last body ' +
    'is on screen in the chat log after all 10,000 arrived over the bridge',
};

export async function main(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 3);
  const prosody: ProsodyServer = await startProsody({
    domain: DOMAIN,
    accounts: [
      { user: READER, password: PASSWORD },
      { user: FLOODER, password: PASSWORD },
    ],
    // mod_mam archives every message in both accounts. Prosody's internal storage caps an archive at 10,000
    // items and, once over, rewrites the whole archive file on every append (seconds of stall per hundred
    // messages): not the steady state this bench measures, so the cap is raised past what the runs write.
    // PARLEY_FLOOD_PROSODY_CONFIG: more Lua for the global section, e.g. 'default_archive_policy = false'
    // to see the delivery rate without archiving.
    extraConfig: `storage_archive_item_limit = 10000000\n${process.env.PARLEY_FLOOD_PROSODY_CONFIG ?? ''}`,
  });
  let flooder: Flooder | null = null;
  let browser: Browser | null = null;
  try {
    // Each in the other's roster with a mutual subscription: the flooder sees when a reader comes online,
    // and the reader's roster shows "Flooder" to click.
    await seedRoster(prosody, READER, [
      { jid: `${FLOODER}@${DOMAIN}`, name: 'Flooder', groups: [], subscription: 'both' },
    ]);
    await seedRoster(prosody, FLOODER, [
      { jid: `${READER}@${DOMAIN}`, name: 'Reader', groups: [], subscription: 'both' },
    ]);
    const server: ServerInfo = {
      host: prosody.host,
      port: prosody.c2sPort,
      domain: prosody.domain,
      certPem: prosody.certificate.certPem,
    };
    flooder = await Flooder.start(server);

    let uiError: string | null = null;
    try {
      browser = await rebuildRendererAndLaunchChromium();
    } catch (error) {
      uiError = `browser mode is unavailable: ${(error as Error).message}`;
      console.error(`flood bench: ${uiError}`);
    }

    const receivers: Receiver[] = [
      'raw-socket baseline',
      'engine (stored)',
      ...(browser ? (['browser mode (shown)'] as const) : []),
    ];
    const results = new Map<Receiver, RunResult[]>(receivers.map((r) => [r, []]));
    let run = 0;
    const once = async (receiver: Receiver, label: string): Promise<RunResult> => {
      run++;
      let result: RunResult;
      switch (receiver) {
        case 'raw-socket baseline':
          result = await baselineRun(server, flooder!, run);
          break;
        case 'engine (stored)':
          result = await engineRun(server, flooder!, run);
          break;
        case 'browser mode (shown)':
          result = await browserRun(server, flooder!, browser!, run);
          break;
      }
      const rate = COUNT / ((result.doneAt - result.startedAt) / 1000);
      console.warn(
        `flood bench: ${label} ${receiver}: ${Math.round(rate)} msg/s ` +
          JSON.stringify({
            flooderWriteMs: Math.round(result.writtenAt - result.startedAt),
            firstMs: Math.round(result.firstAt - result.startedAt),
            doneMs: Math.round(result.doneAt - result.startedAt),
            ...result.notes,
          }),
      );
      return result;
    };
    // Warm-up: one flood each through the baseline and the engine (JIT, Prosody's storage files).
    await once('raw-socket baseline', 'warm-up');
    await once('engine (stored)', 'warm-up');
    for (let i = 0; i < runs; i++) {
      for (const receiver of receivers) {
        try {
          results.get(receiver)!.push(await once(receiver, `round ${i + 1}`));
        } catch (error) {
          if (receiver !== 'browser mode (shown)') throw error;
          uiError = (error as Error).message;
          console.error(`flood bench: ${uiError}`);
        }
      }
    }

    const r0 = (v: number): number => Math.round(v);
    for (const receiver of receivers) {
      const list = results.get(receiver)!;
      if (list.length === 0) continue;
      const rates = list.map((r) => COUNT / ((r.doneAt - r.startedAt) / 1000));
      const firstToLast = list.map((r) => COUNT / ((r.doneAt - r.firstAt) / 1000));
      const sendRates = list.map((r) => COUNT / ((r.writtenAt - r.startedAt) / 1000));
      const noteKeys = Object.keys(list[0]!.notes);
      const notes: Record<string, number | null> = {};
      for (const key of noteKeys) {
        const values = list.map((r) => r.notes[key]).filter((v): v is number => typeof v === 'number');
        notes[key] = values.length > 0 ? r0(median(values)) : null;
      }
      const m = median(rates);
      report({
        metric: 'flood_msgs_per_s',
        receiver,
        value: r0(m),
        unit: 'msg/s',
        median: r0(m),
        runs: list.length,
        samples: rates.map(r0),
        target: TARGET,
        targetMet: m >= TARGET,
        messages: COUNT,
        from: "flooder's first socket write",
        to: receiver,
        measured: DESCRIPTIONS[receiver],
        firstToLastMsgsPerS: r0(median(firstToLast)),
        flooderWriteMsgsPerS: r0(median(sendRates)),
        ...notes,
      });
    }
    if (uiError !== null) {
      report({ metric: 'flood_ui', value: null, unit: null, error: uiError });
      process.exitCode = 1;
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await flooder?.close().catch(() => undefined);
    await prosody.stop();
  }
}
