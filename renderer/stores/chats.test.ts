// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../shared/contract.ts';
import {
  MAX_HELD,
  applyFailures,
  applyMessages,
  applyPage,
  applyStates,
  beginLoad,
  clearHighlight,
  clearMarker,
  emptyChat,
  markRead,
  mergeMessages,
  seedStates,
  type ChatMap,
  type HistoryPage,
  type ReadContext,
} from './chats.ts';
import { seenChat } from './ui.ts';
import { chatId } from './conversation.ts';

const ME = 'me@x';
const ALICE = chatId(ME, 'alice@x');
const BOB = chatId(ME, 'bob@x');
const BOB_EX = chatId(ME, 'bob@example.com');
const CAROL_EX = chatId(ME, 'carol@example.com');
const NOBODY = chatId(ME, 'nobody@x');

function msg(seq: number, timestamp: number, over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    account: ME,
    kind: 'chat',
    seq,
    id: `id${seq}`,
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
    state: 'received',
    ...over,
  };
}

function page(messages: ChatMessage[], over: Partial<HistoryPage> = {}): HistoryPage {
  return { messages, failures: [], complete: false, atNewest: true, ...over };
}

const nobodyLooking: ReadContext = { seen: null, ignored: new Set() };
const aliceLooking: ReadContext = { seen: ALICE, ignored: new Set() };
const seqs = (chats: ChatMap, peer = ALICE): number[] => (chats.get(peer)?.messages ?? []).map((m) => m.seq);

test('mergeMessages dedupes by seq (not by id) and orders by timestamp, then seq', () => {
  const a = msg(1, 10);
  const b = msg(2, 20, { direction: 'out' });
  let list = mergeMessages([], [b, a]);
  assert.deepEqual(
    list.map((m) => m.seq),
    [1, 2],
  );
  const same = mergeMessages(list, [msg(1, 10), msg(2, 20)]);
  assert.equal(same, list, 'nothing new: the same array');
  // Other clients reuse stanza ids: the same id with another seq is another message.
  list = mergeMessages(list, [msg(3, 15, { id: 'id1' })]);
  assert.deepEqual(
    list.map((m) => m.seq),
    [1, 3, 2],
  );
  // Same millisecond: seq decides, whatever order they arrive in.
  list = mergeMessages(list, [msg(7, 30), msg(5, 30), msg(6, 30), msg(6, 30)]);
  assert.deepEqual(
    list.map((m) => m.seq),
    [1, 3, 2, 5, 6, 7],
  );
  // Appending in order keeps the fast path's result identical to a sort.
  const appended = mergeMessages(list, [msg(8, 31), msg(9, 31)]);
  assert.deepEqual(
    appended.map((m) => m.seq),
    [1, 3, 2, 5, 6, 7, 8, 9],
  );
});

test('unread: counts incoming text when the chat is not being looked at', () => {
  let chats: ChatMap = new Map();
  chats = applyMessages(chats, [msg(1, 1), msg(2, 2), msg(3, 3, { direction: 'out' })], nobodyLooking);
  assert.equal(chats.get(ALICE)?.unread, 2);
  assert.equal(chats.get(ALICE)?.markerSeq, 1);
  // Duplicates do not count twice; a body-less message does not count.
  chats = applyMessages(chats, [msg(1, 1), msg(4, 4, { body: null })], nobodyLooking);
  assert.equal(chats.get(ALICE)?.unread, 2);
  // Looking at the chat: messages are read at once.
  chats = applyMessages(chats, [msg(5, 5)], aliceLooking);
  assert.equal(chats.get(ALICE)?.unread, 2);
  // Another chat is being looked at: this one still counts. A popped-out chat never counts here.
  chats = applyMessages(chats, [msg(6, 6)], { seen: BOB, ignored: new Set() });
  assert.equal(chats.get(ALICE)?.unread, 3);
  chats = applyMessages(chats, [msg(7, 7)], { seen: null, ignored: new Set([ALICE]) });
  assert.equal(chats.get(ALICE)?.unread, 3);
});

