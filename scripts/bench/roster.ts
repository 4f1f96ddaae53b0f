// `npm run bench -- roster [runs]`: a roster of 10,000 contacts (5,000 online) in browser mode, against the
// harness Prosody on loopback. The roster is written into Prosody's storage (e2e/harness/roster-seed.ts) and
// the online contacts are served by an external component that answers the server's presence probes, so
// every sign-in gets the whole roster and 5,000 presences from the server, as with a real large account.
//
// Each run: a fresh Engine (empty data dir: no roster cache, the full roster comes over the wire), a fresh
// browser-mode host and a fresh page in Debian's Chromium; sign-in through the UI. Figures (medians over the
// runs, one JSON line each):
//   page:   click "Sign in" -> first roster row painted; roster message arrived -> first row painted;
//           roster message arrived -> whole roster held (window.__parleyStats.contacts, when exposed);
//           click -> all presence applied (the frame after the batch completing the 5,000, or the renderer's
//           window.__parleyStats.online when it exposes one); longest main-thread task (PerformanceObserver
//           'longtask', 0 if none over 50 ms); JS heap after a forced GC.
//   engine: sign-in -> roster.changed reset emitted; sign-in -> all 5,000 presences emitted; how many event
//           batches carried those presences.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { startProsody, type ProsodyServer } from '../../e2e/harness/prosody.ts';
import {
  presenceComponentConfig,
  seedRoster,
  startPresenceComponent,
  type PresenceComponent,
  type SeedContact,
} from '../../e2e/harness/roster-seed.ts';
import { Engine } from '../../electron/core/engine.ts';
import type { EngineEvent } from '../../shared/contract.ts';
import { startBrowserHost } from '../../electron/browser-host/browser-host.ts';
import { buildRenderer, startBrowserMode } from '../start.ts';
import { median, report } from './_stats.ts';
import { CHROMIUM_ARGS as BASE_CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/harness/chromium.ts';

const DOMAIN = 'parley.test';
const BOTS = `bots.${DOMAIN}`;
const USER = 'roster-bench';
const PASSWORD = 'roster-bench-password';
const SECRET = 'roster-bench-component';
const TOTAL = 10_000;
const ONLINE = 5_000;
const UI_TIMEOUT_MS = 60_000;

const TARGETS = { firstPaintAfterRosterMs: 300, longestTaskMs: 50, heapMb: 60 };

/**
 * Where the bench finds roster rows: the first selector that matches a visible element counts. The roster
 * is a virtualized tree (renderer/features/roster/roster-model.ts), so treeitems come first.
 */
const ROW_SELECTORS = [
  '[role="tree"] [role="treeitem"][aria-level="2"]', // a contact row (level 1 is a group header)
  '[role="tree"] [role="treeitem"]',
  '[role="treegrid"] [role="row"]',
  '[role="grid"] [role="row"]',
  '[role="listbox"] [role="option"]',
  '[data-roster-row]',
  '[data-jid]',
];

// performance.memory with real numbers, for the heap figure.
const CHROMIUM_ARGS = [...BASE_CHROMIUM_ARGS, '--enable-precise-memory-info'];

// ---------------------------------------------------------------------------------------------------------
// The roster: groups of very different sizes, names (some missing, some non-ASCII), half online.

/** Deterministic pseudo-random numbers (LCG), so every run and machine seeds the same roster. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const FIRST = [
  'Ada',
  'Björn',
  'Chloé',
  'Dmitri',
  'Eun-ji',
  'Farah',
  'Göran',
  'Hiro',
  'Inès',
  'Jamal',
  'Kofi',
  'Léa',
  'Mateo',
  'Nadia',
  'Oğuz',
  'Priya',
  'Quinn',
  'Rosa',
  'Søren',
  'Tomasz',
  'Uma',
  'Viktor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoë',
];
const LAST = [
  'Andersson',
  'Bauer',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Horvat',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'López',
  'Müller',
  'Nakamura',
  'Olsen',
  'Petrov',
  'Rossi',
  'Silva',
  'Tanaka',
  'Novák',
];

export interface BenchRoster {
  contacts: SeedContact[];
  /** Online contacts by show, for the component's probe answers. */
  online: Map<string, { show?: string; status?: string }>;
  groups: number;
}

