// The history store against real SQLite (node:sqlite): migrations, dedupe by every id kind, delivery states,
// the outbox, paging and around(), and WAL persistence. Search and bulk imports: history-search.test.ts;
// conversations by account + kind + peer: conversations.test.ts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  CHAT_ID_CACHE,
  HistoryStore,
  MIGRATIONS,
  SCHEMA_VERSION,
  canMoveState,
  type NewMessage,
  type StoredMessage,
} from './history-store.ts';
import { BOB, CAROL, ME, T0, ftsIntegrity, msg, schemaOf, tempDir } from './history-fixtures.ts';

describe('migrations', () => {
  test('a new file gets the latest schema, WAL and user_version; opening again changes nothing', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'sub', 'history.sqlite');
    HistoryStore.open(file).close();
    const first = schemaOf(file);
    HistoryStore.open(file).close();
    assert.deepEqual(schemaOf(file), first);
    const db = new DatabaseSync(file);
    assert.equal(
      (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version,
      SCHEMA_VERSION,
    );
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    db.close();
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
    assert.ok(SCHEMA_VERSION >= 2);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'private messages: owner-only file');
  });

  test('a v1 file (no search yet) is upgraded and its existing messages become searchable', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    const db = new DatabaseSync(file);
    db.exec(MIGRATIONS[0]!);
    db.exec('PRAGMA user_version = 1');
    db.exec(
      `INSERT INTO accounts (id, jid) VALUES (1, '${ME}'); INSERT INTO chats (id, account_id, peer) VALUES (1, 1, '${BOB}');`,
    );
    db.exec(`INSERT INTO messages (account_id, chat_id, sort_key, direction, type, body, received_at, state)
             VALUES (1, 1, ${T0} * 65536, 'in', 'chat', 'an old penguin story', ${T0}, 'received')`);
    db.close();
    const store = HistoryStore.open(file);
    const hits = store.search(ME, 'penguin');
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.body, 'an old penguin story');
    assert.equal(store.page(ME, BOB, { limit: 10 }).length, 1);
    store.add(msg({ body: 'a new penguin', receivedAt: T0 + 1 }));
    assert.equal(store.search(ME, 'penguin').length, 2);
    ftsIntegrity(store, file);
  });

  test('a file from a newer build is refused, not downgraded', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    HistoryStore.open(file).close();
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => HistoryStore.open(file), /newer Parley/);
  });

  test(':memory: works', () => {
    const store = HistoryStore.open(':memory:');
    assert.equal(store.add(msg()).inserted, true);
    store.close();
  });
});

