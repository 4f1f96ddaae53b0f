// Shared set-up for the browser-mode UI suites: one harness Prosody and one headless Chromium per test file;
// per test, a fresh Engine (temp data dir, the real keychain through keytar) behind its own browser-mode host
// and a new browser context, so tests need no order and share no account. Helpers cover what most tests do:
// sign in through the form, make mutual subscriptions with slixmpp peers, keep a full-page screenshot of a
// screen (test-results/screens/<name>.png) and check it with axe (serious or critical violations fail).
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect as baseExpect } from '@playwright/test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { Engine } from '../../electron/core/engine.ts';
import { keytarBackend } from '../../electron/core/credentials.ts';
import type { EngineEvent } from '../../shared/contract.ts';
import { startBrowserMode } from '../../scripts/start.ts';
import { useServerScenario } from '../harness/scenario.ts';
import type { ServerScenario, ScenarioAccount, ScenarioPeerOptions } from '../harness/scenario.ts';
import type { ServerOptions, XmppServer } from '../harness/server.ts';
import type { SlixmppPeer } from '../harness/peer.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENS_DIR = path.join(ROOT, 'test-results', 'screens');

/** Web-first assertions (they retry until the page agrees) with a budget that suits a 2-core machine. */
export const expect = baseExpect.configure({ timeout: 10_000 });

/** Watches an engine's events so set-up code can wait for what the UI would have seen. */
export interface EngineWatch {
  events: EngineEvent[];
  waitFor(predicate: (event: EngineEvent) => boolean, timeoutMs?: number): Promise<EngineEvent>;
}

function watchEngine(engine: Engine): EngineWatch & { stop(): void } {
  const events: EngineEvent[] = [];
  const waiters = new Set<{ predicate: (e: EngineEvent) => boolean; resolve: (e: EngineEvent) => void }>();
  const stop = engine.subscribe((batch) => {
    for (const event of batch) {
      events.push(event);
      for (const w of waiters) {
        if (w.predicate(event)) {
          waiters.delete(w);
          w.resolve(event);
        }
      }
    }
  });
  return {
    events,
    stop,
    waitFor(predicate, timeoutMs = 10_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (e: EngineEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const recent = events.slice(-15).map((e) => e.event);
          reject(new Error(`timed out waiting for an engine event; last: ${recent.join(', ') || '(none)'}`));
        }, timeoutMs);
        waiters.add(waiter);
        engine.flushEvents();
      });
    },
  };
}

export interface AppOptions {
  /** Default true: the engine trusts the harness certificate (no certificate prompt at sign-in). */
  trustServer?: boolean;
  /** More servers whose certificates the engine trusts (accounts on several servers). */
  moreServers?: readonly XmppServer[];
  /** Use this data folder (kept after stop: a later app can start from it, as after a restart). */
  dataDir?: string;
  /** Default true: open the page. */
  open?: boolean;
}

/** One Parley instance in browser mode (engine + host) and the page showing it. */
export interface ParleyApp {
  engine: Engine;
  watch: EngineWatch;
  url: string;
  context: BrowserContext;
  page: Page;
  /** Loads the page (done by app() unless options.open is false) and waits for the first screen. */
  open(): Promise<void>;
  /**
   * Signs in with the engine directly (no UI): for tests whose subject is not sign-in. `server`: the account's
   * server when it is not the suite's.
   */
  signInDirect(account: ScenarioAccount, server?: XmppServer): Promise<void>;
  /** Fills the sign-in form (with Advanced host/port) and submits; does not wait for the outcome. */
  submitSignIn(
    account: ScenarioAccount,
    options?: { password?: string; remember?: boolean; server?: XmppServer },
  ): Promise<void>;
  /** submitSignIn, then waits until the main window shows this account online. */
  signIn(account: ScenarioAccount, options?: { remember?: boolean; server?: XmppServer }): Promise<void>;
  /**
   * Mutual subscription with a peer, made through this engine (no UI): we add them (in `group`, named `name`)
   * and they approve; they ask and we approve. The peer must run with onSubscribe 'approve'. `account`: which
   * of our accounts (default: the only one signed in).
   */
  befriend(peer: SlixmppPeer, options?: { name?: string; group?: string; account?: string }): Promise<void>;
  stop(): Promise<void>;
}

export interface BrowserSuite {
  scenario: ServerScenario;
  readonly browser: Browser;
  account(prefix: string): Promise<ScenarioAccount>;
  peer(who: string | ScenarioAccount, options?: ScenarioPeerOptions): Promise<SlixmppPeer>;
  /** A fresh engine + host + context (+ page at the host's URL). Stopped after the file if not before. */
  app(options?: AppOptions): Promise<ParleyApp>;
}

