// `npm run bench -- hostile-render [runs] [scenario,...]`: the longest main-thread task while a chat full of
// hostile bodies is opened and scrolled through in browser mode (issue 9: remote text never costs a long task;
// target <= 50 ms). benchHostileRender() runs it from another bench (scripts/bench/hostile.ts).
//
// Set-up: a harness Prosody on loopback (me@parley.test, one contact per scenario seeded in the roster), and a
// history file written before the engine opens it: one chat per scenario, 200 messages each (the newest an
// ordinary line saying which chat it is, so the page can tell the chat is shown). A real Engine signs in;
// Debian's Chromium shows the renderer as built from the working tree (1100 x 720).
//
// Each run: a fresh page (new browser context), the contact clicked in the roster, the chat's newest page
// shown, then scrolled to the top (loading every older page) and back to the bottom, two animation frames per
// step; in some scenarios one long body is then expanded ("Show more") and the list scrolled through again.
// The figure is the longest top-level task of the renderer's main thread from the click to 300 ms after the
// last step, in that thread's CPU time, read from a Chromium trace: this machine's 2 cores are shared, and a
// wall-clock task length mostly measures how long the CPU was elsewhere. The page's own 'longtask' entries
// (wall clock) are given beside it. Median over the runs (after one warm-up round), scenarios interleaved.
//
// Figures (one JSON line each):
//   hostile_render_longest_task_ms            the mixed hostile chat: every kind below, XSS markup, many
//                                             links, one 100,000-character body (expanded).
//   hostile_render_baseline_longest_task_ms   a chat of 200 ordinary messages, measured in the same run.
//   hostile_render_scenario_longest_task_ms   one line per scenario (scenario: long-word = one 10,000-letter
//                                             word among ordinary messages, expanded; long-words = 200 of
//                                             them; body-100k = one among ordinary ones, expanded; zalgo =
//                                             24 stacked combining marks per letter; bidi = unclosed
//                                             overrides and isolates; emoji = 1,000 emoji per message).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { startProsody, type ProsodyServer } from '../../e2e/harness/prosody.ts';
import { seedRoster } from '../../e2e/harness/roster-seed.ts';
import { Engine } from '../../electron/core/engine.ts';
import { HistoryStore, type NewMessage } from '../../electron/core/history/history-store.ts';
import {
  HOSTILE_KINDS,
  prose,
  unbreakableWord,
  xssPayloads,
  type HostileKind,
} from '../../e2e/browser/hostile-payloads.ts';
import { startBrowserMode } from '../start.ts';
import { rebuildRendererAndLaunchChromium } from './_browser.ts';
import { median, report } from './_stats.ts';

const DOMAIN = 'parley.test';
const USER = 'me';
const PASSWORD = 'hostile-render-bench-password';
const ACCOUNT = `${USER}@${DOMAIN}`;
const MESSAGES_PER_CHAT = 200;
const TARGET_MS = 50;
const UI_TIMEOUT_MS = 60_000;

type Scenario = 'ordinary' | 'mixed' | 'long-word' | 'long-words' | 'body-100k' | 'zalgo' | 'bidi' | 'emoji';

const SCENARIOS: readonly Scenario[] = [
  'ordinary',
  'mixed',
  'long-word',
  'long-words',
  'body-100k',
  'zalgo',
  'bidi',
  'emoji',
];

/** The contact each scenario's chat is with: its roster name is the scenario's name. */
const peerOf = (scenario: Scenario): string => `${scenario.replace(/[^a-z0-9]/g, '')}@${DOMAIN}`;
const lastBody = (scenario: Scenario): string => `End of the ${scenario} chat`;

/** Many links in one body, one of them 5,000 characters long. */
const linkRun = (i: number): string =>
  `https://example.com/${unbreakableWord(5_000, i)} ` +
  Array.from({ length: 200 }, (_, n) => `http://h${n}.example/p?q=${n}`).join(' ');

