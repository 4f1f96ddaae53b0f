import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle, WebContents } from 'electron';
import type { BoundsStore } from './window-bounds.ts';
import type { ChatRef } from './ipc.ts';
import {
  chatWindowUrl,
  hardenWebContents,
  mainWindowUrl,
  secureWebPreferences,
  WindowManager,
  type HardenableContents,
  type WindowManagerDeps,
} from './windows.ts';

type Handler = (...args: unknown[]) => unknown;

/** A WebContents stand-in recording the handlers hardenWebContents installs. */
class FakeContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  permissionRequest: Handler | null = null;
  permissionCheck: Handler | null = null;
  session = {
    setPermissionRequestHandler: (h: Handler) => (this.permissionRequest = h),
    setPermissionCheckHandler: (h: Handler) => (this.permissionCheck = h),
  };
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = h;
  }
  loaded: string | null = null;
}

function harden() {
  const contents = new FakeContents();
  const opened: string[] = [];
  hardenWebContents(contents as unknown as HardenableContents, async (url) => {
    opened.push(url);
    return true;
  });
  const navigate = (name: string, url: string) => {
    let prevented = false;
    contents.emit(name, { url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { contents, opened, navigate };
}

describe('secureWebPreferences', () => {
  it('sets every security switch', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs');
    assert.equal(prefs.preload, '/app/out/preload/index.cjs');
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.spellcheck, true);
  });
});

describe('hardenWebContents', () => {
  for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
    it(`${name}: other origins prevented, our own pages allowed`, () => {
      const { navigate, opened } = harden();
      assert.equal(navigate(name, 'https://evil.example/'), true);
      assert.equal(navigate(name, 'file:///etc/passwd'), true);
      assert.equal(navigate(name, 'parley://evil/index.html'), true);
      assert.equal(navigate(name, 'javascript:alert(1)'), true);
      assert.equal(navigate(name, 'parley://app/index.html#/chat/a%40b'), false);
      assert.deepEqual(opened, [], 'navigation never opens anything');
    });
  }

  it('denies window.open and forwards allowed links to openExternal', () => {
    const { contents, opened } = harden();
    const open = (url: string) => contents.windowOpenHandler?.({ url });
    assert.deepEqual(open('https://example.org/page'), { action: 'deny' });
    assert.deepEqual(open('http://example.org/'), { action: 'deny' });
    assert.deepEqual(open('mailto:alice@example.org'), { action: 'deny' });
    assert.deepEqual(open('xmpp:alice@example.org'), { action: 'deny' });
    assert.deepEqual(opened, [
      'https://example.org/page',
      'http://example.org/',
      'mailto:alice@example.org',
      'xmpp:alice@example.org',
    ]);
  });

  it('does not forward javascript:, file: or other schemes', () => {
    const { contents, opened } = harden();
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'parley://app/index.html',
      'data:text/html,hi',
      'smb://host/share',
      'ms-msdt:/id',
      'not a url',
    ]) {
      assert.deepEqual(contents.windowOpenHandler?.({ url }), { action: 'deny' }, url);
    }
    assert.deepEqual(opened, []);
  });

  it('prevents <webview> attachment', () => {
    const { contents } = harden();
    let prevented = false;
    contents.emit(
      'will-attach-webview',
      { preventDefault: () => (prevented = true) },
      {},
      { src: 'https://x' },
    );
    assert.equal(prevented, true);
  });

  it('denies every permission request and check', () => {
    const { contents } = harden();
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-read']) {
      let granted: boolean | undefined;
      contents.permissionRequest?.(contents, permission, (answer: boolean) => (granted = answer), {});
      assert.equal(granted, false, permission);
      assert.equal(contents.permissionCheck?.(contents, permission, 'parley://app', {}), false, permission);
    }
  });
});

