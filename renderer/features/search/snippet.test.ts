// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SNIPPET_CLOSE as CONTRACT_CLOSE, SNIPPET_OPEN as CONTRACT_OPEN } from '../../../shared/contract.ts';
import { SNIPPET_CLOSE, SNIPPET_OPEN, SNIPPET_SHOWN_CHARS, shownSnippet, splitSnippet } from './snippet.ts';

const O = SNIPPET_OPEN;
const C = SNIPPET_CLOSE;

test("the snippet marks are the contract's", () => {
  assert.equal(SNIPPET_OPEN, CONTRACT_OPEN);
  assert.equal(SNIPPET_CLOSE, CONTRACT_CLOSE);
});

test('splits a snippet into plain and matched parts', () => {
  assert.deepEqual(splitSnippet(`…the ${O}treasure${C} is under the ${O}oak${C}`), [
    { text: '…the ', match: false },
    { text: 'treasure', match: true },
    { text: ' is under the ', match: false },
    { text: 'oak', match: true },
  ]);
  assert.deepEqual(splitSnippet(`${O}all${C}`), [{ text: 'all', match: true }]);
  assert.deepEqual(splitSnippet('no marks'), [{ text: 'no marks', match: false }]);
  assert.deepEqual(splitSnippet(''), []);
  // Adjacent matches join; empty marks vanish.
  assert.deepEqual(splitSnippet(`${O}a${C}${O}b${C}${O}${C} c`), [
    { text: 'ab', match: true },
    { text: ' c', match: false },
  ]);
});

test('hostile text stays text: markup is kept verbatim as a plain part', () => {
  const hostile = `<img src=x onerror=alert(1)> ${O}findme${C} </mark><script>x()</script>`;
  const parts = splitSnippet(hostile);
  assert.deepEqual(parts, [
    { text: '<img src=x onerror=alert(1)> ', match: false },
    { text: 'findme', match: true },
    { text: ' </mark><script>x()</script>', match: false },
  ]);
  assert.equal(parts.map((p) => p.text).join(''), hostile.replaceAll(O, '').replaceAll(C, ''));
});

test('unbalanced marks are tolerated', () => {
  assert.deepEqual(splitSnippet(`a${C}b`), [{ text: 'ab', match: false }]);
  assert.deepEqual(splitSnippet(`a${O}b`), [
    { text: 'a', match: false },
    { text: 'b', match: true },
  ]);
  assert.deepEqual(splitSnippet(`${O}a${O}b${C}c`), [
    { text: 'ab', match: true },
    { text: 'c', match: false },
  ]);
});

test('a snippet of 1,000,000 characters splits into its three parts', () => {
  const word = 'x'.repeat(500_000);
  const parts = splitSnippet(`${word}${O}hit${C}${word}`);
  assert.deepEqual(
    parts.map((p) => [p.text.length, p.match]),
    [
      [500_000, false],
      [3, true],
      [500_000, false],
    ],
  );
});

test('shown snippets are bounded: a little text before the first match, then at most 300 characters', () => {
  const before = 'b'.repeat(10_000);
  const after = 'a'.repeat(100_000);
  const shown = shownSnippet(splitSnippet(`${before} ${O}needle${C} ${after}`));
  const text = shown.map((p) => p.text).join('');
  assert.ok(text.length <= SNIPPET_SHOWN_CHARS + 2, `shown ${text.length} characters`);
  assert.ok(text.startsWith('…b'), 'the cut before the match is marked');
  assert.ok(text.endsWith('a…'), 'the cut after it is marked');
  assert.deepEqual(
    shown.filter((p) => p.match).map((p) => p.text),
    ['needle'],
  );
  // A short snippet is shown as it is.
  assert.deepEqual(shownSnippet(splitSnippet(`…the ${O}oak${C} tree`)), [
    { text: '…the ', match: false },
    { text: 'oak', match: true },
    { text: ' tree', match: false },
  ]);
});

test('shown snippets tame stacked combining marks and never split a surrogate pair', () => {
  const zalgo = `a${'\u0301'.repeat(50)}`;
  const shown = shownSnippet(splitSnippet(`${O}${zalgo}${C}`));
  assert.equal(shown[0]!.text, `a${'\u0301'.repeat(4)}`);
  const emoji = '\u{1F600}'.repeat(400);
  const cut = shownSnippet(splitSnippet(`${O}x${C}${emoji}`), 100)
    .map((p) => p.text)
    .join('');
  assert.ok(cut.endsWith('…'));
  assert.doesNotMatch(cut, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/, 'no lone high surrogate');
});
