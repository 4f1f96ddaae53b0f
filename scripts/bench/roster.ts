// `npm run bench -- roster [runs]`: a roster of 10,000 contacts (5,000 online) in browser mode, against the
// harness Prosody on loopback. The roster is written into Prosody's storage (e2e/harness/roster-seed.ts) and
// the online contacts are served by an external component that answers the server's presence probes, so
// every sign-in gets the whole roster and 5,000 presences from the server, as with a real large account.
//
// Each run, in this order:
//   raw:    a bare session (XmppSession + IqTracker, nothing else) signs in and fetches the whole roster: the
//           server's share of a cold sign-in (the baseline for roster_first_paint_ms).
//   cold:   a fresh Engine (empty data dir: no roster cache, the full roster comes over the wire), a fresh
//           browser-mode host and a fresh page in Debian's Chromium; sign-in through the UI.
//   reload: that page reloaded once all presence is in: the roster comes from 'state.snapshot' (10,000
//           contacts and 5,000 presences in one message).
//   raw:    a bare session asking with the roster version the engine cached: the server's share of a warm
//           sign-in (RFC 6121 §2.6: "your version is current", an empty result).
//   warm:   a new Engine on the same data dir (as after a restart: the roster cached on disk), a fresh host
//           and page; sign-in through the UI again.
// Every step starts once Prosody is idle (its CPU time standing still: e2e/harness/server-idle.ts), so none
// measures what the server still does for the step before (a sign-out's presence to 10,000 contacts).
// Figures (medians over the runs, one JSON line each):
//   page:   click "Sign in" (navigation start, for the reload) -> first roster row painted; roster message
//           arrived -> first row painted; roster message arrived -> whole roster held
//           (window.__parleyStats.contacts); click -> all presence applied (the frame after the batch completing
//           the 5,000, or window.__parleyStats.online); longest main-thread task and how many over 50 ms
//           (PerformanceObserver 'longtask'); JS heap after a forced GC.
//   engine: sign-in -> roster.changed reset emitted; sign-in -> all 5,000 presences emitted; how many event
//           batches carried those presences.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startProsody, type ProsodyServer } from '../../e2e/harness/prosody.ts';
import {
  presenceComponentConfig,
  seedRoster,
  startPresenceComponent,
  type PresenceComponent,
  type SeedContact,
} from '../../e2e/harness/roster-seed.ts';
import { xml } from '@xmpp/xml';
import { Engine } from '../../electron/core/engine.ts';
import { SettingsStore } from '../../electron/core/settings-store.ts';
import { openRawSession } from '../../e2e/harness/raw-session.ts';
import { XmppSession } from '../../electron/core/xmpp/session.ts';
import { prosodyPidFile, waitForIdle } from '../../e2e/harness/server-idle.ts';
import { NS_ROSTER } from '../../electron/core/xmpp/ns.ts';
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

const TARGETS = {
  firstPaintAfterRosterMs: 300,
  longestTaskMs: 50,
  heapMb: 60,
  /** Cold: click -> first row at most this much more than the bare session's sign-in + roster fetch. */
  coldOverRawMs: 100,
  warmFirstPaintMs: 150,
};

