// `npm run bench -- muc [runs]`: a room of 5,000 occupants, against the harness Prosody on loopback. The
// rooms are played by an external component (XEP-0114) on its own domain (_muc-room.ts): it answers a room's
// disco#info and, to our join presence, sends the occupants' presences and then our self-presence (status
// 110), the way a MUC service does.
//
// Browser mode (_muc-browser.ts, _muc-page.ts; Debian's Chromium, the renderer as it is in the working tree),
// medians over the runs, one JSON line each:
//   muc_join_ms                                  click Join in the dialog -> the room's composer on screen
//   muc_occupants_painted_after_last_presence_ms the component wrote the last occupant presence (and ours)
//                                                -> the frame after the occupant list first counted 5,000
//   muc_longest_task_ms                          longest main-thread task from the click to 1 s after that
//   muc_renderer_heap_mb                         the page's JS heap after two forced GCs, the room joined
//   muc_flood_msgs_per_s                         1,000 room lines from its occupants -> the last one on screen
//                                                in the room's log; `baseline`: a bare session receiving the
//                                                same lines from the component in the same run, and `ratio`
//   muc_twenty_rooms_join_ms                     20 rooms of 500 joined at once from the page -> all 20 in the
//                                                sidebar, none still joining (no bookmarks yet to autojoin)
//   muc_twenty_rooms_renderer_heap_mb            the page's JS heap then, after two forced GCs
// Converse.js on the same kind of room in the same run (_muc-converse.ts), each line with `parley` beside it:
//   converse_muc_join_ms          api.rooms.open -> entered with all 5,000 occupants in its model, a frame more
//   converse_muc_entered_ms       api.rooms.open -> Converse says it entered the room
//   converse_muc_longest_task_ms  its longest main-thread task meanwhile
//   converse_muc_renderer_heap_mb its page's JS heap after two forced GCs
// Engine side (no browser), once every occupant is in the room every occupant changes presence (away, with a
// status) at once: a storm of 5,000.
//   muc_join_5000_ms          muc.join invoked -> answered (5,000 occupants collected, the list complete)
//   muc_join_occupant_events  'muc.occupants' payloads that carried that list (split by the batcher)
//   muc_storm_5000_ms         first of 5,000 presence changes sent -> the last one in a 'muc.occupants' event
//   muc_storm_busy_ms         this process's event-loop busy time over the storm (the component's writes,
//                             the engine's parsing and handling); baseline: the same for the bare session
//   muc_storm_occupant_events 'muc.occupants' payloads the storm became
// The engine-side lines carry `baseline`: a bare session receiving the same 5,000 presences from the
// component in the same run (the server's share), and `ratio`.
import { performance } from 'node:perf_hooks';
import { startProsody } from '../../e2e/harness/prosody.ts';
import { presenceComponentConfig } from '../../e2e/harness/roster-seed.ts';
import { connectComponent, type ComponentClient } from '../../e2e/harness/component.ts';
import { startEngine, type EngineClient } from '../../e2e/harness/engine-client.ts';
import { openRawSession } from '../../e2e/harness/raw-session.ts';
import type { XmppServer } from '../../e2e/harness/server.ts';
import type { Browser } from '@playwright/test';
import { median, report } from './_stats.ts';
import { rebuildRendererAndLaunchChromium } from './_browser.ts';
import { occupantPresence, playRoom } from './_muc-room.ts';
import {
  BIG_ROOM,
  FLOOD,
  TWENTY,
  baselineFloodRun,
  baselinePresenceRun,
  bigRoomRun,
  twentyRoomsRun,
  type BigRoomFigures,
  type MucBenchSetup,
  type TwentyFigures,
} from './_muc-browser.ts';
import { converseRuns, type ConverseFigures } from './_muc-converse.ts';

const DOMAIN = 'parley.test';
const ROOMS = `fakerooms.${DOMAIN}`;
const SECRET = 'muc-bench-component';
const OCCUPANTS = 5_000;
const USER = 'muc-bench';
const CONVERSE_USER = 'muc-bench-converse';
/** Parley and Converse.js also join a room of this size (the twenty rooms' size). */
const SMALL_ROOM = TWENTY.occupants;
const PASSWORD = 'muc-bench-password';

