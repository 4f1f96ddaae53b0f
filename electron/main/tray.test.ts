import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { EngineEvent } from '../../shared/contract.ts';
import { ShellTray, trayImageFile, type ShellTrayDeps, type TrayLike } from './tray.ts';

class FakeTray implements TrayLike {
  static last: FakeTray | null = null;
  images: string[] = [];
  tooltip = '';
  menu: MenuItemConstructorOptions[] = [];
  menusBuilt = 0;
  clickListeners: (() => void)[] = [];
  destroyed = false;
  constructor(image: NativeImage | string) {
    this.images.push(image as string);
    FakeTray.last = this;
  }
  setImage(image: NativeImage | string) {
    this.images.push(image as string);
  }
  setToolTip(toolTip: string) {
    this.tooltip = toolTip;
  }
  setContextMenu(menu: unknown) {
    this.menu = menu as MenuItemConstructorOptions[];
    this.menusBuilt++;
  }
  on(_event: 'click', listener: () => void) {
    this.clickListeners.push(listener);
    return this;
  }
  destroy() {
    this.destroyed = true;
  }
}

function setup(platform: NodeJS.Platform = 'linux') {
  const calls: string[] = [];
  const presence: { account: string; show: string }[] = [];
  let visible = true;
  const deps: ShellTrayDeps = {
    Tray: FakeTray,
    buildMenu: (template) => template,
    image: (file) => `img:${file}`,
    platform,
    invoke: async (_command, payload) => {
      presence.push(payload);
      return { ok: true };
    },
    isWindowVisible: () => visible,
    showWindow: () => {
      visible = true;
      calls.push('show');
    },
    hideWindow: () => {
      visible = false;
      calls.push('hide');
    },
    openSettings: () => calls.push('settings'),
    quit: () => calls.push('quit'),
  };
  const shell = new ShellTray(deps);
  const tray = FakeTray.last!;
  return { shell, tray, calls, presence, setVisible: (v: boolean) => (visible = v) };
}

const state = (account: string, status: 'offline' | 'connecting' | 'online' | 'reconnecting' | 'paused') =>
  ({
    event: 'connection.state',
    payload: { account, status, jid: null, error: null, security: null, mechanism: null, rosterShown: false },
  }) as EngineEvent;
const own = (account: string, show: 'available' | 'away' | 'dnd' | 'xa' | 'chat' | 'offline') =>
  ({ event: 'presence.own', payload: { account, show, status: null, priority: 0 } }) as EngineEvent;

const labels = (menu: MenuItemConstructorOptions[]) => menu.map((item) => item.label ?? `-${item.type}-`);
const item = (menu: MenuItemConstructorOptions[], label: string) => {
  const found = menu.find((entry) => entry.label === label);
  assert.ok(found, `no menu item ${label}: ${labels(menu).join(', ')}`);
  return found;
};
const click = (entry: MenuItemConstructorOptions) => (entry.click as unknown as () => void)();

describe('tray image files', () => {
  it('plain PNGs on Windows and Linux, template images on macOS', () => {
    assert.equal(trayImageFile('unread', 'win32'), 'unread.png');
    assert.equal(trayImageFile('offline', 'linux'), 'offline.png');
    assert.equal(trayImageFile('normal', 'darwin'), 'trayTemplate.png');
    assert.equal(trayImageFile('unread', 'darwin'), 'trayUnreadTemplate.png');
  });
});

