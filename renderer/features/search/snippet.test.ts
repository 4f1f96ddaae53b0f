// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SNIPPET_CLOSE as CONTRACT_CLOSE, SNIPPET_OPEN as CONTRACT_OPEN } from '../../../shared/contract.ts';
import { SNIPPET_CLOSE, SNIPPET_OPEN, splitSnippet } from './snippet.ts';

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