/** Set in sessionStorage before a reload: the page then measures from its navigation start. */
const RELOAD_FLAG = '__rosterBenchReload';

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
  /** A reloaded page: t0 is its navigation start, and the roster comes in the 'state.snapshot' answer. */
  reload: boolean;
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
  reloadFlag: string;
}): void {
  const reload = sessionStorage.getItem(args.reloadFlag) !== null;
  sessionStorage.removeItem(args.reloadFlag);
  const probe: PageProbe = {
    t0: reload ? 0 : null,
    reload,
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
        const rosterMessage = probe.reload
          ? data.startsWith('{"type":"result"') && data.includes('"roster":[{')
          : data.includes('"roster.changed","payload":{"reset":true');
        if (probe.rosterArrivedAt === null && rosterMessage) {
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
  /** Sign-in invoked -> resource bound (connect, TLS, SASL, bind): the engine's own session only. */
  boundMs: number | null;
  /** Sign-in invoked -> session open (the roster asked for before stream management has its answer). */
  openMs: number | null;
  rosterMs: number | null;
  presenceMs: number | null;
  presenceBatches: number;
  rosterItems: number;
}

/** Watches one engine: sign-in time (wrapping invoke), the roster reset, and batches until all online. */
function watchEngine(engine: Engine): { figures: EngineFigures; done: Promise<void>; stop: () => void } {
  const figures: EngineFigures = {
    boundMs: null,
    openMs: null,
    rosterMs: null,
    presenceMs: null,
    presenceBatches: 0,
    rosterItems: 0,
  };
  let signInAt: number | null = null;
  // The engine's sessions are the ones asking something after binding (bare bench sessions ask nothing).
  const open = XmppSession.open;
  XmppSession.open = async (options) => {
    const afterBind = options.afterBind;
    if (!afterBind || signInAt === null) return open.call(XmppSession, options);
    const since = signInAt;
    const session = await open.call(XmppSession, {
      ...options,
      afterBind: (features) => {
        figures.boundMs ??= performance.now() - since;
        return afterBind(features);
      },
    });
    figures.openMs ??= performance.now() - since;
    return session;
  };
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
  return {
    figures,
    done,
    stop: () => {
      unsubscribe();
      XmppSession.open = open;
    },
  };
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

/** A page with the probe installed before any renderer code (again on every reload). */
async function openPage(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(instrumentPage, {
    botsSuffix: `@${BOTS}`,
    online: ONLINE,
    total: TOTAL,
    selectors: ROW_SELECTORS,
    reloadFlag: RELOAD_FLAG,
  });
  await page.goto(url);
  return { context, page };
}

/** Waits for the first row and all presence, lets the page settle, and reads the probe (and the heap). */
async function measurePage(
  context: BrowserContext,
  page: Page,
  options: { heap: boolean },
): Promise<PageFigures> {
  const probe = () => page.evaluate(() => (window as unknown as { __rosterBench: PageProbe }).__rosterBench);
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let state = await probe();
  while (
    Date.now() < deadline &&
    (state.firstRowAt === null || state.presenceAppliedAt === null || state.rosterCompleteAt === null)
  ) {
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
  let heap: number | null = null;
  if (options.heap) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    heap = await page.evaluate(() => {
      const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      return memory ? memory.usedJSHeapSize : null;
    });
    await cdp.detach();
  }
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
}

/**
 * Lets a page that just loaded finish its start-up work (script compile, first render, fonts) before the
 * click, as a person typing an address and a password would: a click on a page still starting up measures
 * the page's start-up too (a bare session's 10,000-contact fetch started as the page appeared took 672 ms
 * instead of 321 ms, medians of 5 runs; 349 ms once the page had settled).
 */
async function settle(page: Page): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  await page.evaluate(
    () => new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 2_000 })),
  );
}

/** The cold sign-in through the UI, then the same page reloaded (the roster from the snapshot). */
async function coldAndReload(
  browser: Browser,
  url: string,
  server: ProsodyServer,
  beforeSignIn: () => Promise<void>,
): Promise<{ cold: PageFigures; reload: PageFigures }> {
  const { context, page } = await openPage(browser, url);
  try {
    await page.getByLabel('Address', { exact: true }).waitFor({ timeout: 15_000 });
    await settle(page);
    await beforeSignIn();
    await signInThroughUi(page, server);
    const cold = await measurePage(context, page, { heap: true });
    await page.evaluate((flag) => sessionStorage.setItem(flag, '1'), RELOAD_FLAG);
    await page.reload();
    const reload = await measurePage(context, page, { heap: false });
    return { cold, reload };
  } finally {
    await context.close();
  }
}

/** A sign-in through the UI of a fresh page (the warm case: the engine has the roster cached). */
async function signInRun(browser: Browser, url: string, server: ProsodyServer): Promise<PageFigures> {
  const { context, page } = await openPage(browser, url);
  try {
    await page.getByLabel('Address', { exact: true }).waitFor({ timeout: 15_000 });
    // The form fills itself in from the saved account (last used): let it, then type over it.
    await page
      .waitForFunction(
        () => [...document.querySelectorAll('input')].some((i) => i.value.includes('@')),
        null,
        {
          timeout: 3_000,
        },
      )
      .catch(() => undefined);
    await settle(page);
    await signInThroughUi(page, server);
    return await measurePage(context, page, { heap: false });
  } finally {
    await context.close();
  }
}

