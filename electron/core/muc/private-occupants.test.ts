// Tests run in Node (node --test). RoomMessages.handlePrivate given the joined room: a private message from
// a nick that is not among the room's occupants opens no conversation (it is taken and dropped); one from
// an occupant does, and a conversation the history holds goes on after that occupant left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { parseJid } from '../../../shared/jid.ts';
import type { AccountEvents } from '../account/module.ts';
import { HistoryStore } from '../history/history-store.ts';
import { parseEnvelope, type MessageEnvelope } from '../xmpp/envelope.ts';
import { RoomMessages } from './room-messages.ts';
import { RoomState } from './room.ts';

const ME = 'me@example.com';
const ROOM = 'lounge@rooms.example.com';

const pm = (nick: string, body: string): MessageEnvelope =>
  parseEnvelope(
    xml('message', { from: `${ROOM}/${nick}`, to: `${ME}/desk`, type: 'chat' }, xml('body', {}, body)),
    parseJid(`${ME}/desk`),
  ) as MessageEnvelope;

test("a nick not among the joined room's occupants opens no private conversation; an occupant's does", () => {
  const store = HistoryStore.open(':memory:');
  const events = { emit: () => undefined, hurry: () => undefined } as AccountEvents;
  const messages = new RoomMessages(ME, events, store);
  const room = new RoomState(ROOM, 'me', null);
  room.status = 'joined';
  const ann = {
    nick: 'ann',
    role: 'participant',
    affiliation: 'none',
    jid: null,
    show: 'available',
    status: null,
    occupantId: null,
  } as const;
  room.occupants.set('ann', ann);

  assert.equal(messages.handlePrivate(pm('ghost', 'boo'), room), true, 'taken, not handed on');
  assert.equal(messages.handlePrivate(pm('ann', 'hi'), room), true);
  messages.flush();
  assert.equal(store.hasConversation(ME, 'private', `${ROOM}/ghost`), false);
  assert.equal(store.hasConversation(ME, 'private', `${ROOM}/ann`), true);
  // ann left; her conversation is held, so her late word still lands in it.
  room.occupants.delete('ann');
  messages.handlePrivate(pm('ann', 'one more thing'), room);
  messages.flush();
  const page = store.page(ME, `${ROOM}/ann`, { kind: 'private', limit: 10 });
  assert.deepEqual(
    page.map((m) => m.body),
    ['hi', 'one more thing'],
  );
  store.close();
});
