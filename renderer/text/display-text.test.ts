// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_MARKS_PER_BASE, displayText, isMarkAt, tameMarks, withoutBidiControls } from './display-text.ts';

const ACUTE = '\u0301';

test('stacked combining marks are cut to MAX_MARKS_PER_BASE per base character', () => {
  const zalgo = `Z${ACUTE.repeat(40)}a${'\u0316'.repeat(7)}l`;
  assert.equal(
    tameMarks(zalgo).text,
    `Z${ACUTE.repeat(MAX_MARKS_PER_BASE)}a${'\u0316'.repeat(MAX_MARKS_PER_BASE)}l`,
  );
  // Outside the BMP too (musical combining stem, U+1D165).
  assert.equal(displayText(`x${'\u{1D165}'.repeat(9)}y`), `x${'\u{1D165}'.repeat(MAX_MARKS_PER_BASE)}y`);
});

test('real text keeps its marks: Vietnamese, pointed Hebrew, Devanagari, emoji sequences', () => {
  for (const text of [
    'Tiếng Việt có dấu: ệ ộ ự (e\u0323\u0302)',
    'בְּרֵאשִׁ֖ית בָּרָ֣א',
    'क्षत्रिय हिन्दी',
    '👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 1️⃣ 👍🏽',
  ]) {
    assert.equal(tameMarks(text).text, text, text);
    assert.equal(tameMarks(text).complete, true);
  }
});

test('unchanged text comes back as the same string', () => {
  const text = 'plain text, nothing to do';
  assert.equal(tameMarks(text).text, text);
});

test('maxChars bounds the result, never splitting a surrogate pair, and says it stopped', () => {
  assert.deepEqual(tameMarks('abcdef', 3), { text: 'abc', complete: false });
  assert.deepEqual(tameMarks('ab\u{1F600}cd', 3), { text: 'ab', complete: false });
  assert.deepEqual(tameMarks('abc', 3), { text: 'abc', complete: true });
  // Marks dropped do not count: 2 kept characters from a base with 50 marks.
  const capped = tameMarks(`a${ACUTE.repeat(50)}bc`, 6);
  assert.equal(capped.text, `a${ACUTE.repeat(4)}b`);
  assert.equal(capped.complete, false);
});

test('a body of 100,000 marks is tamed in one linear pass to what one base can carry', () => {
  const hostile = `x${ACUTE.repeat(100_000)}`;
  assert.equal(tameMarks(hostile).text, `x${ACUTE.repeat(MAX_MARKS_PER_BASE)}`);
  assert.ok(isMarkAt(hostile, 1));
  assert.ok(!isMarkAt(hostile, 0));
});

test('link text loses its bidi controls (an override would make evil.com/moc.elgoog read as google.com)', () => {
  assert.equal(
    withoutBidiControls('https://evil.example/\u202Emoc.elgoog\u202C'),
    'https://evil.example/moc.elgoog',
  );
  assert.equal(withoutBidiControls('a\u2066b\u2067c\u2068d\u2069e\u200Ef\u200Fg\u061Ch'), 'abcdefgh');
});
