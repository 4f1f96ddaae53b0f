// The packaged-shape app, launched in real Electron through Playwright: the window opens on parley://app/
// with the sign-in screen, and the page sees window.parley and nothing of Node. Electron's binary is
// fetched on first launch, which cannot happen on machines without internet; there the suite reports
// itself skipped with the reason. It never calls require('electron') (that would try the download).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ElectronApplication } from '@playwright/test';
import { electronBinary } from '../../scripts/electron-binary.ts';

const repo = path.resolve(import.meta.dirname, '../..');

/** The Electron executable, or why the suite is skipped here. */
function resolveElectronBinary(): { path: string } | { skip: string } {
  const binary = electronBinary(repo);
  return 'path' in binary
    ? binary
    : { skip: `Electron binary not downloadable on this machine: ${binary.missing}` };
}

function resolveBuild(): string | null {
  for (const file of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
    if (!existsSync(path.join(repo, file))) return `${file} is missing: run npm run build first`;
  }
  return null;
}

const electron = resolveElectronBinary();
const missingBuild = 'path' in electron ? resolveBuild() : null;
const skip = 'skip' in electron ? electron.skip : (missingBuild ?? false);

describe('Electron app', () => {
  if (skip) {
    it('launches the app in Electron', { skip }, () => undefined);
    return;
  }
  let app: ElectronApplication;
  let userData: string;

  before(async () => {
    const { _electron } = await import('@playwright/test');
    userData = mkdtempSync(path.join(tmpdir(), 'parley-e2e-'));
    app = await _electron.launch({
      executablePath: 'path' in electron ? electron.path : undefined,
      args: [path.join(repo, 'out/main/index.js'), `--user-data-dir=${userData}`],
      cwd: repo,
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
      timeout: 60_000,
    });
  });

  after(async () => {
    await app?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('opens the main window on parley://app/ with the sign-in screen', async () => {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    assert.match(page.url(), /^parley:\/\/app\//);
    await page.locator('input[type="password"]').first().waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('gives the page window.parley (invoke, on) and no Node', async () => {
    const page = await app.firstWindow();
    const facts = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const parley = w.parley as Record<string, unknown> | undefined;
      return {
        keys: parley ? Object.keys(parley).sort() : null,
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
      };
    });
    assert.deepEqual(facts, {
      keys: ['invoke', 'on'],
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
    });
  });

  it('answers contract commands and refuses others', async () => {
    const page = await app.firstWindow();
    const results = await page.evaluate(async () => {
      const parley = (
        window as unknown as { parley: { invoke(c: string, p: unknown): Promise<{ ok: boolean }> } }
      ).parley;
      return [(await parley.invoke('account.saved', {})).ok, (await parley.invoke('fs.read', {})).ok];
    });
    assert.deepEqual(results, [true, false]);
  });

  it('denies window.open and navigation away', async () => {
    const page = await app.firstWindow();
    const before = app.windows().length;
    await page.evaluate(() => {
      window.open('https://example.org/');
    });
    await page
      .evaluate(() => {
        location.href = 'https://example.org/';
      })
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(app.windows().length, before);
    assert.match(page.url(), /^parley:\/\/app\//);
  });

  it('sets the application menu with the page actions on their shortcuts', async () => {
    const menu = await app.evaluate(({ Menu }) => {
      const items = Menu.getApplicationMenu()?.items ?? [];
      return {
        top: items.map((item) => item.label),
        accelerators: items.flatMap((item) =>
          (item.submenu?.items ?? []).map((sub) => `${sub.label}=${sub.accelerator ?? ''}`),
        ),
      };
    });
    for (const label of ['File', 'Edit', 'View', 'Window', 'Help'])
      assert.ok(menu.top.includes(label), label);
    for (const entry of ['Go to…=CmdOrCtrl+K', 'New chat…=CmdOrCtrl+N', 'Close chat=CmdOrCtrl+W']) {
      assert.ok(menu.accelerators.includes(entry), entry);
    }
  });

  it("answers 'shell.unread' (tray image, badge)", async () => {
    const page = await app.firstWindow();
    const ok = await page.evaluate(async () => {
      const parley = (
        window as unknown as { parley: { invoke(c: string, p: unknown): Promise<{ ok: boolean }> } }
      ).parley;
      return (await parley.invoke('shell.unread', { count: 3, offline: false })).ok;
    });
    assert.equal(ok, true);
  });

  // Last: it hides the window.
  it('closing the main window hides it to the tray (the page keeps running), and it shows again', async () => {
    const state = await app.evaluate(({ BrowserWindow }) => {
      const main = BrowserWindow.getAllWindows()[0]!;
      main.close();
      const hidden = { destroyed: main.isDestroyed(), visible: main.isVisible() };
      main.show();
      return hidden;
    });
    assert.deepEqual(state, { destroyed: false, visible: false });
  });
});
