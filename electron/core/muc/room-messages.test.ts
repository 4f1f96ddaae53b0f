// RoomMessages' write batching against a real HistoryStore (SQLite in a temp dir) and stanzas parsed as the
// account runtime parses them: a line after a quiet spell is written and shown at the next turn; lines that
// follow within FLUSH_SPACING_MS wait and go out together, in order, none lost; a read of the history
// (page) writes what waits first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { xml } from '@xmpp/xml';
import type { ChatMessage } from '../../../shared/contract.ts';
import { parseJid } from '../../../shared/jid.ts';
import { recordingEvents } from '../account/unit-test-kit.ts';
import { HistoryStore } from '../history/history-store.ts';
import { parseEnvelope, type MessageEnvelope } from '../xmpp/envelope.ts';
import { NS_SID } from '../xmpp/ns.ts';
import { FLUSH_SPACING_MS, RoomMessages } from './room-messages.ts';
import { RoomState } from './room.ts';

const ACCOUNT = 'me@parley.test';
const OWN = parseJid(`${ACCOUNT}/desk`);
const ROOM = 'lounge@rooms.parley.test';

function line(n: number): MessageEnvelope {
  const stanza = xml(
    'message',
    { from: `${ROOM}/nick-${n % 7}`, to: `${ACCOUNT}/desk`, type: 'groupchat', id: `m${n}` },
    xml('body', {}, `line ${n}`),
    xml('stanza-id', { xmlns: NS_SID, by: ROOM, id: `sid-${n}` }),
  );
  const envelope = parseEnvelope(stanza, OWN);
  assert.ok(envelope?.kind === 'message');
  return envelope;
}

async function withRoomMessages(
  use: (rm: RoomMessages, room: RoomState, shown: () => string[][], at: number[]) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-room-messages-'));
  const store = HistoryStore.open(path.join(dir, 'history.db'));
  const { events: recorded, emitted } = recordingEvents<{ messages: ChatMessage[] }>('chat.messages');
  const at: number[] = [];
  const events: typeof recorded = {
    ...recorded,
    emit: (name, payload) => {
      if (name === 'chat.messages') at.push(performance.now());
      recorded.emit(name, payload);
    },
  };
  const messages = new RoomMessages(ACCOUNT, events, store);
  const room = new RoomState(ROOM, 'me', null);
  room.status = 'joined';
  try {
    await use(messages, room, () => emitted.map((p) => p.messages.map((m) => m.body ?? '')), at);
  } finally {
    messages.flush();
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const bodies = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

test('a lone room line is shown at the next turn; a flood after it goes out per spacing, in order', async () => {
  await withRoomMessages(async (messages, room, shown, at) => {
    assert.equal(messages.handleGroupchat(room, line(1)), 'line');
    assert.deepEqual(shown(), [], 'not written inside the stanza handler');
    await nextTurn();
    assert.deepEqual(shown(), [['line 1']], 'after a quiet spell: the next turn');

    // 600 lines over many turns right after it (as socket reads bring them): written a spacing apart.
    for (let n = 2; n <= 601; n++) {
      messages.handleGroupchat(room, line(n));
      if (n % 20 === 0) await nextTurn();
    }
    await sleep(FLUSH_SPACING_MS + 20);
    assert.deepEqual(shown().flat(), bodies(1, 601), 'every line once, in order');
    for (let i = 1; i < at.length; i++) {
      assert.ok(
        at[i]! - at[i - 1]! >= FLUSH_SPACING_MS,
        `write ${i} came ${at[i]! - at[i - 1]!} ms after the one before`,
      );
    }

    // Stored once each, in arrival order.
    const page = messages.page(ROOM, undefined, 1_000);
    assert.deepEqual(
      page.messages.map((m) => m.body),
      bodies(1, 601),
    );
  });
});

test('reading the room history writes the lines still waiting first', async () => {
  await withRoomMessages(async (messages, room, shown) => {
    messages.handleGroupchat(room, line(1));
    await nextTurn();
    for (let n = 2; n <= 40; n++) messages.handleGroupchat(room, line(n));
    const page = messages.page(ROOM, undefined, 100);
    assert.deepEqual(
      page.messages.map((m) => m.body),
      bodies(1, 40),
    );
    assert.deepEqual(shown().flat(), bodies(1, 40));
    await sleep(FLUSH_SPACING_MS + 20);
    assert.equal(shown().length, 2, 'nothing is written twice');
  });
});

test('the same stanza-id twice in a flood is one line', async () => {
  await withRoomMessages(async (messages, room, shown) => {
    for (const n of [1, 2, 2, 3, 1]) messages.handleGroupchat(room, line(n));
    await sleep(FLUSH_SPACING_MS + 20);
    assert.deepEqual(shown().flat(), bodies(1, 3));
  });
});
