// The shell's wiring with fake Electron objects: preferences drive close to tray and start at login, quitting
// turns close to tray off, 'shell.unread' reaches the tray and the badge, and menu actions reach the page.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import { IPC_EVENTS_CHANNEL } from '../../shared/bridge.ts';
import type { EngineEvent } from '../../shared/contract.ts';
import { DEFAULT_PREFERENCES } from '../../shared/preferences.ts';
import { createDesktopShell, type DesktopShellDeps } from './desktop-shell.ts';
import type { TrayLike } from './tray.ts';

class FakeContents {
  sent: unknown[] = [];
  isDestroyed = () => false;
  send(channel: string, batch: unknown) {
    assert.equal(channel, IPC_EVENTS_CHANNEL);
    this.sent.push(batch);
  }
}

class FakeTray implements TrayLike {
  static last: FakeTray;
  image = '';
  menu: MenuItemConstructorOptions[] = [];
  constructor(image: NativeImage | string) {
    this.image = image as string;
    FakeTray.last = this;
  }
  setImage(image: NativeImage | string) {
    this.image = image as string;
  }
  setToolTip() {}
  setContextMenu(menu: unknown) {
    this.menu = menu as MenuItemConstructorOptions[];
  }
  on() {
    return this;
  }
  destroy() {}
}

async function setup(t: { after(fn: () => Promise<void>): void }, platform: NodeJS.Platform = 'linux') {
  const config = await mkdtemp(path.join(os.tmpdir(), 'parley-shell-'));
  t.after(() => rm(config, { recursive: true, force: true }));
  const app = Object.assign(new EventEmitter(), {
    getAppPath: () => '/app',
    getPath: () => '/home/nobody',
    isPackaged: true,
    quitCalls: 0,
    quit() {
      this.quitCalls++;
    },
    badgeCounts: [] as number[],
    setBadgeCount(count: number) {
      this.badgeCounts.push(count);
      return true;
    },
    setLoginItemSettings: () => assert.fail('Linux uses the autostart file'),
  });
  let appMenu: MenuItemConstructorOptions[] = [];
  const main = { webContents: new FakeContents() };
  const chat = { webContents: new FakeContents() };
  let focused: typeof main | null = null;
  let visible = true;
  const invoked: [string, unknown][] = [];
  const deps: DesktopShellDeps = {
    app,
    Tray: FakeTray,
    Menu: {
      buildFromTemplate: (template) => template,
      setApplicationMenu: (menu) => (appMenu = menu as MenuItemConstructorOptions[]),
    },
    createImage: (file) => file as unknown as NativeImage,
    focusedWindow: () => focused,
    platform,
    env: { XDG_CONFIG_HOME: config },
    execPath: '/opt/Parley/parley',
    invoke: async (name, payload) => {
      invoked.push([name, payload]);
      if (name === 'prefs.get')
        return { ok: true, value: { preferences: DEFAULT_PREFERENCES, conversations: [] } };
      if (name === 'state.snapshot') return { ok: true, value: { accounts: [] } };
      return { ok: true, value: { ok: true } } as never;
    },
    openExternal: () => undefined,
    windows: () => ({
      showMain: () => {
        visible = true;
        return main as never;
      },
      hideMain: () => (visible = false),
      isMainVisible: () => visible,
      main: () => main as never,
      owns: (contents: unknown) => contents === main.webContents || contents === chat.webContents,
    }),
  };
  const shell = createDesktopShell(deps);
  await shell.start();
  return {
    shell,
    app,
    main,
    chat,
    invoked,
    appMenu: () => appMenu,
    autostart: path.join(config, 'autostart', 'parley.desktop'),
    focus: (win: typeof main | null) => (focused = win),
  };
}

const prefsChanged = (window: { closeToTray: boolean; startAtLogin: boolean }): EngineEvent => ({
  event: 'prefs.changed',
  payload: { preferences: { ...DEFAULT_PREFERENCES, window }, conversations: [] },
});
const menuItem = (items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions => {
  for (const item of items) {
    if (item.label === label) return item;
    if (Array.isArray(item.submenu)) {
      const found = menuItem(item.submenu, label);
      if (found) return found;
    }
  }
  return undefined as never;
};
const click = (item: MenuItemConstructorOptions) => (item.click as unknown as () => void)();

describe('desktop shell wiring', () => {
  it('close to tray follows the preference and stops once the app is quitting', async (t) => {
    const { shell, app } = await setup(t);
    assert.equal(shell.windowHooks.hideOnClose(), true, 'on by default where a tray exists');
    shell.applyEvents([prefsChanged({ closeToTray: false, startAtLogin: false })]);
    assert.equal(shell.windowHooks.hideOnClose(), false);
    shell.applyEvents([prefsChanged({ closeToTray: true, startAtLogin: false })]);
    assert.equal(shell.windowHooks.hideOnClose(), true);
    app.emit('before-quit');
    assert.equal(shell.windowHooks.hideOnClose(), false, 'Quit really quits');
  });

  it('start at login follows prefs.changed (Linux: the autostart file)', async (t) => {
    const { shell, autostart } = await setup(t);
    await assert.rejects(stat(autostart), { code: 'ENOENT' }, 'off by default');
    shell.applyEvents([prefsChanged({ closeToTray: true, startAtLogin: true })]);
    await shell.loginItemSettled();
    assert.match(await readFile(autostart, 'utf8'), /Exec="\/opt\/Parley\/parley"/);
    shell.applyEvents([prefsChanged({ closeToTray: true, startAtLogin: false })]);
    await shell.loginItemSettled();
    await assert.rejects(stat(autostart), { code: 'ENOENT' });
  });

  it("'shell.unread' sets the tray image and the badge; account states come from engine events", async (t) => {
    const { shell, app } = await setup(t);
    assert.equal(FakeTray.last.image, '/app/assets/tray/offline.png');
    shell.applyEvents([
      {
        event: 'connection.state',
        payload: {
          account: 'me@example.org',
          status: 'online',
          jid: null,
          error: null,
          security: 'tls',
          mechanism: null,
          rosterShown: true,
        },
      },
    ]);
    assert.equal(FakeTray.last.image, '/app/assets/tray/normal.png');
    assert.deepEqual(await shell.unreadHandler({ count: 2, offline: false }), { ok: true });
    assert.equal(FakeTray.last.image, '/app/assets/tray/unread.png');
    assert.deepEqual(app.badgeCounts, [2]);
  });

  it('menu actions go to the focused Parley window, else to the main window; the tray Quit quits', async (t) => {
    const { appMenu, main, chat, focus, app } = await setup(t);
    click(menuItem(appMenu(), 'Close chat'));
    assert.deepEqual(main.webContents.sent, [[{ event: 'shell.menu', payload: { action: 'close-chat' } }]]);
    focus(chat);
    click(menuItem(appMenu(), 'Close chat'));
    assert.deepEqual(chat.webContents.sent, [[{ event: 'shell.menu', payload: { action: 'close-chat' } }]]);
    focus({ webContents: new FakeContents() }); // DevTools or anything not ours
    click(menuItem(FakeTray.last.menu, 'Settings…'));
    assert.deepEqual(main.webContents.sent.at(-1), [
      { event: 'shell.menu', payload: { action: 'settings' } },
    ]);
    click(menuItem(FakeTray.last.menu, 'Quit Parley'));
    assert.equal(app.quitCalls, 1);
  });
});