test('unread clears when read; the marker stays until the chat is left, and moves on a new run', () => {
  let chats: ChatMap = applyMessages(new Map(), [msg(1, 1), msg(2, 2)], nobodyLooking);
  assert.equal(clearMarker(chats, ALICE), chats, 'marker kept while unread');
  chats = markRead(chats, ALICE);
  assert.equal(chats.get(ALICE)?.unread, 0);
  assert.equal(chats.get(ALICE)?.markerSeq, 1);
  assert.equal(markRead(chats, ALICE), chats, 'no change: same map');
  chats = applyMessages(chats, [msg(3, 3)], nobodyLooking);
  assert.equal(chats.get(ALICE)?.markerSeq, 3);
  chats = markRead(chats, ALICE);
  chats = clearMarker(chats, ALICE);
  assert.equal(chats.get(ALICE)?.markerSeq, null);
});

test('failures attach to their chat by message id', () => {
  const error = {
    code: 'server-error' as const,
    message: 'Recipient unavailable',
    condition: 'service-unavailable',
    certificate: null,
  };
  const chats = applyFailures(new Map(), [{ id: 'm1', account: ME, kind: 'chat', peer: 'bob@x', error }]);
  assert.equal(chats.get(BOB)?.failures.get('m1')?.message, 'Recipient unavailable');
  // A history page brings the failures of stored messages.
  const paged = applyPage(
    new Map(),
    BOB,
    page([msg(1, 1, { id: 'm2', state: 'failed' })], { failures: [{ id: 'm2', error }] }),
    'initial',
  );
  assert.equal(paged.get(BOB)?.failures.get('m2')?.condition, 'service-unavailable');
});

test('seenChat: only the shown tab of a focused, visible window', () => {
  const base = {
    view: 'main' as const,
    activeId: 'a@x',
    poppedOut: new Set<string>(),
    focused: true,
    visible: true,
    popId: null,
  };
  assert.equal(seenChat(base), 'a@x');
  assert.equal(seenChat({ ...base, focused: false }), null);
  assert.equal(seenChat({ ...base, visible: false }), null);
  assert.equal(seenChat({ ...base, poppedOut: new Set(['a@x']) }), null);
  assert.equal(seenChat({ ...base, view: 'chat', popId: 'b@x' }), 'b@x');
});

test('delivery states only move forward and land in the right chat', () => {
  let chats = applyStates(new Map(), [
    { id: 'm1', account: ME, kind: 'chat', peer: 'bob@example.com', state: 'sent' },
    { id: 'm1', account: ME, kind: 'chat', peer: 'bob@example.com', state: 'read' },
    { id: 'm1', account: ME, kind: 'chat', peer: 'bob@example.com', state: 'delivered' },
    { id: 'm2', account: ME, kind: 'chat', peer: 'carol@example.com', state: 'delivered' },
  ]);
  assert.equal(chats.get(BOB_EX)?.states.get('m1'), 'read');
  assert.equal(chats.get(CAROL_EX)?.states.get('m2'), 'delivered');
  assert.equal(chats.get(BOB_EX)?.states.has('m2'), false);
  const same = applyStates(chats, [
    { id: 'm1', account: ME, kind: 'chat', peer: 'bob@example.com', state: 'sent' },
  ]);
  assert.equal(same.get(BOB_EX), chats.get(BOB_EX), 'no change, same object');
  chats = applyStates(chats, []);
  assert.equal(chats.size, 2);
});

