// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../shared/contract.ts';
import { buildMessageItems, dayLabel, segmentText } from './message-model.ts';

function msg(seq: number, timestamp: number, direction: 'in' | 'out' = 'in', body = 'hi'): ChatMessage {
  return {
    seq,
    // Stanza ids are not unique (other clients reuse them): items must be keyed by seq.
    id: 'same-id',
    originId: null,
    direction,
    account: 'me@x',
    kind: 'chat',
    peer: 'alice@x',
    peerFull: 'alice@x/r',
    type: 'chat',
    body,
    subject: null,
    thread: null,
    timestamp,
    delayed: false,
    fromRoster: true,
    state: direction === 'out' ? 'sent' : 'received',
  };
}

const NOW = new Date(2025, 5, 15, 12, 0).getTime();
const YESTERDAY = new Date(2025, 5, 14, 9, 0).getTime();
const LAST_YEAR = new Date(2024, 0, 2, 9, 0).getTime();

test('day labels', () => {
  assert.equal(dayLabel(NOW - 60_000, NOW), 'Today');
  assert.equal(dayLabel(YESTERDAY, NOW), 'Yesterday');
  assert.match(dayLabel(LAST_YEAR, NOW, 'en-US'), /2024/);
});

test('day separators, unread marker and sender runs', () => {
  const items = buildMessageItems(
    [msg(1, YESTERDAY), msg(2, YESTERDAY + 1000), msg(3, NOW - 2000, 'out'), msg(4, NOW - 1000), msg(5, NOW)],
    4,
    NOW,
  );
  assert.deepEqual(
    items.map((i) =>
      i.kind === 'message'
        ? `${i.message.seq}${i.firstOfRun ? '*' : ''}`
        : i.kind === 'day'
          ? i.label
          : '--new--',
    ),
    ['Yesterday', '1*', '2', 'Today', '3*', '--new--', '4*', '5'],
  );
  assert.equal(new Set(items.map((i) => i.key)).size, items.length);
});

test('link segments use shared/links.ts and keep all text', () => {
  const body =
    'see https://example.com/a?b=1, mail mailto:bob@x.org or xmpp:alice@x.org?message. javascript:alert(1) ftp://x';
  const segments = segmentText(body);
  assert.equal(segments.map((s) => s.text).join(''), body);
  assert.deepEqual(
    segments.filter((s) => s.url !== null).map((s) => s.url),
    ['https://example.com/a?b=1', 'mailto:bob@x.org', 'xmpp:alice@x.org?message'],
  );
  assert.deepEqual(segmentText('www.example.org.'), [
    { text: 'www.example.org', url: 'https://www.example.org' },
    { text: '.', url: null },
  ]);
  assert.deepEqual(segmentText('<b>not html</b>'), [{ text: '<b>not html</b>', url: null }]);
  assert.deepEqual(segmentText(''), []);
});
