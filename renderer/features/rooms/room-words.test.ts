// Tests run in Node (node --test). Rooms in words: the occupant list's rows by role (collapsed groups keep
// their heading and count), join refusals said as the dialog says them, a kicked room's sentence with its
// reason, and a room's message list starting a sender line at each change of nick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../shared/contract.ts';
import type { Occupant } from '../../../shared/muc.ts';
import { buildMessageItems } from '../chat/message-model.ts';
import { joinProblem } from './rooms-actions.ts';
import { completeNick, occupantRows, outSentence, roomName, senderNick } from './room-words.ts';

const occupant = (nick: string, role: Occupant['role']): Occupant => ({
  nick,
  role,
  affiliation: 'none',
  jid: null,
  show: 'available',
  status: null,
  occupantId: null,
});

test('occupants grouped moderators, participants, visitors, by nick; a collapsed group keeps its count', () => {
  const list = [
    occupant('zoe', 'participant'),
    occupant('Amy', 'visitor'),
    occupant('bob', 'moderator'),
    occupant('al', 'participant'),
  ];
  const rows = occupantRows(list, new Set());
  assert.deepEqual(
    rows.map((r) => (r.kind === 'heading' ? `${r.heading} ${r.count}` : r.occupant.nick)),
    ['Moderators 1', 'bob', 'Participants 2', 'al', 'zoe', 'Visitors 1', 'Amy'],
  );
  const folded = occupantRows(list, new Set(['participant']));
  assert.deepEqual(
    folded.map((r) => (r.kind === 'heading' ? `${r.heading} ${r.count}` : r.occupant.nick)),
    ['Moderators 1', 'bob', 'Participants 2', 'Visitors 1', 'Amy'],
  );
});

test('5,000 occupants become their rows in one pass', () => {
  const crowd = Array.from({ length: 5000 }, (_, i) =>
    occupant(`n${i}`, i % 50 === 0 ? 'moderator' : 'participant'),
  );
  const rows = occupantRows(crowd, new Set());
  assert.equal(rows.length, 5002);
  assert.equal(rows[0]?.kind === 'heading' && rows[0].count, 100);
});

test('join refusals in words, pointing at their field', () => {
  const error = (code: string, suggestion?: string) =>
    ({ code, message: 'x', condition: null, certificate: null, suggestion }) as Parameters<
      typeof joinProblem
    >[0];
  assert.deepEqual(joinProblem(error('nick-conflict', 'me_')), {
    text: 'Someone in the room already uses that nickname. Try “me_”?',
    field: 'nick',
    suggestion: 'me_',
  });
  assert.equal(joinProblem(error('password-required')).field, 'password');
  assert.match(joinProblem(error('members-only')).text, /Only members/);
  assert.match(joinProblem(error('banned')).text, /banned/);
  assert.match(joinProblem(error('not-allowed')).text, /will not let you create/);
  assert.match(joinProblem(error('room-full')).text, /full/);
  assert.match(joinProblem(error('not-found')).text, /No such room/);
});

test('a room we are out of says why; names and nicks from addresses', () => {
  const base = {
    room: 'den@rooms.example.com',
    alternate: null,
    nick: 'me',
    role: 'none' as const,
    affiliation: 'none' as const,
    subject: null,
    features: [],
    nonAnonymous: false,
    logging: false,
    occupants: 0,
    mentions: 0,
  };
  assert.equal(
    outSentence({ ...base, status: 'kicked', reason: 'Too many puns' }),
    'You were kicked from this room. Reason: Too many puns',
  );
  assert.equal(
    outSentence({ ...base, status: 'destroyed', reason: null, alternate: 'new@rooms.example.com' }),
    'This room was closed by its owner. It moved to new@rooms.example.com.',
  );
  assert.equal(roomName('den@rooms.example.com'), 'den');
  assert.equal(senderNick('den@rooms.example.com/ann/with slash'), 'ann/with slash');
  assert.equal(senderNick('den@rooms.example.com'), null);
});

test("a room's message list starts a sender line at each change of nick", () => {
  const msg = (seq: number, from: string): ChatMessage => ({
    account: 'me@example.com',
    kind: 'groupchat',
    seq,
    id: `m${seq}`,
    originId: null,
    direction: 'in',
    peer: 'den@rooms.example.com',
    peerFull: `den@rooms.example.com/${from}`,
    type: 'chat',
    body: 'hi',
    subject: null,
    thread: null,
    timestamp: 1_700_000_000_000 + seq,
    delayed: false,
    fromRoster: false,
    state: 'received',
  });
  const items = buildMessageItems([msg(1, 'ann'), msg(2, 'ann'), msg(3, 'bob')], null, Date.now());
  assert.deepEqual(
    items.flatMap((i) => (i.kind === 'message' ? [i.firstOfRun] : [])),
    [true, false, true],
  );
});

test('Tab completes a nick: ": " at the start, " " inside a sentence, never our own, nothing for no match', () => {
  const nicks = ['Bob', 'bea', 'ann', 'me'];
  assert.deepEqual(completeNick('b', 1, nicks, 'me'), { text: 'bea: ', caret: 5 });
  assert.deepEqual(completeNick('ask AN about it', 6, nicks, 'me'), {
    text: 'ask ann  about it',
    caret: 8,
  });
  assert.equal(completeNick('m', 1, nicks, 'me'), null, 'our own nick is not offered');
  assert.equal(completeNick('hello ', 6, nicks, 'me'), null, 'no word before the caret');
  assert.equal(completeNick('zed', 3, nicks, 'me'), null);
});

test("a room's name and a kick reason are tamed remote text (at most 4 combining marks per letter)", () => {
  const zalgo = `z${'\u0301'.repeat(60)}`;
  assert.equal(roomName(`${zalgo}@rooms.example.com`), `z${'\u0301'.repeat(4)}`);
  const kicked = outSentence({
    room: 'den@rooms.example.com',
    status: 'kicked',
    reason: zalgo,
    alternate: null,
    nick: 'me',
    role: 'none',
    affiliation: 'none',
    subject: null,
    features: [],
    nonAnonymous: false,
    logging: false,
    occupants: 0,
    mentions: 0,
  });
  assert.ok(kicked.endsWith(`Reason: z${'\u0301'.repeat(4)}`), kicked);
});
