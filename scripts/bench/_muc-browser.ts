// The muc bench in browser mode: a fresh Engine (its own data dir) signed in, behind startBrowserMode(), and a
// Chromium page on it with the probe of _muc-page.ts. One run:
//   big room:  "Join room…" in the sidebar, the address of a room of 5,000 occupants played by the component,
//              Join; then 1,000 room lines from its occupants, shown in the open room.
//   twenty:    20 rooms of 500 occupants bookmarked with autojoin (XEP-0402, for an account of their own);
//              a fresh engine and page, the page open, then the sign-in: the engine autojoins them.
//   baselines: in _muc-baselines.ts (a bare session receiving the same flood, the same presences).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { ComponentClient } from '../../e2e/harness/component.ts';
import type { XmppServer } from '../../e2e/harness/server.ts';
import { Engine } from '../../electron/core/engine.ts';
import { startBrowserMode } from '../start.ts';
import {
  expectFlood,
  heapMb,
  expectRooms,
  joinThroughUi,
  longTasksBetween,
  openMucPage,
  readProbe,
  waitForProbe,
} from './_muc-page.ts';
import { epochNow, playRoom, roomFlood } from './_muc-room.ts';
import {
  cpuWindow,
  mainThreadByName,
  profileWindow,
  profiling,
  ackRequestsSoFar,
  trace,
  tracing,
  watchSessions,
} from './_muc-trace.ts';

export const BIG_ROOM = 5_000;
export const FLOOD = 1_000;
export const TWENTY = { rooms: 20, occupants: 500 };
/** After the last thing measured: the renders and work it set off finish before tasks and heap are read. */
const SETTLE_MS = 1_000;

export interface BigRoomFigures {
  joinMs: number;
  /** The engine's session parsed the room's last presence (ours, status 110) -> the list painted. */
  paintedAfterLastPresenceMs: number;
  /** The component wrote the last presence to the server -> painted (this metric's earlier definition). */
  paintedAfterServerWriteMs: number;
  longestTaskMs: number | null;
  longTasks: number | null;
  longTaskList: Array<[number, number]>;
  heapMb: number | null;
  floodMsgsPerS: number | null;
  /** The page had all 1,000 bodies over the bridge: rate to there. */
  floodReceivedMsgsPerS: number | null;
  /** After the component's last presence: the engine emitted the list; the page had it (ms). */
  occupantsEmittedMs: number | null;
  occupantsReceivedMs: number | null;
  /** After the last presence: the page asked for the occupants itself (the events' list did not stay). */
  occupantsAskedMs: number | null;
  /** After the component's last presence: the engine's session parsed it (ms). */
  lastPresenceArrivedMs: number | null;
  /** After the flood's first write: the engine emitted its last line (ms). */
  floodEmittedMs: number | null;
}

export interface TwentyFigures {
  joinMs: number;
  heapMb: number | null;
  longestTaskMs: number | null;
}

