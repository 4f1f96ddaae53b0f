// Tests run in Node (node --test). Emoticons become emoji only as whole tokens, once a space follows them
// or the message ends; words, links and longer runs stay as typed; the work is bounded by the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertAtEnd, convertBeforeCaret } from './emoticons.ts';

test('an emoticon followed by a space becomes its emoji, the caret after that space (UTF-16 units)', () => {
  assert.deepEqual(convertBeforeCaret('hi :-) ', 7), { text: 'hi 🙂 ', caret: 6 });
  assert.deepEqual(convertBeforeCaret(':D ', 3), { text: '😃 ', caret: 3 });
  assert.deepEqual(convertBeforeCaret('ok <3\n', 6), { text: 'ok ❤️\n', caret: 6 });
  assert.deepEqual(convertBeforeCaret('great :tada: !', 13), { text: 'great 🎉 !', caret: 9 });
});

test('the caret in the middle: only the token before it changes', () => {
  const text = 'a :) b';
  assert.deepEqual(convertBeforeCaret(text, 5), { text: 'a 🙂 b', caret: 5 });
});

test('nothing changes unless a whole emoticon was just closed by a space', () => {
  assert.equal(convertBeforeCaret('hi :-)', 6), null, 'no space typed yet');
  assert.equal(convertBeforeCaret('x:) ', 4), null, 'glued to a word');
  assert.equal(convertBeforeCaret('http://example.org/:P ', 22), null, 'the end of a link');
  assert.equal(convertBeforeCaret('hello ', 6), null, 'a word');
  assert.equal(convertBeforeCaret(' ', 1), null);
  assert.equal(convertBeforeCaret('', 0), null);
});

test('at send, an emoticon that ends the message is converted; anything else is kept', () => {
  assert.equal(convertAtEnd('see you ;)'), 'see you 😉');
  assert.equal(convertAtEnd(':+1:'), '👍');
  assert.equal(convertAtEnd('a:)'), 'a:)');
  assert.equal(convertAtEnd('plain text'), 'plain text');
  assert.equal(convertAtEnd(''), '');
});

test('a long run without spaces costs a bounded look back', () => {
  const long = ':'.repeat(1_000_000) + ':) ';
  assert.equal(convertBeforeCaret(long, long.length), null);
});