/** The bodies of one scenario's chat, oldest first; the last is always lastBody(scenario). */
function bodies(scenario: Scenario): string[] {
  const ordinary = (i: number): string => prose(20 + ((i * 37) % 180), 100 + i);
  const cycle: HostileKind[] = ['zalgo', 'bidi', 'emoji'];
  const xss = xssPayloads('http://127.0.0.1:9/hook');
  const list: string[] = [];
  for (let i = 0; i < MESSAGES_PER_CHAT - 1; i++) {
    switch (scenario) {
      case 'ordinary':
        list.push(ordinary(i));
        break;
      case 'mixed':
        // Every kind in turn, XSS markup between them; one 100,000-character body in the newest page.
        if (i === MESSAGES_PER_CHAT - 20) list.push(HOSTILE_KINDS['body-100k']());
        else if (i % 6 === 0) list.push(unbreakableWord(10_000, i));
        else if (i % 6 === 4) list.push(linkRun(i));
        else if (i % 6 === 5) list.push(xss[i % xss.length]!);
        else list.push(HOSTILE_KINDS[cycle[(i % 6) - 1]!]());
        break;
      case 'long-word':
        list.push(i === MESSAGES_PER_CHAT - 10 ? unbreakableWord(10_000) : ordinary(i));
        break;
      case 'long-words':
        list.push(unbreakableWord(10_000, i));
        break;
      case 'body-100k':
        list.push(i === MESSAGES_PER_CHAT - 10 ? HOSTILE_KINDS['body-100k']() : ordinary(i));
        break;
      default:
        list.push(HOSTILE_KINDS[scenario]());
    }
  }
  list.push(lastBody(scenario));
  return list;
}

function writeHistory(file: string): void {
  const store = HistoryStore.open(file);
  try {
    const start = Date.now() - 3 * 3600_000;
    for (const [s, scenario] of SCENARIOS.entries()) {
      const batch: NewMessage[] = bodies(scenario).map((body, i) => {
        const out = i % 3 === 2;
        const at = start + i * 30_000;
        const id = `hr-${s}-${i}`;
        return {
          account: ACCOUNT,
          kind: 'chat',
          peer: peerOf(scenario),
          peerResource: out ? null : 'phone',
          direction: out ? 'out' : 'in',
          type: 'chat',
          messageId: id,
          originId: id,
          stanzaId: `HR${s}x${i}`,
          body,
          subject: null,
          thread: null,
          sentAt: at - 50,
          serverAt: at,
          receivedAt: at + 200,
          state: out ? 'read' : 'received',
          error: null,
        };
      });
      store.addMany(batch);
    }
  } finally {
    store.close();
  }
}

interface RunFigures {
  /** Longest renderer main-thread task, in the thread's CPU time (trace). */
  longestTaskMs: number;
  /** Longest task by the page's own 'longtask' entries (wall clock: includes time the CPU was busy elsewhere). */
  longestWallTaskMs: number;
  longTasks: number;
  steps: number;
  horizontalOverflowPx: number;
}

