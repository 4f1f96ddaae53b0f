// The muc bench's browser-mode runs (round-robin: the big room and its flood, the bare session's flood and
// presences, twenty rooms, a room of 500) and the JSON lines they become, with Converse.js's beside them.
// Lines are described in muc.ts.
import { median, report } from './_stats.ts';
import {
  BIG_ROOM,
  FLOOD,
  TWENTY,
  bigRoomRun,
  twentyRoomsRun,
  type BigRoomFigures,
  type MucBenchSetup,
  type TwentyFigures,
} from './_muc-browser.ts';
import type { ConverseFigures } from './_muc-converse.ts';
import { baselineFloodRun, baselinePresenceRun } from './_muc-baselines.ts';
import { tracing } from './_muc-trace.ts';

/** Parley and Converse.js also join a room of this size (the twenty rooms' size). */
export const SMALL_ROOM = TWENTY.occupants;

/** PARLEY_MUC_BENCH=room: the big room, its flood and their baselines only (no twenty rooms, no Converse). */
const bigRoomOnly = process.env.PARLEY_MUC_BENCH === 'room';

/** Browser-mode runs, round-robin with the baseline flood; a run that fails is said and left out. */
export async function browserRuns(setup: MucBenchSetup, runs: number) {
  const big: BigRoomFigures[] = [];
  const small: BigRoomFigures[] = [];
  const twenty: TwentyFigures[] = [];
  const baseline: number[] = [];
  const presenceBaseline: number[] = [];
  /** Each run's flood rate over the bare session's right after it (the machine's load drifts between runs). */
  const floodRatios: number[] = [];
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
    const before = { big: big.length, baseline: baseline.length };
    await attempt(`browser run ${i}`, () => bigRoomRun(setup, i), big);
    await attempt(`baseline flood ${i}`, () => baselineFloodRun(setup, i), baseline);
    const flood = big.length > before.big ? big.at(-1)!.floodMsgsPerS : null;
    if (flood !== null && baseline.length > before.baseline) floodRatios.push(flood / baseline.at(-1)!);
    if (tracing) await attempt(`baseline flood ${i}, XEP-0198`, () => baselineFloodRun(setup, i, true), []);
    await attempt(`baseline presences ${i}`, () => baselinePresenceRun(setup, i), presenceBaseline);
    if (!bigRoomOnly) {
      await attempt(`twenty rooms ${i}`, () => twentyRoomsRun(setup, i), twenty);
      await attempt(`room of ${SMALL_ROOM} ${i}`, () => bigRoomRun(setup, i, SMALL_ROOM, false), small);
    }
    const last = big.at(-1);
    if (last)
      console.warn(
        `muc bench: run ${i} long tasks [start after click, ms]: ${JSON.stringify(last.longTaskList)}`,
      );
  }
  return { big, small, twenty, baseline, presenceBaseline, floodRatios, errors };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const round2 = (v: number): number => Math.round(v * 100) / 100;

export function reportBrowser(result: Awaited<ReturnType<typeof browserRuns>>): void {
  const { big, twenty, baseline, presenceBaseline, floodRatios } = result;
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
    from: "the room's last presence parsed by the engine's session",
    // Where the time went, in ms after the component wrote the last presence to the server: the engine's
    // session parsed it (the server's delivery), the engine emitted the complete list, the page received
    // it, painted (the earlier definition of this figure); baseline: a bare session got the last of the
    // same 5,000 presences, in the same run.
    afterServerWrite: {
      engineParsed: med(big.map((r) => r.lastPresenceArrivedMs)),
      engineEmitted: med(big.map((r) => r.occupantsEmittedMs)),
      pageReceived: med(big.map((r) => r.occupantsReceivedMs)),
      painted: med(big.map((r) => r.paintedAfterServerWriteMs)),
      baseline: med(presenceBaseline),
    },
    // Runs in which the page asked for the list itself ('muc.occupants'), and when (ms after the last write).
    pageAskedRuns: big.filter((r) => r.occupantsAskedMs !== null).length,
    pageAskedMs: med(big.map((r) => r.occupantsAskedMs)),
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
        // The median of each run's own ratio (its flood over the bare session's right after it), and the
        // ratio of the two medians (as reported before).
        ratio: round2(median(floodRatios)),
        ratioSamples: floodRatios.map(round2),
        ratioOfMedians: round2(flood / base),
        emittedByEngineMsgsPerS: med(
          big.map((r) => (r.floodEmittedMs ? (FLOOD * 1000) / r.floodEmittedMs : null)),
        ),
        receivedByPageMsgsPerS: med(big.map((r) => r.floodReceivedMsgsPerS)),
        target: 0.9,
        targetMet: median(floodRatios) >= 0.9,
      },
    );
  }
  const twentyInfo = {
    rooms: TWENTY.rooms,
    occupants: TWENTY.occupants,
    mode: 'browser',
    from: 'sign-in, autojoin',
  };
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
export function reportConverse(figures: ConverseFigures, ours: BigRoomFigures[], occupants: number): void {
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
