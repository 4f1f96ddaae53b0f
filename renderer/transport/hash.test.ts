// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, popOutUrl } from './hash.ts';

test('parseHash reads the token and the pop-out view', () => {
  assert.deepEqual(parseHash('#token=abc'), { token: 'abc', view: 'main', peer: null });
  assert.deepEqual(parseHash('#token=abc&view=chat&peer=alice%40example.com'), {
    token: 'abc',
    view: 'chat',
    peer: 'alice@example.com',
  });
  assert.deepEqual(parseHash('#view=chat&peer=bob@example.com'), {
    token: null,
    view: 'chat',
    peer: 'bob@example.com',
  });
  // A chat view without a peer is the main view.
  assert.deepEqual(parseHash('#token=t&view=chat'), { token: 't', view: 'main', peer: null });
  assert.deepEqual(parseHash(''), { token: null, view: 'main', peer: null });
});

test('popOutUrl keeps the token and sets view and peer', () => {
  const url = popOutUrl('http://127.0.0.1:5000/index.html#token=abc', 'alice@example.com');
  assert.equal(url, 'http://127.0.0.1:5000/index.html#token=abc&view=chat&peer=alice%40example.com');
  assert.deepEqual(parseHash(new URL(url).hash), { token: 'abc', view: 'chat', peer: 'alice@example.com' });
  // A second pop-out from a pop-out replaces the peer rather than adding another.
  const again = popOutUrl(url, 'bob@example.com');
  assert.equal(parseHash(new URL(again).hash).peer, 'bob@example.com');
  assert.equal(popOutUrl('http://h/', 'c@d'), 'http://h/#view=chat&peer=c%40d');
});