/** Installed before any renderer code: every long task of the page, with its start time. */
function observeLongTasks(): void {
  const tasks: Array<{ start: number; duration: number }> = [];
  (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * In the page: scrolls the chat's log to the top, loading every older page, then back to the bottom; two
 * animation frames after each step. Returns the number of steps and how far the log overflows sideways.
 */
async function scrollThrough(log: HTMLElement): Promise<{ steps: number; overflow: number }> {
  const frames = (): Promise<void> =>
    new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const area = log.closest('.message-area')!;
  const complete = (): boolean => area.querySelector('.history-status') === null;
  let steps = 0;
  const deadline = performance.now() + 50_000;
  while (performance.now() < deadline) {
    if (log.scrollTop <= 0) {
      if (complete()) break;
      // At the top with older pages still to come: the list loads them on its scroll event.
      log.dispatchEvent(new Event('scroll'));
      await sleep(30);
      await frames();
      continue;
    }
    log.scrollTop = Math.max(0, log.scrollTop - log.clientHeight * 0.8);
    steps++;
    await frames();
  }
  let overflow = log.scrollWidth - log.clientWidth;
  while (performance.now() < deadline && log.scrollTop + log.clientHeight < log.scrollHeight - 1) {
    log.scrollTop += log.clientHeight * 0.8;
    steps++;
    await frames();
    overflow = Math.max(overflow, log.scrollWidth - log.clientWidth);
  }
  return { steps, overflow };
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * The longest top-level task on a renderer main thread in a Chromium trace, in that thread's CPU time (ms):
 * on a machine shared with other work, wall-clock task lengths mostly measure how long the CPU was elsewhere.
 */
function longestMainThreadTask(trace: Buffer): number {
  const parsed = JSON.parse(trace.toString('utf8')) as TraceEvent[] | { traceEvents: TraceEvent[] };
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mainThreads = new Set<string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      mainThreads.add(`${e.pid}:${e.tid}`);
  }
  let longest = 0;
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask') continue;
    if (!mainThreads.has(`${e.pid}:${e.tid}`)) continue;
    longest = Math.max(longest, (e.tdur ?? e.dur ?? 0) / 1000);
  }
  return longest;
}

/** Scenarios whose run then expands one long body ("Show more") and scrolls through the list again. */
const EXPAND: Partial<Record<Scenario, string>> = {
  mixed: 'Show more (100,000 characters)',
  'body-100k': 'Show more (100,000 characters)',
  'long-word': 'Show more (10,000 characters)',
};

/** In the page: scrolls up from the bottom until the button with this text is rendered, then presses it. */
async function scrollToAndPress(log: HTMLElement, label: string): Promise<boolean> {
  const frames = (): Promise<void> =>
    new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  log.scrollTop = log.scrollHeight;
  await frames();
  for (let guard = 0; guard < 2_000; guard++) {
    const button = [...log.querySelectorAll('button')].find((b) => b.textContent === label);
    if (button) {
      button.click();
      await frames();
      return true;
    }
    if (log.scrollTop <= 0) return false;
    log.scrollTop -= log.clientHeight * 0.8;
    await frames();
  }
  return false;
}

async function runOnce(browser: Browser, url: string, scenario: Scenario): Promise<RunFigures> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`hostile-render bench: page error: ${error.message}`));
    await page.addInitScript(observeLongTasks);
    await page.goto(url);
    const row = page
      .getByRole('tree', { name: 'Contacts' })
      .getByRole('treeitem', { name: new RegExp(`^${scenario},`) });
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    // Whatever the start-up cost is not this scenario's: let it settle, then count from the click.
    await page.waitForTimeout(300);
    await browser.startTracing(page, { categories: ['toplevel'] });
    const t0 = await page.evaluate(() => performance.now());
    await row.click();
    const log = page.getByRole('log', { name: `Messages with ${scenario}` });
    await log
      .locator('.msg-body')
      .getByText(lastBody(scenario), { exact: true })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    let { steps, overflow } = await log.evaluate(scrollThrough);
    const expand = EXPAND[scenario];
    if (expand) {
      if (!(await log.evaluate(scrollToAndPress, expand)))
        throw new Error(`${scenario}: no "${expand}" button`);
      const again = await log.evaluate(scrollThrough);
      steps += again.steps;
      overflow = Math.max(overflow, again.overflow);
    }
    await page.waitForTimeout(300);
    const trace = await browser.stopTracing();
    const tasks = await page.evaluate(
      (from) =>
        (window as unknown as { __longTasks: Array<{ start: number; duration: number }> }).__longTasks.filter(
          (t) => t.start + t.duration >= from,
        ),
      t0,
    );
    return {
      longestTaskMs: longestMainThreadTask(trace),
      longestWallTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
      longTasks: tasks.length,
      steps,
      horizontalOverflowPx: overflow,
    };
  } finally {
    await context.close();
  }
}

const round = (value: number): number => Number(value.toFixed(1));

