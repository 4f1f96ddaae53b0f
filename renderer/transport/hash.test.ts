// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, popOutUrl } from './hash.ts';

test('parseHash reads the token and the pop-out view (account and peer)', () => {
  assert.deepEqual(parseHash('#token=abc'), { token: 'abc', view: 'main', account: null, peer: null });
  assert.deepEqual(parseHash('#token=abc&view=chat&account=me%40x.org&peer=alice%40example.com'), {
    token: 'abc',
    view: 'chat',
    account: 'me@x.org',
    peer: 'alice@example.com',
  });
  assert.deepEqual(parseHash('#view=chat&account=me@x.org&peer=bob@example.com'), {
    token: null,
    view: 'chat',
    account: 'me@x.org',
    peer: 'bob@example.com',
  });
  // A chat view without a peer, or without its account, is the main view.
  assert.deepEqual(parseHash('#token=t&view=chat'), { token: 't', view: 'main', account: null, peer: null });
  assert.deepEqual(parseHash('#token=t&view=chat&peer=a@b'), {
    token: 't',
    view: 'main',
    account: null,
    peer: null,
  });
  assert.deepEqual(parseHash(''), { token: null, view: 'main', account: null, peer: null });
});

test("popOutUrl gives the new window the host's token for it", () => {
  assert.equal(
    popOutUrl('http://127.0.0.1:5000/#token=main', 'me@x.org', 'alice@example.com', 'pop-1'),
    'http://127.0.0.1:5000/#token=pop-1&view=chat&account=me%40x.org&peer=alice%40example.com',
  );
});

test('popOutUrl keeps the token and sets view, account and peer', () => {
  const url = popOutUrl('http://127.0.0.1:5000/index.html#token=abc', 'me@x.org', 'alice@example.com');
  assert.equal(
    url,
    'http://127.0.0.1:5000/index.html#token=abc&view=chat&account=me%40x.org&peer=alice%40example.com',
  );
  assert.deepEqual(parseHash(new URL(url).hash), {
    token: 'abc',
    view: 'chat',
    account: 'me@x.org',
    peer: 'alice@example.com',
  });
  // A second pop-out from a pop-out replaces account and peer rather than adding more.
  const again = popOutUrl(url, 'you@y.org', 'bob@example.com');
  assert.equal(parseHash(new URL(again).hash).peer, 'bob@example.com');
  assert.equal(parseHash(new URL(again).hash).account, 'you@y.org');
  assert.equal(popOutUrl('http://h/', 'a@b', 'c@d'), 'http://h/#view=chat&account=a%40b&peer=c%40d');
});