describe('WindowManager', () => {
  class FakeWindow extends EventEmitter {
    static created: FakeWindow[] = [];
    readonly webContents = Object.assign(new FakeContents(), { isDestroyed: () => false });
    destroyed = false;
    url = '';
    readonly options: BrowserWindowConstructorOptions;
    constructor(options: BrowserWindowConstructorOptions) {
      super();
      this.options = options;
      FakeWindow.created.push(this);
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    isDestroyed() {
      return this.destroyed;
    }
    isMinimized() {
      return false;
    }
    getNormalBounds(): Rectangle {
      return { x: 10, y: 20, width: 800, height: 600 };
    }
    visible = true;
    isVisible() {
      return this.visible;
    }
    show() {
      this.visible = true;
      this.emit('show');
    }
    hide() {
      this.visible = false;
      this.emit('hide');
    }
    focus() {}
    restore() {}
    close() {
      let prevented = false;
      this.emit('close', { preventDefault: () => (prevented = true) });
      if (prevented) return;
      this.destroyed = true;
      this.emit('closed');
    }
  }

  function manager(extra: Partial<WindowManagerDeps> = {}) {
    FakeWindow.created = [];
    const saved: Array<[string, Rectangle]> = [];
    const closed: ChatRef[] = [];
    const bounds = {
      get: (kind: string) => (kind === 'main' ? { x: 5, y: 6, width: 900, height: 700 } : undefined),
      set: (kind: string, rect: Rectangle) => saved.push([kind, rect]),
    } as unknown as BoundsStore;
    const windows = new WindowManager({
      BrowserWindow: FakeWindow as unknown as new (options: BrowserWindowConstructorOptions) => BrowserWindow,
      preloadPath: '/preload.cjs',
      openExternal: async () => true,
      bounds,
      workAreas: () => [{ x: 0, y: 0, width: 1920, height: 1080 }],
      onPageLoaded: () => undefined,
      onChatClosed: (peer) => closed.push(peer),
      ...extra,
    });
    return { windows, saved, closed };
  }

  it('opens the main window with secure preferences, remembered bounds and a parley:// URL', () => {
    const { windows } = manager();
    windows.showMain();
    const win = FakeWindow.created[0];
    assert.ok(win);
    assert.equal(win.url, mainWindowUrl());
    assert.equal(win.url, 'parley://app/index.html');
    assert.deepEqual(win.options.webPreferences, secureWebPreferences('/preload.cjs'));
    assert.equal(win.options.x, 5);
    assert.equal(win.options.width, 900);
    assert.ok(win.webContents.windowOpenHandler, 'hardened');
    windows.showMain();
    assert.equal(FakeWindow.created.length, 1, 'a second showMain focuses the same window');
  });

  it('pops a chat out once per account and peer, knows its windows, and reports closes', () => {
    const { windows, closed, saved } = manager();
    windows.showMain();
    const alice = { account: 'me@example.org', peer: 'alice@example.org' };
    windows.openChat(alice);
    windows.openChat({ ...alice });
    assert.equal(FakeWindow.created.length, 2);
    const chat = FakeWindow.created[1];
    assert.ok(chat);
    assert.equal(chat.url, chatWindowUrl(alice));
    assert.equal(
      chat.url,
      'parley://app/index.html#view=chat&account=me%40example.org&peer=alice%40example.org',
    );
    // The same peer on another account is another chat, in its own window.
    const other = { account: 'me@other.org', peer: 'alice@example.org' };
    windows.openChat(other);
    assert.equal(FakeWindow.created.length, 3);
    assert.equal(windows.owns(chat.webContents as unknown as WebContents), true);
    assert.equal(windows.owns(new FakeContents() as unknown as WebContents), false);
    windows.closeChat(alice);
    assert.deepEqual(closed, [alice]);
    assert.deepEqual(saved, [['chat', { x: 10, y: 20, width: 800, height: 600 }]]);
    assert.equal(windows.all().length, 2);
    windows.closeChat(other);
    assert.deepEqual(closed, [alice, other]);
  });

  it('closes the chat windows with the main window', () => {
    const { windows, closed } = manager();
    const main = windows.showMain();
    windows.openChat({ account: 'me@example.org', peer: 'bob@example.org' });
    windows.openChat({ account: 'me@example.org', peer: 'carol@example.org' });
    main.close();
    assert.deepEqual(closed.map((c) => c.peer).sort(), ['bob@example.org', 'carol@example.org']);
    assert.deepEqual(windows.all(), []);
  });

  it('close to tray: closing the main window hides it while hideOnClose says so, and really closes after', () => {
    let closeToTray = true;
    let visibilityChanges = 0;
    const created: BrowserWindow[] = [];
    const { windows, closed } = manager({
      hideOnClose: () => closeToTray,
      onMainVisibility: () => visibilityChanges++,
      onMainCreated: (win) => created.push(win),
    });
    const main = windows.showMain();
    assert.deepEqual(created, [main]);
    windows.openChat({ account: 'me@example.org', peer: 'bob@example.org' });
    main.close();
    assert.equal(main.isDestroyed(), false, 'hidden, not closed: the page keeps running');
    assert.equal(windows.isMainVisible(), false);
    assert.equal(windows.main(), main);
    assert.equal(closed.length, 0, 'its chats stay');
    assert.equal(visibilityChanges, 1);
    windows.showMain();
    assert.equal(windows.isMainVisible(), true);
    assert.equal(FakeWindow.created.length, 2, 'the same window came back');
    windows.hideMain();
    assert.equal(windows.isMainVisible(), false);
    // Quitting (or the setting off): a close is a close.
    closeToTray = false;
    main.close();
    assert.equal(main.isDestroyed(), true);
    assert.equal(windows.main(), null);
    assert.deepEqual(
      closed.map((chat) => chat.peer),
      ['bob@example.org'],
    );
  });

  it('without hideOnClose a close closes', () => {
    const { windows } = manager();
    const main = windows.showMain();
    main.close();
    assert.equal(main.isDestroyed(), true);
    assert.equal(windows.isMainVisible(), false);
  });
});
