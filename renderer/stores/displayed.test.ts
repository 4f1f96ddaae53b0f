// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisplayedMarks, chatVisible } from './displayed.ts';

test('a chat is marked once per new incoming message', () => {
  const marks = new DisplayedMarks();
  assert.equal(marks.take('alice@x', null), false, 'no incoming message: nothing to mark');
  assert.equal(marks.take('alice@x', 5), true);
  assert.equal(marks.take('alice@x', 5), false, 'already marked');
  assert.equal(marks.take('alice@x', 3), false, 'older than what was marked');
  assert.equal(marks.take('bob@x', 4), true, 'per chat');
  assert.equal(marks.take('alice@x', 6), true, 'a newer message');
  assert.equal(marks.take('alice@x', 6), false);
});

test('a failed report can be repeated; a newer one is not undone', () => {
  const marks = new DisplayedMarks();
  assert.equal(marks.take('alice@x', 5), true);
  marks.forget('alice@x', 5);
  assert.equal(marks.take('alice@x', 5), true, 'tried again');
  assert.equal(marks.take('alice@x', 7), true);
  marks.forget('alice@x', 5);
  assert.equal(marks.take('alice@x', 7), false, 'the failure of an older report does not undo a newer one');
  marks.clear();
  assert.equal(marks.take('alice@x', 7), true);
});

test('visible only when shown in a visible, focused window', () => {
  const doc = (visibilityState: DocumentVisibilityState, focus: boolean) => ({
    visibilityState,
    hasFocus: () => focus,
  });
  assert.equal(chatVisible('alice@x', doc('visible', true)), true);
  assert.equal(chatVisible(null, doc('visible', true)), false);
  assert.equal(chatVisible('alice@x', doc('hidden', true)), false);
  assert.equal(chatVisible('alice@x', doc('visible', false)), false);
});