interface RawFigures {
  /** XmppSession.open: connect, STARTTLS, SASL, bind. */
  signInMs: number;
  /** The roster iq: sent -> whole reply received (and parsed into elements). */
  fetchMs: number;
  totalMs: number;
  items: number;
  /** The reply carried a <query/> (false: "your version is current"). */
  full: boolean;
}

/** A bare session signs in and fetches the roster (with `ver`, when given): the server's share. */
async function rawFetch(server: ProsodyServer, version?: string, streamManaged = false): Promise<RawFigures> {
  const start = performance.now();
  // XEP-0198 on, as the engine signs in: Prosody's smacks then copies every stanza it queues for resending.
  const { session, iq } = await openRawSession(
    server,
    { jid: `${USER}@${server.domain}`, password: PASSWORD },
    'raw-bench',
    { streamManagement: streamManaged },
  );
  try {
    const signedIn = performance.now();
    const reply = await iq.request('get', null, xml('query', { xmlns: NS_ROSTER, ver: version }));
    const done = performance.now();
    const query = reply.getChild('query', NS_ROSTER);
    const items = query?.getChildren('item').length ?? 0;
    if (version === undefined && items !== TOTAL) throw new Error(`raw roster: ${items} items`);
    return {
      signInMs: signedIn - start,
      fetchMs: done - signedIn,
      totalMs: done - start,
      items,
      full: query !== undefined,
    };
  } finally {
    await session.close();
  }
}

interface RunResult {
  engine: EngineFigures;
  warmEngine: EngineFigures | null;
  raw: RawFigures;
  rawSm: RawFigures;
  /** The raw fetch again with the cold run's page open and idle on its sign-in form, just before the click. */
  rawPageOpen: RawFigures | null;
  rawVersioned: RawFigures | null;
  page: PageFigures | null;
  reload: PageFigures | null;
  warm: PageFigures | null;
  pageError: string | null;
}

/** Serves `engine` in browser mode (or PARLEY_BENCH_RENDERER_DIR: a stand-in page to check this bench). */
async function serve(engine: Engine) {
  return process.env.PARLEY_BENCH_RENDERER_DIR
    ? await startBrowserHost({ engine, rendererDir: process.env.PARLEY_BENCH_RENDERER_DIR })
    : (await startBrowserMode({ engine })).host;
}