function occupantPayloads(client: EngineClient, room: string, since: number): number {
  return client.events.filter((e, i) => i >= since && e.event === 'muc.occupants' && e.payload.room === room)
    .length;
}

/** The bare session's wall time and this process's busy time (component writes + parsing) for the 5,000. */
async function baselineMs(
  server: XmppServer,
  component: ComponentClient,
): Promise<{ ms: number; busyMs: number }> {
  const acc = { jid: `baseline@${DOMAIN}`, password: 'baseline-password' };
  await server.register('baseline', acc.password).catch(() => undefined);
  const raw = await openRawSession(server, acc, 'bench');
  try {
    const to = raw.session.jid;
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      raw.session.on('stanza', (s) => {
        if (s.is('presence') && ++seen === OCCUPANTS) resolve();
      });
    });
    const start = performance.now();
    const elu = performance.eventLoopUtilization();
    await component.sendAll(
      Array.from({ length: OCCUPANTS }, (_, i) => occupantPresence(`base@${ROOMS}`, to, `b${i}`)),
      200,
    );
    await done;
    return { ms: performance.now() - start, busyMs: performance.eventLoopUtilization(elu).active };
  } finally {
    await raw.session.close();
  }
}

async function run(server: XmppServer, component: ComponentClient, n: number) {
  const client = await startEngine(server, USER, PASSWORD);
  try {
    const room = `bench${n}@${ROOMS}`;
    const playing = playRoom(component, room, 'n', OCCUPANTS);
    let since = client.events.length;
    const joinStart = performance.now();
    const joined = await client.engine.invoke('muc.join', { account: client.account, room, nick: 'me' });
    const joinMs = performance.now() - joinStart;
    if (!joined.ok) throw new Error(`join failed: ${joined.error.message}`);
    const { who } = await playing;
    client.engine.flushEvents();
    const joinEvents = occupantPayloads(client, room, since);

    since = client.events.length;
    const last = `n${OCCUPANTS - 1}`;
    const arrived = client.waitForEvent(
      (e, i) =>
        i >= since &&
        e.event === 'muc.occupants' &&
        e.payload.room === room &&
        e.payload.upserts.some((o) => o.nick === last && o.status === 'storm'),
      60_000,
    );
    const stormStart = performance.now();
    const elu = performance.eventLoopUtilization();
    await component.sendAll(
      Array.from({ length: OCCUPANTS }, (_, i) => occupantPresence(room, who, `n${i}`, false, 'storm')),
      200,
    );
    await arrived;
    const stormMs = performance.now() - stormStart;
    const stormBusyMs = performance.eventLoopUtilization(elu).active;
    client.engine.flushEvents();
    const stormEvents = occupantPayloads(client, room, since);
    const baseline = await baselineMs(server, component);
    return { joinMs, joinEvents, stormMs, stormBusyMs, stormEvents, baseline };
  } finally {
    await client.dispose();
  }
}