describe('ShellTray', () => {
  it('shows offline with no account, normal once one is online, unread above zero, offline when the page says so', () => {
    const { shell, tray } = setup();
    assert.equal(tray.images.at(-1), 'img:offline.png');
    assert.equal(tray.tooltip, 'Parley — offline');
    shell.applyEvents([state('alice@example.org', 'connecting')]);
    assert.equal(shell.look, 'offline', 'connecting is not online yet');
    shell.applyEvents([state('alice@example.org', 'online')]);
    assert.equal(tray.images.at(-1), 'img:normal.png');
    assert.equal(tray.tooltip, 'Parley');
    shell.setUnread(3, false);
    assert.equal(tray.images.at(-1), 'img:unread.png');
    assert.equal(tray.tooltip, 'Parley — 3 unread');
    shell.setUnread(0, true);
    assert.equal(tray.images.at(-1), 'img:offline.png');
    shell.setUnread(0, false);
    shell.applyEvents([state('alice@example.org', 'reconnecting')]);
    assert.equal(shell.look, 'offline', 'no account online');
  });

  it('lists each signed-in account with its state, disabled; a signed-out one leaves the list', () => {
    const { shell, tray } = setup();
    assert.ok(labels(tray.menu).includes('No account signed in'));
    shell.applyEvents([own('alice@example.org', 'away'), state('alice@example.org', 'online')]);
    shell.applyEvents([state('bob@example.net', 'reconnecting'), state('carol@example.com', 'paused')]);
    const alice = item(tray.menu, 'alice@example.org: Away');
    assert.equal(alice.enabled, false);
    assert.equal(item(tray.menu, 'bob@example.net: Reconnecting…').enabled, false);
    assert.equal(item(tray.menu, 'carol@example.com: Offline').enabled, false);
    shell.applyEvents([state('bob@example.net', 'offline')]);
    assert.ok(!labels(tray.menu).some((label) => label.startsWith('bob@')));
    shell.applyEvents([own('alice@example.org', 'dnd')]);
    assert.ok(labels(tray.menu).includes('alice@example.org: Do not disturb'));
  });

  it('the presence submenu sets that presence on every signed-in account, and checks the one they share', async () => {
    const { shell, tray, presence } = setup();
    shell.seed([
      { account: 'alice@example.org', connection: { status: 'online' }, ownPresence: { show: 'away' } },
      { account: 'bob@example.net', connection: { status: 'online' }, ownPresence: { show: 'away' } },
      { account: 'gone@example.net', connection: { status: 'offline' }, ownPresence: { show: 'available' } },
    ]);
    const submenu = item(tray.menu, 'Status').submenu as MenuItemConstructorOptions[];
    assert.deepEqual(labels(submenu), [
      'Available',
      'Free for chat',
      'Away',
      'Extended away',
      'Do not disturb',
      'Offline',
    ]);
    assert.deepEqual(
      submenu.filter((entry) => entry.checked).map((entry) => entry.label),
      ['Away'],
    );
    click(item(submenu, 'Do not disturb'));
    click(item(submenu, 'Offline'));
    await Promise.resolve();
    assert.deepEqual(presence, [
      { account: 'alice@example.org', show: 'dnd' },
      { account: 'bob@example.net', show: 'dnd' },
      { account: 'alice@example.org', show: 'offline' },
      { account: 'bob@example.net', show: 'offline' },
    ]);
    shell.applyEvents([own('bob@example.net', 'available')]);
    const mixed = item(tray.menu, 'Status').submenu as MenuItemConstructorOptions[];
    assert.equal(mixed.filter((entry) => entry.checked).length, 0, 'accounts differ: none checked');
  });

  it('Show/Hide always there and follows the window; Settings and Quit call through', () => {
    const { shell, tray, calls, setVisible } = setup();
    click(item(tray.menu, 'Hide Parley'));
    shell.refresh();
    click(item(tray.menu, 'Show Parley'));
    setVisible(true);
    shell.refresh();
    click(item(tray.menu, 'Settings…'));
    click(item(tray.menu, 'Quit Parley'));
    assert.deepEqual(calls, ['hide', 'show', 'settings', 'quit']);
    assert.ok(labels(tray.menu).includes('Hide Parley'));
  });

  it('a tray click toggles the window on Linux and Windows; macOS leaves clicks to the menu', () => {
    const linux = setup('linux');
    assert.equal(linux.tray.clickListeners.length, 1);
    linux.tray.clickListeners[0]!();
    linux.tray.clickListeners[0]!();
    assert.deepEqual(linux.calls, ['hide', 'show']);
    const mac = setup('darwin');
    assert.equal(mac.tray.clickListeners.length, 0);
    assert.equal(mac.tray.images.at(-1), 'img:trayOfflineTemplate.png');
  });

  it('rebuilds the menu only when what it shows changed', () => {
    const { shell, tray } = setup();
    const before = tray.menusBuilt;
    shell.setUnread(0, false);
    shell.applyEvents([
      { event: 'roster.changed', payload: { account: 'a@b', reset: false, upserts: [], removed: [] } },
    ]);
    assert.equal(tray.menusBuilt, before);
    shell.applyEvents([state('alice@example.org', 'online')]);
    shell.applyEvents([state('alice@example.org', 'online')]);
    assert.equal(tray.menusBuilt, before + 1);
    shell.destroy();
    assert.equal(tray.destroyed, true);
  });
});