test('delivery states are seeded from stored messages, forward only, sent messages only', () => {
  const out = (seq: number, state: ChatMessage['state']) =>
    msg(seq, seq, { id: `o${seq}`, direction: 'out', state });
  let chats = applyPage(
    new Map(),
    ALICE,
    page([
      out(1, 'pending'),
      out(2, 'sent'),
      out(3, 'delivered'),
      out(4, 'read'),
      out(5, 'failed'),
      msg(6, 6),
    ]),
    'initial',
  );
  const states = chats.get(ALICE)!.states;
  assert.equal(states.has('o1'), false, 'pending: no entry ("Sending…")');
  assert.equal(states.get('o2'), 'sent');
  assert.equal(states.get('o3'), 'delivered');
  assert.equal(states.get('o4'), 'read');
  assert.equal(states.has('o5'), false, 'failures are shown from the failures map');
  assert.equal(states.has('id6'), false, 'received messages carry no delivery state');
  // A live 'read' already seen is not moved back by an older copy of the message.
  chats = applyStates(chats, [{ id: 'o2', account: ME, kind: 'chat', peer: 'alice@x', state: 'read' }]);
  chats = applyPage(chats, ALICE, page([out(2, 'sent')]), 'initial');
  assert.equal(chats.get(ALICE)!.states.get('o2'), 'read');
  // A live message carries its state too (a carbon of a message sent elsewhere, or a 'chat.send' answer).
  chats = applyMessages(chats, [out(7, 'sent')], aliceLooking);
  assert.equal(chats.get(ALICE)!.states.get('o7'), 'sent');
  assert.equal(seedStates(states, [msg(8, 8)]), states, 'nothing to seed: same map');
});

test('paging back merges older pages once and in order; complete comes from the page', () => {
  let chats = applyPage(new Map(), ALICE, page([msg(4, 40), msg(5, 50)]), 'initial');
  assert.deepEqual(seqs(chats), [4, 5]);
  assert.equal(chats.get(ALICE)?.complete, false);
  // A live message that arrived before the first page answered is not doubled.
  chats = applyMessages(new Map(), [msg(5, 50)], aliceLooking);
  chats = applyPage(chats, ALICE, page([msg(4, 40), msg(5, 50)]), 'initial');
  assert.deepEqual(seqs(chats), [4, 5]);
  chats = applyPage(chats, ALICE, page([msg(2, 20), msg(3, 30), msg(4, 40)], { atNewest: false }), 'older');
  assert.deepEqual(seqs(chats), [2, 3, 4, 5]);
  assert.equal(chats.get(ALICE)?.atNewest, true, 'an older page does not move the list off the newest');
  chats = applyPage(chats, ALICE, page([msg(1, 10)], { atNewest: false, complete: true }), 'older');
  assert.deepEqual(seqs(chats), [1, 2, 3, 4, 5]);
  assert.equal(chats.get(ALICE)?.complete, true);
  assert.equal(chats.get(ALICE)?.unread, 0, 'history never counts as unread');
});

test('jump: the page around a message replaces the list; live messages wait until paging reaches the newest', () => {
  let chats = applyPage(new Map(), ALICE, page([msg(90, 900), msg(91, 910)]), 'initial');
  chats = applyMessages(chats, [msg(92, 920)], aliceLooking);
  const listGen = chats.get(ALICE)!.listGen;

  // A jump starts: a new epoch (answers to older requests are dropped by the caller), shown as loading.
  chats = beginLoad(chats, ALICE, 'replace');
  const started = chats.get(ALICE)!;
  assert.equal(started.history, 'loading');
  assert.equal(started.loading, 'replace');
  assert.equal(started.epoch, 1);
  chats = applyPage(
    chats,
    ALICE,
    page([msg(9, 90), msg(10, 100), msg(11, 110)], { atNewest: false }),
    'replace',
    10,
  );
  let chat = chats.get(ALICE)!;
  assert.deepEqual(seqs(chats), [9, 10, 11], 'replaced, not merged');
  assert.equal(chat.atNewest, false);
  assert.equal(chat.highlight?.seq, 10);
  assert.equal(chat.listGen, listGen + 1);
  assert.equal(chat.history, 'loaded');

  // Away from the newest: live messages are not appended after the gap, but still counted when unseen.
  chats = applyMessages(chats, [msg(93, 930)], nobodyLooking);
  chats = applyMessages(chats, [msg(93, 930), msg(94, 940, { direction: 'out' })], nobodyLooking);
  chat = chats.get(ALICE)!;
  assert.deepEqual(seqs(chats), [9, 10, 11]);
  assert.deepEqual(
    chat.held.map((m) => m.seq),
    [93, 94],
  );
  assert.equal(chat.unread, 1, 'the held incoming message is unread, once');
  assert.equal(chat.newestIn, 93);

  // Paging forward merges; the list stays away from the newest until a page says otherwise.
  chats = applyPage(chats, ALICE, page([msg(12, 120), msg(13, 130)], { atNewest: false }), 'newer');
  assert.deepEqual(seqs(chats), [9, 10, 11, 12, 13]);
  assert.equal(chats.get(ALICE)!.atNewest, false);
  assert.equal(chats.get(ALICE)!.highlight?.seq, 10, 'paging keeps the highlight');
  // The last page reaches the newest message: it already holds 93; 94 was stored after it was read.
  chats = applyPage(
    chats,
    ALICE,
    page([msg(14, 140), msg(90, 900), msg(91, 910), msg(92, 920), msg(93, 930)]),
    'newer',
  );
  chat = chats.get(ALICE)!;
  assert.equal(chat.atNewest, true);
  assert.deepEqual(seqs(chats), [9, 10, 11, 12, 13, 14, 90, 91, 92, 93, 94]);
  assert.deepEqual(chat.held, []);
  assert.equal(chat.listGen, listGen + 1, 'paging forward is not a replacement');

  // At the newest again: live messages are appended as before.
  chats = applyMessages(chats, [msg(95, 950)], aliceLooking);
  assert.deepEqual(seqs(chats).slice(-3), [93, 94, 95]);
});

