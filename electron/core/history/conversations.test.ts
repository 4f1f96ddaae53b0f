// Conversations are account + kind + peer: the same JID as a chat and as a room apart, private messages by
// full JID, kinds checked, room archive ids kept out of the account's catch-up point, search across accounts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryStore, SNIPPET_CLOSE, SNIPPET_OPEN, type NewMessage } from './history-store.ts';
import { BOB, ME, T0, msg } from './history-fixtures.ts';

describe('conversations (account + kind + peer)', () => {
  const ROOM = 'lounge@conference.example.org';
  const ALICE_IN_ROOM = `${ROOM}/alice`;
  const BOB_IN_ROOM = `${ROOM}/bob`;

  test("the same bare JID as 'chat' and as 'groupchat' is two conversations: pages, search, states apart", () => {
    const store = HistoryStore.open(':memory:');
    store.add(
      msg({ peer: ROOM, originId: 'c1', body: 'direct line to the room service', receivedAt: T0 + 1 }),
    );
    store.add(
      msg({ peer: ROOM, kind: 'groupchat', peerResource: 'alice', originId: 'g1', receivedAt: T0 + 2 }),
    );
    store.add(
      msg({
        peer: ROOM,
        kind: 'groupchat',
        peerResource: 'bob',
        originId: 'g2',
        body: 'room line',
        receivedAt: T0 + 3,
      }),
    );
    const chat = store.page(ME, ROOM, { limit: 10 });
    assert.deepEqual(
      chat.map((m) => [m.kind, m.originId]),
      [['chat', 'c1']],
    );
    assert.deepEqual(store.page(ME, ROOM, { kind: 'chat', limit: 10 }), chat);
    const room = store.page(ME, ROOM, { kind: 'groupchat', limit: 10 });
    assert.deepEqual(
      room.map((m) => [m.kind, m.peer, m.peerResource, m.originId]),
      [
        ['groupchat', ROOM, 'alice', 'g1'],
        ['groupchat', ROOM, 'bob', 'g2'],
      ],
    );
    assert.deepEqual(
      store.page(ME, ROOM, { kind: 'groupchat', before: room[1]!, limit: 10 }).map((m) => m.originId),
      ['g1'],
    );
    assert.deepEqual(store.page(ME, ROOM, { kind: 'private', limit: 10 }), []);
    assert.deepEqual(
      store.around(ME, room[0]!.rowId, 5).map((m) => m.originId),
      ['g1', 'g2'],
      'around stays in the conversation',
    );
    assert.deepEqual(
      store.search(ME, 'line', { peer: ROOM }).map((m) => m.originId),
      ['c1'],
    );
    assert.deepEqual(
      store.search(ME, 'line', { peer: ROOM, kind: 'groupchat' }).map((m) => [m.kind, m.originId]),
      [['groupchat', 'g2']],
    );
    assert.deepEqual(
      store.search(ME, 'line').map((m) => m.originId),
      ['g2', 'c1'],
    );
    // The same ids in the other conversation are other messages.
    assert.equal(store.add(msg({ peer: ROOM, kind: 'groupchat', originId: 'c1' })).inserted, true);
    // States are matched within the conversation named.
    store.add(msg({ peer: ROOM, direction: 'out', state: 'sent', messageId: 'k' }));
    assert.equal(store.setState(ME, { messageId: 'k', peer: ROOM, kind: 'groupchat' }, 'delivered'), null);
    assert.equal(store.setState(ME, { messageId: 'k', peer: ROOM }, 'delivered')?.kind, 'chat');
    store.add(msg({ peer: ROOM, kind: 'groupchat', direction: 'out', state: 'pending', messageId: 'r' }));
    assert.equal(store.setState(ME, { messageId: 'r', peer: ROOM }, 'sent'), null);
    assert.deepEqual(
      store.pending(ME).map((m) => [m.kind, m.messageId]),
      [['groupchat', 'r']],
    );
    const moved = store.setState(
      ME,
      { messageId: 'r', peer: ROOM, kind: 'groupchat', direction: 'out' },
      'sent',
    );
    assert.equal(moved?.kind, 'groupchat');
    assert.equal(moved?.state, 'sent');
  });

  test("'private' conversations are keyed by the occupant's full JID, one per nick", () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ kind: 'private', peer: ALICE_IN_ROOM, peerResource: null, originId: 'a', body: 'psst' }));
    store.add(
      msg({ kind: 'private', peer: BOB_IN_ROOM, peerResource: null, originId: 'b', body: 'psst too' }),
    );
    store.add(
      msg({ kind: 'groupchat', peer: ROOM, peerResource: 'alice', originId: 'r', body: 'hello all' }),
    );
    assert.deepEqual(
      store.page(ME, ALICE_IN_ROOM, { kind: 'private', limit: 10 }).map((m) => [m.kind, m.peer, m.body]),
      [['private', ALICE_IN_ROOM, 'psst']],
    );
    assert.deepEqual(
      store.page(ME, BOB_IN_ROOM, { kind: 'private', limit: 10 }).map((m) => m.body),
      ['psst too'],
    );
    assert.deepEqual(store.page(ME, ALICE_IN_ROOM, { limit: 10 }), [], "not a 'chat'");
    assert.deepEqual(
      store.search(ME, 'psst', { peer: ALICE_IN_ROOM, kind: 'private' }).map((m) => m.originId),
      ['a'],
    );
    // A nick may hold a slash; the bare part never does.
    const odd = `${ROOM}/a/b`;
    store.add(msg({ kind: 'private', peer: odd, peerResource: null, originId: 'odd' }));
    assert.equal(store.page(ME, odd, { kind: 'private', limit: 10 }).length, 1);
  });

  test('kind is required and must fit the peer: full JID for private, none for chat and groupchat', () => {
    const store = HistoryStore.open(':memory:');
    const { kind: _, ...kindless } = msg();
    assert.throws(() => store.add(kindless as NewMessage), /"kind"/);
    assert.throws(() => store.add(msg({ kind: 'room' as 'chat' })), /"kind"/);
    assert.throws(() => store.add(msg({ kind: 'private', peer: ROOM })), /"peer"/);
    assert.throws(() => store.add(msg({ kind: 'private', peer: `${ROOM}/` })), /"peer"/);
    assert.throws(() => store.add(msg({ kind: 'private', peer: '/nick' })), /"peer"/);
    assert.throws(() => store.add(msg({ kind: 'chat', peer: `${BOB}/phone` })), /"peer"/);
    assert.throws(() => store.add(msg({ kind: 'groupchat', peer: ALICE_IN_ROOM })), /"peer"/);
    assert.throws(() => store.addMany([msg(), msg({ kind: 'private', peer: BOB })]), TypeError);
    assert.deepEqual(store.page(ME, BOB, { limit: 10 }), [], 'nothing written');
  });

  test("a room's archive ids do not move the account's catch-up point", () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ stanzaId: 'mine', serverAt: T0 }));
    store.add(msg({ kind: 'groupchat', peer: ROOM, stanzaId: 'room-1', serverAt: T0 + 100 }));
    assert.equal(store.lastStanzaId(ME), 'mine');
    store.add(msg({ kind: 'private', peer: ALICE_IN_ROOM, stanzaId: 'pm', serverAt: T0 + 200 }));
    assert.equal(store.lastStanzaId(ME), 'pm', 'private messages are archived by our own server');
    assert.equal(store.add(msg({ kind: 'groupchat', peer: ROOM, stanzaId: 'room-1' })).inserted, false);
  });

  test('search across all accounts returns hits of every account; one account only its own', () => {
    const store = HistoryStore.open(':memory:');
    const OTHER = 'other@example.org';
    store.addMany([
      msg({ originId: '1', body: 'penguin parade', receivedAt: T0 + 1 }),
      msg({ originId: '2', account: OTHER, body: 'penguin colony', receivedAt: T0 + 2 }),
      msg({
        originId: '3',
        account: OTHER,
        kind: 'groupchat',
        peer: ROOM,
        body: 'penguins!',
        receivedAt: T0 + 3,
      }),
      msg({ originId: '4', body: 'no birds here', receivedAt: T0 + 4 }),
    ]);
    assert.deepEqual(
      store.search(null, 'penguin').map((m) => [m.account, m.kind, m.originId]),
      [
        [OTHER, 'groupchat', '3'],
        [OTHER, 'chat', '2'],
        [ME, 'chat', '1'],
      ],
    );
    assert.deepEqual(
      store.search(null, 'penguin', { limit: 2 }).map((m) => m.originId),
      ['3', '2'],
    );
    assert.deepEqual(
      store.search(ME, 'penguin').map((m) => [m.account, m.originId]),
      [[ME, '1']],
    );
    assert.deepEqual(
      store.search(OTHER, 'penguin').map((m) => m.originId),
      ['3', '2'],
    );
    assert.deepEqual(store.search('nobody@example.org', 'penguin'), []);
    assert.deepEqual(store.search(null, '*'), []);
    assert.equal(store.search(null, 'parade')[0]!.snippet, `penguin ${SNIPPET_OPEN}parade${SNIPPET_CLOSE}`);
    assert.throws(() => store.search(null, 'penguin', { peer: BOB }), /a peer needs an account/);
  });

  test('a rolled-back batch forgets the conversations it created', () => {
    const store = HistoryStore.open(':memory:');
    assert.throws(() =>
      store.transaction(() => {
        store.add(msg({ kind: 'groupchat', peer: ROOM, originId: 'x' }));
        throw new Error('half-way');
      }),
    );
    assert.deepEqual(store.page(ME, ROOM, { kind: 'groupchat', limit: 10 }), []);
    store.add(msg({ kind: 'groupchat', peer: ROOM, originId: 'y' }));
    assert.deepEqual(
      store.page(ME, ROOM, { kind: 'groupchat', limit: 10 }).map((m) => m.originId),
      ['y'],
    );
  });
});
