// Tests run in Node (node --test). A room line of ours given up on at a fresh session: the room's copy of it
// (its reflection, or its archive's) moves it to 'sent' and is never a second line; the history store's
// reopen() is the only way out of 'failed'. Also what a room line stores: a mention, and the sender's
// occupant id only when the room vouches for it (XEP-0421 §3: a room that advertises it strips forged ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import type { EventName } from '../../../shared/contract.ts';
import { parseJid } from '../../../shared/jid.ts';
import type { AccountEvents } from '../account/module.ts';
import { EngineError } from '../errors.ts';
import { HistoryStore } from '../history/history-store.ts';
import { parseEnvelope, type MessageEnvelope } from '../xmpp/envelope.ts';
import { NS_SID } from '../xmpp/ns.ts';
import { ROOM_FEATURES } from './join.ts';
import { NS_OCCUPANT_ID } from './muc-user.ts';
import { RoomMessages, roomLineStanza } from './room-messages.ts';
import { RoomState } from './room.ts';

const ME = 'me@example.com';
const ROOM = 'lounge@rooms.example.com';

function setup() {
  const store = HistoryStore.open(':memory:');
  const emitted: Array<{ event: EventName; payload: unknown }> = [];
  const events = {
    emit: (event: EventName, payload: unknown) => emitted.push({ event, payload }),
  } as unknown as AccountEvents;
  const messages = new RoomMessages(ME, events, store);
  const room = new RoomState(ROOM, 'me', null);
  room.status = 'joined';
  return { store, emitted, messages, room };
}

function fromRoom(stanza: Element): MessageEnvelope {
  return parseEnvelope(stanza, parseJid(`${ME}/desk`)) as MessageEnvelope;
}

test("a line failed at a fresh session that the room had after all is 'sent', once, with kind groupchat", () => {
  const { store, emitted, messages, room } = setup();
  const { stanza, record } = messages.compose(room, 'did it get there?');
  messages.failSent(ROOM, record.id, new EngineError('not-connected', 'The connection dropped.'));
  assert.equal(store.message(ME, record.seq)?.state, 'failed');
  const failed = emitted.find((e) => e.event === 'chat.failed')?.payload as {
    failures: Array<{ kind: string; peer: string; id: string }>;
  };
  assert.deepEqual(
    failed.failures.map((f) => [f.kind, f.peer, f.id]),
    [['groupchat', ROOM, record.id]],
  );
  // The room's archive, after the rejoin, holds our line: same origin-id, from our nick.
  const copy = xml(
    'message',
    { from: `${ROOM}/me`, to: `${ME}/desk`, type: 'groupchat', id: stanza.attrs.id },
    xml('body', {}, 'did it get there?'),
    xml('origin-id', { xmlns: NS_SID, id: record.originId! }),
    xml('stanza-id', { xmlns: NS_SID, by: ROOM, id: 'room-archive-1' }),
  );
  messages.handleGroupchat(room, fromRoom(copy));
  messages.flush();
  assert.equal(store.message(ME, record.seq)?.state, 'sent');
  assert.equal(store.page(ME, ROOM, { kind: 'groupchat', limit: 10 }).length, 1, 'one line, not two');
  const states = emitted.filter((e) => e.event === 'chat.states').map((e) => e.payload);
  assert.deepEqual(states, [
    { updates: [{ account: ME, kind: 'groupchat', peer: ROOM, id: record.id, state: 'sent' }] },
  ]);
  assert.equal(emitted.filter((e) => e.event === 'chat.messages').length, 0, 'no second line shown');
  store.close();
});

test('reopen: only a failed message of ours leaves failed; a retried line keeps its id and origin-id', () => {
  const { store, messages, room } = setup();
  const { stanza, record } = messages.compose(room, 'again');
  assert.equal(store.reopen(ME, record.seq, 'pending'), null, 'pending is not failed');
  messages.failSent(ROOM, record.id, new EngineError('not-connected', 'dropped'));
  const reopened = store.reopen(ME, record.seq, 'pending');
  assert.equal(reopened?.state, 'pending');
  assert.equal(reopened?.error, null);
  assert.equal(store.reopen(ME, record.seq, 'pending'), null, 'once');
  assert.equal(store.reopen('other@example.com', record.seq, 'pending'), null, "another account's row");
  const resent = roomLineStanza(reopened!);
  assert.equal(resent.attrs.id, stanza.attrs.id);
  assert.equal(resent.attrs.type, 'groupchat');
  assert.equal(resent.getChild('origin-id', NS_SID)?.attrs.id, record.originId);
  store.close();
});

test('a room line stores its mention, and the occupant id only from a room that vouches for it', () => {
  const { store, messages, room } = setup();
  const line = (id: string, body: string) =>
    xml(
      'message',
      { from: `${ROOM}/bea`, to: `${ME}/desk`, type: 'groupchat', id },
      xml('body', {}, body),
      xml('occupant-id', { xmlns: NS_OCCUPANT_ID, id: 'occ-bea' }),
      xml('stanza-id', { xmlns: NS_SID, by: ROOM, id: `s-${id}` }),
    );
  messages.handleGroupchat(room, fromRoom(line('l1', 'me: a question')));
  room.features = [ROOM_FEATURES.occupantId];
  messages.handleGroupchat(room, fromRoom(line('l2', 'no mention here')));
  messages.flush();
  assert.equal(room.mentions, 1);
  const rows = store.page(ME, ROOM, { kind: 'groupchat', limit: 10 });
  assert.deepEqual(
    rows.map((m) => [m.body, m.mentionsMe, m.occupantId]),
    [
      ['me: a question', true, null],
      ['no mention here', false, 'occ-bea'],
    ],
  );
  const page = messages.page(ROOM, undefined, 10).messages;
  assert.equal(page[0]?.mention, true, 'read back from the history: highlighted after a restart');
  assert.equal(page[1]?.occupantId, 'occ-bea');
  store.close();
});
