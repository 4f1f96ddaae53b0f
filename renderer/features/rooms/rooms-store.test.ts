// Tests run in Node (node --test). The rooms store: rooms and occupants as the engine's events and the
// snapshot give them, what stays after we are put out of a room, the contract's bounds, and a room's
// reflected message moving to 'sent' in the room's own conversation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_NICK_CHARS, MAX_OCCUPANTS, MAX_ROOMS, type Occupant, type Room } from '../../../shared/muc.ts';
import { applyFailures, applyStates, emptyChat } from '../../stores/chats.ts';
import { conversationId } from '../../stores/conversation.ts';
import { MUC_LIMITS, applyOccupants, applyRooms, dropRoom, resetRooms } from './rooms-store.ts';
import { roomId } from './rooms-sync.ts';

const ACCOUNT = 'me@example.com';

function room(jid: string, patch: Partial<Room> = {}): Room {
  return {
    room: jid,
    status: 'joined',
    reason: null,
    alternate: null,
    nick: 'me',
    role: 'participant',
    affiliation: 'none',
    subject: null,
    features: [],
    nonAnonymous: false,
    logging: false,
    occupants: 1,
    mentions: 0,
    ...patch,
  };
}

function occupant(nick: string, patch: Partial<Occupant> = {}): Occupant {
  return {
    nick,
    role: 'participant',
    affiliation: 'none',
    jid: null,
    show: 'available',
    status: null,
    occupantId: null,
    ...patch,
  };
}

const R = 'den@rooms.example.com';

test("the bounds are the contract's", () => {
  assert.deepEqual(MUC_LIMITS, { rooms: MAX_ROOMS, occupants: MAX_OCCUPANTS, nickChars: MAX_NICK_CHARS });
});

test('rooms are upserted per account; occupants wait for the complete list, then follow upserts and removals', () => {
  let s = applyRooms(new Map(), ACCOUNT, [room(R, { status: 'joining' })]);
  assert.equal(s.get(ACCOUNT)?.get(R)?.room.status, 'joining');
  // An update before the complete list is not a list.
  s = applyOccupants(s, { account: ACCOUNT, room: R, reset: false, upserts: [occupant('ann')], removed: [] });
  assert.equal(s.get(ACCOUNT)?.get(R)?.occupants, null);
  s = applyOccupants(s, {
    account: ACCOUNT,
    room: R,
    reset: true,
    upserts: [occupant('ann'), occupant('bob'), occupant('me')],
    removed: [],
  });
  s = applyRooms(s, ACCOUNT, [room(R, { status: 'joined', subject: 'Plans' })]);
  s = applyOccupants(s, {
    account: ACCOUNT,
    room: R,
    reset: false,
    upserts: [occupant('cat', { role: 'visitor' }), occupant('ann', { show: 'away' })],
    removed: ['bob'],
  });
  const entry = s.get(ACCOUNT)?.get(R);
  assert.equal(entry?.room.subject, 'Plans');
  assert.deepEqual([...(entry?.occupants?.keys() ?? [])], ['ann', 'me', 'cat']);
  assert.equal(entry?.occupants?.get('ann')?.show, 'away', 'the joined status kept the occupants');
  // Another account's room of the same name is another room.
  s = applyRooms(s, 'other@example.com', [room(R)]);
  assert.equal(s.get('other@example.com')?.get(R)?.occupants, null);
  assert.equal(s.get(ACCOUNT)?.get(R)?.occupants?.size, 3);
});

test('kicked: the room stays with its reason and no occupants; left: it goes; dismissed: it goes', () => {
  let s = applyRooms(new Map(), ACCOUNT, [room(R), room('b@rooms.example.com')]);
  s = applyOccupants(s, { account: ACCOUNT, room: R, reset: true, upserts: [occupant('ann')], removed: [] });
  s = applyRooms(s, ACCOUNT, [room(R, { status: 'kicked', reason: 'Spamming' })]);
  assert.equal(s.get(ACCOUNT)?.get(R)?.room.reason, 'Spamming');
  assert.equal(s.get(ACCOUNT)?.get(R)?.occupants, null);
  s = applyRooms(s, ACCOUNT, [room('b@rooms.example.com', { status: 'left' })]);
  assert.deepEqual([...(s.get(ACCOUNT)?.keys() ?? [])], [R]);
  // A snapshot (page reload) without the kicked room keeps it on screen; one with a joined room brings it.
  s = resetRooms(s, ACCOUNT, [room('c@rooms.example.com')]);
  assert.deepEqual([...(s.get(ACCOUNT)?.keys() ?? [])].sort(), ['c@rooms.example.com', R]);
  s = dropRoom(s, ACCOUNT, R);
  assert.deepEqual([...(s.get(ACCOUNT)?.keys() ?? [])], ['c@rooms.example.com']);
});

test('past the bounds, new rooms and new occupants are not kept (known ones still update)', () => {
  const many = Array.from({ length: MUC_LIMITS.rooms + 5 }, (_, i) => room(`r${i}@rooms.example.com`));
  let s = applyRooms(new Map(), ACCOUNT, many);
  assert.equal(s.get(ACCOUNT)?.size, MUC_LIMITS.rooms);
  s = applyRooms(s, ACCOUNT, [room('r0@rooms.example.com', { subject: 'still updated' })]);
  assert.equal(s.get(ACCOUNT)?.get('r0@rooms.example.com')?.room.subject, 'still updated');
  const crowd = Array.from({ length: MUC_LIMITS.occupants + 10 }, (_, i) => occupant(`n${i}`));
  s = applyOccupants(s, {
    account: ACCOUNT,
    room: 'r0@rooms.example.com',
    reset: true,
    upserts: crowd,
    removed: [],
  });
  assert.equal(s.get(ACCOUNT)?.get('r0@rooms.example.com')?.occupants?.size, MUC_LIMITS.occupants);
});

test("a room's reflection and error reach the room's conversation, not a 1:1 chat", () => {
  const id = roomId(ACCOUNT, R);
  const oneToOne = conversationId({ account: ACCOUNT, kind: 'chat', peer: R });
  const chats = new Map([[id, emptyChat(id)]]);
  const sent = applyStates(chats, [
    { account: ACCOUNT, kind: 'groupchat', peer: R, id: 'm1', state: 'sent' },
  ]);
  assert.equal(sent.get(id)?.states.get('m1'), 'sent');
  assert.equal(sent.has(oneToOne), false, 'no 1:1 chat with the room address');
  const error = {
    code: 'not-allowed' as const,
    message: 'No voice',
    condition: 'forbidden',
    certificate: null,
  };
  const failed = applyFailures(sent, [{ account: ACCOUNT, kind: 'groupchat', peer: R, id: 'm2', error }]);
  assert.equal(failed.get(id)?.failures.get('m2')?.message, 'No voice');
  assert.equal(failed.has(oneToOne), false);
  // A line shown failed that the room reflects after all (found in its archive) is no longer failed.
  const back = applyStates(failed, [
    { account: ACCOUNT, kind: 'groupchat', peer: R, id: 'm2', state: 'sent' },
  ]);
  assert.equal(back.get(id)?.failures.has('m2'), false);
  assert.equal(back.get(id)?.states.get('m2'), 'sent');
});
