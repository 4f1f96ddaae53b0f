// The xmpp: link glue with fakes: which argument is the link, when a link goes to the engine, that a page
// still loading gets the links once it has loaded (and a loaded one only hears the engine), and when Parley
// registers itself as the xmpp: handler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { EngineEvent } from '../../shared/contract.ts';
import { MAX_URI_CHARS, parseXmppUri, type XmppUri } from '../../shared/xmpp-uri.ts';
import {
  listenForLinks,
  MAX_PENDING_LINKS,
  ProtocolLinks,
  registerXmppHandler,
  uriFromArgv,
  type LinkApp,
} from './protocol-links.ts';

test('uriFromArgv: the first xmpp: argument, never the app path or a Chromium switch; bounded', () => {
  assert.equal(uriFromArgv(['/opt/Parley/parley', 'xmpp:a@example.com?join']), 'xmpp:a@example.com?join');
  // A second instance's argv (Chromium adds switches; `electron .` in development adds the app path).
  assert.equal(
    uriFromArgv([
      '/usr/lib/electron/electron',
      '--allow-file-access-from-files',
      '--original-process-start-time=1',
      '/work/main',
      'XMPP:b@example.com',
      'xmpp:c@example.com',
    ]),
    'XMPP:b@example.com',
  );
  assert.equal(uriFromArgv(['parley', '--url=xmpp:a@example.com', '-xmpp:x']), null);
  assert.equal(uriFromArgv(['parley']), null);
  assert.equal(uriFromArgv([]), null);
  assert.equal(uriFromArgv(['parley', `xmpp:${'a'.repeat(MAX_URI_CHARS)}`, 'xmpp:b@example.com']), null);
  // Only the first arguments are looked at.
  assert.equal(uriFromArgv([...Array<string>(100).fill('--x'), 'xmpp:late@example.com']), null);
});

interface FakePage {
  name: string;
}

function fakeShell(refuse: (text: string) => boolean = () => false) {
  let page: FakePage = { name: 'main-1' };
  const opened: string[] = [];
  const sent: Array<{ to: FakePage; batch: EngineEvent[] }> = [];
  let shown = 0;
  const deps = {
    open: async (text: string): Promise<XmppUri | null> => {
      opened.push(text);
      const parsed = parseXmppUri(text);
      await Promise.resolve(); // the engine answers later
      return parsed.ok && !refuse(text) ? parsed.uri : null;
    },
    showMain: () => {
      shown++;
      return { webContents: page };
    },
    send: (to: FakePage, batch: EngineEvent[]) => void sent.push({ to, batch }),
  };
  return {
    deps,
    opened,
    sent,
    shown: () => shown,
    page: () => page,
    newMainWindow: () => (page = { name: 'main-2' }),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const sentJids = (batch: EngineEvent[]) =>
  batch.flatMap((e) => (e.event === 'uri.opened' ? e.payload.uris.map((u) => u.jid) : []));

test('a link before the page loaded reaches the main page once it loads; a loaded page hears the engine', async () => {
  const shell = fakeShell();
  const links = new ProtocolLinks<FakePage>();
  links.start(shell.deps);
  links.accept('xmpp:early@example.com');
  await settle();
  assert.deepEqual(shell.opened, ['xmpp:early@example.com']);
  assert.equal(shell.shown(), 1);
  assert.equal(shell.sent.length, 0);
  // A pop-out's page loading is not the main page: nothing for it.
  links.pageLoaded({ name: 'chat' });
  assert.equal(shell.sent.length, 0);
  links.pageLoaded(shell.page());
  assert.equal(shell.sent.length, 1);
  assert.equal(shell.sent[0]!.to, shell.page());
  assert.deepEqual(sentJids(shell.sent[0]!.batch), ['early@example.com']);
  // Loaded now: the next link is the engine's to announce, not sent again from here.
  links.accept('xmpp:later@example.com');
  await settle();
  links.pageLoaded(shell.page());
  assert.equal(shell.sent.length, 1);
  assert.equal(shell.shown(), 2);
});

test('links kept for a loading page are the latest few; refused ones are not kept; a new window starts over', async () => {
  const shell = fakeShell((text) => text.includes('refused'));
  const links = new ProtocolLinks<FakePage>();
  links.start(shell.deps);
  for (let i = 0; i < 12; i++) links.accept(`xmpp:u${i}@example.com`);
  links.accept('xmpp:refused@example.com');
  await settle();
  links.pageLoaded(shell.page());
  assert.deepEqual(
    sentJids(shell.sent[0]!.batch),
    Array.from({ length: MAX_PENDING_LINKS }, (_, i) => `u${12 - MAX_PENDING_LINKS + i}@example.com`),
  );
  // The window was closed (to the tray) and a link opens a new one: kept for the new page only.
  shell.newMainWindow();
  links.accept('xmpp:again@example.com');
  await settle();
  links.pageLoaded(shell.page());
  assert.deepEqual(sentJids(shell.sent[1]!.batch), ['again@example.com']);
});

test('links before start() (macOS open-url at launch) wait for it, bounded; non-links are ignored', async () => {
  const shell = fakeShell();
  const links = new ProtocolLinks<FakePage>();
  for (let i = 0; i < 8; i++) links.accept(`xmpp:pre${i}@example.com`);
  links.accept('https://example.com');
  links.accept(null);
  links.showMain(); // nothing to show yet: no error
  assert.equal(shell.opened.length, 0);
  links.start(shell.deps);
  await settle();
  assert.deepEqual(
    shell.opened,
    Array.from({ length: MAX_PENDING_LINKS }, (_, i) => `xmpp:pre${8 - MAX_PENDING_LINKS + i}@example.com`),
  );
});

test('listenForLinks: open-url is prevented and opened, a second launch shows the window and opens its link, and this launch’s argv', async () => {
  const app = new EventEmitter();
  const shell = fakeShell();
  const links = new ProtocolLinks<FakePage>();
  listenForLinks(app as unknown as LinkApp, links, ['/opt/Parley/parley', 'xmpp:argv@example.com']);
  let prevented = 0;
  app.emit('open-url', { preventDefault: () => prevented++ }, 'xmpp:mac@example.com');
  assert.equal(prevented, 1);
  links.start(shell.deps);
  app.emit('second-instance', {}, ['/opt/Parley/parley', '--flag', 'xmpp:second@example.com']);
  app.emit('second-instance', {}, ['/opt/Parley/parley']);
  await settle();
  assert.deepEqual(shell.opened, [
    'xmpp:argv@example.com',
    'xmpp:mac@example.com',
    'xmpp:second@example.com',
  ]);
  // Each link shows the window, and so does a second launch without one.
  assert.equal(shell.shown(), 5);
});

test('registerXmppHandler: only a packaged app, and not on Linux (its .desktop file registers it)', () => {
  const calls: string[] = [];
  const fakeApp = (isPackaged: boolean) => ({
    isPackaged,
    setAsDefaultProtocolClient: (protocol: string) => (calls.push(protocol), true),
  });
  assert.equal(registerXmppHandler(fakeApp(false), 'darwin'), false);
  assert.equal(registerXmppHandler(fakeApp(true), 'linux'), false);
  assert.deepEqual(calls, []);
  assert.equal(registerXmppHandler(fakeApp(true), 'darwin'), true);
  assert.equal(registerXmppHandler(fakeApp(true), 'win32'), true);
  assert.deepEqual(calls, ['xmpp', 'xmpp']);
});