export function benchRoster(total = TOTAL, online = ONLINE): BenchRoster {
  const rand = random(10_000);
  // Group sizes from large to tiny: 3 big teams, a dozen mid-size, many small ones.
  const groups: Array<{ name: string; weight: number }> = [
    { name: 'Colleagues', weight: 30 },
    { name: 'Customers', weight: 18 },
    { name: 'Community', weight: 12 },
  ];
  for (let i = 1; i <= 12; i++) groups.push({ name: `Project ${String.fromCharCode(64 + i)}`, weight: 2 });
  for (let i = 1; i <= 40; i++) groups.push({ name: `Club ${i}`, weight: 0.25 });
  groups.push({ name: 'Family', weight: 0.1 }, { name: 'Ünïcödé ☕', weight: 0.2 });
  const totalWeight = groups.reduce((sum, g) => sum + g.weight, 0);
  const pickGroup = (): string => {
    let r = rand() * totalWeight;
    for (const g of groups) if ((r -= g.weight) <= 0) return g.name;
    return groups[0]!.name;
  };
  const shows: Array<{ show?: string; status?: string }> = [
    {},
    {},
    {},
    { show: 'away', status: 'Back soon' },
    { show: 'dnd', status: 'In a meeting' },
    { show: 'xa' },
    { show: 'chat', status: 'Ask me anything' },
  ];
  // Online contacts are spread through the roster (every other one), so each group has both kinds.
  const contacts: SeedContact[] = [];
  const onlineMap = new Map<string, { show?: string; status?: string }>();
  const step = total / online;
  let nextOnline = 0;
  for (let i = 0; i < total; i++) {
    const jid = `contact${i}@${BOTS}`;
    const isOnline = onlineMap.size < online && i >= nextOnline;
    if (isOnline) {
      nextOnline += step;
      onlineMap.set(jid, shows[Math.floor(rand() * shows.length)]!);
    }
    const r = rand();
    const groupList = r < 0.08 ? [] : r < 0.9 ? [pickGroup()] : [pickGroup(), pickGroup()];
    const hasName = rand() < 0.85;
    contacts.push({
      jid,
      name: hasName
        ? `${FIRST[Math.floor(rand() * FIRST.length)]} ${LAST[Math.floor(rand() * LAST.length)]} ${i}`
        : undefined,
      groups: [...new Set(groupList)],
      subscription: isOnline ? 'both' : (['both', 'to', 'from', 'none'] as const)[Math.floor(rand() * 4)]!,
    });
  }
  return { contacts, online: onlineMap, groups: groups.length };
}

// ---------------------------------------------------------------------------------------------------------
// In-page instrumentation, installed before any renderer code runs.

interface PageProbe {
  t0: number | null;
  rosterArrivedAt: number | null;
  rosterBytes: number;
  firstRowAt: number | null;
  firstRowSelector: string | null;
  presenceCompleteMessageAt: number | null;
  presenceAppliedAt: number | null;
  presenceSource: string | null;
  /** The frame in which window.__parleyStats.contacts first counted the whole roster (null without it). */
  rosterCompleteAt: number | null;
  onlineSeen: number;
  presenceMessages: number;
  longTasks: Array<{ start: number; duration: number }>;
}

