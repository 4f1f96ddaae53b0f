// Browser mode's activity reports with a fake bridge, plain EventTargets for the window and document, and
// node:test's fake timers: idle seconds every 15 s, "back" at once after an idle report, input throttled,
// visibility on change only.
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVITY_REPORT_MS, syncActivity } from './activity-sync.ts';

function setup(startHidden = false) {
  const calls: Array<[string, unknown]> = [];
  const bridge = {
    invoke: async (command: string, payload: unknown) => {
      calls.push([command, payload]);
      return { ok: true, value: { ok: true } };
    },
  };
  const input = new EventTarget();
  const page = Object.assign(new EventTarget(), {
    visibilityState: (startHidden ? 'hidden' : 'visible') as DocumentVisibilityState,
  });
  const stop = syncActivity(bridge as never, { input, page, now: () => Date.now() });
  const idle = () => calls.filter(([c]) => c === 'presence.activity').map(([, p]) => p);
  const visibility = () => calls.filter(([c]) => c === 'client.visibility').map(([, p]) => p);
  const setVisible = (visible: boolean) => {
    page.visibilityState = visible ? 'visible' : 'hidden';
    page.dispatchEvent(new Event('visibilitychange'));
  };
  return { input, idle, visibility, setVisible, stop, calls };
}

describe('activity sync', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  test('reports the seconds since the last input every 15 s', () => {
    const { input, idle } = setup();
    mock.timers.tick(ACTIVITY_REPORT_MS);
    mock.timers.tick(ACTIVITY_REPORT_MS);
    input.dispatchEvent(new Event('keydown'));
    mock.timers.tick(ACTIVITY_REPORT_MS);
    assert.deepEqual(idle(), [{ idleSeconds: 15 }, { idleSeconds: 30 }, { idleSeconds: 15 }]);
  });

  test('the first input after a report of a minute or more is reported at once as 0; later ones wait', () => {
    const { input, idle } = setup();
    for (let i = 0; i < 5; i++) mock.timers.tick(ACTIVITY_REPORT_MS); // 75 s idle
    assert.deepEqual(idle().at(-1), { idleSeconds: 75 });
    input.dispatchEvent(new Event('pointermove'));
    assert.deepEqual(idle().at(-1), { idleSeconds: 0 }, 'back, without waiting for the next tick');
    const count = idle().length;
    mock.timers.tick(2_000);
    input.dispatchEvent(new Event('pointerdown'));
    assert.equal(idle().length, count, 'already reported back');
  });

  test('input after a short idle report is not reported at once', () => {
    const { input, idle } = setup();
    mock.timers.tick(ACTIVITY_REPORT_MS);
    input.dispatchEvent(new Event('wheel'));
    assert.deepEqual(idle(), [{ idleSeconds: 15 }]);
  });

  test('inputs within a second count once (pointermove per frame)', () => {
    const { input, idle } = setup();
    mock.timers.tick(10_000);
    input.dispatchEvent(new Event('pointermove')); // at 10 s: counted
    mock.timers.tick(500);
    input.dispatchEvent(new Event('pointermove')); // 0.5 s later: the same input
    mock.timers.tick(4_500);
    assert.deepEqual(idle(), [{ idleSeconds: 5 }], 'idle from the first of the burst');
  });

  test('visibility: sent on change only; a page that starts hidden says so', () => {
    const shown = setup();
    shown.setVisible(true);
    shown.setVisible(false);
    shown.setVisible(false);
    shown.setVisible(true);
    assert.deepEqual(shown.visibility(), [{ active: false }, { active: true }]);
    shown.stop();
    assert.deepEqual(setup(true).visibility(), [{ active: false }]);
  });

  test('stop() ends the reports and the listeners', () => {
    const { input, idle, stop, setVisible, visibility } = setup();
    for (let i = 0; i < 5; i++) mock.timers.tick(ACTIVITY_REPORT_MS);
    stop();
    const count = idle().length;
    input.dispatchEvent(new Event('keydown'));
    mock.timers.tick(ACTIVITY_REPORT_MS * 2);
    setVisible(false);
    assert.equal(idle().length, count);
    assert.deepEqual(visibility(), []);
  });
});