describe('dedupe', () => {
  test('live message, then the same from the archive with a stanzaId: one row, stanzaId and serverAt filled', () => {
    const store = HistoryStore.open(':memory:');
    const live = store.add(msg({ messageId: 'm1', originId: 'o1', body: 'hi there' }));
    const archived = store.add(
      msg({
        messageId: 'm1',
        originId: 'o1',
        stanzaId: 'S1',
        body: 'hi there',
        serverAt: T0 - 500,
        receivedAt: T0 + 9999,
      }),
    );
    assert.deepEqual(archived, { rowId: live.rowId, inserted: false });
    const rows = store.page(ME, BOB, { limit: 10 });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.stanzaId, 'S1');
    assert.equal(rows[0]!.serverAt, T0 - 500);
    assert.equal(rows[0]!.receivedAt, T0, 'first sight is kept');
    assert.equal(store.lastStanzaId(ME), 'S1');
    // And again from the archive: found by stanzaId now.
    assert.equal(store.add(msg({ stanzaId: 'S1', body: 'hi there' })).inserted, false);
    assert.equal(store.page(ME, BOB, { limit: 10 }).length, 1);
  });

  test('message without origin-id: matched by message id (same body), stanzaId filled', () => {
    const store = HistoryStore.open(':memory:');
    const live = store.add(msg({ messageId: 'x1', body: 'plain' }));
    assert.deepEqual(store.add(msg({ messageId: 'x1', stanzaId: 'S9', body: 'plain' })), {
      rowId: live.rowId,
      inserted: false,
    });
    assert.equal(store.page(ME, BOB, { limit: 10 })[0]!.stanzaId, 'S9');
    // A client reusing ids: same message id, different text, or a different archive id = another message.
    assert.equal(store.add(msg({ messageId: 'x1', body: 'something else' })).inserted, true);
    assert.equal(store.add(msg({ messageId: 'x1', stanzaId: 'S10', body: 'plain' })).inserted, true);
    // The same id from another chat or the other direction is another message.
    assert.equal(store.add(msg({ peer: CAROL, messageId: 'x1', body: 'plain' })).inserted, true);
    assert.equal(
      store.add(msg({ direction: 'out', state: 'sent', messageId: 'x1', body: 'plain' })).inserted,
      true,
    );
    assert.equal(store.page(ME, BOB, { limit: 10 }).length, 4);
  });

  test('carbon / archive copy of our own sent message with the same originId: one row, state moves forward', () => {
    const store = HistoryStore.open(':memory:');
    const sent = store.add(
      msg({
        direction: 'out',
        state: 'pending',
        messageId: 'u1',
        originId: 'u1',
        sentAt: T0,
        body: 'on my way',
      }),
    );
    const carbon = store.add(
      msg({
        direction: 'out',
        state: 'sent',
        messageId: 'u1',
        originId: 'u1',
        stanzaId: 'A7',
        peerResource: null,
        serverAt: T0 + 20,
        receivedAt: T0 + 60_000,
        body: 'on my way',
      }),
    );
    assert.deepEqual(carbon, { rowId: sent.rowId, inserted: false });
    const [row] = store.page(ME, BOB, { limit: 10 });
    assert.equal(row!.state, 'sent');
    assert.equal(row!.stanzaId, 'A7');
    assert.equal(row!.peerResource, 'phone', 'known values are not overwritten by nulls');
    // A copy with an earlier state never moves it back.
    store.setState(ME, { rowId: sent.rowId }, 'delivered');
    store.add(msg({ direction: 'out', state: 'pending', originId: 'u1', body: 'on my way' }));
    assert.equal(store.page(ME, BOB, { limit: 10 })[0]!.state, 'delivered');
  });

  test('the same origin-id from another contact is not merged into this chat', () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ originId: 'same' }));
    assert.equal(store.add(msg({ peer: CAROL, originId: 'same' })).inserted, true);
    assert.equal(store.add(msg({ direction: 'out', state: 'sent', originId: 'same' })).inserted, true);
  });

  test('the same archive id in two accounts is two messages', () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ stanzaId: 'Z' }));
    assert.equal(store.add(msg({ account: 'other@example.org', stanzaId: 'Z' })).inserted, true);
    assert.equal(store.lastStanzaId('other@example.org'), 'Z');
    assert.equal(store.lastStanzaId('nobody@example.org'), null);
  });

  test('addMany dedupes within the batch and against stored rows', () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ originId: 'a' }));
    const result = store.addMany([msg({ originId: 'a' }), msg({ originId: 'b' }), msg({ originId: 'b' })]);
    assert.deepEqual(
      result.map((r) => r.inserted),
      [false, true, false],
    );
    assert.equal(result[1]!.rowId, result[2]!.rowId);
  });

  test('invalid input is rejected before anything is written', () => {
    const store = HistoryStore.open(':memory:');
    assert.throws(
      () => store.addMany([msg({ body: 'ok' }), msg({ direction: 'sideways' as 'in' })]),
      TypeError,
    );
    assert.throws(() => store.add(msg({ receivedAt: Number.NaN })), TypeError);
    assert.throws(() => store.add(msg({ direction: 'in', state: 'pending' })), TypeError);
    assert.equal(store.page(ME, BOB, { limit: 10 }).length, 0);
    assert.equal(store.add(msg()).inserted, true);
  });

  test('lastStanzaId is the newest by server time, not the last one stored (backward archive pages)', () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ stanzaId: 'new', serverAt: T0 + 100, originId: '1' }));
    store.add(msg({ stanzaId: 'old', serverAt: T0 - 100, originId: '2' }));
    assert.equal(store.lastStanzaId(ME), 'new');
    store.add(msg({ stanzaId: 'live', serverAt: null, receivedAt: T0 + 200, originId: '3' }));
    assert.equal(store.lastStanzaId(ME), 'live');
  });
});

