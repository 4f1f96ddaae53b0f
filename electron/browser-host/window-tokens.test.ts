// Window tokens of browser mode: one socket per token, pop-out windows get their own, at most MAX windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowTokens } from './window-tokens.ts';

test('the main token lets in one socket at a time; it comes back after a reload', () => {
  const tokens = new WindowTokens<string>('main-secret', 4);
  assert.equal(tokens.claim('main-secret', 'tab-1'), 'ok');
  assert.equal(tokens.claim('main-secret', 'tab-1'), 'ok', 'the holder itself may say hello again');
  assert.equal(tokens.claim('main-secret', 'tab-2'), 'in-use', 'a second tab with the same URL waits');
  assert.equal(tokens.claim('guess', 'tab-2'), 'unknown');
  tokens.release('tab-1');
  assert.equal(tokens.claim('main-secret', 'tab-2'), 'ok', 'after the first is gone');
});

test('pop-out tokens are minted per window, at most MAX in all; tokens of closed windows make room', () => {
  const tokens = new WindowTokens<string>('main-secret', 3);
  tokens.claim('main-secret', 'main');
  const a = tokens.mint();
  const b = tokens.mint();
  assert.ok(a && b && a !== b && a !== 'main-secret');
  assert.equal(tokens.claim(a, 'pop-a'), 'ok');
  assert.equal(tokens.claim(b, 'pop-b'), 'ok');
  assert.equal(tokens.mint(), null, 'three windows open: no fourth');
  assert.equal(tokens.claim(a, 'intruder'), 'in-use', "a pop-out's token lets in only its window");
  tokens.release('pop-a');
  const c = tokens.mint();
  assert.ok(c, 'a closed window made room');
  assert.equal(tokens.claim(a, 'pop-a'), 'unknown', 'and its token is gone');
  assert.equal(tokens.size, 3);
  assert.equal(tokens.claim(c, 'pop-c'), 'ok');
  tokens.release('main');
  assert.equal(tokens.mint(), null, "the main window's token is never the one to go");
  assert.equal(tokens.claim('main-secret', 'main'), 'ok');
});

test("the chats of open pop-out windows: a window's chat counts while its token is held", () => {
  const tokens = new WindowTokens<string>('main-secret', 8);
  tokens.claim('main-secret', 'main');
  const fay = tokens.mint({ account: 'me@example.com', peer: 'fay@example.com' })!;
  const gus = tokens.mint({ account: 'me@example.com', peer: 'gus@example.com' })!;
  const plain = tokens.mint()!;
  assert.deepEqual(tokens.openChats(), [], 'minted, but no window has opened yet');
  tokens.claim(gus, 'pop-gus');
  tokens.claim(fay, 'pop-fay');
  tokens.claim(plain, 'pop-plain');
  assert.deepEqual(tokens.openChats(), [
    { account: 'me@example.com', peer: 'fay@example.com' },
    { account: 'me@example.com', peer: 'gus@example.com' },
  ]);
  assert.equal(tokens.release('pop-fay'), true, 'that window showed a chat');
  assert.equal(tokens.release('pop-plain'), false);
  assert.deepEqual(tokens.openChats(), [{ account: 'me@example.com', peer: 'gus@example.com' }]);
  tokens.claim(fay, 'pop-fay');
  assert.equal(tokens.openChats().length, 2, 'a reloaded pop-out shows its chat again');
  // Docked: the window's token goes with its chat; the main window's never does.
  tokens.retire('pop-fay');
  assert.deepEqual(tokens.openChats(), [{ account: 'me@example.com', peer: 'gus@example.com' }]);
  assert.equal(tokens.claim(fay, 'pop-fay'), 'unknown');
  tokens.retire('main');
  assert.equal(tokens.claim('main-secret', 'main'), 'ok');
});