function instrumentPage(args: {
  botsSuffix: string;
  online: number;
  total: number;
  selectors: string[];
}): void {
  const probe: PageProbe = {
    t0: null,
    rosterArrivedAt: null,
    rosterBytes: 0,
    firstRowAt: null,
    firstRowSelector: null,
    presenceCompleteMessageAt: null,
    presenceAppliedAt: null,
    presenceSource: null,
    rosterCompleteAt: null,
    onlineSeen: 0,
    presenceMessages: 0,
    longTasks: [],
  };
  (window as unknown as { __rosterBench: PageProbe }).__rosterBench = probe;

  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask support: reported as null
  }

  // Sign-in starts at the press of the submit button (capture phase: before the app's handlers).
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target as Element | null;
      const button = target?.closest('button[type="submit"], button');
      if (probe.t0 === null && button && /^\s*sign in\s*$/i.test(button.textContent ?? '')) {
        probe.t0 = performance.now();
      }
    },
    true,
  );

  // Watch the bridge's WebSocket: when the roster arrives, and which frame completes the online contacts.
  // A listener added in the constructor runs before the app's own listener for each message.
  const online = new Set<string>();
  const presenceRe = /"jid":"((?:[^"\\]|\\.)*)","best":(\{|null)/g;
  const NativeWebSocket = window.WebSocket;
  class InstrumentedWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (probe.t0 === null || typeof event.data !== 'string') return;
        const data = event.data;
        const now = performance.now();
        if (probe.rosterArrivedAt === null && data.includes('"roster.changed","payload":{"reset":true')) {
          probe.rosterArrivedAt = now;
          probe.rosterBytes = data.length;
        }
        if (probe.presenceCompleteMessageAt === null && data.includes('"presence.changed"')) {
          probe.presenceMessages++;
          presenceRe.lastIndex = 0;
          for (let m = presenceRe.exec(data); m; m = presenceRe.exec(data)) {
            if (!m[1]!.endsWith(args.botsSuffix)) continue;
            if (m[2] === '{') online.add(m[1]!);
            else online.delete(m[1]!);
          }
          probe.onlineSeen = online.size;
          if (online.size >= args.online) {
            probe.presenceCompleteMessageAt = now;
            // The app handles this message after us; the second frame from now shows its result.
            requestAnimationFrame(() =>
              requestAnimationFrame(() => {
                const stats = (window as unknown as { __parleyStats?: { online?: unknown } }).__parleyStats;
                if (typeof stats?.online !== 'number' && probe.presenceAppliedAt === null) {
                  probe.presenceAppliedAt = performance.now();
                  probe.presenceSource = 'frame after the completing batch';
                }
              }),
            );
          }
        }
      });
    }
  }
  window.WebSocket = InstrumentedWebSocket;

  // Every frame after sign-in: is a roster row on screen yet? Has the app counted everyone online?
  const visible = (el: Element): boolean => {
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight;
  };
  const frame = (): void => {
    if (probe.t0 !== null) {
      const now = performance.now();
      if (probe.firstRowAt === null) {
        for (const selector of args.selectors) {
          const rows = document.querySelectorAll(selector);
          let found = false;
          for (let i = 0; i < rows.length && i < 50; i++) {
            if (visible(rows[i]!)) {
              found = true;
              break;
            }
          }
          if (found) {
            probe.firstRowAt = now;
            probe.firstRowSelector = selector;
            break;
          }
        }
      }
      const stats = (window as unknown as { __parleyStats?: { online?: unknown; contacts?: unknown } })
        .__parleyStats;
      // The roster may arrive in several batches: when did the app hold all of it?
      if (
        probe.rosterCompleteAt === null &&
        typeof stats?.contacts === 'number' &&
        stats.contacts >= args.total
      )
        probe.rosterCompleteAt = now;
      if (
        probe.presenceAppliedAt === null &&
        typeof stats?.online === 'number' &&
        stats.online >= args.online
      ) {
        probe.presenceAppliedAt = now;
        probe.presenceSource = 'window.__parleyStats.online';
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

// ---------------------------------------------------------------------------------------------------------

interface EngineFigures {
  rosterMs: number | null;
  presenceMs: number | null;
  presenceBatches: number;
  rosterItems: number;
}

/** Watches one engine: sign-in time (wrapping invoke), the roster reset, and batches until all online. */
function watchEngine(engine: Engine): { figures: EngineFigures; done: Promise<void>; stop: () => void } {
  const figures: EngineFigures = { rosterMs: null, presenceMs: null, presenceBatches: 0, rosterItems: 0 };
  let signInAt: number | null = null;
  const original = engine.invoke.bind(engine) as (name: string, payload: unknown) => Promise<unknown>;
  engine.invoke = ((name: string, payload: unknown) => {
    if (name === 'account.signIn' && signInAt === null) signInAt = performance.now();
    return original(name, payload);
  }) as Engine['invoke'];
  const online = new Set<string>();
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const unsubscribe = engine.subscribe((batch: EngineEvent[]) => {
    if (signInAt === null) return;
    const now = performance.now();
    for (const event of batch) {
      if (event.event === 'roster.changed' && event.payload.reset && figures.rosterMs === null) {
        figures.rosterMs = now - signInAt;
        figures.rosterItems = event.payload.upserts.length;
      }
    }
    if (figures.presenceMs !== null) return;
    let hadPresence = false;
    for (const event of batch) {
      if (event.event !== 'presence.changed') continue;
      hadPresence = true;
      for (const p of event.payload.contacts) {
        if (!p.jid.endsWith(`@${BOTS}`)) continue;
        if (p.best) online.add(p.jid);
        else online.delete(p.jid);
      }
    }
    if (hadPresence) figures.presenceBatches++;
    if (online.size >= ONLINE) {
      figures.presenceMs = now - signInAt;
      resolveDone();
    }
  });
  return { figures, done, stop: unsubscribe };
}

interface PageFigures {
  firstRowMs: number;
  firstRowAfterRosterMs: number | null;
  presenceAppliedMs: number | null;
  presenceSource: string | null;
  rosterCompleteAfterRosterMs: number | null;
  longestTaskMs: number | null;
  longTaskCount: number;
  /** Long tasks as [start after the click, duration] in ms, for finding which phase they belong to. */
  longTaskList: Array<[number, number]>;
  rosterArrivedMs: number | null;
  heapMb: number | null;
  rosterBytes: number;
  rowSelector: string | null;
}

async function signInThroughUi(page: Page, server: ProsodyServer): Promise<void> {
  await page.getByLabel('Address', { exact: true }).fill(`${USER}@${server.domain}`);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  // The harness domain does not resolve: host and port live under Advanced.
  const host = page.getByLabel('Host', { exact: true });
  if (!(await host.isVisible())) await page.getByRole('button', { name: 'Advanced' }).click();
  await host.fill(server.host);
  await page.getByLabel('Port', { exact: true }).fill(String(server.c2sPort));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function pageRun(browser: Browser, url: string, server: ProsodyServer): Promise<PageFigures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(instrumentPage, {
      botsSuffix: `@${BOTS}`,
      online: ONLINE,
      total: TOTAL,
      selectors: ROW_SELECTORS,
    });
    await page.goto(url);
    await page.getByLabel('Address', { exact: true }).waitFor({ timeout: 15_000 });
    await signInThroughUi(page, server);

    const probe = () =>
      page.evaluate(() => (window as unknown as { __rosterBench: PageProbe }).__rosterBench);
    const deadline = Date.now() + UI_TIMEOUT_MS;
    let state = await probe();
    while (Date.now() < deadline && (state.firstRowAt === null || state.presenceAppliedAt === null)) {
      const error = await page
        .getByRole('alert')
        .first()
        .textContent({ timeout: 100 })
        .catch(() => null);
      if (error?.trim() && state.rosterArrivedAt === null)
        throw new Error(`sign-in failed in the UI: ${error.trim()}`);
      await new Promise((r) => setTimeout(r, 100));
      state = await probe();
    }
    if (state.t0 === null) throw new Error('the click on "Sign in" was not seen by the page');
    if (state.firstRowAt === null) {
      throw new Error(
        `no roster row became visible within ${UI_TIMEOUT_MS / 1000} s (looked for ${ROW_SELECTORS.join(' | ')}); ` +
          `roster message ${state.rosterArrivedAt === null ? 'never arrived' : 'arrived'}`,
      );
    }
    const firstRowAt = state.firstRowAt;
    // Let the last renders and any deferred work (sorting, measuring) finish before reading tasks and heap.
    await new Promise((r) => setTimeout(r, 1000));
    state = await probe();
    const t0 = state.t0!;
    const tasks = state.longTasks.filter((t) => t.start + t.duration >= t0);
    const longTaskSupported = await page.evaluate(() =>
      PerformanceObserver.supportedEntryTypes.includes('longtask'),
    );

    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await page.evaluate(() => {
      const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      return memory ? memory.usedJSHeapSize : null;
    });
    return {
      firstRowMs: firstRowAt - t0,
      firstRowAfterRosterMs: state.rosterArrivedAt === null ? null : firstRowAt - state.rosterArrivedAt,
      presenceAppliedMs: state.presenceAppliedAt === null ? null : state.presenceAppliedAt - t0,
      presenceSource: state.presenceSource,
      rosterCompleteAfterRosterMs:
        state.rosterCompleteAt === null || state.rosterArrivedAt === null
          ? null
          : state.rosterCompleteAt - state.rosterArrivedAt,
      longestTaskMs: longTaskSupported ? Math.max(0, ...tasks.map((t) => t.duration)) : null,
      longTaskCount: tasks.length,
      longTaskList: tasks.map((t) => [Math.round(t.start - t0), Math.round(t.duration)]),
      rosterArrivedMs: state.rosterArrivedAt === null ? null : Math.round(state.rosterArrivedAt - t0),
      heapMb: heap === null ? null : heap / (1024 * 1024),
      rosterBytes: state.rosterBytes,
      rowSelector: state.firstRowSelector,
    };
  } finally {
    await context.close();
  }
}

/** One sign-in: a fresh engine (no roster cache) behind a fresh browser-mode host, or the engine alone. */
async function oneRun(
  server: ProsodyServer,
  browser: Browser | null,
): Promise<{ engine: EngineFigures; page: PageFigures | null; pageError: string | null }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-roster-bench-'));
  const engine = await Engine.create({ dataDir, extraCertificates: [server.certificate.certPem] });
  const watch = watchEngine(engine);
  let page: PageFigures | null = null;
  let pageError: string | null = null;
  try {
    if (browser) {
      // PARLEY_BENCH_RENDERER_DIR: serve another build (e.g. a stand-in page to check this bench itself).
      const host = process.env.PARLEY_BENCH_RENDERER_DIR
        ? await startBrowserHost({ engine, rendererDir: process.env.PARLEY_BENCH_RENDERER_DIR })
        : (await startBrowserMode({ engine })).host;
      try {
        page = await pageRun(browser, host.url, server);
      } catch (error) {
        pageError = (error as Error).message;
      } finally {
        await host.close();
      }
    }
    if (!browser || (pageError !== null && watch.figures.rosterMs === null)) {
      // No UI to sign in through: sign the engine in directly, so the engine figures still come out.
      await engine.invoke('account.signOut', { account: `${USER}@${server.domain}` });
      const result = await engine.invoke('account.signIn', {
        jid: `${USER}@${server.domain}`,
        password: PASSWORD,
        host: server.host,
        port: server.c2sPort,
      });
      if (!result.ok) throw new Error(`engine sign-in failed: ${result.error.message}`);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([watch.done, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
    clearTimeout(timer);
    if (watch.figures.presenceMs === null)
      throw new Error('the engine did not see all presences within 30 s');
    return { engine: { ...watch.figures }, page, pageError };
  } finally {
    watch.stop();
    await engine.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function figure(
  metric: string,
  values: Array<number | null>,
  unit: string,
  extra: Record<string, unknown> = {},
): void {
  const numbers = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const round = (v: number) => Number(v.toFixed(unit === 'MB' ? 2 : 1));
  report({
    metric,
    value: numbers.length > 0 ? round(median(numbers)) : null,
    unit,
    ...extra,
    runs: numbers.length,
    samples: numbers.map(round),
    contacts: TOTAL,
    online: ONLINE,
  });
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 3);
  const warmup = 1;
  const roster = benchRoster();
  const component = await presenceComponentConfig(BOTS, SECRET);
  const server = await startProsody({
    domain: DOMAIN,
    accounts: [{ user: USER, password: PASSWORD }],
    extraConfig: component.extraConfig,
  });
  let bots: PresenceComponent | null = null;
  let browser: Browser | null = null;
  try {
    const seedStart = performance.now();
    await seedRoster(server, USER, roster.contacts);
    const seedMs = performance.now() - seedStart;
    bots = await startPresenceComponent(server, BOTS, SECRET);
    const byShow = new Map<string, { presence: { show?: string; status?: string }; jids: string[] }>();
    for (const [jid, presence] of roster.online) {
      const key = `${presence.show ?? ''}|${presence.status ?? ''}`;
      const entry = byShow.get(key) ?? { presence, jids: [] };
      entry.jids.push(jid);
      byShow.set(key, entry);
    }
    for (const { presence, jids } of byShow.values()) bots.setOnline(jids, presence);
    console.warn(
      `roster bench: seeded ${roster.contacts.length} contacts in ${roster.groups} groups (${seedMs.toFixed(0)} ms), ` +
        `${roster.online.size} online via ${BOTS}`,
    );

    let uiError: string | null = null;
    try {
      // Always measure the renderer as it is in the tree now: rebuild once here (the runs reuse the build).
      let rendererDir = process.env.PARLEY_BENCH_RENDERER_DIR;
      if (!rendererDir) {
        const before = process.env.PARLEY_REBUILD;
        process.env.PARLEY_REBUILD = '1';
        try {
          rendererDir = await buildRenderer();
        } finally {
          if (before === undefined) delete process.env.PARLEY_REBUILD;
          else process.env.PARLEY_REBUILD = before;
        }
      }
      if (!existsSync(path.join(rendererDir, 'index.html')))
        throw new Error('out/renderer/index.html is missing');
      if (!existsSync(CHROMIUM_PATH))
        throw new Error(`${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
      });
    } catch (error) {
      uiError = `browser mode is unavailable: ${(error as Error).message}`;
      console.error(`roster bench: ${uiError}; measuring the engine only`);
    }

    const results: Array<Awaited<ReturnType<typeof oneRun>>> = [];
    for (let i = 0; i < warmup + runs; i++) {
      const result = await oneRun(server, browser);
      if (result.pageError) {
        uiError = result.pageError;
        console.error(`roster bench: run ${i + 1}: UI measurement failed: ${result.pageError}`);
      }
      console.warn(
        `roster bench: run ${i + 1}${i < warmup ? ' (warm-up)' : ''}: ` +
          JSON.stringify({ engine: result.engine, page: result.page }),
      );
      if (i >= warmup) results.push(result);
    }

    const pages = results.map((r) => r.page).filter((p): p is PageFigures => p !== null);
    const engineNotes = {
      side: 'engine',
      measured: 'Node engine in the same run, fresh data dir (no roster cache)',
    };
    figure(
      'roster_engine_roster_ms',
      results.map((r) => r.engine.rosterMs),
      'ms',
      {
        ...engineNotes,
        from: 'account.signIn invoked',
        to: 'roster.changed reset (10,000 items) emitted',
      },
    );
    figure(
      'roster_engine_all_presence_ms',
      results.map((r) => r.engine.presenceMs),
      'ms',
      {
        ...engineNotes,
        from: 'account.signIn invoked',
        to: 'presence.changed for all online contacts emitted',
      },
    );
    figure(
      'roster_engine_presence_batches',
      results.map((r) => r.engine.presenceBatches),
      'batches',
      {
        ...engineNotes,
        what: `event batches carrying the ${ONLINE} presences`,
      },
    );
    if (pages.length > 0) {
      const ui = { side: 'renderer', browser: 'Debian Chromium headless', mode: 'browser mode' };
      figure(
        'roster_first_paint_ms',
        pages.map((p) => p.firstRowMs),
        'ms',
        {
          ...ui,
          from: 'click on Sign in',
          to: 'first roster row visible in a frame',
          rowSelector: pages[0]!.rowSelector,
        },
      );
      figure(
        'roster_first_paint_after_roster_ms',
        pages.map((p) => p.firstRowAfterRosterMs),
        'ms',
        {
          ...ui,
          from: 'roster batch arrived on the WebSocket',
          to: 'first roster row visible in a frame',
          target: TARGETS.firstPaintAfterRosterMs,
          targetMet:
            median(pages.map((p) => p.firstRowAfterRosterMs ?? Infinity)) <= TARGETS.firstPaintAfterRosterMs,
        },
      );
      figure(
        'roster_all_contacts_applied_after_roster_ms',
        pages.map((p) => p.rosterCompleteAfterRosterMs),
        'ms',
        {
          ...ui,
          from: 'roster batch (the first, when split) arrived on the WebSocket',
          to: 'window.__parleyStats.contacts counts the whole roster, in a frame',
        },
      );
      figure(
        'roster_all_presence_applied_ms',
        pages.map((p) => p.presenceAppliedMs),
        'ms',
        {
          ...ui,
          from: 'click on Sign in',
          to: pages[0]!.presenceSource ?? 'not reached',
        },
      );
      figure(
        'roster_longest_task_ms',
        pages.map((p) => p.longestTaskMs),
        'ms',
        {
          ...ui,
          what: 'longest main-thread task from the click until 1 s after all presence (0: none over 50 ms)',
          longTasks: pages.map((p) => p.longTaskCount),
          target: TARGETS.longestTaskMs,
          targetMet: median(pages.map((p) => p.longestTaskMs ?? Infinity)) <= TARGETS.longestTaskMs,
        },
      );
      figure(
        'roster_renderer_heap_mb',
        pages.map((p) => p.heapMb),
        'MB',
        {
          ...ui,
          what: 'performance.memory.usedJSHeapSize after HeapProfiler.collectGarbage',
          target: TARGETS.heapMb,
          targetMet: median(pages.map((p) => p.heapMb ?? Infinity)) < TARGETS.heapMb,
          rosterMessageMb: Number((median(pages.map((p) => p.rosterBytes)) / (1024 * 1024)).toFixed(2)),
        },
      );
    }
    if (uiError !== null) {
      report({ metric: 'roster_ui', value: null, unit: null, error: uiError, measuredRuns: pages.length });
      process.exitCode = 1;
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await bots?.close();
    await server.stop();
  }
}
