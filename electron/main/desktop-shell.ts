// The desktop shell around the windows: tray, unread badge, application menu, close to tray, start at login.
// index.ts hands in the Electron objects; this wires them to the engine (account states, preferences) and to
// the windows, so the wiring itself is testable with fakes.
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { CommandName, CommandResult, EngineEvent } from '../../shared/contract.ts';
import type { Preferences } from '../../shared/preferences.ts';
import { appMenuTemplate, bugsUrlOf, type MenuAction } from './app-menu.ts';
import { UnreadBadge } from './badge.ts';
import { broadcast } from './ipc.ts';
import { linuxAutostartFile, LoginItem } from './login-item.ts';
import { ShellTray, type TrayLike } from './tray.ts';
import type { WindowManager } from './windows.ts';

type WebContentsLike = Parameters<typeof broadcast>[0][number];
type WindowLike = { webContents: WebContentsLike };

export interface DesktopShellDeps {
  app: {
    getAppPath(): string;
    getPath(name: 'home'): string;
    isPackaged: boolean;
    on(event: 'before-quit', listener: () => void): unknown;
    quit(): void;
    setBadgeCount(count: number): boolean;
    setLoginItemSettings(settings: { openAtLogin: boolean }): void;
  };
  Tray: new (image: NativeImage | string) => TrayLike;
  Menu: {
    buildFromTemplate(template: MenuItemConstructorOptions[]): unknown;
    setApplicationMenu(menu: unknown): void;
  };
  createImage: (file: string) => NativeImage;
  /** BrowserWindow.getFocusedWindow. */
  focusedWindow: () => WindowLike | null;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  execPath: string;
  invoke: (name: CommandName, payload: unknown) => Promise<CommandResult<CommandName>>;
  openExternal: (url: string) => unknown;
  /** The window manager (made after this, so asked for when needed). */
  windows: () => Pick<WindowManager, 'showMain' | 'hideMain' | 'isMainVisible' | 'main'> & {
    owns(contents: never): boolean;
  };
}

export function createDesktopShell(deps: DesktopShellDeps) {
  const { app, platform } = deps;
  const trayImage = (file: string) => deps.createImage(path.join(app.getAppPath(), 'assets', 'tray', file));
  let quitting = false;
  app.on('before-quit', () => (quitting = true));
  let windowPrefs: Preferences['window'] | null = null;

  // Menu and tray items the page carries out go to the focused Parley window (Ctrl+W in a popped-out chat
  // closes that one), else to the main window, shown.
  const sendMenu = (action: MenuAction) => {
    const focused = deps.focusedWindow();
    const windows = deps.windows();
    const target =
      focused && windows.owns(focused.webContents as never) ? focused : (windows.showMain() as WindowLike);
    broadcast([target.webContents], [{ event: 'shell.menu', payload: { action } }]);
  };

  let tray: ShellTray | null = null;
  try {
    tray = new ShellTray({
      Tray: deps.Tray,
      buildMenu: (template) => deps.Menu.buildFromTemplate(template),
      image: trayImage,
      platform,
      invoke: (command, payload) => deps.invoke(command, payload),
      isWindowVisible: () => deps.windows().isMainVisible(),
      showWindow: () => void deps.windows().showMain(),
      hideWindow: () => deps.windows().hideMain(),
      openSettings: () => sendMenu('settings'),
      quit: () => app.quit(),
    });
  } catch (error) {
    console.warn('no tray on this desktop:', error instanceof Error ? error.message : error);
  }
  const badge = new UnreadBadge({
    platform,
    setBadgeCount: (count) => app.setBadgeCount(count),
    overlayTarget: () => deps.windows().main(),
    overlayImage: () => trayImage('badge-unread.png'),
    tray,
  });
  const loginItem = new LoginItem({
    platform,
    packaged: app.isPackaged,
    setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
    linux: {
      file: linuxAutostartFile(deps.env, app.getPath('home')),
      // Run from an AppImage, execPath is inside its temporary mount: start the AppImage itself.
      executable: deps.env.APPIMAGE ?? deps.execPath,
    },
  });
  // One change at a time, in order: turning it on then off quickly must end with no autostart file.
  let loginItemChange = Promise.resolve();
  const followWindowPrefs = (prefs: Preferences['window']) => {
    windowPrefs = prefs;
    loginItemChange = loginItemChange
      .then(() => loginItem.set(prefs.startAtLogin))
      .catch((error: unknown) => {
        console.warn('could not change start at login:', error instanceof Error ? error.message : error);
      });
  };

  return {
    tray,
    badge,
    /** For the WindowManager: close to tray, and the tray and badge following the main window. */
    windowHooks: {
      hideOnClose: () => tray !== null && !quitting && (windowPrefs?.closeToTray ?? true),
      onMainVisibility: () => tray?.refresh(),
      onMainCreated: () => badge.apply(),
    },
    unreadHandler: badge.handler(),
    /** Resolves once the start-at-login changes asked so far are done. */
    loginItemSettled: () => loginItemChange,
    /** Every engine batch: account states for the tray, preference changes. */
    applyEvents(batch: readonly EngineEvent[]): void {
      tray?.applyEvents(batch);
      for (const item of batch) {
        if (item.event === 'prefs.changed') followWindowPrefs(item.payload.preferences.window);
      }
    },
    /** The app menu, the preferences and the accounts as they are now. */
    async start(): Promise<void> {
      let pkg: object = {};
      try {
        pkg = JSON.parse(await readFile(path.join(app.getAppPath(), 'package.json'), 'utf8')) as object;
      } catch {
        // no "bugs" link then
      }
      const template = appMenuTemplate({
        platform,
        isDev: !app.isPackaged,
        send: sendMenu,
        openExternal: (url) => void deps.openExternal(url),
        bugsUrl: bugsUrlOf(pkg),
      });
      deps.Menu.setApplicationMenu(deps.Menu.buildFromTemplate(template));
      const [prefs, snapshot] = await Promise.all([
        deps.invoke('prefs.get', {}),
        deps.invoke('state.snapshot', {}),
      ]);
      if (prefs.ok) followWindowPrefs((prefs.value as { preferences: Preferences }).preferences.window);
      if (snapshot.ok)
        tray?.seed((snapshot.value as { accounts: Parameters<ShellTray['seed']>[0] }).accounts);
    },
  };
}

export type DesktopShell = ReturnType<typeof createDesktopShell>;
