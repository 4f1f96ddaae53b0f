// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Contact, ContactPresence } from '../../shared/contract.ts';
import { applyRosterChange } from './roster.ts';
import { applyPresence } from './presence.ts';
import { afterClose } from './ui.ts';

const c = (jid: string, name: string | null = null): Contact => ({
  jid,
  name,
  groups: [],
  subscription: 'both',
  pendingOut: false,
  pendingIn: false,
  preApproved: false,
});
const p = (jid: string, online: boolean, status: string | null = null): ContactPresence => ({
  jid,
  best: online ? { resource: 'r', show: 'available', status, priority: 0, since: 0 } : null,
  resources: [],
  error: null,
});

test('roster reset replaces, upserts keep untouched contacts identical, removals delete', () => {
  const reset = applyRosterChange(new Map(), { reset: true, upserts: [c('a@x'), c('b@x')], removed: [] });
  assert.equal(reset.size, 2);
  const a = reset.get('a@x');
  const next = applyRosterChange(reset, {
    reset: false,
    upserts: [c('b@x', 'Bob'), c('d@x')],
    removed: ['zz@x'],
  });
  assert.equal(next.get('a@x'), a, 'unchanged contact keeps its identity (its row does not re-render)');
  assert.equal(next.get('b@x')?.name, 'Bob');
  assert.equal(next.size, 3);
  const removed = applyRosterChange(next, { reset: false, upserts: [], removed: ['a@x'] });
  assert.equal(removed.has('a@x'), false);
  assert.equal(applyRosterChange(removed, { reset: false, upserts: [], removed: [] }), removed);
  const again = applyRosterChange(removed, { reset: true, upserts: [], removed: [] });
  assert.equal(again.size, 0);
});

test('presence: onlineChanged only when someone goes online or offline', () => {
  let { map, onlineChanged } = applyPresence(new Map(), [p('a@x', true)]);
  assert.equal(onlineChanged, true);
  const before = map;
  ({ map, onlineChanged } = applyPresence(map, [p('a@x', true, 'busy')]));
  assert.equal(onlineChanged, false, 'a status text change does not re-sort the roster');
  assert.equal(map.get('a@x')?.best?.status, 'busy');
  assert.notEqual(map, before);
  ({ onlineChanged } = applyPresence(map, [p('a@x', false)]));
  assert.equal(onlineChanged, true);
  // The online count moves by the contacts that went online minus those that went offline.
  assert.equal(applyPresence(map, [p('a@x', false), p('b@x', true), p('c@x', true)]).onlineDelta, 1);
  assert.equal(applyPresence(map, [p('a@x', true, 'still here'), p('d@x', false)]).onlineDelta, 0);
  assert.equal(applyPresence(map, []).map, map);
});

test('closing a tab shows its right-hand neighbour, else the left one', () => {
  assert.deepEqual(afterClose(['a', 'b', 'c'], 'b', 'b'), { tabs: ['a', 'c'], active: 'c' });
  assert.deepEqual(afterClose(['a', 'b', 'c'], 'c', 'c'), { tabs: ['a', 'b'], active: 'b' });
  assert.deepEqual(afterClose(['a', 'b'], 'a', 'b'), { tabs: ['a'], active: 'a' });
  assert.deepEqual(afterClose(['a'], 'a', 'a'), { tabs: [], active: null });
});