describe('states', () => {
  test('transaction(): state moves inside it commit together, or not at all when it throws', () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ direction: 'out', state: 'pending', messageId: 'a', originId: 'a' }));
    store.add(msg({ direction: 'out', state: 'pending', messageId: 'b', originId: 'b' }));
    assert.throws(() =>
      store.transaction(() => {
        store.setState(ME, { originId: 'a' }, 'sent');
        throw new Error('half-way');
      }),
    );
    assert.equal(store.page(ME, BOB, { limit: 5 })[0]!.state, 'pending', 'rolled back');
    const moved = store.transaction(() =>
      ['a', 'b'].map((id) => store.setState(ME, { originId: id }, 'sent')?.state),
    );
    assert.deepEqual(moved, ['sent', 'sent']);
    assert.deepEqual(
      store.page(ME, BOB, { limit: 5 }).map((m) => m.state),
      ['sent', 'sent'],
    );
  });

  test('outgoing states only move forward; failed only from pending or sent', () => {
    const store = HistoryStore.open(':memory:');
    const { rowId } = store.add(msg({ direction: 'out', state: 'pending', messageId: 'q', originId: 'q' }));
    assert.equal(store.setState(ME, { originId: 'q' }, 'sent')?.state, 'sent');
    assert.equal(store.setState(ME, { originId: 'q' }, 'pending'), null);
    assert.equal(store.setState(ME, { messageId: 'q' }, 'read')?.state, 'read', 'a receipt may skip a step');
    assert.equal(store.setState(ME, { rowId }, 'delivered'), null);
    assert.equal(store.setState(ME, { rowId }, 'failed', 'nope'), null);
    assert.equal(store.page(ME, BOB, { limit: 1 })[0]!.state, 'read');

    const other = store.add(msg({ direction: 'out', state: 'sent', originId: 'f' }));
    const failed = store.setState(ME, { rowId: other.rowId }, 'failed', 'service-unavailable');
    assert.equal(failed?.state, 'failed');
    assert.equal(failed?.error, 'service-unavailable');
    assert.equal(store.setState(ME, { rowId: other.rowId }, 'delivered'), null, 'failed is final');
  });

  test('matching is scoped by account, peer and direction', () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ direction: 'out', state: 'sent', messageId: 'k' }));
    assert.equal(store.setState('other@example.org', { messageId: 'k' }, 'delivered'), null);
    assert.equal(store.setState(ME, { messageId: 'k', peer: CAROL }, 'delivered'), null);
    assert.equal(store.setState(ME, { messageId: 'k', direction: 'in' }, 'delivered'), null);
    assert.equal(
      store.setState(ME, { messageId: 'k', peer: BOB, direction: 'out' }, 'delivered')?.state,
      'delivered',
    );
    assert.equal(store.setState(ME, { messageId: 'missing' }, 'delivered'), null);
  });

  test('incoming: received -> read only', () => {
    const store = HistoryStore.open(':memory:');
    const { rowId } = store.add(msg());
    assert.equal(store.setState(ME, { rowId }, 'sent'), null);
    assert.equal(store.setState(ME, { rowId }, 'read')?.state, 'read');
    assert.equal(store.setState(ME, { rowId }, 'received'), null);
  });

  test('canMoveState table', () => {
    assert.equal(canMoveState('out', 'pending', 'sent'), true);
    assert.equal(canMoveState('out', 'sent', 'pending'), false);
    assert.equal(canMoveState('out', 'delivered', 'failed'), false);
    assert.equal(canMoveState('out', 'failed', 'sent'), false);
    assert.equal(canMoveState('out', 'pending', 'received'), false);
  });

  test('pending(): the outbox, oldest first, per account', () => {
    const store = HistoryStore.open(':memory:');
    store.add(
      msg({ direction: 'out', state: 'pending', originId: 'p2', sentAt: T0 + 2, receivedAt: T0 + 2 }),
    );
    store.add(
      msg({
        direction: 'out',
        state: 'pending',
        originId: 'p1',
        sentAt: T0 + 1,
        receivedAt: T0 + 1,
        peer: CAROL,
      }),
    );
    store.add(msg({ direction: 'out', state: 'sent', originId: 'p3', receivedAt: T0 }));
    store.add(msg({ account: 'other@example.org', direction: 'out', state: 'pending', originId: 'p4' }));
    assert.deepEqual(
      store.pending(ME).map((m) => m.originId),
      ['p1', 'p2'],
    );
    store.setState(ME, { originId: 'p1' }, 'sent');
    assert.deepEqual(
      store.pending(ME).map((m) => m.originId),
      ['p2'],
    );
    assert.deepEqual(store.pending('nobody@example.org'), []);
  });
});

