// Tests run in Node (node --test). Who a search hit names, by its conversation's kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../shared/contract.ts';
import { hitWho } from './hit-words.ts';

const ROOM = 'lounge@rooms.example.com';

function hit(patch: Partial<ChatMessage>): ChatMessage {
  return {
    account: 'me@example.com',
    kind: 'chat',
    seq: 1,
    id: 'm1',
    originId: null,
    direction: 'in',
    peer: 'bob@example.net',
    peerFull: 'bob@example.net/phone',
    type: 'chat',
    body: 'hello',
    subject: null,
    thread: null,
    timestamp: 0,
    delayed: false,
    fromRoster: true,
    state: 'received',
    ...patch,
  };
}

test('a room line names its sender and, across conversations, its room', () => {
  const line = hit({ kind: 'groupchat', peer: ROOM, peerFull: `${ROOM}/bea` });
  assert.deepEqual(hitWho(line, 'ignored', true), { lead: null, name: 'bea', where: 'lounge' });
  assert.deepEqual(hitWho(line, 'ignored', false), { lead: null, name: 'bea', where: null });
  const ours = hit({ kind: 'groupchat', peer: ROOM, peerFull: `${ROOM}/me`, direction: 'out' });
  assert.deepEqual(hitWho(ours, 'ignored', true), { lead: 'You', name: null, where: 'lounge' });
});

test('a private message names the occupant and their room; a 1:1 one the contact', () => {
  const pm = hit({ kind: 'private', peer: `${ROOM}/bea`, peerFull: `${ROOM}/bea` });
  assert.deepEqual(hitWho(pm, 'ignored', true), { lead: null, name: 'bea (in lounge)', where: null });
  assert.deepEqual(hitWho({ ...pm, direction: 'out' }, 'ignored', true), {
    lead: 'You to',
    name: 'bea (in lounge)',
    where: null,
  });
  assert.deepEqual(hitWho(hit({}), 'Bob', true), { lead: null, name: 'Bob', where: null });
  assert.deepEqual(hitWho(hit({ direction: 'out' }), 'Bob', false), { lead: 'You', name: null, where: null });
});
