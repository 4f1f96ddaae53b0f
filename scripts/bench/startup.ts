// `npm run bench -- startup [runs]`: how fast browser-mode Parley starts, against the harness Prosody on
// loopback, in Debian's Chromium, with the renderer as built from the working tree.
//   startup_interactive_ms      page navigation start -> the sign-in form usable (its Address field rendered
//                               and enabled), no saved account;
//   startup_roster_painted_ms   navigation start -> the first roster row painted, with a saved account whose
//                               password is remembered (signed in again at start, 'account.restore');
//   startup_initial_js_kb_gzip  the JavaScript index.html loads before anything else (its module script and
//                               modulepreloads), each file gzipped (level 9), summed;
//   notification_latency_ms     a contact's message sent (the peer's engine hands it to its socket) -> the
//                               page constructs the desktop notification (wall clock in both: same machine).
//                               It includes the loopback server hop, so it overstates "after the message
//                               reaches the engine" by that hop (about a millisecond here).
// Each run uses a fresh host and page; medians over the runs (the first run warms caches and is dropped).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from '@playwright/test';
import { startProsody, type ProsodyServer } from '../../e2e/harness/prosody.ts';
import { Engine } from '../../electron/core/engine.ts';
import type { SecretBackend } from '../../electron/core/credentials.ts';
import { startBrowserHost } from '../../electron/browser-host/browser-host.ts';
import { buildRenderer } from '../start.ts';
import { rebuildRendererAndLaunchChromium } from './_browser.ts';
import { median, report } from './_stats.ts';

const USER = 'startup';
const FRIEND = 'startup-friend';
const PASSWORD = 'startup-bench-password';
const TARGETS = { interactiveMs: 300, initialJsKb: 150, notificationMs: 100 };
const UI_TIMEOUT_MS = 30_000;

/** This run's memory only: the bench needs a remembered password, not the machine's keychain. */
function memorySecrets(): SecretBackend {
  const secrets = new Map<string, string>();
  return {
    name: 'keychain',
    probe: async () => null,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => void secrets.delete(account),
  };
}

/** The module script and modulepreloads of the built index.html, gzipped and summed, in kB. */
async function initialJsKb(rendererDir: string): Promise<number> {
  const html = await readFile(path.join(rendererDir, 'index.html'), 'utf8');
  const files = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isScript = tag.startsWith('<script') && /type="module"/.test(tag);
    const isPreload = tag.startsWith('<link') && /rel="modulepreload"/.test(tag);
    const url = /(?:src|href)="([^"]+)"/.exec(tag)?.[1];
    if ((isScript || isPreload) && url) files.add(url.replace(/^\.?\//, ''));
  }
  let bytes = 0;
  for (const file of files)
    bytes += gzipSync(await readFile(path.join(rendererDir, file)), { level: 9 }).length;
  return bytes / 1024;
}

/** Records, in the page, when the sign-in form became usable and when a roster row was first painted. */
function watchStartup(): void {
  const marks: Record<string, number> = {};
  (window as unknown as { __startup: Record<string, number> }).__startup = marks;
  const look = () => {
    if (marks.interactive === undefined) {
      const field = document.querySelector<HTMLInputElement>(
        'input[autocomplete="username"], input[name="jid"]',
      );
      const labelled = [...document.querySelectorAll('label')].find(
        (l) => l.textContent?.trim() === 'Address',
      );
      const input = field ?? (labelled ? document.getElementById(labelled.htmlFor) : null);
      if (input && !(input as HTMLInputElement).disabled) marks.interactive = performance.now();
    }
    if (
      marks.roster === undefined &&
      document.querySelector('[role="tree"] [role="treeitem"][aria-level="2"]')
    ) {
      marks.roster = performance.now();
    }
    if (marks.interactive === undefined || marks.roster === undefined) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

/** Records the wall-clock time each desktop notification is constructed (the real constructor still runs). */
function watchNotifications(): void {
  const Real = window.Notification;
  const times: number[] = [];
  (window as unknown as { __notified: number[] }).__notified = times;
  class Timed extends Real {
    constructor(title: string, options?: NotificationOptions) {
      times.push(performance.timeOrigin + performance.now());
      super(title, options);
    }
  }
  Object.defineProperty(Timed, 'permission', { get: () => Real.permission });
  Object.defineProperty(Timed, 'requestPermission', { value: Real.requestPermission.bind(Real) });
  window.Notification = Timed as typeof Notification;
}

async function until(ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the account to be online');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Where the time to interactive went (PARLEY_STARTUP_TRACE=1): the page's own timings, in ms from navigation. */
function startupParts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const scripts = performance
      .getEntriesByType('resource')
      .filter((r) => r.name.endsWith('.js'))
      .map((r) => (r as PerformanceResourceTiming).responseEnd);
    const marks = (window as unknown as { __startup: Record<string, number> }).__startup;
    return {
      htmlLoaded: Math.round(nav.responseEnd),
      scriptsLoaded: Math.round(Math.max(0, ...scripts)),
      domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
      interactive: Math.round(marks.interactive ?? -1),
    };
  });
}

async function mark(page: Page, name: 'interactive' | 'roster'): Promise<number> {
  const handle = await page.waitForFunction(
    (key) => (window as unknown as { __startup?: Record<string, number> }).__startup?.[key],
    name,
    { timeout: UI_TIMEOUT_MS },
  );
  return (await handle.jsonValue()) as number;
}

interface RunFigures {
  interactiveMs: number;
  rosterMs: number;
  notificationMs: number;
}