describe('paging', () => {
  function fill(store: HistoryStore, count: number): void {
    const batch: NewMessage[] = [];
    for (let i = 0; i < count; i++) {
      // Out-of-order arrival (archive pages fetched backwards) and many identical timestamps.
      const at = T0 + Math.floor(((i * 7919) % count) / 3) * 1000;
      batch.push(msg({ originId: `o${i}`, body: `message ${i}`, serverAt: at, receivedAt: T0 + 10_000_000 }));
    }
    store.addMany(batch);
    store.addMany([msg({ peer: CAROL, originId: 'c', body: 'elsewhere' })]);
  }

  const best = (m: StoredMessage): number => m.serverAt ?? m.receivedAt;

  test('pages return every message exactly once, in (best time, rowId) order', () => {
    const store = HistoryStore.open(':memory:');
    fill(store, 1_003);
    const seen: StoredMessage[] = [];
    let page = store.page(ME, BOB, { limit: 50 });
    let pages = 0;
    while (page.length > 0) {
      pages++;
      seen.unshift(...page);
      page = store.page(ME, BOB, { before: page[0]!, limit: 50 });
    }
    assert.equal(pages, 21);
    assert.equal(seen.length, 1_003);
    assert.equal(new Set(seen.map((m) => m.rowId)).size, 1_003);
    assert.ok(seen.every((m) => m.peer === BOB));
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1]!;
      const b = seen[i]!;
      assert.ok(best(a) < best(b) || (best(a) === best(b) && a.rowId < b.rowId), `order at ${i}`);
    }
  });

  test('newest page first; filling serverAt later does not move a shown message', () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ originId: 'a', body: 'first', receivedAt: T0 }));
    store.add(msg({ originId: 'b', body: 'second', receivedAt: T0 + 10 }));
    assert.deepEqual(
      store.page(ME, BOB, { limit: 1 }).map((m) => m.body),
      ['second'],
    );
    store.add(msg({ originId: 'b', stanzaId: 'S', serverAt: T0 - 1_000, body: 'second' }));
    assert.deepEqual(
      store.page(ME, BOB, { limit: 5 }).map((m) => m.body),
      ['first', 'second'],
    );
  });

  test('a live message with a whole-second delay stamp keeps its place in the order it arrived', () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ originId: 'x', body: 'arrived first', receivedAt: T0 + 500 }));
    // Queued by the server during a resumption and stamped with the second only (T0 + 0).
    store.add(msg({ originId: 'y', body: 'arrived second', sentAt: T0, receivedAt: T0 + 900 }));
    assert.deepEqual(
      store.page(ME, BOB, { limit: 5 }).map((m) => [m.body, m.sentAt]),
      [
        ['arrived first', null],
        ['arrived second', T0],
      ],
    );
  });

  test('older pages that share a whole-second time with what is shown go before it, in page order', () => {
    const store = HistoryStore.open(':memory:');
    const at = (n: number, page: string) =>
      msg({
        originId: `${page}${n}`,
        stanzaId: `${page}${n}`,
        body: `${page}${n}`,
        serverAt: T0,
        receivedAt: T0 + 9,
      });
    store.addMany([at(0, 'new'), at(1, 'new')]);
    store.addMany([at(0, 'old'), at(1, 'old')], { older: true });
    store.addMany([at(0, 'oldest'), at(1, 'oldest')], { older: true });
    store.add(msg({ originId: 'live', body: 'live', receivedAt: T0 + 9 }));
    assert.deepEqual(
      store.page(ME, BOB, { limit: 10 }).map((m) => m.body),
      ['oldest0', 'oldest1', 'old0', 'old1', 'new0', 'new1', 'live'],
    );
  });

  test('a delay stamp in the future does not pin a message to the bottom', () => {
    const store = HistoryStore.open(':memory:');
    store.add(msg({ originId: 'liar', body: 'from the future', sentAt: T0 + 1e12, receivedAt: T0 }));
    store.add(msg({ originId: 'next', body: 'later', receivedAt: T0 + 1 }));
    assert.deepEqual(
      store.page(ME, BOB, { limit: 5 }).map((m) => m.body),
      ['from the future', 'later'],
    );
  });

  test('around(): the hit with its neighbours, oldest first', () => {
    const store = HistoryStore.open(':memory:');
    const ids = store
      .addMany(
        Array.from({ length: 20 }, (_, i) => msg({ originId: `${i}`, body: `n${i}`, receivedAt: T0 + i })),
      )
      .map((r) => r.rowId);
    store.add(msg({ peer: CAROL, originId: 'x', receivedAt: T0 + 5 }));
    assert.deepEqual(
      store.around(ME, ids[10]!, 3).map((m) => m.body),
      ['n7', 'n8', 'n9', 'n10', 'n11', 'n12', 'n13'],
    );
    assert.deepEqual(
      store.around(ME, ids[1]!, 3).map((m) => m.body),
      ['n0', 'n1', 'n2', 'n3', 'n4'],
    );
    assert.deepEqual(store.around('other@example.org', ids[1]!, 3), []);
    assert.deepEqual(store.around(ME, 999_999, 3), []);
  });

  test('unknown account or chat: empty pages', () => {
    const store = HistoryStore.open(':memory:');
    assert.deepEqual(store.page(ME, BOB, { limit: 10 }), []);
    store.add(msg());
    assert.deepEqual(store.page(ME, CAROL, { limit: 10 }), []);
  });
});

