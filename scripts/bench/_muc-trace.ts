// PARLEY_MUC_BENCH_TRACE=1: where the muc bench's time goes, printed to stderr per run (never a figure).
// CPU time per process over a window (the server, our Chromium's process tree, this process: engine +
// browser host + component), read from /proc, and when the engine's session parsed the window's stanzas.
// Instrumentation of the bench only: the engine's XmppSession is observed by wrapping its prototype's emit.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Element } from '@xmpp/xml';
import { XmppSession } from '../../electron/core/xmpp/session.ts';
import { epochNow } from './_muc-room.ts';

export const tracing = Boolean(process.env.PARLEY_MUC_BENCH_TRACE);

/** A unique switch on our Chromium's command line, so its process tree is found among others'. */
export const CHROMIUM_TAG = `--parley-muc-bench=${process.pid}`;

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid: number): { ppid: number; cpuMs: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return null;
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** The pid whose command line holds `tag`, and all its descendants. */
function treeOf(tag: string): number[] {
  const all = pids();
  const root = all.find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(tag);
    } catch {
      return false;
    }
  });
  if (root === undefined) return [];
  const parent = new Map(all.map((pid) => [pid, stat(pid)?.ppid ?? -1]));
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent)
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
  }
  return [...tree];
}

const cpuOf = (list: number[]): number => list.reduce((sum, pid) => sum + (stat(pid)?.cpuMs ?? 0), 0);

/** A Chromium process's kind: its --type switch (renderer, gpu-process, utility...), or browser. */
function kindOf(pid: number): string {
  try {
    // Chromium rewrites its title: the switches may be one string with spaces.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = args.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser';
    const sub = args
      .find((a) => a.startsWith('--utility-sub-type='))
      ?.split('.')
      .at(-1);
    return sub ? `${type}:${sub}` : type;
  } catch {
    return 'gone';
  }
}

/** CPU ms per Chromium process kind. */
function cpuByKind(list: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of list) {
    const kind = kindOf(pid);
    out[kind] = (out[kind] ?? 0) + (stat(pid)?.cpuMs ?? 0);
  }
  return out;
}

/** A process's time waiting for a CPU while runnable (ms), from /proc/PID/schedstat (all its threads: task). */
function runqueueWaitMs(pid: number): number {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
    }
    return total;
  } catch {
    return 0;
  }
}

export interface CpuWindow {
  /** Ends the window: CPU ms per process group and the wall time. */
  end(): Record<string, unknown>;
}

/** Starts a CPU window over the server (its pid file), our Chromium and this process. */
export function cpuWindow(serverPidFile: string): CpuWindow {
  const server = Number(readFileSync(serverPidFile, 'utf8').trim());
  const chromium = treeOf(CHROMIUM_TAG);
  const start = { server: cpuOf([server]), chromium: cpuOf(chromium), at: epochNow() };
  const kindsAtStart = cpuByKind(chromium);
  const serverWaitAtStart = runqueueWaitMs(server);
  const self = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  return {
    end() {
      const used = process.cpuUsage(self);
      const kinds = cpuByKind(chromium);
      for (const kind of Object.keys(kinds)) kinds[kind]! -= kindsAtStart[kind] ?? 0;
      return {
        chromiumByKind: kinds,
        wallMs: Math.round(epochNow() - start.at),
        serverCpuMs: cpuOf([server]) - start.server,
        // Runnable but not running: starved of CPU by everything else on the machine.
        serverRunqueueWaitMs: Math.round(runqueueWaitMs(server) - serverWaitAtStart),
        chromiumCpuMs: cpuOf(chromium) - start.chromium,
        benchProcessCpuMs: Math.round((used.user + used.system) / 1000),
        benchLoopBusyMs: Math.round(performance.eventLoopUtilization(elu).active),
        load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
      };
    },
  };
}

type StanzaWatcher = (stanza: Element, at: number) => void;
const watchers = new Set<StanzaWatcher>();
let wrapped = false;

/** Calls `watch` with every stanza any XmppSession in this process emits, and when; returns the stop. */
export function watchSessions(watch: StanzaWatcher): () => void {
  if (!wrapped) {
    wrapped = true;
    const proto = XmppSession.prototype as unknown as { emit(event: string, ...args: unknown[]): boolean };
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string, ...args: unknown[]): boolean {
      if (event === 'stanza' && watchers.size > 0) {
        const at = epochNow();
        for (const w of watchers) w(args[0] as Element, at);
      }
      return emit.call(this, event, ...args);
    };
  }
  watchers.add(watch);
  return () => watchers.delete(watch);
}

export function trace(what: string, figures: Record<string, unknown>): void {
  if (tracing) console.warn(`muc trace ${what}: ${JSON.stringify(figures)}`);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** The `n` functions with the most self time in a V8 CPU profile: "ms name file:line". */
export function topSelfTime(profile: CpuProfile, n = 15): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const frame = byId.get(samples[i]!)?.callFrame;
    if (!frame) continue;
    const file = frame.url.split('/').at(-1) ?? '';
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, ms]) => `${ms.toFixed(1)} ms ${key}`);
}

export const profiling = Boolean(process.env.PARLEY_MUC_BENCH_CPUPROFILE);

/** V8 CPU profiles of the page (CDP) and of this process (node:inspector) over one window. */
export async function profileWindow(cdp: {
  send(method: string, params?: object): Promise<unknown>;
}): Promise<{ stop(what: string): Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return {
    async stop(what) {
      const page = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      const own = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      session.disconnect();
      // PARLEY_MUC_BENCH_CPUPROFILE=/some/prefix: the profiles are kept too (open them in DevTools).
      const prefix = process.env.PARLEY_MUC_BENCH_CPUPROFILE ?? '';
      if (prefix.startsWith('/')) {
        const name = what.replace(/\W+/g, '-');
        writeFileSync(`${prefix}-${name}-page.cpuprofile`, JSON.stringify(page.profile));
        writeFileSync(`${prefix}-${name}-engine.cpuprofile`, JSON.stringify(own.profile));
      }
      console.warn(`muc profile ${what}, page:\n  ${topSelfTime(page.profile).join('\n  ')}`);
      console.warn(`muc profile ${what}, bench process:\n  ${topSelfTime(own.profile).join('\n  ')}`);
    },
  };
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** A Chromium trace's main-thread time by event name (ms, nested events counted in their parents too). */
export function mainThreadByName(traceJson: string, n = 14): string[] {
  const events = (JSON.parse(traceJson) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const total = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined || !main.has(`${e.pid}:${e.tid}`)) continue;
    total.set(e.name, (total.get(e.name) ?? 0) + e.dur / 1000);
  }
  return [...total]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => `${ms.toFixed(1)} ms ${name}`);
}

let ackRequests = 0;
let ackWrapped = false;

/** XEP-0198 <r/> the server sent to any session in this process so far (wraps StreamManagement). */
export async function ackRequestsSoFar(): Promise<number> {
  if (!ackWrapped) {
    ackWrapped = true;
    const { StreamManagement } = await import('../../electron/core/xmpp/stream-management.ts');
    const proto = StreamManagement.prototype as unknown as { handleNonza(el: Element): Element | null };
    const handle = proto.handleNonza;
    proto.handleNonza = function (this: unknown, el: Element) {
      if (el.name === 'r') ackRequests++;
      return handle.call(this, el);
    };
  }
  return ackRequests;
}