/** Each run has its own friend: an earlier run's message would open that chat at start (on screen: no notification). */
async function oneRun(
  browser: Browser,
  server: ProsodyServer,
  rendererDir: string,
  friendUser: string,
): Promise<RunFigures> {
  const dirs = await Promise.all([1, 2].map(() => mkdtemp(path.join(os.tmpdir(), 'parley-startup-'))));
  const [freshDir, savedDir] = dirs as [string, string];
  const trust = { extraCertificates: [server.certificate.certPem] };
  const account = `${USER}@${server.domain}`;
  const secrets = memorySecrets();
  const stops: Array<() => Promise<void>> = [];
  try {
    // A first start: no saved account, the sign-in form.
    const fresh = await Engine.create({ dataDir: freshDir, ...trust });
    const freshHost = await startBrowserHost({ engine: fresh, rendererDir });
    stops.push(
      () => freshHost.close(),
      () => fresh.dispose(),
    );
    const context = await browser.newContext();
    stops.push(() => context.close());
    const page = await context.newPage();
    await page.addInitScript(watchStartup);
    await page.goto(freshHost.url);
    const interactiveMs = await mark(page, 'interactive');
    if (process.env.PARLEY_STARTUP_TRACE) console.error('startup parts', await startupParts(page));

    // A saved account with a remembered password: sign in once, quit, start again on the same data folder.
    const first = await Engine.create({ dataDir: savedDir, secretBackends: [secrets], ...trust });
    const signedIn = await first.invoke('account.signIn', {
      jid: account,
      password: PASSWORD,
      host: server.host,
      port: server.c2sPort,
      remember: true,
    });
    if (!signedIn.ok) throw new Error(`sign-in failed: ${signedIn.error.message}`);
    await first.invoke('roster.add', { account, jid: `${friendUser}@${server.domain}`, name: 'Friend' });
    await first.dispose();
    const saved = await Engine.create({ dataDir: savedDir, secretBackends: [secrets], ...trust });
    const savedHost = await startBrowserHost({ engine: saved, rendererDir });
    stops.push(
      () => savedHost.close(),
      () => saved.dispose(),
    );
    const savedContext = await browser.newContext();
    stops.push(() => savedContext.close());
    await savedContext.grantPermissions(['notifications'], { origin: new URL(savedHost.url).origin });
    const savedPage = await savedContext.newPage();
    await savedPage.addInitScript(watchStartup);
    await savedPage.addInitScript(watchNotifications);
    await savedPage.goto(savedHost.url);
    const rosterMs = await mark(savedPage, 'roster');

    // The friend writes while no chat is on screen: a notification.
    const friendDir = await mkdtemp(path.join(os.tmpdir(), 'parley-startup-friend-'));
    dirs.push(friendDir);
    const friend = await Engine.create({ dataDir: friendDir, ...trust });
    stops.push(() => friend.dispose());
    const friendJid = `${friendUser}@${server.domain}`;
    const friendIn = await friend.invoke('account.signIn', {
      jid: friendJid,
      password: PASSWORD,
      host: server.host,
      port: server.c2sPort,
    });
    if (!friendIn.ok) throw new Error(`the friend's sign-in failed: ${friendIn.error.message}`);
    // Our account is online again (so the message arrives live, not from the offline store).
    await until(async () => {
      const state = await saved.invoke('state.snapshot', {});
      return (
        state.ok &&
        state.value.accounts.some((a) => a.account === account && a.connection.status === 'online')
      );
    });
    const sentAt = Date.now();
    const sent = await friend.invoke('chat.send', {
      account: friendJid,
      to: account,
      body: 'Are you there?',
    });
    if (!sent.ok) throw new Error(`the friend's message failed: ${sent.error.message}`);
    const notified = await savedPage.waitForFunction(
      () => (window as unknown as { __notified?: number[] }).__notified?.[0],
      null,
      { timeout: UI_TIMEOUT_MS },
    );
    const notificationMs = ((await notified.jsonValue()) as number) - sentAt;
    return { interactiveMs, rosterMs, notificationMs };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

export async function main(args: string[]): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 5));
  const friends = Array.from({ length: runs + 1 }, (_, i) => `${FRIEND}-${i}`);
  const server = await startProsody({
    accounts: [USER, ...friends].map((user) => ({ user, password: PASSWORD })),
  });
  const browser = await rebuildRendererAndLaunchChromium();
  try {
    const rendererDir = await buildRenderer();
    const figures: RunFigures[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const run = await oneRun(browser, server, rendererDir, friends[i]!);
      if (i > 0) figures.push(run); // the first run warms the server, Chromium's caches and the JIT
    }
    const load = os.loadavg()[0]!.toFixed(1);
    const line = (metric: string, values: number[], target?: number) =>
      report({
        metric,
        value: Math.round(median(values)),
        unit: 'ms',
        runs: values.length,
        min: Math.round(Math.min(...values)),
        max: Math.round(Math.max(...values)),
        ...(target === undefined ? {} : { target }),
        load,
      });
    line(
      'startup_interactive_ms',
      figures.map((f) => f.interactiveMs),
      TARGETS.interactiveMs,
    );
    line(
      'startup_roster_painted_ms',
      figures.map((f) => f.rosterMs),
    );
    report({
      metric: 'startup_initial_js_kb_gzip',
      value: Math.round((await initialJsKb(rendererDir)) * 10) / 10,
      unit: 'kB',
      target: TARGETS.initialJsKb,
    });
    line(
      'notification_latency_ms',
      figures.map((f) => f.notificationMs),
      TARGETS.notificationMs,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}