/** Browser-mode runs, round-robin with the baseline flood; a run that fails is said and left out. */
async function browserRuns(setup: MucBenchSetup, runs: number) {
  const big: BigRoomFigures[] = [];
  const small: BigRoomFigures[] = [];
  const twenty: TwentyFigures[] = [];
  const baseline: number[] = [];
  const presenceBaseline: number[] = [];
  const errors: string[] = [];
  const attempt = async <T>(what: string, work: () => Promise<T>, into: T[]): Promise<void> => {
    try {
      into.push(await work());
    } catch (error) {
      errors.push(`${what}: ${(error as Error).message}`);
      console.error(`muc bench: ${what}: ${(error as Error).message}`);
    }
  };
  // Warm-up (unrecorded): JIT in the engine and the page, the renderer's first load.
  await attempt('warm-up', () => bigRoomRun(setup, 0), []);
  for (let i = 1; i <= runs; i++) {
    await attempt(`browser run ${i}`, () => bigRoomRun(setup, i), big);
    await attempt(`baseline flood ${i}`, () => baselineFloodRun(setup, i), baseline);
    await attempt(`baseline presences ${i}`, () => baselinePresenceRun(setup, i), presenceBaseline);
    await attempt(`twenty rooms ${i}`, () => twentyRoomsRun(setup, i), twenty);
    await attempt(`room of ${SMALL_ROOM} ${i}`, () => bigRoomRun(setup, i, SMALL_ROOM, false), small);
    const last = big.at(-1);
    if (last)
      console.warn(
        `muc bench: run ${i} long tasks [start after click, ms]: ${JSON.stringify(last.longTaskList)}`,
      );
  }
  return { big, small, twenty, baseline, presenceBaseline, errors };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

function reportBrowser(result: Awaited<ReturnType<typeof browserRuns>>): void {
  const { big, twenty, baseline, presenceBaseline } = result;
  const line = (
    metric: string,
    values: Array<number | null>,
    unit: string,
    extra: Record<string, unknown>,
  ) => {
    const known = values.filter((v): v is number => v !== null);
    if (known.length === 0) return;
    const value = median(known);
    report({ metric, value: round1(value), unit, runs: known.length, samples: known.map(round1), ...extra });
  };
  const target = (value: number | null, limit: number, atMost = true) =>
    value === null ? {} : { target: limit, targetMet: atMost ? value <= limit : value >= limit };
  const med = (values: Array<number | null>): number | null => {
    const known = values.filter((v): v is number => v !== null);
    return known.length === 0 ? null : median(known);
  };
  const room = { occupants: BIG_ROOM, mode: 'browser' };
  line(
    'muc_join_ms',
    big.map((r) => r.joinMs),
    'ms',
    room,
  );
  const painted = big.map((r) => r.paintedAfterLastPresenceMs);
  line('muc_occupants_painted_after_last_presence_ms', painted, 'ms', {
    ...room,
    // Where the time went: the engine emitted the complete list, the page received it (ms after the last
    // presence); baseline: a bare session got the last of the same 5,000 presences (the server's share).
    engineEmittedMs: med(big.map((r) => r.occupantsEmittedMs)),
    pageReceivedMs: med(big.map((r) => r.occupantsReceivedMs)),
    baseline: med(presenceBaseline),
    ...target(med(painted), 300),
  });
  const longest = big.map((r) => r.longestTaskMs);
  line('muc_longest_task_ms', longest, 'ms', {
    ...room,
    longTasks: med(big.map((r) => r.longTasks)),
    ...target(med(longest), 50),
  });
  const heap = big.map((r) => r.heapMb);
  line('muc_renderer_heap_mb', heap, 'MB', { ...room, ...target(med(heap), 60) });
  const flood = med(big.map((r) => r.floodMsgsPerS));
  const base = med(baseline);
  if (flood !== null && base !== null) {
    line(
      'muc_flood_msgs_per_s',
      big.map((r) => r.floodMsgsPerS),
      'msg/s',
      {
        ...room,
        messages: FLOOD,
        baseline: Math.round(base),
        baselineSamples: baseline.map(Math.round),
        ratio: Math.round((flood / base) * 100) / 100,
        emittedByEngineMsgsPerS: med(
          big.map((r) => (r.floodEmittedMs ? (FLOOD * 1000) / r.floodEmittedMs : null)),
        ),
        receivedByPageMsgsPerS: med(big.map((r) => r.floodReceivedMsgsPerS)),
        target: 0.9,
        targetMet: flood / base >= 0.9,
      },
    );
  }
  const twentyInfo = { rooms: TWENTY.rooms, occupants: TWENTY.occupants, mode: 'browser' };
  line(
    'muc_twenty_rooms_join_ms',
    twenty.map((r) => r.joinMs),
    'ms',
    {
      ...twentyInfo,
      longestTaskMs: med(twenty.map((r) => r.longestTaskMs)),
    },
  );
  const twentyHeap = twenty.map((r) => r.heapMb);
  line('muc_twenty_rooms_renderer_heap_mb', twentyHeap, 'MB', {
    ...twentyInfo,
    ...target(med(twentyHeap), 100),
  });
  if (result.errors.length > 0) {
    report({
      metric: 'muc_browser_errors',
      value: result.errors.length,
      unit: 'runs',
      errors: result.errors,
    });
    process.exitCode = 1;
  }
}

/** Converse.js on the same kind of room in the same run, each line with Parley's figure beside it. */
function reportConverse(figures: ConverseFigures, ours: BigRoomFigures[], occupants: number): void {
  const suffix = occupants === BIG_ROOM ? '' : `_${occupants}`;
  const line = (what: string, unit: string, values: number[], parley: Array<number | null>) => {
    const known = parley.filter((v): v is number => v !== null);
    report({
      metric: `converse_muc_${what}${suffix}_${unit.toLowerCase()}`,
      value: values.length === 0 ? null : round1(median(values)),
      unit,
      runs: values.length,
      samples: values.map(round1),
      occupants,
      parley: known.length === 0 ? null : round1(median(known)),
      ...(values.length === 0 ? { errors: figures.errors } : {}),
    });
  };
  line(
    'join',
    'ms',
    figures.joinMs,
    ours.map((r) => r.joinMs),
  );
  line('entered', 'ms', figures.enteredMs, []);
  line(
    'longest_task',
    'ms',
    figures.longestTaskMs,
    ours.map((r) => r.longestTaskMs),
  );
  line(
    'renderer_heap',
    'MB',
    figures.heapMb,
    ours.map((r) => r.heapMb),
  );
}

export async function main(args: string[]): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 5));
  // PARLEY_MUC_BENCH=engine or =browser: only that part; =parley: the browser part without Converse.js.
  const only = process.env.PARLEY_MUC_BENCH ?? '';
  const config = await presenceComponentConfig(ROOMS, SECRET);
  const server = await startProsody({
    domain: DOMAIN,
    accounts: [
      { user: USER, password: PASSWORD },
      { user: CONVERSE_USER, password: PASSWORD },
    ],
    extraConfig: config.extraConfig,
    websocket: true, // for Converse.js
  });
  const component = await connectComponent({
    host: server.host,
    port: config.port,
    domain: ROOMS,
    secret: SECRET,
    keep: 100,
  });
  let browser: Browser | null = null;
  try {
    if (only !== 'engine') {
      // performance.memory with real numbers, for the heap figures.
      browser = await rebuildRendererAndLaunchChromium(['--enable-precise-memory-info']);
      const ours = await browserRuns({ server, component, browser, user: USER, password: PASSWORD }, runs);
      reportBrowser(ours);
      if (only !== 'parley') {
        const account = { jid: `${CONVERSE_USER}@${DOMAIN}`, password: PASSWORD };
        // 5,000 occupants: once (Converse did not get through them in 120 s, and its page crashed on the next
        // try); 500 (the twenty rooms' size), every run, beside Parley's room of 500.
        reportConverse(
          await converseRuns(server, component, account, BIG_ROOM, 1, 120_000, false),
          ours.big,
          BIG_ROOM,
        );
        const smaller = await converseRuns(server, component, account, SMALL_ROOM, runs, 60_000);
        reportConverse(smaller, ours.small, SMALL_ROOM);
      }
    }
    if (only !== 'browser' && only !== 'parley') await engineSide(server, component, runs);
  } finally {
    await browser?.close().catch(() => undefined);
    await component.close();
    await server.stop();
  }
}

