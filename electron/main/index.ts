// Electron entry: app lifecycle and wiring only. This is the one file that imports 'electron' at runtime;
// every other module here receives the Electron objects it needs, so tests can hand it fakes.
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  shell,
  Tray,
} from 'electron';
import { ContractHost } from '../core/contract-host.ts';
import { keytarBackend } from '../core/credentials.ts';
import { Engine } from '../core/engine.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.ts';
import { attachTextMenu } from './context-menu.ts';
import { createDesktopShell } from './desktop-shell.ts';
import { confirmWithDialog, createOpenExternal } from './external-links.ts';
import { broadcast, createShellHandlers, PopOutState, registerInvokeHandler } from './ipc.ts';
import { createNotifyHandler, Notifier } from './notifications.ts';
import { SafeStorageBackend } from './safe-storage-backend.ts';
import { listenForLinks, ProtocolLinks, registerXmppHandler } from './protocol-links.ts';
import { retryOnWake } from './system-events.ts';
import { startIdleMonitor } from './idle-monitor.ts';
import { BoundsStore } from './window-bounds.ts';
import { WindowManager } from './windows.ts';

/** Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/. */
const RENDERER_DIR = path.join(import.meta.dirname, '../renderer');
const PRELOAD_PATH = path.join(import.meta.dirname, '../preload/index.cjs');
const DISPOSE_BUDGET_MS = 5_000;

// Before 'ready': the scheme's privileges, and the sandbox for every renderer.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

// xmpp: links: heard from the start (macOS 'open-url' at launch comes before 'ready'), opened once up.
const protocolLinks = new ProtocolLinks<Electron.WebContents>();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  listenForLinks(app, protocolLinks, process.argv);
  start().catch((error: unknown) => {
    console.error('Parley could not start', error);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId('org.parley.desktop');
  await app.whenReady();
  const userData = app.getPath('userData');

  protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR));
  const openExternal = createOpenExternal(shell, confirmWithDialog(dialog));

  // OS keychain first; Electron's safeStorage when the keychain cannot be reached (never plain text).
  const engine = await Engine.create({
    dataDir: userData,
    appVersion: app.getVersion(),
    secretBackends: [keytarBackend(), new SafeStorageBackend(safeStorage, userData)],
  });
  const bounds = await BoundsStore.open(userData);

  // Tray, unread badge, app menu, close to tray, start at login.
  const desktop = createDesktopShell({
    app,
    Tray,
    Menu,
    platform: process.platform,
    env: process.env,
    execPath: process.execPath,
    createImage: (file) => nativeImage.createFromPath(file),
    focusedWindow: () => BrowserWindow.getFocusedWindow(),
    invoke: (name, payload) => engine.invoke(name, payload),
    openExternal,
    windows: () => windows,
  });

  // Before the windows: it hears every page load (a click made while the main page loads waits for it).
  const notifier = new Notifier({
    Notification,
    showMain: () => windows.showMain(),
    platform: process.platform,
    send: (to, batch) => broadcast([to], batch),
  });
  const allContents = () => windows.all().map((win) => win.webContents);
  const popOuts = new PopOutState((batch) => broadcast(allContents(), batch));
  const windows: WindowManager = new WindowManager({
    BrowserWindow,
    preloadPath: PRELOAD_PATH,
    openExternal,
    bounds,
    workAreas: () => screen.getAllDisplays().map((display) => display.workArea),
    onPageLoaded: (contents) => {
      broadcast([contents], popOuts.layoutEvent());
      protocolLinks.pageLoaded(contents);
      notifier.pageLoaded(contents);
    },
    onChatClosed: (peer) => popOuts.delete(peer),
    onContents: (contents) =>
      attachTextMenu(contents, (template) => Menu.buildFromTemplate(template).popup()),
    ...desktop.windowHooks,
  });
  await desktop.start();

  const host = new ContractHost(engine, {
    ...createShellHandlers(windows, popOuts, openExternal),
    'shell.notify': createNotifyHandler(notifier),
    'shell.unread': desktop.unreadHandler,
  });
  registerInvokeHandler(ipcMain, host, (contents) => windows.owns(contents));
  engine.subscribe((batch) => {
    broadcast(allContents(), batch);
    desktop.applyEvents(batch);
  });
  retryOnWake(powerMonitor, () => void engine.invoke('connection.retryNow', {}));
  startIdleMonitor({
    powerMonitor,
    app,
    windows: () => windows.all(),
    reportIdle: (idleSeconds) => void engine.invoke('presence.activity', { idleSeconds }),
    reportVisibility: (active) => void engine.invoke('client.visibility', { active }),
  });

  registerXmppHandler(app, process.platform);
  protocolLinks.start({
    open: async (uri) => {
      const opened = await engine.invoke('uri.open', { uri });
      return opened.ok ? opened.value.uri : null;
    },
    showMain: () => windows.showMain(),
    send: (to, batch) => broadcast([to], batch),
  });
  app.on('activate', () => windows.showMain());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // After the windows closed (so their bounds are recorded): sign out, flush, then really quit.
  let shutdown: 'running' | 'disposing' | 'done' = 'running';
  app.on('will-quit', (event) => {
    if (shutdown === 'done') return;
    event.preventDefault();
    if (shutdown === 'disposing') return;
    shutdown = 'disposing';
    const budget = new Promise((resolve) => setTimeout(resolve, DISPOSE_BUDGET_MS).unref());
    void Promise.race([Promise.allSettled([engine.dispose(), bounds.flush()]), budget]).finally(() => {
      shutdown = 'done';
      app.quit();
    });
  });

  windows.showMain();
}