/**
 * Registers before/after hooks in the calling scope: one Prosody (through the scenario helper) and one
 * Chromium. Every app made through the suite is stopped after the file, failures ignored so one bad teardown
 * does not hide the rest. `serverOptions` go to the server (e.g. presenceComponentConfig(...).serverOptions
 * for a component that plays a room or a crowd of contacts).
 */
export function useBrowserSuite(serverOptions: ServerOptions = {}): BrowserSuite {
  const scenario = useServerScenario(serverOptions);
  let browser: Browser | undefined;
  const apps = new Set<ParleyApp>();

  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
  });

  after(async () => {
    for (const app of [...apps].reverse()) await app.stop().catch(() => undefined);
    await browser?.close();
  });

  const running = (): Browser => {
    if (!browser) throw new Error('the browser is not running (use it inside tests and hooks)');
    return browser;
  };

  const app = async (options: AppOptions = {}): Promise<ParleyApp> => {
    const server = scenario.server;
    const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'parley-ui-')));
    const engine = await Engine.create({
      dataDir,
      extraCertificates: [
        ...(options.trustServer === false ? [] : [server.certificate.certPem]),
        ...(options.moreServers ?? []).map((s) => s.certificate.certPem),
      ],
      secretBackends: [keytarBackend()],
    });
    const watch = watchEngine(engine);
    const mode = await startBrowserMode({ engine });
    const context = await running().newContext({ viewport: { width: 1100, height: 720 } });
    const page = await context.newPage();
    watchPage(page);
    const open = async (): Promise<void> => {
      await page.goto(mode.host.url);
      // The first snapshot has answered once either the sign-in form or the main window is shown.
      await expect(
        page
          .getByRole('heading', { name: 'Sign in to Parley' })
          .or(page.getByRole('button', { name: 'Add account', exact: true })),
      ).toBeVisible();
    };
    if (options.open !== false) await open();
    let stopped = false;

    const submitSignIn: ParleyApp['submitSignIn'] = async (account, opts = {}) => {
      await page.getByRole('textbox', { name: 'Address' }).fill(account.jid);
      await page.getByLabel('Password', { exact: true }).fill(opts.password ?? account.password);
      const remember = page.getByRole('checkbox', { name: 'Remember password' });
      if (opts.remember) await remember.check();
      else await remember.uncheck();
      const advanced = page.getByRole('button', { name: 'Advanced' });
      if ((await advanced.getAttribute('aria-expanded')) !== 'true') await advanced.click();
      const target = opts.server ?? server;
      await page.getByRole('textbox', { name: 'Host' }).fill(target.host);
      await page.getByRole('spinbutton', { name: 'Port' }).fill(String(target.c2sPort));
      await page.getByRole('button', { name: 'Sign in' }).click();
    };

    const parley: ParleyApp = {
      engine,
      watch,
      url: mode.host.url,
      context,
      page,
      open,
      submitSignIn,
      async signIn(account, opts = {}) {
        await submitSignIn(account, opts);
        await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(
          new RegExp(`^Online as ${escapeRegExp(account.jid)}/`),
          { timeout: 15_000 },
        );
        await expect(accountMenuButton(page)).toBeVisible();
      },
      async signInDirect(account, target = server) {
        const result = await engine.invoke('account.signIn', {
          jid: account.jid,
          password: account.password,
          host: target.host,
          port: target.c2sPort,
        });
        if (!result.ok) throw new Error(`${account.jid}: sign-in failed: ${result.error.message}`);
      },
      async befriend(peer, opts = {}) {
        const account = opts.account ?? (await ownBareJid(engine));
        const mine = (e: EngineEvent): boolean => 'account' in e.payload && e.payload.account === account;
        const added = await engine.invoke('roster.add', {
          account,
          jid: peer.jid,
          name: opts.name ?? null,
          groups: opts.group ? [opts.group] : [],
          subscribe: true,
        });
        if (!added.ok) throw new Error(`roster.add ${peer.jid}: ${added.error.message}`);
        await watch.waitFor(
          (e) =>
            mine(e) &&
            e.event === 'roster.changed' &&
            e.payload.upserts.some((c) => c.jid === peer.jid && c.subscription === 'to'),
        );
        await peer.subscribe(account);
        await watch.waitFor(
          (e) =>
            mine(e) &&
            e.event === 'subscription.requests' &&
            e.payload.requests.some((r) => r.jid === peer.jid),
        );
        const answered = await engine.invoke('subscription.answer', {
          account,
          jid: peer.jid,
          answer: 'approve',
        });
        if (!answered.ok) throw new Error(`subscription.answer ${peer.jid}: ${answered.error.message}`);
        await peer.waitFor('presence', (p) => p.presenceType === 'subscribed');
        await watch.waitFor(
          (e) =>
            mine(e) &&
            e.event === 'roster.changed' &&
            e.payload.upserts.some((c) => c.jid === peer.jid && c.subscription === 'both'),
        );
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        apps.delete(parley);
        await context.close().catch(() => undefined);
        watch.stop();
        await mode.stop();
        if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
      },
    };
    apps.add(parley);
    return parley;
  };

  return {
    scenario,
    get browser() {
      return running();
    },
    account: (prefix) => scenario.account(prefix),
    peer: (who, options) => scenario.peer(who, options),
    app,
  };
}

