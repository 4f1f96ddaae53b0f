// 'shell.notify' with a fake Electron Notification class: one live notification per tag, silent, a click
// shows the main window and sends it 'shell.activate'; nothing where the desktop has no notifications.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { NotificationConstructorOptions } from 'electron';
import type { EngineEvent } from '../../shared/contract.ts';
import { EngineError } from '../core/errors.ts';
import {
  createNotifyHandler,
  MAX_LIVE_NOTIFICATIONS,
  Notifier,
  type NotifyRequest,
} from './notifications.ts';

class FakeNotification extends EventEmitter {
  static supported = true;
  static made: FakeNotification[] = [];
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  readonly options: NotificationConstructorOptions;
  shown = false;
  closed = false;
  constructor(options: NotificationConstructorOptions) {
    super();
    this.options = options;
    FakeNotification.made.push(this);
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.closed = true;
    this.emit('close');
  }
}

function setup(platform: NodeJS.Platform = 'darwin') {
  FakeNotification.made = [];
  FakeNotification.supported = true;
  const sent: Array<{ contents: unknown; batch: EngineEvent[] }> = [];
  let mainContents = { send() {}, isDestroyed: () => false };
  let shows = 0;
  const notifier = new Notifier({
    Notification: FakeNotification,
    showMain: () => {
      shows++;
      return { webContents: mainContents };
    },
    send: (contents, batch) => sent.push({ contents, batch }),
    platform,
  });
  notifier.pageLoaded(mainContents);
  return {
    notifier,
    sent,
    mainContents: () => mainContents,
    shows: () => shows,
    // The main window was closed (not hidden): showMain makes a new one whose page has not loaded yet.
    newMainWindow: () => (mainContents = { send() {}, isDestroyed: () => false }),
  };
}

const request = (over: Partial<NotifyRequest> = {}): NotifyRequest => ({
  account: 'me@example.org',
  kind: 'chat',
  peer: 'alice@example.org',
  tag: 'me@example.org chat alice@example.org',
  title: 'Alice',
  body: 'Hello',
  silent: false,
  ...over,
});

test('a notification shows with the title and body, always silent (the page plays the sound)', () => {
  const { notifier } = setup();
  assert.equal(notifier.notify(request()), true);
  const [made] = FakeNotification.made;
  assert.deepEqual(made?.options, { title: 'Alice', body: 'Hello', silent: true });
  assert.equal(made?.shown, true);
});

test('the next notification with the same tag closes the previous one; other tags stay', () => {
  const { notifier } = setup();
  notifier.notify(request({ body: 'one' }));
  notifier.notify(request({ tag: 'other', peer: 'bob@example.org' }));
  notifier.notify(request({ body: 'two' }));
  const [first, other, second] = FakeNotification.made;
  assert.equal(first?.closed, true);
  assert.equal(other?.closed, false);
  assert.equal(second?.closed, false);
  assert.equal(notifier.liveCount, 2);
});

test('a click shows and focuses the main window and sends it shell.activate for that conversation', () => {
  const { notifier, sent, mainContents, shows } = setup();
  notifier.notify(request({ kind: 'groupchat', peer: 'lounge@rooms.example.org', tag: 'room' }));
  FakeNotification.made[0]!.emit('click');
  assert.equal(shows(), 1);
  assert.deepEqual(sent, [
    {
      contents: mainContents(),
      batch: [
        {
          event: 'shell.activate',
          payload: { account: 'me@example.org', kind: 'groupchat', peer: 'lounge@rooms.example.org' },
        },
      ],
    },
  ]);
  assert.equal(notifier.liveCount, 0, 'a clicked notification is gone');
});

test('a click that opens a new main window reaches its page once it has loaded, the last click only', () => {
  const { notifier, sent, mainContents, newMainWindow } = setup();
  notifier.notify(request({ tag: 'a', peer: 'alice@example.org' }));
  notifier.notify(request({ tag: 'b', peer: 'bob@example.org' }));
  newMainWindow();
  FakeNotification.made[0]!.emit('click');
  FakeNotification.made[1]!.emit('click');
  assert.deepEqual(sent, [], 'nothing to a page still loading (it would be lost)');
  notifier.pageLoaded({ send() {}, isDestroyed: () => false }); // a pop-out: not the one waited for
  assert.deepEqual(sent, []);
  notifier.pageLoaded(mainContents());
  assert.deepEqual(sent, [
    {
      contents: mainContents(),
      batch: [
        {
          event: 'shell.activate',
          payload: { account: 'me@example.org', kind: 'chat', peer: 'bob@example.org' },
        },
      ],
    },
  ]);
  notifier.pageLoaded(mainContents()); // a reload sends nothing again
  assert.equal(sent.length, 1);
});

test('a notification the user closed is forgotten; a closed old one does not forget its replacement', () => {
  const { notifier } = setup();
  notifier.notify(request());
  FakeNotification.made[0]!.emit('close');
  assert.equal(notifier.liveCount, 0);
  notifier.notify(request({ body: 'a' }));
  notifier.notify(request({ body: 'b' }));
  assert.equal(notifier.liveCount, 1);
});

test('live notifications are bounded: past the cap the oldest closes', () => {
  const { notifier } = setup();
  for (let i = 0; i <= MAX_LIVE_NOTIFICATIONS; i++) notifier.notify(request({ tag: `t${i}` }));
  assert.equal(notifier.liveCount, MAX_LIVE_NOTIFICATIONS);
  assert.equal(FakeNotification.made[0]?.closed, true);
});

test('nothing when the desktop has no notifications: the handler answers not-supported', async () => {
  const { notifier } = setup();
  FakeNotification.supported = false;
  await assert.rejects(createNotifyHandler(notifier)(request()), (error: unknown) => {
    return error instanceof EngineError && error.code === 'not-supported';
  });
  assert.equal(FakeNotification.made.length, 0);
  FakeNotification.supported = true;
  assert.deepEqual(await createNotifyHandler(notifier)(request()), { ok: true });
});

test('on Linux the body is escaped (the notification server reads markup); the title and other platforms are not', () => {
  const hostile = '<b>Bank</b> & <a href="https://evil.example">pay</a>';
  const linux = setup('linux');
  linux.notifier.notify(request({ title: 'A <i>&</i>', body: hostile }));
  assert.deepEqual(FakeNotification.made[0]?.options, {
    title: 'A <i>&</i>',
    body: '&lt;b&gt;Bank&lt;/b&gt; &amp; &lt;a href="https://evil.example"&gt;pay&lt;/a&gt;',
    silent: true,
  });
  for (const platform of ['darwin', 'win32'] as const) {
    setup(platform).notifier.notify(request({ body: hostile }));
    assert.equal(FakeNotification.made[0]?.options.body, hostile, platform);
  }
});
