// Windows: the secure defaults every one of them gets, the hardening of its web contents, and the two kinds
// Parley opens (the main window: roster beside tabs; a chat popped out into its own window).
import type {
  BrowserWindow,
  BrowserWindowConstructorOptions,
  Rectangle,
  Session,
  WebContents,
  WebPreferences,
} from 'electron';
import { isAllowedExternalUrl } from '../../shared/links.ts';
import { APP_URL_PREFIX, isAppUrl } from './app-protocol.ts';
import { chatRefKey, type ChatRef } from './ipc.ts';
import type { OpenExternal } from './external-links.ts';
import { MIN_HEIGHT, MIN_WIDTH, type BoundsStore, type WindowKind } from './window-bounds.ts';

/** DESIGN.md §2: isolated, sandboxed, no Node anywhere in the page, web security on. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}

/** The parts of WebContents the hardening touches (a fake in tests). */
export type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'> & {
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
};

/**
 * No navigation away from parley://app/, no new windows (allowed links go to the OS instead), no
 * <webview>, and every permission (camera, notifications prompt, geolocation ...) denied.
 */
export function hardenWebContents(contents: HardenableContents, openExternal: OpenExternal): void {
  const stayHome = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-frame-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void openExternal(url);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}

export function mainWindowUrl(): string {
  return `${APP_URL_PREFIX}index.html`;
}

/** The page of a popped-out chat: the renderer reads `view=chat&account=JID&peer=JID` from the hash. */
export function chatWindowUrl(chat: ChatRef): string {
  const params = new URLSearchParams({ view: 'chat', account: chat.account, peer: chat.peer });
  return `${APP_URL_PREFIX}index.html#${params.toString()}`;
}

export interface WindowManagerDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  preloadPath: string;
  openExternal: OpenExternal;
  bounds: BoundsStore;
  /** Work areas of the connected displays (screen.getAllDisplays()), for remembered bounds. */
  workAreas: () => Rectangle[];
  /** A page finished loading: send it what it needs to start (the current layout). */
  onPageLoaded: (contents: WebContents) => void;
  /** A chat window closed (by the user or by dock): the chat is back in the main window's tabs. */
  onChatClosed: (chat: ChatRef) => void;
  /**
   * Closing the main window hides it instead (close to tray: the page keeps running, so notifications still
   * come) while this says so: the preference is on, a tray exists and the app is not quitting.
   */
  hideOnClose?: () => boolean;
  /** The main window was shown or hidden (the tray's Show/Hide item follows). */
  onMainVisibility?: () => void;
  /** A new main window (a Windows overlay badge must be set on it again). */
  onMainCreated?: (win: BrowserWindow) => void;
  /** Every new window's web contents (the text context menu goes on them). */
  onContents?: (contents: WebContents) => void;
}

export class WindowManager {
  readonly #deps: WindowManagerDeps;
  #main: BrowserWindow | null = null;
  readonly #chats = new Map<string, BrowserWindow>();

  constructor(deps: WindowManagerDeps) {
    this.#deps = deps;
  }

  /** Opens the main window, or shows and focuses it if it is open. */
  showMain(): BrowserWindow {
    if (this.#main && !this.#main.isDestroyed()) {
      if (this.#main.isMinimized()) this.#main.restore();
      this.#main.show();
      this.#main.focus();
      return this.#main;
    }
    const win = this.#create('main', { width: 1100, height: 720, title: 'Parley' }, mainWindowUrl());
    this.#main = win;
    win.on('close', (event) => {
      if (!this.#deps.hideOnClose?.()) return;
      event.preventDefault();
      win.hide();
    });
    win.on('show', () => this.#deps.onMainVisibility?.());
    win.on('hide', () => this.#deps.onMainVisibility?.());
    win.on('closed', () => {
      this.#main = null;
      // The roster lives in the main window: its chats close with it.
      for (const chat of this.#chats.values()) chat.close();
      this.#deps.onMainVisibility?.();
    });
    this.#deps.onMainCreated?.(win);
    return win;
  }

  /** The main window, if open (shown or hidden). */
  main(): BrowserWindow | null {
    return this.#main && !this.#main.isDestroyed() ? this.#main : null;
  }

  isMainVisible(): boolean {
    const win = this.main();
    return win !== null && win.isVisible() && !win.isMinimized();
  }

  hideMain(): void {
    this.main()?.hide();
  }

  openChat(chat: ChatRef): BrowserWindow {
    const key = chatRefKey(chat);
    const ref = { account: chat.account, peer: chat.peer };
    const existing = this.#chats.get(key);
    if (existing && !existing.isDestroyed()) {
      existing.show();
      existing.focus();
      return existing;
    }
    const win = this.#create('chat', { width: 480, height: 640, title: ref.peer }, chatWindowUrl(ref));
    this.#chats.set(key, win);
    win.on('closed', () => {
      if (this.#chats.get(key) === win) this.#chats.delete(key);
      this.#deps.onChatClosed(ref);
    });
    return win;
  }

  closeChat(chat: ChatRef): void {
    const win = this.#chats.get(chatRefKey(chat));
    if (win && !win.isDestroyed()) win.close();
  }

  all(): BrowserWindow[] {
    return [this.#main, ...this.#chats.values()].filter(
      (win): win is BrowserWindow => win !== null && !win.isDestroyed(),
    );
  }

  /** Whether these web contents belong to one of our windows. */
  owns(contents: WebContents): boolean {
    return this.all().some((win) => win.webContents === contents);
  }

  #create(kind: WindowKind, size: { width: number; height: number; title: string }, url: string) {
    const remembered = this.#deps.bounds.get(kind, this.#deps.workAreas());
    const win = new this.#deps.BrowserWindow({
      ...size,
      ...remembered,
      minWidth: MIN_WIDTH,
      minHeight: MIN_HEIGHT,
      show: false,
      autoHideMenuBar: true,
      webPreferences: secureWebPreferences(this.#deps.preloadPath),
    });
    hardenWebContents(win.webContents, this.#deps.openExternal);
    this.#deps.onContents?.(win.webContents);
    win.once('ready-to-show', () => win.show());
    win.webContents.on('did-finish-load', () => this.#deps.onPageLoaded(win.webContents));
    win.on('close', () => this.#deps.bounds.set(kind, win.getNormalBounds()));
    void win.loadURL(url).catch((error: unknown) => {
      console.error(`could not load the ${kind} window`, error instanceof Error ? error.message : error);
    });
    return win;
  }
}