test('jump to latest replaces the list with the newest page and takes back held messages newer than it', () => {
  let chats = applyPage(new Map(), ALICE, page([msg(1, 10), msg(2, 20)], { atNewest: false }), 'replace', 1);
  chats = applyMessages(chats, [msg(50, 500), msg(51, 510)], nobodyLooking);
  // Newest page read before 51 was stored (its event came first).
  chats = applyPage(chats, ALICE, page([msg(49, 490), msg(50, 500)]), 'replace');
  const chat = chats.get(ALICE)!;
  assert.deepEqual(seqs(chats), [49, 50, 51]);
  assert.equal(chat.atNewest, true);
  assert.equal(chat.highlight, null, 'jump to latest highlights nothing');
  assert.equal(chat.listGen, 2);
});

test('held messages are bounded, and the highlight is cleared only by its own token', () => {
  let chats = applyPage(new Map(), ALICE, page([msg(1, 1)], { atNewest: false }), 'replace', 1);
  const many = Array.from({ length: MAX_HELD + 20 }, (_, i) => msg(100 + i, 100 + i));
  chats = applyMessages(chats, many, nobodyLooking);
  const chat = chats.get(ALICE)!;
  assert.equal(chat.held.length, MAX_HELD);
  assert.equal(chat.held[0]?.seq, 120, 'the oldest are dropped (they are in the history anyway)');
  const token = chat.highlight!.token;
  assert.equal(clearHighlight(chats, ALICE, token + 1), chats);
  assert.equal(clearHighlight(chats, ALICE, token).get(ALICE)?.highlight, null);
  assert.equal(clearHighlight(chats, NOBODY, token), chats);
});

test('newestIn follows incoming messages live and from pages that reach the newest, not from older pages', () => {
  let chats: ChatMap = new Map([[ALICE, emptyChat(ALICE)]]);
  chats = applyPage(chats, ALICE, page([msg(3, 3), msg(4, 4, { direction: 'out' })]), 'initial');
  assert.equal(chats.get(ALICE)?.newestIn, 3, 'own messages are not marked');
  // Archive messages fetched while scrolling back get new (higher) rows but are old.
  chats = applyPage(chats, ALICE, page([msg(200, 1)], { atNewest: false }), 'older');
  assert.equal(chats.get(ALICE)?.newestIn, 3);
  chats = applyMessages(chats, [msg(201, 10)], nobodyLooking);
  assert.equal(chats.get(ALICE)?.newestIn, 201);
});
