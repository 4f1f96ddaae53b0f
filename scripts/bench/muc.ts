// `npm run bench -- muc [runs]`: a room of 5,000 occupants, against the harness Prosody on loopback. The
// rooms are played by an external component (XEP-0114) on its own domain (_muc-room.ts): it answers a room's
// disco#info and, to our join presence, sends the occupants' presences and then our self-presence (status
// 110), the way a MUC service does.
//
// Browser mode (_muc-browser.ts, _muc-page.ts; Debian's Chromium, the renderer as it is in the working tree),
// medians over the runs, one JSON line each:
//   muc_join_ms                                  click Join in the dialog -> the room's composer on screen
//   muc_occupants_painted_after_last_presence_ms the room's last presence (ours, after the 5,000) arrives:
//                                                the engine's session parsed it -> the frame after the
//                                                occupant list first counted 5,000 (`afterServerWrite`: the
//                                                same from the component's write to the server, the
//                                                server's delivery included, as measured before)
//   muc_longest_task_ms                          longest main-thread task from the click to 1 s after that
//   muc_renderer_heap_mb                         the page's JS heap after two forced GCs, the room joined
//   muc_flood_msgs_per_s                         1,000 room lines from its occupants -> the last one on screen
//                                                in the room's log; `baseline`: a bare session receiving the
//                                                same lines from the component right after each run, and
//                                                `ratio`: the median of the runs' own ratios
//   muc_twenty_rooms_join_ms                     sign-in with 20 autojoin bookmarks of rooms of 500 -> all 20
//                                                in the sidebar as rooms we are in (the engine joins 3 at a time)
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
import { BIG_ROOM } from './_muc-browser.ts';
import { SMALL_ROOM, browserRuns, reportBrowser, reportConverse } from './_muc-report.ts';
import { converseRuns } from './_muc-converse.ts';
import { CHROMIUM_TAG, tracing } from './_muc-trace.ts';

const DOMAIN = 'parley.test';
const ROOMS = `fakerooms.${DOMAIN}`;
const SECRET = 'muc-bench-component';
const OCCUPANTS = 5_000;
const USER = 'muc-bench';
const CONVERSE_USER = 'muc-bench-converse';
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

export async function main(args: string[]): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 5));
  // PARLEY_MUC_BENCH=engine or =browser: only that part; =parley: the browser part without Converse.js;
  // =room: only the big room and its flood (with their baselines).
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
      browser = await rebuildRendererAndLaunchChromium([
        '--enable-precise-memory-info',
        ...(tracing ? [CHROMIUM_TAG] : []),
      ]);
      const ours = await browserRuns({ server, component, browser, user: USER, password: PASSWORD }, runs);
      reportBrowser(ours);
      if (only !== 'parley' && only !== 'room') {
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
    if (only === '' || only === 'engine') await engineSide(server, component, runs);
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