function figure(metric: string, scenario: Scenario, runs: RunFigures[]): void {
  report({
    metric,
    value: round(median(runs.map((r) => r.longestTaskMs))),
    unit: 'ms',
    scenario,
    target_ms: TARGET_MS,
    max: round(Math.max(...runs.map((r) => r.longestTaskMs))),
    measure: 'longest renderer main-thread task, CPU time of the thread (Chromium trace, toplevel RunTask)',
    wall_longest_task_ms: round(median(runs.map((r) => r.longestWallTaskMs))),
    wall_measure:
      "PerformanceObserver 'longtask' (wall clock, >= 50 ms only; inflated when the CPU is shared)",
    long_tasks_median: median(runs.map((r) => r.longTasks)),
    scroll_steps: median(runs.map((r) => r.steps)),
    horizontal_overflow_px: Math.max(...runs.map((r) => r.horizontalOverflowPx)),
    runs: runs.length,
    messages: MESSAGES_PER_CHAT,
    load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
  });
}

/** The whole benchmark: its own Prosody, history file, engine and browser; prints the figures. */
export async function benchHostileRender(
  options: { runs?: number; scenarios?: readonly string[] } = {},
): Promise<void> {
  const runs = Math.max(1, options.runs ?? 5);
  const unknown = (options.scenarios ?? []).filter((s) => !SCENARIOS.includes(s as Scenario));
  if (unknown.length > 0)
    throw new Error(`unknown scenarios: ${unknown.join(', ')} (${SCENARIOS.join(', ')})`);
  const measured = SCENARIOS.filter((s) => !options.scenarios || options.scenarios.includes(s));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-hostile-render-'));
  let prosody: ProsodyServer | null = null;
  let engine: Engine | null = null;
  let host: { close(): Promise<void>; url: string } | null = null;
  let browser: Browser | null = null;
  try {
    writeHistory(path.join(dataDir, 'history.sqlite'));
    prosody = await startProsody({ domain: DOMAIN, accounts: [{ user: USER, password: PASSWORD }] });
    await seedRoster(
      prosody,
      USER,
      SCENARIOS.map((s) => ({ jid: peerOf(s), name: s, groups: [], subscription: 'both' as const })),
    );
    engine = await Engine.create({ dataDir, extraCertificates: [prosody.certificate.certPem] });
    const signedIn = await engine.invoke('account.signIn', {
      jid: ACCOUNT,
      password: PASSWORD,
      host: prosody.host,
      port: prosody.c2sPort,
    });
    if (!signedIn.ok) throw new Error(`engine sign-in failed: ${signedIn.error.message}`);
    browser = await rebuildRendererAndLaunchChromium();
    host = (await startBrowserMode({ engine })).host;
    const results = new Map<Scenario, RunFigures[]>(measured.map((s) => [s, []]));
    // Scenarios interleaved run by run, so a slow moment of the machine does not land on one of them.
    for (let r = 0; r < runs + 1; r++) {
      for (const scenario of measured) {
        const figures = await runOnce(browser, host.url, scenario);
        if (r > 0) results.get(scenario)!.push(figures); // the first round warms up
      }
    }
    for (const [scenario, figures] of results) {
      const metric =
        scenario === 'mixed'
          ? 'hostile_render_longest_task_ms'
          : scenario === 'ordinary'
            ? 'hostile_render_baseline_longest_task_ms'
            : 'hostile_render_scenario_longest_task_ms';
      figure(metric, scenario, figures);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await host?.close().catch(() => undefined);
    await engine?.dispose().catch(() => undefined);
    await prosody?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `npm run bench -- hostile-render [runs] [scenario,scenario...]` (default: 5 runs, every scenario). */
export async function main(args: string[]): Promise<void> {
  const runs = args[0] === undefined ? Number.NaN : Number(args[0]);
  await benchHostileRender({
    ...(Number.isNaN(runs) ? {} : { runs }),
    ...(args[1] ? { scenarios: args[1].split(',') } : {}),
  });
}
