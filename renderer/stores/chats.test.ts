// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../shared/contract.ts';
import {
  applyFailures,
  applyMessages,
  applyStates,
  clearMarker,
  markRead,
  mergeMessages,
  type ChatMap,
  type ReadContext,
} from './chats.ts';
import { seenPeer } from './ui.ts';

function msg(id: string, timestamp: number, over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id,
    originId: null,
    direction: 'in',
    peer: 'alice@x',
    peerFull: 'alice@x/r',
    type: 'chat',
    body: 'hi',
    subject: null,
    thread: null,
    timestamp,
    delayed: false,
    fromRoster: true,
    ...over,
  };
}

const nobodyLooking: ReadContext = { seenPeer: null, ignored: new Set() };

test('mergeMessages dedupes by id and origin-id and keeps time order', () => {
  const a = msg('a', 10);
  const b = msg('b', 20, { originId: 'o1', direction: 'out' });
  let list = mergeMessages([], [b, a]);
  assert.deepEqual(
    list.map((m) => m.id),
    ['a', 'b'],
  );
  const same = mergeMessages(list, [msg('a', 10), msg('b2', 20, { originId: 'o1', direction: 'out' })]);
  assert.equal(same, list, 'nothing new: the same array');
  list = mergeMessages(list, [msg('c', 15), msg('d', 30)]);
  assert.deepEqual(
    list.map((m) => m.id),
    ['a', 'c', 'b', 'd'],
  );
  // The same origin-id in the other direction is a different message.
  assert.equal(mergeMessages(list, [msg('e', 40, { originId: 'o1' })]).length, 5);
});

test('unread: counts incoming text when the chat is not being looked at', () => {
  let chats: ChatMap = new Map();
  chats = applyMessages(chats, [msg('a', 1), msg('b', 2), msg('c', 3, { direction: 'out' })], nobodyLooking);
  assert.equal(chats.get('alice@x')?.unread, 2);
  assert.equal(chats.get('alice@x')?.markerId, 'a');
  // Duplicates do not count twice; a body-less message does not count.
  chats = applyMessages(chats, [msg('a', 1), msg('x', 4, { body: null })], nobodyLooking);
  assert.equal(chats.get('alice@x')?.unread, 2);
  // Looking at the chat: messages are read at once.
  chats = applyMessages(chats, [msg('d', 5)], { seenPeer: 'alice@x', ignored: new Set() });
  assert.equal(chats.get('alice@x')?.unread, 2);
  // Another chat is being looked at: this one still counts. A popped-out chat never counts here.
  chats = applyMessages(chats, [msg('e', 6)], { seenPeer: 'bob@x', ignored: new Set() });
  assert.equal(chats.get('alice@x')?.unread, 3);
  chats = applyMessages(chats, [msg('f', 7)], { seenPeer: null, ignored: new Set(['alice@x']) });
  assert.equal(chats.get('alice@x')?.unread, 3);
});

test('unread clears when read; the marker stays until the chat is left, and moves on a new run', () => {
  let chats: ChatMap = applyMessages(new Map(), [msg('a', 1), msg('b', 2)], nobodyLooking);
  assert.equal(clearMarker(chats, 'alice@x'), chats, 'marker kept while unread');
  chats = markRead(chats, 'alice@x');
  assert.equal(chats.get('alice@x')?.unread, 0);
  assert.equal(chats.get('alice@x')?.markerId, 'a');
  assert.equal(markRead(chats, 'alice@x'), chats, 'no change: same map');
  chats = applyMessages(chats, [msg('c', 3)], nobodyLooking);
  assert.equal(chats.get('alice@x')?.markerId, 'c');
  chats = markRead(chats, 'alice@x');
  chats = clearMarker(chats, 'alice@x');
  assert.equal(chats.get('alice@x')?.markerId, null);
});

test('failures attach to their chat by message id', () => {
  const error = {
    code: 'server-error' as const,
    message: 'Recipient unavailable',
    condition: 'service-unavailable',
    certificate: null,
  };
  const chats = applyFailures(new Map(), [{ id: 'm1', peer: 'bob@x', error }]);
  assert.equal(chats.get('bob@x')?.failures.get('m1')?.message, 'Recipient unavailable');
});

test('seenPeer: only the shown tab of a focused, visible window', () => {
  const base = {
    view: 'main' as const,
    activePeer: 'a@x',
    poppedOut: new Set<string>(),
    focused: true,
    visible: true,
    popPeer: null,
  };
  assert.equal(seenPeer(base), 'a@x');
  assert.equal(seenPeer({ ...base, focused: false }), null);
  assert.equal(seenPeer({ ...base, visible: false }), null);
  assert.equal(seenPeer({ ...base, poppedOut: new Set(['a@x']) }), null);
  assert.equal(seenPeer({ ...base, view: 'chat', popPeer: 'b@x' }), 'b@x');
});

test('delivery states only move forward and land in the right chat', () => {
  let chats = applyStates(new Map(), [
    { id: 'm1', peer: 'bob@example.com', state: 'sent' },
    { id: 'm1', peer: 'bob@example.com', state: 'read' },
    { id: 'm1', peer: 'bob@example.com', state: 'delivered' },
    { id: 'm2', peer: 'carol@example.com', state: 'delivered' },
  ]);
  assert.equal(chats.get('bob@example.com')?.states.get('m1'), 'read');
  assert.equal(chats.get('carol@example.com')?.states.get('m2'), 'delivered');
  assert.equal(chats.get('bob@example.com')?.states.has('m2'), false);
  const same = applyStates(chats, [{ id: 'm1', peer: 'bob@example.com', state: 'sent' }]);
  assert.equal(same.get('bob@example.com'), chats.get('bob@example.com'), 'no change, same object');
  chats = applyStates(chats, []);
  assert.equal(chats.size, 2);
});
