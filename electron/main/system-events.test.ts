import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { PowerMonitor } from 'electron';
import { retryOnWake, WAKE_EVENTS } from './system-events.ts';

test('waking up or unlocking retries the connection now; other power events do not; stop() unhooks', () => {
  const power = new EventEmitter();
  let retries = 0;
  const stop = retryOnWake(power as unknown as PowerMonitor, () => retries++);
  power.emit('resume');
  power.emit('unlock-screen');
  power.emit('suspend');
  power.emit('lock-screen');
  assert.equal(retries, 2);
  assert.deepEqual([...WAKE_EVENTS], ['resume', 'unlock-screen']);
  stop();
  power.emit('resume');
  assert.equal(retries, 2);
  for (const event of WAKE_EVENTS) assert.equal(power.listenerCount(event), 0);
});