/** The bare JID this engine is signed in as (its only signed-in account). */
export async function ownBareJid(engine: Engine): Promise<string> {
  const snap = await engine.invoke('state.snapshot', {});
  const online = snap.ok ? snap.value.accounts.filter((a) => a.connection.jid !== null) : [];
  if (online.length !== 1) throw new Error(`the engine has ${online.length} accounts signed in, not one`);
  return online[0]!.account;
}

/** Prints page errors and console errors (a missing favicon is not one) into the test output. */
export function watchPage(page: Page): void {
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (message.text().includes('404') && message.location().url.endsWith('/favicon.ico')) return;
    console.error(`[page console] ${message.text()} (${message.location().url})`);
  });
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Saves a full-page screenshot as test-results/screens/<name>.png (kept as a test artifact). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENS_DIR, { recursive: true });
  await page.screenshot({
    path: path.join(SCREENS_DIR, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
  });
}

/**
 * Keeps a screenshot of the screen and runs axe on it: any violation with impact 'serious' or 'critical'
 * fails the test, with every such violation and its elements printed.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const text = bad
      .map(
        (v) =>
          `- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
          v.nodes
            .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`)
            .join('\n'),
      )
      .join('\n');
    console.error(`axe on "${name}":\n${text}`);
  }
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}`),
    [],
    `axe found serious/critical violations on "${name}"`,
  );
}

declare global {
  interface Window {
    /** Set by hostile-content tests' payloads if any of them ever ran: it must stay undefined. */
    __pwned?: unknown;
  }
}

/**
 * The account menu's button: "Account" in the top bar with one account (shown with the main window), or
 * "Account <jid>" on that account's card with several.
 */
export const accountMenuButton = (page: Page, account?: string) =>
  page.getByRole('button', { name: account ? `Account ${account}` : 'Account', exact: true });

/** Signs an account out the way a user does: its account menu, then "Sign out". */
export async function signOutFromMenu(page: Page, account?: string): Promise<void> {
  await accountMenuButton(page, account).click();
  await page
    .getByRole('menu', { name: account ? `Account ${account}` : 'Account', exact: true })
    .getByRole('menuitem', { name: 'Sign out' })
    .click();
}

/** The roster row of a contact: its accessible name starts with the contact's name. */
export const contactRow = (page: Page, name: string) =>
  page
    .getByRole('tree', { name: 'Contacts' })
    .getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(name)},`) });

export interface Friend {
  peer: SlixmppPeer;
  name: string;
}

export interface ChatSession {
  account: ScenarioAccount;
  app: ParleyApp;
  page: Page;
  friends: Friend[];
}

/** Waits until the main window shows the roster with each named contact online. */
export async function showsRoster(page: Page, names: string[]): Promise<void> {
  await expect(accountMenuButton(page)).toBeVisible();
  for (const name of names) {
    await expect(contactRow(page, name)).toHaveAccessibleName(
      new RegExp(`^${escapeRegExp(name)}, Available`),
    );
  }
}

/**
 * A fresh account signed in (engine-side; sign-in has its own suite) with each named slixmpp peer befriended
 * in group "Friends" and shown online. With `openLater`, the page is not loaded yet: history made before it
 * opens is only reachable through 'chat.history'.
 */
export async function startChatSession(
  suite: BrowserSuite,
  prefix: string,
  names: string[],
  options: { openLater?: boolean } = {},
): Promise<ChatSession> {
  const account = await suite.account(prefix);
  const peers = await Promise.all(
    names.map((name) => suite.peer(name.toLowerCase(), { onSubscribe: 'approve', resource: 'peer' })),
  );
  const app = await suite.app({ open: !options.openLater });
  await app.signInDirect(account);
  const friends: Friend[] = [];
  for (const [i, peer] of peers.entries()) {
    await app.befriend(peer, { name: names[i]!, group: 'Friends' });
    friends.push({ peer, name: names[i]! });
  }
  if (!options.openLater) await showsRoster(app.page, names);
  return { account, app, page: app.page, friends };
}