export interface MucBenchSetup {
  server: XmppServer;
  component: ComponentClient;
  browser: Browser;
  user: string;
  password: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const floodPrefix = (run: number): string => `room flood r${run} #`;
export const floodBody = (run: number, n: number): string =>
  `${floodPrefix(run)}${n} the quick brown fox jumps over the lazy dog`;

/** A signed-in engine in browser mode and a probed page on it; `use` runs, then everything is closed. */
interface App {
  page: Page;
  context: BrowserContext;
  engine: Engine;
  /** Signs the engine in (done before the page opens unless `signInLater`). */
  signIn(): Promise<void>;
}

/** Signs `engine` in as `user` directly (no UI). */
async function signIn(setup: MucBenchSetup, engine: Engine, user: string): Promise<void> {
  const { server } = setup;
  const signedIn = await engine.invoke('account.signIn', {
    jid: `${user}@${server.domain}`,
    password: setup.password,
    host: server.host,
    port: server.c2sPort,
  });
  if (!signedIn.ok) throw new Error(`engine sign-in failed: ${signedIn.error.message}`);
}

/** A fresh engine (its own data dir, signed in as `opts.user`, default setup.user) and `use`, then closed. */
async function withEngine<T>(
  setup: MucBenchSetup,
  opts: { user?: string; signInLater?: boolean },
  use: (engine: Engine, signInNow: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-muc-bench-'));
  const engine = await Engine.create({ dataDir, extraCertificates: [setup.server.certificate.certPem] });
  const signInNow = () => signIn(setup, engine, opts.user ?? setup.user);
  try {
    if (!opts.signInLater) await signInNow();
    return await use(engine, signInNow);
  } finally {
    await engine.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function withApp<T>(
  setup: MucBenchSetup,
  occupants: number,
  use: (app: App) => Promise<T>,
  opts: { user?: string; signInLater?: boolean } = {},
): Promise<T> {
  return withEngine(setup, opts, async (engine, signInNow) => {
    const host = (await startBrowserMode({ engine })).host;
    try {
      const shows = opts.signInLater ? 'sign-in' : 'main';
      const { context, page } = await openMucPage(setup.browser, host.url, occupants, shows);
      try {
        return await use({ page, context, engine, signIn: signInNow });
      } finally {
        await context.close().catch(() => undefined);
      }
    } finally {
      await host.close();
    }
  });
}

/**
 * A room of `occupants` (default the big room): join through the dialog, the occupant list painted, tasks
 * and heap, then (with `flood`) the flood.
 */
export function bigRoomRun(
  setup: MucBenchSetup,
  run: number,
  occupants = BIG_ROOM,
  flood = true,
): Promise<BigRoomFigures> {
  return withApp(setup, occupants, async ({ page, context, engine }) => {
    const room = `ui${run}-${occupants}@${setup.component.domain}`;
    // Where the time goes, on the engine's side: the occupant list emitted, the flood's last line emitted.
    let occupantsEmittedAt: number | null = null;
    let floodEmittedAt: number | null = null;
    let floodLines = 0;
    const stopWatch = engine.subscribe((batch) => {
      for (const e of batch) {
        if (e.event === 'muc.occupants' && e.payload.room === room && e.payload.reset)
          occupantsEmittedAt = epochNow();
        if (e.event === 'chat.messages') {
          for (const m of e.payload.messages) if (m.body?.startsWith(floodPrefix(run))) floodLines++;
          if (floodLines >= FLOOD && floodEmittedAt === null) floodEmittedAt = epochNow();
        }
      }
    });
    // When the engine's session parsed the room's last presence (ours, status 110) and the flood's lines.
    let lastPresenceArrivedAt: number | null = null;
    const floodArrivals: number[] = [];
    const stopArrivals = watchSessions((stanza, at) => {
      const from = stanza.attrs.from ?? '';
      if (!from.startsWith(`${room}/`)) return;
      if (stanza.is('presence') && from === `${room}/me`) lastPresenceArrivedAt = at;
      else if (stanza.is('message') && stanza.getChildText('body')?.startsWith(floodPrefix(run)))
        floodArrivals.push(at);
    });
    const joinCpu = tracing ? cpuWindow(setup.server.pidFile) : null;
    const cdp = profiling ? await context.newCDPSession(page) : null;
    const joinProfile = cdp ? await profileWindow(cdp) : null;
    const playing = playRoom(setup.component, room, 'n', occupants);
    const profiler = process.env.PARLEY_MUC_BENCH_PROFILE ? await startProfile(setup.browser, page) : null;
    await joinThroughUi(page, room, 'me');
    const played = await playing;
    let probe = await waitForProbe(
      page,
      (p) => p.composerAt !== null && p.occupantsPaintedAt !== null,
      'the room joined and its occupants painted',
    );
    if (lastPresenceArrivedAt === null) throw new Error("the engine's session never had our self-presence");
    if (joinCpu) trace(`join ${run} (${occupants}), until painted`, joinCpu.end());
    await joinProfile?.stop(`join ${run} (${occupants})`);
    await sleep(SETTLE_MS);
    if (profiler) await profiler.stop(`${process.env.PARLEY_MUC_BENCH_PROFILE}-join-${run}.json`);
    probe = await readProbe(page);
    const clickAt = probe.joinClickAt!;
    const tasks = await longTasksBetween(page, probe, clickAt, probe.occupantsPaintedAt! + SETTLE_MS);
    const heap = await heapMb(context, page);
    const since = (at: number | null, from: number) => (at === null ? null : Math.round(at - from));
    const joined = {
      joinMs: probe.composerAt! - clickAt,
      paintedAfterLastPresenceMs: probe.occupantsPaintedAt! - lastPresenceArrivedAt!,
      paintedAfterServerWriteMs: probe.occupantsPaintedAt! - played.lastPresenceSentAt,
      longestTaskMs: tasks?.longestMs ?? null,
      longTasks: tasks?.count ?? null,
      longTaskList: tasks?.list ?? [],
      heapMb: heap,
      occupantsEmittedMs: since(occupantsEmittedAt, played.lastPresenceSentAt),
      occupantsReceivedMs: since(probe.occupantsMessageAt, played.lastPresenceSentAt),
      occupantsAskedMs: since(probe.occupantsAskedAt, played.lastPresenceSentAt),
      lastPresenceArrivedMs: since(lastPresenceArrivedAt, played.lastPresenceSentAt),
    };
    trace(`join ${run} (${occupants}), ms after the component's last write`, {
      engineParsedLast: joined.lastPresenceArrivedMs,
      engineEmitted: joined.occupantsEmittedMs,
      pageReceived: joined.occupantsReceivedMs,
      pageAsked: joined.occupantsAskedMs,
      painted: Math.round(joined.paintedAfterServerWriteMs),
    });
    if (!flood) {
      stopWatch();
      stopArrivals();
      return { ...joined, floodMsgsPerS: null, floodReceivedMsgsPerS: null, floodEmittedMs: null };
    }

    await expectFlood(page, floodPrefix(run), floodBody(run, FLOOD));
    const lines = roomFlood(room, played.who, 'n', occupants, FLOOD, (n) => floodBody(run, n));
    const floodCpu = tracing ? cpuWindow(setup.server.pidFile) : null;
    const acksBefore = tracing ? await ackRequestsSoFar() : 0;
    const floodProfile = cdp ? await profileWindow(cdp) : null;
    const floodTrace = process.env.PARLEY_MUC_BENCH_PROFILE ? await startProfile(setup.browser, page) : null;
    const floodStart = epochNow();
    await setup.component.sendAll(lines, 100);
    const floodWrittenAt = epochNow();
    let allReceivedAt: number | null = null;
    probe = await waitForProbe(
      page,
      (p) => {
        if (allReceivedAt === null && p.flood.received >= FLOOD) allReceivedAt = epochNow();
        return p.flood.shownAt !== null;
      },
      `the last of ${FLOOD} room lines shown`,
    );
    await floodProfile?.stop(`flood ${run}`);
    if (floodTrace) await floodTrace.stop(`${process.env.PARLEY_MUC_BENCH_PROFILE}-flood-${run}.json`);
    if (floodCpu) {
      const at = (t: number | undefined) => (t === undefined ? null : Math.round(t - floodStart));
      trace(`flood ${run}`, {
        ...floodCpu.end(),
        componentWroteMs: at(floodWrittenAt),
        engineParsedFirstMs: at(floodArrivals[0]),
        engineParsedLastMs: at(floodArrivals.at(-1)),
        engineParsed: floodArrivals.length,
        engineEmittedLastMs: floodEmittedAt === null ? null : at(floodEmittedAt),
        pageReceivedAllMs: at(allReceivedAt ?? undefined),
        shownMs: at(probe.flood.shownAt!),
        pageMessages: probe.flood.messages,
        ackRequests: (await ackRequestsSoFar()) - acksBefore,
      });
    }
    stopWatch();
    stopArrivals();
    return {
      ...joined,
      floodMsgsPerS: FLOOD / ((probe.flood.shownAt! - floodStart) / 1000),
      floodReceivedMsgsPerS: allReceivedAt === null ? null : FLOOD / ((allReceivedAt - floodStart) / 1000),
      floodEmittedMs: since(floodEmittedAt, floodStart),
    };
  });
}

/** The twenty rooms' own account, so its autojoin bookmarks never join rooms in the other runs. */
const TWENTY_USER = 'muc-bench-twenty';

/** Bookmarks exactly `rooms` (autojoin, nick 'me') for TWENTY_USER, through an engine of its own. */
async function bookmarkRooms(setup: MucBenchSetup, rooms: string[]): Promise<void> {
  await setup.server.register(TWENTY_USER, setup.password).catch(() => undefined);
  const account = `${TWENTY_USER}@${setup.server.domain}`;
  await withEngine(setup, { user: TWENTY_USER }, async (engine) => {
    const held = await engine.invoke('bookmarks.list', { account });
    if (!held.ok) throw new Error(`bookmarks.list: ${held.error.message}`);
    for (const b of held.value.bookmarks) await engine.invoke('bookmarks.remove', { account, room: b.room });
    for (const room of rooms) {
      const set = await engine.invoke('bookmarks.set', { account, room, nick: 'me', autojoin: true });
      if (!set.ok) throw new Error(`bookmarks.set: ${set.error.message}`);
    }
  });
}

/**
 * Twenty rooms of 500 bookmarked with autojoin: the page open, the engine signs in (the clock starts), the
 * engine autojoins them; until all 20 are in the sidebar, joined; then the heap.
 */
export async function twentyRoomsRun(setup: MucBenchSetup, run: number): Promise<TwentyFigures> {
  const rooms = Array.from({ length: TWENTY.rooms }, (_, k) => `t${run}-${k}@${setup.component.domain}`);
  await bookmarkRooms(setup, rooms);
  const app = async ({ page, context, signIn }: App): Promise<TwentyFigures> => {
    await expectRooms(page, rooms);
    const playing = Promise.all(rooms.map((room) => playRoom(setup.component, room, 'p', TWENTY.occupants)));
    const startAt = epochNow();
    await signIn();
    await playing;
    let probe = await waitForProbe(
      page,
      (p) => p.twenty.shownAt !== null,
      `${TWENTY.rooms} rooms autojoined`,
    );
    await sleep(SETTLE_MS);
    probe = await readProbe(page);
    const tasks = await longTasksBetween(page, probe, startAt, probe.twenty.shownAt! + SETTLE_MS);
    return {
      joinMs: probe.twenty.shownAt! - startAt,
      heapMb: await heapMb(context, page),
      longestTaskMs: tasks?.longestMs ?? null,
    };
  };
  return withApp(setup, TWENTY.occupants, app, { user: TWENTY_USER, signInLater: true });
}

/**
 * PARLEY_MUC_BENCH_PROFILE=PREFIX: a Chromium trace of the join (timeline and JS samples: open it in
 * DevTools' Performance panel), written to PREFIX-join-N.json.
 */
async function startProfile(browser: Browser, page: Page) {
  await browser.startTracing(page, {
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'disabled-by-default-devtools.timeline.stack',
      'disabled-by-default-v8.cpu_profiler',
      'v8.execute',
      'blink.user_timing',
    ],
  });
  return {
    async stop(file: string): Promise<void> {
      const trace = await browser.stopTracing();
      await writeFile(file, trace);
      console.warn(
        `muc bench: page trace in ${file}; main thread:\n  ${mainThreadByName(trace.toString()).join('\n  ')}`,
      );
    },
  };
}