/** Waits until `watch` saw all presence (or 30 s). */
async function allPresence(watch: ReturnType<typeof watchEngine>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([watch.done, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
  clearTimeout(timer);
  if (watch.figures.presenceMs === null) throw new Error('the engine did not see all presences within 30 s');
}

/** One run: raw fetch, cold sign-in and reload, raw versioned fetch, warm sign-in (see the top). */
async function oneRun(server: ProsodyServer, browser: Browser | null): Promise<RunResult> {
  // Each step starts with the server idle: none measures what it still does for the step before.
  const idle = async () => {
    if (!(await waitForIdle(prosodyPidFile(server)))) console.warn('roster bench: Prosody never went idle');
  };
  await idle();
  const raw = await rawFetch(server);
  await idle();
  const rawSm = await rawFetch(server, undefined, true);
  await idle();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-roster-bench-'));
  let page: PageFigures | null = null;
  let reload: PageFigures | null = null;
  let warm: PageFigures | null = null;
  let warmEngine: EngineFigures | null = null;
  let rawVersioned: RawFigures | null = null;
  let rawPageOpen: RawFigures | null = null;
  let pageError: string | null = null;
  try {
    const engine = await Engine.create({ dataDir, extraCertificates: [server.certificate.certPem] });
    const watch = watchEngine(engine);
    try {
      if (browser) {
        const host = await serve(engine);
        try {
          ({ cold: page, reload } = await coldAndReload(browser, host.url, server, async () => {
            rawPageOpen = await rawFetch(server);
            await idle();
          }));
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
      await allPresence(watch);
    } finally {
      watch.stop();
      await engine.dispose(); // writes the roster cache
    }
    const engineFigures = { ...watch.figures };

    const cache = await (await SettingsStore.open(dataDir)).readRoster(`${USER}@${server.domain}`);
    if (cache) {
      await idle();
      rawVersioned = await rawFetch(server, cache.version);
      if (rawVersioned.full)
        console.warn('roster bench: the server sent the full roster for the cached version');
    }
    if (browser && pageError === null) {
      await idle();
      const again = await Engine.create({ dataDir, extraCertificates: [server.certificate.certPem] });
      const warmWatch = watchEngine(again);
      try {
        const host = await serve(again);
        try {
          warm = await signInRun(browser, host.url, server);
        } catch (error) {
          pageError = `warm: ${(error as Error).message}`;
        } finally {
          await host.close();
        }
        await allPresence(warmWatch);
        warmEngine = { ...warmWatch.figures };
      } finally {
        warmWatch.stop();
        await again.dispose();
      }
    }
    return {
      engine: engineFigures,
      warmEngine,
      raw,
      rawSm,
      rawPageOpen,
      rawVersioned,
      page,
      reload,
      warm,
      pageError,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const round1 = (v: number): number => Number(v.toFixed(1));

function longestTask(metric: string, pages: PageFigures[], extra: Record<string, unknown>): void {
  figure(
    metric,
    pages.map((p) => p.longestTaskMs),
    'ms',
    {
      ...extra,
      longTasks: pages.map((p) => p.longTaskCount),
      longTaskList: pages.map((p) => p.longTaskList),
      target: TARGETS.longestTaskMs,
      targetMet: median(pages.map((p) => p.longestTaskMs ?? Infinity)) <= TARGETS.longestTaskMs,
      worstMs: Math.max(...pages.map((p) => p.longestTaskMs ?? Infinity)),
    },
  );
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
          JSON.stringify({
            raw: result.raw,
            rawVersioned: result.rawVersioned,
            engine: result.engine,
            warmEngine: result.warmEngine,
            page: result.page,
            reload: result.reload,
            warm: result.warm,
          }),
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
        // Where the time goes: signed in and bound, then the session open with the roster's answer in.
        boundMs: round1(
          median(results.flatMap((r) => (r.engine.boundMs === null ? [] : [r.engine.boundMs]))),
        ),
        openMs: round1(median(results.flatMap((r) => (r.engine.openMs === null ? [] : [r.engine.openMs])))),
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
    const raws = results.map((r) => r.raw);
    const rawMedian = median(raws.map((r) => r.totalMs));
    figure(
      'roster_raw_fetch_sm_ms',
      results.map((r) => r.rawSm.totalMs),
      'ms',
      {
        side: 'server',
        via: 'bare session with XEP-0198 enabled (as the engine signs in), same run',
        from: 'XmppSession.open called',
        to: `roster result (${TOTAL} items) received`,
        fetchMs: round1(median(results.map((r) => r.rawSm.fetchMs))),
      },
    );
    figure(
      'roster_raw_fetch_ms',
      raws.map((r) => r.totalMs),
      'ms',
      {
        side: 'server',
        via: 'bare session (XmppSession.open + IqTracker), same run',
        from: 'XmppSession.open called',
        to: `roster result (${TOTAL} items) received`,
        signInMs: round1(median(raws.map((r) => r.signInMs))),
        fetchMs: round1(median(raws.map((r) => r.fetchMs))),
        fetchSamples: raws.map((r) => round1(r.fetchMs)),
      },
    );
    const rawsPageOpen = results.map((r) => r.rawPageOpen).filter((r): r is RawFigures => r !== null);
    figure(
      'roster_raw_fetch_page_open_ms',
      rawsPageOpen.map((r) => r.totalMs),
      'ms',
      {
        side: 'server',
        via: "bare session, with the cold run's page open and settled on its sign-in form, just before the click",
        from: 'XmppSession.open called',
        to: `roster result (${TOTAL} items) received`,
      },
    );
    const versioned = results.map((r) => r.rawVersioned).filter((r): r is RawFigures => r !== null);
    const versionedMedian = versioned.length > 0 ? median(versioned.map((r) => r.totalMs)) : null;
    figure(
      'roster_raw_versioned_fetch_ms',
      versioned.map((r) => r.totalMs),
      'ms',
      {
        side: 'server',
        via: 'bare session with the roster version the engine cached, same run',
        from: 'XmppSession.open called',
        to: 'roster result received',
        serverAnswer: versioned.every((r) => !r.full) ? 'version current (empty result)' : 'full roster',
        fetchMs: versioned.length > 0 ? round1(median(versioned.map((r) => r.fetchMs))) : null,
      },
    );
    const warmEngines = results.map((r) => r.warmEngine).filter((e): e is EngineFigures => e !== null);
    figure(
      'roster_engine_warm_roster_ms',
      warmEngines.map((e) => e.rosterMs),
      'ms',
      {
        side: 'engine',
        measured: 'a new Engine on the same data dir (roster cached on disk), same run',
        from: 'account.signIn invoked',
        to: 'roster.changed reset emitted',
      },
    );
    if (pages.length > 0) {
      const ui = { side: 'renderer', browser: 'Debian Chromium headless', mode: 'browser mode' };
      // Per run: the page's first paint minus the bare session's sign-in + fetch of the same run.
      const overRaw = results.filter((r) => r.page !== null).map((r) => r.page!.firstRowMs - r.raw.totalMs);
      figure(
        'roster_first_paint_ms',
        pages.map((p) => p.firstRowMs),
        'ms',
        {
          ...ui,
          from: 'click on Sign in',
          to: 'first roster row visible in a frame',
          cache: 'none (fresh data dir)',
          rowSelector: pages[0]!.rowSelector,
          baseline: 'roster_raw_fetch_ms',
          baselineMs: round1(rawMedian),
          overBaselineMs: round1(median(overRaw)),
          overBaselineSamples: overRaw.map(round1),
          target: `within ${TARGETS.coldOverRawMs} ms of the baseline`,
          targetMet: median(overRaw) <= TARGETS.coldOverRawMs,
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
      longestTask('roster_longest_task_ms', pages, {
        ...ui,
        what: 'longest main-thread task from the click until 1 s after all presence (0: none over 50 ms)',
      });
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
    const reloads = results.map((r) => r.reload).filter((p): p is PageFigures => p !== null);
    if (reloads.length > 0) {
      const ui = {
        side: 'renderer',
        browser: 'Debian Chromium headless',
        mode: 'browser mode',
        case: 'the signed-in page reloaded: the roster comes in the state.snapshot answer',
      };
      figure(
        'roster_reload_first_paint_ms',
        reloads.map((p) => p.firstRowMs),
        'ms',
        { ...ui, from: 'navigation start', to: 'first roster row visible in a frame' },
      );
      figure(
        'roster_reload_first_paint_after_snapshot_ms',
        reloads.map((p) => p.firstRowAfterRosterMs),
        'ms',
        {
          ...ui,
          from: 'snapshot answer arrived on the WebSocket',
          to: 'first roster row visible in a frame',
        },
      );
      figure(
        'roster_reload_all_contacts_applied_after_snapshot_ms',
        reloads.map((p) => p.rosterCompleteAfterRosterMs),
        'ms',
        {
          ...ui,
          from: 'snapshot answer arrived on the WebSocket',
          to: 'window.__parleyStats.contacts counts the whole roster, in a frame',
        },
      );
      longestTask('roster_reload_longest_task_ms', reloads, {
        ...ui,
        what: 'longest main-thread task from navigation start until 1 s after all presence (0: none over 50 ms)',
      });
    }
    const warms = results.map((r) => r.warm).filter((p): p is PageFigures => p !== null);
    if (warms.length > 0) {
      const ui = {
        side: 'renderer',
        browser: 'Debian Chromium headless',
        mode: 'browser mode',
        case: 'a new engine on the same data dir (roster cached, the server says the version is current)',
      };
      figure(
        'roster_warm_first_paint_ms',
        warms.map((p) => p.firstRowMs),
        'ms',
        {
          ...ui,
          from: 'click on Sign in',
          to: 'first roster row visible in a frame',
          baseline: 'roster_raw_versioned_fetch_ms',
          baselineMs: versionedMedian === null ? null : round1(versionedMedian),
          target: TARGETS.warmFirstPaintMs,
          targetMet: median(warms.map((p) => p.firstRowMs)) <= TARGETS.warmFirstPaintMs,
        },
      );
      figure(
        'roster_warm_first_paint_after_roster_ms',
        warms.map((p) => p.firstRowAfterRosterMs),
        'ms',
        { ...ui, from: 'roster batch arrived on the WebSocket', to: 'first roster row visible in a frame' },
      );
      longestTask('roster_warm_longest_task_ms', warms, {
        ...ui,
        what: 'longest main-thread task from the click until 1 s after all presence (0: none over 50 ms)',
      });
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
