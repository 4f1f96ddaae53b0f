// Auto-away rules: away at the away threshold, extended away at the second, back on activity, never over
// the user's own Away / Extended away / Do not disturb / Offline, the user's choice winning while idle, and
// XEP-0319's 'since' stamp.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OwnShow } from '../../../shared/contract.ts';
import { DEFAULT_PREFERENCES } from '../../../shared/preferences.ts';
import { NOT_AWAY, idleSinceStamp, nextAutoAway, userChose, type AutoAwayState } from './idle-policy.ts';

const prefs = { autoAway: true, awayMinutes: 5, extendedAwayMinutes: 30 };
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

/** Feeds idle reports (seconds, 15 s apart) to one account and returns the state after each. */
function run(chosen: OwnShow, reports: number[], from: AutoAwayState = NOT_AWAY, p = prefs) {
  const states: AutoAwayState[] = [];
  let state = from;
  reports.forEach((idle, i) => {
    state = nextAutoAway(state, chosen, idle, NOW + i * 15_000, p);
    states.push(state);
  });
  return states;
}

describe('nextAutoAway', () => {
  test('the defaults are 5 and 30 minutes, auto-away on', () => {
    assert.deepEqual(DEFAULT_PREFERENCES.idle, prefs);
  });

  test('below the away threshold nothing changes; at it, away with since = now - idle', () => {
    const [before, at] = run('available', [299, 300]);
    assert.equal(before, NOT_AWAY, 'the same object: nothing to send');
    assert.deepEqual(at, { heldBack: false, auto: { show: 'away', since: NOW + 15_000 - 300_000 } });
  });

  test('chat (free for chat) is replaced too', () => {
    assert.equal(run('chat', [400])[0]!.auto?.show, 'away');
  });

  test('at the extended-away threshold: xa, keeping the moment idleness began', () => {
    const [away, still, xa, xaStill] = run('available', [300, 315, 1800, 1815]);
    assert.equal(still, away, 'unchanged while still away: the same object');
    assert.deepEqual(xa!.auto, { show: 'xa', since: away!.auto!.since });
    assert.equal(xaStill, xa);
  });

  test('straight to xa when the first report is already past both thresholds', () => {
    const [xa] = run('available', [2000]);
    assert.deepEqual(xa!.auto, { show: 'xa', since: NOW - 2_000_000 });
  });

  test('activity (idle below the away threshold) ends it: back to what the user had', () => {
    const states = run('available', [400, 2000, 0]);
    assert.deepEqual(states.at(-1), NOT_AWAY);
    assert.deepEqual(run('available', [400, 299]).at(-1), NOT_AWAY);
  });

  for (const chosen of ['dnd', 'away', 'xa', 'offline'] as const) {
    test(`never when the user chose ${chosen}`, () => {
      for (const state of run(chosen, [300, 1800, 100_000])) assert.equal(state, NOT_AWAY);
    });
  }

  test('auto-away off: never; turned off while away: back at the next report', () => {
    const off = { ...prefs, autoAway: false };
    for (const state of run('available', [400, 2000], NOT_AWAY, off)) assert.equal(state.auto, null);
    const away = run('available', [400])[0]!;
    assert.deepEqual(nextAutoAway(away, 'available', 500, NOW, off), NOT_AWAY);
  });

  test('thresholds come from the preferences (1 and 2 minutes)', () => {
    const p = { autoAway: true, awayMinutes: 1, extendedAwayMinutes: 2 };
    const shows = run('available', [59, 60, 119, 120], NOT_AWAY, p).map((s) => s.auto?.show ?? null);
    assert.deepEqual(shows, [null, 'away', 'away', 'xa']);
  });
});

describe('userChose', () => {
  test('a presence set while idle wins: no auto-away until the user is back', () => {
    const held = userChose(400, prefs);
    assert.deepEqual(held, { auto: null, heldBack: true });
    const later = run('available', [500, 2000], held);
    for (const state of later) assert.equal(state.auto, null, 'still held back');
    // Back at the desk, then idle again: auto-away works again.
    const [back, away] = run('available', [10, 300], held);
    assert.deepEqual(back, NOT_AWAY);
    assert.equal(away!.auto?.show, 'away');
  });

  test('a presence set at the desk (or before any report) holds nothing back', () => {
    assert.deepEqual(userChose(20, prefs), NOT_AWAY);
    assert.deepEqual(userChose(null, prefs), NOT_AWAY);
    assert.equal(run('available', [300], userChose(20, prefs))[0]!.auto?.show, 'away');
  });
});

describe('idleSinceStamp', () => {
  test('XEP-0082 UTC DateTime in whole seconds', () => {
    assert.equal(idleSinceStamp(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05Z');
    assert.match(idleSinceStamp(Date.now()), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});