async function engineSide(server: XmppServer, component: ComponentClient, runs: number): Promise<void> {
  await run(server, component, 0); // warm-up: JIT, the first sign-in's SQLite file
  const results = [];
  for (let i = 1; i <= runs; i++) results.push(await run(server, component, i));
  const line = (metric: string, values: number[], unit: string, baselines: number[] | null) => {
    const value = median(values);
    const extra: Record<string, number> = {};
    if (baselines !== null) {
      const base = median(baselines);
      extra.baseline = Math.round(base * 10) / 10;
      extra.ratio = Math.round((value / base) * 100) / 100;
    }
    report({ metric, value: Math.round(value * 10) / 10, unit, runs, occupants: OCCUPANTS, ...extra });
  };
  const baseMs = results.map((r) => r.baseline.ms);
  line(
    'muc_join_5000_ms',
    results.map((r) => r.joinMs),
    'ms',
    baseMs,
  );
  line(
    'muc_join_occupant_events',
    results.map((r) => r.joinEvents),
    'events',
    null,
  );
  line(
    'muc_storm_5000_ms',
    results.map((r) => r.stormMs),
    'ms',
    baseMs,
  );
  const baseBusy = results.map((r) => r.baseline.busyMs);
  line(
    'muc_storm_busy_ms',
    results.map((r) => r.stormBusyMs),
    'ms',
    baseBusy,
  );
  line(
    'muc_storm_occupant_events',
    results.map((r) => r.stormEvents),
    'events',
    null,
  );
}
