// The idle monitor with a fake powerMonitor, app and windows, and node:test's fake timers: the system idle
// time every 15 s, lock and unlock, and client visibility from the windows' show/hide/minimise/restore.
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IdleMonitorDeps, MonitoredWindow } from './idle-monitor.ts';
import { BACK_CHECK_MS, IDLE_POLL_MS, startIdleMonitor } from './idle-monitor.ts';

class FakeWindow extends EventEmitter {
  visible = true;
  minimized = false;
  destroyed = false;
  isVisible = () => this.visible;
  isMinimized = () => this.minimized;
  isDestroyed = () => this.destroyed;
  /** Changes the state the way Electron does, then emits the event. */
  act(event: 'show' | 'hide' | 'minimize' | 'restore' | 'closed'): void {
    if (event === 'show') this.visible = true;
    if (event === 'hide') this.visible = false;
    if (event === 'minimize') this.minimized = true;
    if (event === 'restore') this.minimized = false;
    if (event === 'closed') this.destroyed = true;
    this.emit(event);
  }
}

function setup(startWindows: FakeWindow[] = [new FakeWindow()]) {
  const power = new EventEmitter() as EventEmitter & { getSystemIdleTime(): number };
  let systemIdle = 0;
  power.getSystemIdleTime = () => systemIdle;
  const app = new EventEmitter();
  const windows = [...startWindows];
  const idle: number[] = [];
  const visibility: boolean[] = [];
  const stop = startIdleMonitor({
    powerMonitor: power as unknown as IdleMonitorDeps['powerMonitor'],
    app: app as unknown as IdleMonitorDeps['app'],
    windows: () => windows.filter((w) => !w.destroyed) as unknown as MonitoredWindow[],
    reportIdle: (s) => idle.push(s),
    reportVisibility: (a) => visibility.push(a),
    now: () => Date.now(),
  });
  const open = (): FakeWindow => {
    const win = new FakeWindow();
    windows.push(win);
    app.emit('browser-window-created', {}, win);
    return win;
  };
  const setIdle = (s: number) => (systemIdle = s);
  const settle = () => mock.timers.tick(0); // the visibility check runs after the event (setImmediate)
  return { power, app, windows, idle, visibility, stop, open, setIdle, settle };
}

describe('idle monitor', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'setImmediate', 'Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  test('reports the system idle time every 15 s, nothing in between; stop() ends it', () => {
    const { idle, setIdle, stop } = setup();
    setIdle(12);
    mock.timers.tick(IDLE_POLL_MS - 1);
    assert.deepEqual(idle, []);
    mock.timers.tick(1);
    setIdle(27);
    mock.timers.tick(IDLE_POLL_MS);
    assert.deepEqual(idle, [12, 27]);
    stop();
    mock.timers.tick(IDLE_POLL_MS * 3);
    assert.deepEqual(idle, [12, 27]);
  });

  test('after a report of a minute or more, the return is reported within seconds; short idle waits', () => {
    const { idle, setIdle } = setup();
    setIdle(30);
    mock.timers.tick(IDLE_POLL_MS);
    setIdle(1);
    mock.timers.tick(BACK_CHECK_MS * 3);
    assert.deepEqual(idle, [30], 'below a minute: the next 15 s report is soon enough');
    setIdle(75);
    mock.timers.tick(IDLE_POLL_MS - BACK_CHECK_MS * 3);
    assert.deepEqual(idle, [30, 75]);
    setIdle(80);
    mock.timers.tick(BACK_CHECK_MS * 2);
    assert.deepEqual(idle, [30, 75], 'still idle: nothing between the reports');
    setIdle(1);
    mock.timers.tick(BACK_CHECK_MS);
    assert.deepEqual(idle, [30, 75, 1], 'back within 2 s');
    mock.timers.tick(BACK_CHECK_MS * 3);
    assert.deepEqual(idle, [30, 75, 1]);
  });

  test('a window shown or focused after a long idle report: back at once', () => {
    const main = new FakeWindow();
    const { idle, setIdle } = setup([main]);
    setIdle(400);
    mock.timers.tick(IDLE_POLL_MS);
    setIdle(0);
    main.emit('focus');
    assert.deepEqual(idle, [400, 0]);
  });

  test('lock: reported at once, and counted from the last input even if the OS counter stops', () => {
    const { power, idle, setIdle } = setup();
    setIdle(40);
    power.emit('lock-screen');
    assert.deepEqual(idle, [40]);
    setIdle(0); // some systems reset or freeze the counter while locked
    mock.timers.tick(IDLE_POLL_MS * 20); // 300 s later
    assert.equal(idle.at(-1), 340, 'the last input was 40 s before the lock');
    power.emit('unlock-screen');
    assert.equal(idle.at(-1), 0, 'unlocking is activity, reported at once');
    setIdle(3);
    mock.timers.tick(IDLE_POLL_MS);
    assert.equal(idle.at(-1), 3, 'after the unlock the system counter alone');
  });

  test('visibility: inactive when every window is hidden or minimised, active when one shows again', () => {
    const main = new FakeWindow();
    const { visibility, open, settle } = setup([main]);
    settle();
    assert.deepEqual(visibility, [], 'a visible window at start: the default, nothing sent');
    const chat = open();
    settle();
    main.act('minimize');
    settle();
    assert.deepEqual(visibility, [], 'the chat window is still on screen');
    chat.act('hide');
    settle();
    assert.deepEqual(visibility, [false]);
    chat.act('hide'); // no change, nothing sent again
    settle();
    main.act('restore');
    settle();
    assert.deepEqual(visibility, [false, true]);
    main.act('minimize');
    settle();
    chat.act('show');
    settle();
    assert.deepEqual(visibility, [false, true, false, true]);
  });

  test('closing the last window on screen (to the tray) is inactive too', () => {
    const main = new FakeWindow();
    const { visibility, open, settle } = setup([main]);
    const chat = open();
    settle();
    main.act('hide');
    settle();
    chat.act('closed');
    settle();
    assert.deepEqual(visibility, [false]);
  });

  test('stop() unhooks the power and app events', () => {
    const { power, app, stop } = setup();
    stop();
    for (const event of ['lock-screen', 'unlock-screen']) assert.equal(power.listenerCount(event), 0);
    assert.equal(app.listenerCount('browser-window-created'), 0);
  });
});
