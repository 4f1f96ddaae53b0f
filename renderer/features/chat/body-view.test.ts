// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../shared/contract.ts';
import {
  CHUNK_CHARS,
  COLLAPSE_CHARS,
  PREVIEW_CHARS,
  PREVIEW_LINES,
  bodyChunks,
  bodyPreview,
  charsPerLine,
  estimateRowPx,
} from './body-view.ts';

function msg(body: string): ChatMessage {
  return {
    seq: 1,
    id: 'id',
    originId: null,
    direction: 'in',
    account: 'me@x',
    kind: 'chat',
    peer: 'alice@x',
    peerFull: 'alice@x/r',
    type: 'chat',
    body,
    subject: null,
    thread: null,
    timestamp: 0,
    delayed: false,
    fromRoster: true,
    state: 'received',
  };
}

test('an ordinary body is shown whole, with its links', () => {
  const view = bodyPreview('see https://example.com/x now');
  assert.equal(view.collapsed, false);
  assert.deepEqual(view.segments, [
    { text: 'see ', url: null },
    { text: 'https://example.com/x', url: 'https://example.com/x' },
    { text: ' now', url: null },
  ]);
  assert.equal(bodyPreview('x'.repeat(COLLAPSE_CHARS)).collapsed, false);
});

test('a long body is collapsed to a preview that ends at a word and holds no more than PREVIEW_CHARS', () => {
  const words = 'lorem ipsum dolor sit amet '.repeat(200);
  const view = bodyPreview(words);
  assert.equal(view.collapsed, true);
  assert.ok(view.text.length <= PREVIEW_CHARS);
  assert.ok(view.text.length > PREVIEW_CHARS * 0.85);
  assert.ok(words.startsWith(view.text));
  assert.match(view.text, /\S$/);
  assert.ok(/ (lorem|ipsum|dolor|sit|amet)$/.test(` ${view.text.split(' ').at(-1)}`), 'ends on a whole word');
});

test('a 10,000-letter word is cut without splitting a character; many short lines are cut by lines', () => {
  const word = bodyPreview('\u{1F600}'.repeat(5_000));
  assert.equal(word.collapsed, true);
  assert.ok(word.text.length <= PREVIEW_CHARS);
  assert.doesNotMatch(word.text, /[\uD800-\uDBFF]$/);
  const lines = bodyPreview(Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n'));
  assert.equal(lines.collapsed, true);
  assert.equal(lines.text.split('\n').length, PREVIEW_LINES);
});

test('a link the preview cuts through is left as text (its target would be wrong)', () => {
  const url = `https://example.com/${'p'.repeat(3_000)}`;
  const view = bodyPreview(`look ${url}`);
  assert.equal(view.collapsed, true);
  assert.ok(view.segments.every((s) => s.url === null));
  assert.equal(view.segments.map((s) => s.text).join(''), view.text);
});

test('stacked marks are tamed in the preview and in the chunks', () => {
  const zalgo = `a${'\u0301'.repeat(30)}`.repeat(100);
  const view = bodyPreview(zalgo);
  assert.doesNotMatch(view.text, /\p{M}{5}/u);
  for (const chunk of bodyChunks(zalgo)) {
    for (const s of chunk.segments) assert.doesNotMatch(s.text, /\p{M}{5}/u);
  }
});

test('an expanded body is cut into chunks of about CHUNK_CHARS that together are the whole text', () => {
  const body = `${'word '.repeat(10_000)}\n${'x'.repeat(30_000)} https://example.com/${'y'.repeat(3_000)} end`;
  const chunks = bodyChunks(body);
  assert.equal(chunks.map((c) => c.segments.map((s) => s.text).join('')).join(''), body);
  assert.ok(chunks.length >= Math.floor(body.length / CHUNK_CHARS));
  for (const chunk of chunks.slice(0, -1)) assert.ok(chunk.length <= CHUNK_CHARS + 3_100, `${chunk.length}`);
  // The long link stays one link, in one chunk.
  const links = chunks.flatMap((c) => c.segments.filter((s) => s.url !== null));
  assert.equal(links.length, 1);
  assert.equal(links[0]!.text.length, 'https://example.com/'.length + 3_000);
  // Chunks of words end after a space, not inside a word.
  assert.match(chunks[0]!.segments.at(-1)!.text, / $/);
});

test('row estimates follow the text shown: a collapsed 100,000-character body is estimated as its preview', () => {
  const perLine = charsPerLine(800);
  const short = estimateRowPx(msg('hi'), false, false, perLine);
  const preview = estimateRowPx(msg('x'.repeat(PREVIEW_CHARS)), false, false, perLine);
  const huge = estimateRowPx(msg('x'.repeat(100_000)), false, false, perLine);
  const expanded = estimateRowPx(msg('x'.repeat(100_000)), true, false, perLine);
  assert.ok(short < 60, `${short}`);
  assert.ok(huge >= preview && huge < preview * 1.5, `${huge} vs ${preview}`);
  assert.ok(expanded > huge * 20, `${expanded}`);
  assert.ok(estimateRowPx(msg('hi'), false, true, perLine) > short, 'the sender line counts');
});
