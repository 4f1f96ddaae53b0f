// A stranger's message that comes again in an archive page (a catch-up after a restart fetches what the last
// run already held) is not admitted to the message requests again: it would count twice against the caps and
// bring a dismissed request back. Chats over an in-memory history, no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { recordingEvents } from '../account/unit-test-kit.ts';
import { HistoryStore } from '../history/history-store.ts';
import type { ArchivedMessage } from '../mam/mam.ts';
import { parseJid } from '../../../shared/jid.ts';
import { parseEnvelope, type MessageEnvelope } from '../xmpp/envelope.ts';
import { Chats, type StrangerGate } from './chat.ts';

const ME = 'me@example.com';
const EVE = 'eve@elsewhere.example';

function archived(stanzaId: string, body: string): ArchivedMessage {
  return {
    archiveId: stanzaId,
    stanzaId,
    serverAt: 1_000,
    sentAt: null,
    direction: 'in',
    peer: EVE,
    peerResource: 'phone',
    type: 'chat',
    body,
    subject: null,
    thread: null,
    messageId: null,
    originId: null,
    ack: null,
    stanza: xml('message', { from: `${EVE}/phone`, type: 'chat' }, xml('body', {}, body)),
  };
}

test('an archived stranger message we already hold is not admitted again; a new one is', () => {
  const store = HistoryStore.open(':memory:');
  const admitted: string[] = [];
  const gate: StrangerGate = {
    admit: (peer, text) => {
      admitted.push(`${peer}: ${text}`);
      return true;
    },
    waiting: () => true,
  };
  const { events } = recordingEvents('chat.messages');
  const chats = new Chats(ME, events, store, () => false, gate);
  chats.storeArchived([archived('a1', 'hello')], { announce: true });
  assert.deepEqual(admitted, [`${EVE}: hello`]);
  // The next start's catch-up brings the same page again, and one message more.
  chats.storeArchived([archived('a1', 'hello'), archived('a2', 'anyone?')], { announce: true });
  assert.deepEqual(admitted, [`${EVE}: hello`, `${EVE}: anyone?`], 'hello is not admitted twice');
  const page = store.page(ME, EVE, { limit: 10 });
  assert.deepEqual(
    page.map((m) => m.body),
    ['hello', 'anyone?'],
  );
  store.close();
});

test('a live copy of a stranger message the catch-up already stored (held meanwhile) is not admitted again', () => {
  const store = HistoryStore.open(':memory:');
  const admitted: string[] = [];
  const gate: StrangerGate = {
    admit: (peer, text) => {
      admitted.push(`${peer}: ${text}`);
      return true;
    },
    waiting: () => true,
  };
  const { events } = recordingEvents('chat.messages');
  const chats = new Chats(ME, events, store, () => false, gate);
  chats.storeArchived([archived('a1', 'hello')], { announce: true });
  const live = (stanzaId: string, body: string): MessageEnvelope =>
    parseEnvelope(
      xml(
        'message',
        { from: `${EVE}/phone`, to: `${ME}/desk`, type: 'chat' },
        xml('body', {}, body),
        xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', id: stanzaId, by: ME }),
      ),
      parseJid(`${ME}/desk`)!,
    ) as MessageEnvelope;
  assert.equal(chats.handle(live('a1', 'hello')), true);
  assert.equal(chats.handle(live('a2', 'still there?')), true);
  chats.flushIncoming();
  assert.deepEqual(admitted, [`${EVE}: hello`, `${EVE}: still there?`], 'hello is admitted once');
  assert.deepEqual(
    store.page(ME, EVE, { limit: 10 }).map((m) => m.body),
    ['hello', 'still there?'],
  );
  store.close();
});
