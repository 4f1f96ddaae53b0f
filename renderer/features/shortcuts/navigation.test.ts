// Ctrl+Tab through the tabs, and Alt+Up/Down through the chats with unread messages: tab order first, then
// the roster's order for chats that have no tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neighbourTab, neighbourUnread, unreadWalk } from './navigation.ts';

test('next and previous tab wrap around; one tab has nowhere to go', () => {
  const tabs = ['a', 'b', 'c'];
  assert.equal(neighbourTab(tabs, 'a', 1), 'b');
  assert.equal(neighbourTab(tabs, 'c', 1), 'a');
  assert.equal(neighbourTab(tabs, 'a', -1), 'c');
  assert.equal(neighbourTab(tabs, 'b', -1), 'a');
  assert.equal(neighbourTab(['a'], 'a', 1), null);
  assert.equal(neighbourTab([], null, 1), null);
  assert.equal(neighbourTab(tabs, null, 1), 'a', 'no tab shown: the first');
  assert.equal(neighbourTab(tabs, null, -1), 'c', 'no tab shown: the last');
});

test('the unread walk: tabs as they stand, then unread chats without a tab by roster order, unknown ones last', () => {
  const unread = new Map([
    ['zed', 1],
    ['tab-b', 2],
    ['roster-2', 1],
    ['roster-1', 4],
    ['read', 0],
    ['stranger', 1],
  ]);
  const ranks = new Map([
    ['roster-1', 1],
    ['roster-2', 2],
    ['zed', 0],
    ['read', 3],
  ]);
  assert.deepEqual(
    unreadWalk(['tab-a', 'tab-b'], unread, (id) => ranks.get(id)),
    ['tab-a', 'tab-b', 'zed', 'roster-1', 'roster-2', 'stranger'],
  );
});

test('Alt+Down goes to the next unread chat after the active one, wrapping; Alt+Up to the previous', () => {
  const walk = ['tab-a', 'tab-b', 'tab-c', 'r1', 'r2'];
  const unread = new Set(['tab-c', 'r2', 'tab-a']);
  assert.equal(neighbourUnread(walk, unread, 'tab-b', 1), 'tab-c');
  assert.equal(neighbourUnread(walk, unread, 'tab-c', 1), 'r2');
  assert.equal(neighbourUnread(walk, unread, 'r2', 1), 'tab-a', 'wraps to the first tab');
  assert.equal(neighbourUnread(walk, unread, 'tab-b', -1), 'tab-a');
  assert.equal(neighbourUnread(walk, unread, 'tab-a', -1), 'r2', 'wraps backwards to the roster end');
  assert.equal(neighbourUnread(walk, unread, null, 1), 'tab-a', 'no chat shown: the first unread');
  assert.equal(neighbourUnread(walk, unread, null, -1), 'r2', 'no chat shown: the last unread');
  assert.equal(
    neighbourUnread(walk, new Set(['tab-b']), 'tab-b', 1),
    null,
    'only the active one: nowhere to go',
  );
  assert.equal(neighbourUnread(walk, new Set(), 'tab-a', 1), null);
});
