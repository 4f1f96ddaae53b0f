// Tests run in Node (node --test). Which conversation a 1:1-typed message is filed under (a chat, or a
// private conversation with a room occupant), and carbons of room traffic: the real envelope parser and a
// real (in-memory) history store behind the chats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import type { EventName } from '../../../shared/contract.ts';
import { parseJid } from '../../../shared/jid.ts';
import { HistoryStore } from '../history/history-store.ts';
import type { AccountEvents } from '../account/module.ts';
import { parseEnvelope, type MessageEnvelope } from '../xmpp/envelope.ts';
import { NS_MUC_USER } from '../muc/muc-user.ts';
import { Chats } from './chat.ts';
import { filePeer, hasMucUserMarker } from './private-peer.ts';

const ME = 'me@example.com';
const ROOM = 'lounge@rooms.example.com';

function carbon(direction: 'sent' | 'received', inner: Element): Element {
  return xml(
    'message',
    { from: ME, to: `${ME}/desk`, type: 'chat' },
    xml(direction, { xmlns: 'urn:xmpp:carbons:2' }, xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, inner)),
  );
}

function envelope(stanza: Element): MessageEnvelope {
  const parsed = parseEnvelope(stanza, parseJid(`${ME}/desk`));
  assert.equal(parsed?.kind, 'message');
  return parsed as MessageEnvelope;
}

function chatsWith(rooms: ReadonlySet<string>) {
  const store = HistoryStore.open(':memory:');
  const emitted: Array<{ event: EventName; payload: unknown }> = [];
  const events = {
    emit: (event: EventName, payload: unknown) => emitted.push({ event, payload }),
    flush: () => undefined,
  } as unknown as AccountEvents;
  const chats = new Chats(
    ME,
    events,
    store,
    () => false,
    undefined,
    (bare) => rooms.has(bare),
  );
  return { chats, store, emitted };
}

test('filePeer: an occupant (marked, or of a room) is private; a bare JID or a contact is a chat', () => {
  const none = () => false;
  assert.deepEqual(filePeer(ROOM, 'bea', true, none), {
    kind: 'private',
    peer: `${ROOM}/bea`,
    peerResource: null,
  });
  assert.deepEqual(
    filePeer(ROOM, 'bea', false, (b) => b === ROOM),
    {
      kind: 'private',
      peer: `${ROOM}/bea`,
      peerResource: null,
    },
  );
  // The room itself (a mediated invitation comes from its bare JID) is no occupant.
  assert.deepEqual(
    filePeer(ROOM, null, true, () => true),
    { kind: 'chat', peer: ROOM, peerResource: null },
  );
  assert.deepEqual(filePeer('bob@example.net', 'phone', false, none), {
    kind: 'chat',
    peer: 'bob@example.net',
    peerResource: 'phone',
  });
  assert.equal(hasMucUserMarker(xml('message', {}, xml('x', { xmlns: NS_MUC_USER }))), true);
  assert.equal(hasMucUserMarker(xml('message', {}, xml('x', { xmlns: 'jabber:x:conference' }))), false);
});

test('carbons: a private message sent from another device is filed as private; a groupchat carbon is never kept', () => {
  const { chats, store } = chatsWith(new Set([ROOM]));
  const pm = xml(
    'message',
    { from: `${ME}/phone`, to: `${ROOM}/bea`, type: 'chat', id: 'p1' },
    xml('body', {}, 'psst'),
    xml('x', { xmlns: NS_MUC_USER }),
  );
  assert.equal(chats.handleOwnSent(envelope(carbon('sent', pm))), true);
  // A room line copied as a carbon (servers should not; a hostile or buggy one might): not a line of ours.
  const line = xml(
    'message',
    { from: `${ME}/phone`, to: ROOM, type: 'groupchat', id: 'g1' },
    xml('body', {}, 'hello room'),
  );
  assert.equal(chats.handleOwnSent(envelope(carbon('sent', line))), false);
  const received = xml(
    'message',
    { from: `${ROOM}/bea`, to: `${ME}/phone`, type: 'groupchat', id: 'g2' },
    xml('body', {}, 'hi all'),
  );
  assert.equal(chats.handle(envelope(carbon('received', received))), false);
  chats.flushIncoming();
  assert.deepEqual(
    store.page(ME, `${ROOM}/bea`, { kind: 'private', limit: 10 }).map((m) => [m.direction, m.body, m.state]),
    [['out', 'psst', 'sent']],
  );
  assert.deepEqual(store.page(ME, ROOM, { kind: 'groupchat', limit: 10 }), [], 'no room line from a carbon');
  assert.deepEqual(store.page(ME, ROOM, { kind: 'chat', limit: 10 }), [], 'nothing under the room address');
  store.close();
});

test("a private message we compose goes to room/nick as type chat with XEP-0045's muc#user marker", () => {
  const { chats, store } = chatsWith(new Set([ROOM]));
  const { stanza, record } = chats.compose({ to: `${ROOM}/bea`, body: 'hi bea' });
  assert.equal(record.kind, 'private');
  assert.equal(record.peer, `${ROOM}/bea`);
  assert.equal(stanza.attrs.to, `${ROOM}/bea`);
  assert.equal(stanza.attrs.type, 'chat');
  assert.equal(hasMucUserMarker(stanza), true);
  // To a contact's resource: an ordinary chat, without the marker.
  const plain = chats.compose({ to: 'bob@example.net/phone', body: 'hi bob' });
  assert.equal(plain.record.kind, 'chat');
  assert.equal(hasMucUserMarker(plain.stanza), false);
  assert.throws(() => chats.compose({ to: 'bob@example.net', kind: 'private', body: 'x' }), /occupant/);
  store.close();
});

test("an incoming muc#user marker alone is not believed: from no room we know it stays a 1:1 stranger's chat", () => {
  const { chats, store } = chatsWith(new Set([ROOM]));
  const marked = (from: string, body: string) =>
    xml(
      'message',
      { from, to: `${ME}/desk`, type: 'chat', id: body },
      xml('body', {}, body),
      xml('x', { xmlns: NS_MUC_USER }),
    );
  chats.handle(envelope(marked('spam@example.org/r1', 'one')));
  chats.handle(envelope(marked('spam@example.org/r2', 'two')));
  chats.handle(envelope(marked(`${ROOM}/bea`, 'from the room')));
  chats.flushIncoming();
  assert.deepEqual(
    store.page(ME, 'spam@example.org', { kind: 'chat', limit: 10 }).map((m) => m.body),
    ['one', 'two'],
    'one chat for the sender, not a private conversation per resource',
  );
  assert.equal(store.hasConversation(ME, 'private', 'spam@example.org/r1'), false);
  assert.deepEqual(
    store.page(ME, `${ROOM}/bea`, { kind: 'private', limit: 10 }).map((m) => m.body),
    ['from the room'],
  );
  store.close();
});