describe('persistence', () => {
  test('messages and states survive close/open (WAL); the WAL is checkpointed on close', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    let store = HistoryStore.open(file);
    const { rowId } = store.add(
      msg({ direction: 'out', state: 'pending', originId: 'keep', body: 'durable words' }),
    );
    store.add(msg({ originId: 'in1', stanzaId: 'S5', body: 'second', receivedAt: T0 + 1 }));
    store.setState(ME, { rowId }, 'sent');
    assert.ok(existsSync(`${file}-wal`), 'writes go through the WAL');
    store.close();
    store.close(); // idempotent
    store = HistoryStore.open(file);
    assert.deepEqual(
      store.page(ME, BOB, { limit: 10 }).map((m) => [m.originId, m.state]),
      [
        ['keep', 'sent'],
        ['in1', 'received'],
      ],
    );
    assert.equal(store.search(ME, 'durable')[0]!.rowId, rowId);
    assert.equal(store.lastStanzaId(ME), 'S5');
    assert.equal(store.add(msg({ originId: 'in1', body: 'second' })).inserted, false);
    store.close();
  });
});

test('conversation ids held in memory are bounded: messages from many senders, each still in its own chat', () => {
  const store = HistoryStore.open(':memory:');
  const peers = CHAT_ID_CACHE + 2_000;
  store.addMany(Array.from({ length: peers }, (_, i) => msg({ peer: `s${i}@evil.example`, body: `m${i}` })));
  assert.equal(store.cachedConversations, CHAT_ID_CACHE);
  // The first ones were let go from memory: their chats are found again in the file, not made anew.
  store.add(msg({ peer: 's0@evil.example', body: 'again' }));
  assert.deepEqual(
    store.page(ME, 's0@evil.example', { limit: 10 }).map((m) => m.body),
    ['m0', 'again'],
  );
  assert.equal(store.cachedConversations, CHAT_ID_CACHE);
  store.close();
});
