// Schema upgrades against real SQLite files: a file written by the v3 schema (before conversations had a kind)
// upgrades to v4 in place and keeps every message, its ids, its order and its search index.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HistoryStore } from './history-store.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './migrations.ts';

const ME = 'me@example.org';
const OTHER = 'other@example.org';
const BOB = 'bob@example.org';
const CAROL = 'carol@example.net';
const T0 = Date.UTC(2024, 5, 1);

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-migrations-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Applies the first `steps` schema steps by hand, as the build that knew only those did. */
function schemaAt(file: string, steps: number): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  for (const [i, sql] of MIGRATIONS.slice(0, steps).entries()) {
    db.exec('BEGIN IMMEDIATE');
    db.exec(sql);
    db.exec(`PRAGMA user_version = ${i + 1}`);
    db.exec('COMMIT');
  }
  return db;
}

// sort_key exceeds 2^53: compared as text.
const MESSAGE_COLUMNS = `id, account_id, chat_id, CAST(sort_key AS TEXT) AS sort_key, peer_resource, direction, type, message_id, origin_id,
  stanza_id, body, subject, thread, sent_at, server_at, received_at, state, error`;

/**
 * A v3 file as the v3 store wrote it: two accounts, chats with ids that are not 1..n, messages of every state
 * (their FTS rows come from the v2 triggers, as they did then), archive bookmarks. Returns the message rows.
 */
function writeV3(file: string): Array<Record<string, unknown>> {
  const db = schemaAt(file, 3);
  db.exec(`
    INSERT INTO accounts (id, jid, last_stanza_id, last_stanza_at, archive_synced_at)
      VALUES (1, '${ME}', 'S3', ${T0 + 3}, ${T0 - 1}), (3, '${OTHER}', NULL, NULL, NULL);
    INSERT INTO chats (id, account_id, peer) VALUES (2, 1, '${BOB}'), (5, 1, '${CAROL}'), (9, 3, '${BOB}');
  `);
  const insert =
    db.prepare(`INSERT INTO messages (account_id, chat_id, sort_key, peer_resource, direction, type,
      message_id, origin_id, stanza_id, body, subject, thread, sent_at, server_at, received_at, state, error)
    VALUES (?, ?, ? * 65536 + 32768, ?, ?, 'chat', ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?)`);
  const rows: Array<[number, number, number, string | null, 'in' | 'out', string, string | null]> = [
    [1, 2, 1, 'phone', 'in', 'received', 'walrus sighting at the pier'],
    [1, 2, 2, null, 'out', 'read', 'a second walrus?'],
    [1, 5, 3, 'laptop', 'in', 'read', 'the walrus report is due'],
    [1, 2, 4, null, 'out', 'pending', 'still in the outbox'],
    [3, 9, 5, 'tablet', 'in', 'received', 'walrus in the other account'],
    [1, 5, 6, null, 'out', 'failed', null],
  ];
  for (const [i, [account, chat, n, resource, direction, state, body]] of rows.entries()) {
    insert.run(
      account,
      chat,
      T0 + n,
      resource,
      direction,
      `m${i}`,
      `o${i}`,
      n <= 3 ? `S${n}` : null,
      body,
      body === null ? 'only a subject' : null,
      n <= 3 ? T0 + n : null,
      T0 + n,
      state,
    );
  }
  db.exec(`UPDATE messages SET error = 'remote-server-timeout' WHERE state = 'failed'`);
  const before = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages ORDER BY id`).all();
  db.close();
  return before.map((row) => ({ ...row }));
}

function readOnly<T>(file: string, read: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const userVersion = (db: DatabaseSync): number =>
  (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;

function schemaOf(file: string): string[] {
  return readOnly(file, (db) =>
    (db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all() as object[]).map((r) =>
      JSON.stringify(r),
    ),
  );
}

describe('v4: conversations have a kind', () => {
  test('a v3 file migrates in place: every message kept, kind chat, same ids, pages and search work', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    const before = writeV3(file);
    assert.equal(before.length, 6);

    const store = HistoryStore.open(file);
    const bob = store.page(ME, BOB, { limit: 50 });
    assert.deepEqual(
      bob.map((m) => [m.rowId, m.kind, m.peer, m.body]),
      [
        [1, 'chat', BOB, 'walrus sighting at the pier'],
        [2, 'chat', BOB, 'a second walrus?'],
        [4, 'chat', BOB, 'still in the outbox'],
      ],
    );
    assert.deepEqual(store.page(ME, BOB, { kind: 'chat', limit: 50 }), bob, "'chat' is the default kind");
    assert.deepEqual(store.page(ME, BOB, { kind: 'groupchat', limit: 50 }), []);
    assert.deepEqual(
      store.page(ME, CAROL, { limit: 50 }).map((m) => [m.rowId, m.kind, m.state, m.error]),
      [
        [3, 'chat', 'read', null],
        [6, 'chat', 'failed', 'remote-server-timeout'],
      ],
    );
    assert.deepEqual(
      store.page(OTHER, BOB, { limit: 50 }).map((m) => [m.rowId, m.kind]),
      [[5, 'chat']],
    );
    // Rows written before v4 are found through the index v2 built, by account, by chat and everywhere.
    assert.deepEqual(
      store.search(ME, 'walrus').map((m) => [m.rowId, m.kind]),
      [
        [3, 'chat'],
        [2, 'chat'],
        [1, 'chat'],
      ],
    );
    assert.deepEqual(
      store.search(ME, 'walrus', { peer: CAROL }).map((m) => m.rowId),
      [3],
    );
    assert.deepEqual(
      store.search(null, 'walrus').map((m) => [m.account, m.rowId]),
      [
        [OTHER, 5],
        [ME, 3],
        [ME, 2],
        [ME, 1],
      ],
    );
    assert.deepEqual(
      store.search(ME, 'subject').map((m) => m.rowId),
      [6],
    );
    assert.deepEqual(
      store.pending(ME).map((m) => [m.rowId, m.kind]),
      [[4, 'chat']],
    );
    assert.equal(store.lastStanzaId(ME), 'S3');
    assert.equal(store.archiveSyncedAt(ME), T0 - 1);
    assert.deepEqual(
      store.around(ME, 2, 5).map((m) => m.rowId),
      [1, 2, 4],
    );
    // Old and new rows live side by side: dedupe still finds the old ones, new ones get new ids and index rows.
    assert.deepEqual(
      store.add({
        account: ME,
        kind: 'chat',
        peer: BOB,
        peerResource: 'phone',
        direction: 'in',
        type: 'chat',
        messageId: 'm0',
        originId: 'o0',
        stanzaId: 'S1',
        body: 'walrus sighting at the pier',
        subject: null,
        thread: null,
        sentAt: null,
        serverAt: T0 + 1,
        receivedAt: T0 + 1_000,
        state: 'received',
        error: null,
      }),
      { rowId: 1, inserted: false },
    );
    const added = store.add({
      account: ME,
      kind: 'groupchat',
      peer: BOB,
      peerResource: 'nick',
      direction: 'in',
      type: 'chat',
      messageId: null,
      originId: null,
      stanzaId: null,
      body: 'a walrus in a room',
      subject: null,
      thread: null,
      sentAt: null,
      serverAt: null,
      receivedAt: T0 + 10,
      state: 'received',
      error: null,
    });
    assert.equal(added.inserted, true);
    assert.ok(added.rowId > 6);
    assert.deepEqual(
      store.search(ME, 'walrus').map((m) => [m.rowId, m.kind]),
      [
        [added.rowId, 'groupchat'],
        [3, 'chat'],
        [2, 'chat'],
        [1, 'chat'],
      ],
    );
    store.close();

    const after = readOnly(file, (db) => ({
      version: userVersion(db),
      messages: db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id <= 6 ORDER BY id`).all(),
      sortKeysIntact: db
        .prepare(`SELECT count(*) AS n FROM messages WHERE typeof(sort_key) = 'integer'`)
        .get(),
      chats: db.prepare('SELECT id, account_id, kind, peer FROM chats ORDER BY id').all(),
      broken: db.prepare('PRAGMA foreign_key_check').all(),
      references: db
        .prepare(`SELECT "table", "from" FROM pragma_foreign_key_list('messages') ORDER BY id`)
        .all(),
    }));
    assert.equal(after.version, SCHEMA_VERSION);
    assert.equal(SCHEMA_VERSION, 5);
    assert.deepEqual(
      after.messages.map((row) => ({ ...row })),
      before,
      'every v3 row unchanged, same ids and sort keys',
    );
    assert.deepEqual((after.sortKeysIntact as { n: number }).n, 7);
    assert.deepEqual(
      after.chats.map((row) => ({ ...row })),
      [
        { id: 2, account_id: 1, kind: 'chat', peer: BOB },
        { id: 5, account_id: 1, kind: 'chat', peer: CAROL },
        { id: 9, account_id: 3, kind: 'chat', peer: BOB },
        { id: 10, account_id: 1, kind: 'groupchat', peer: BOB },
      ],
    );
    assert.deepEqual(after.broken, []);
    assert.deepEqual(
      after.references
        .map((row) => ({ ...row }))
        .toSorted((a, b) => String(a.from).localeCompare(String(b.from))),
      [
        { table: 'accounts', from: 'account_id' },
        { table: 'chats', from: 'chat_id' },
      ],
      'messages still reference chats (the new table), not a renamed old one',
    );
    const db = new DatabaseSync(file);
    db.exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`);
    db.close();
  });

  test('a migrated file has exactly the schema of a new one', () => {
    using tmp = tempDir();
    const migrated = path.join(tmp.dir, 'old.sqlite');
    const fresh = path.join(tmp.dir, 'new.sqlite');
    writeV3(migrated);
    HistoryStore.open(migrated).close();
    HistoryStore.open(fresh).close();
    assert.deepEqual(schemaOf(migrated), schemaOf(fresh));
    assert.ok(schemaOf(fresh).some((row) => row.includes('UNIQUE (account_id, kind, peer)')));
    assert.ok(!schemaOf(fresh).some((row) => row.includes('chats_v4')));
  });

  test('the unique key is (account, kind, peer): a second kind of the same JID is a new row', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    writeV3(file);
    HistoryStore.open(file).close();
    const db = new DatabaseSync(file);
    db.exec('PRAGMA foreign_keys = ON');
    db.exec(`INSERT INTO chats (account_id, kind, peer) VALUES (1, 'groupchat', '${BOB}')`);
    assert.throws(
      () => db.exec(`INSERT INTO chats (account_id, kind, peer) VALUES (1, 'chat', '${BOB}')`),
      /UNIQUE/,
    );
    assert.throws(
      () => db.exec(`INSERT INTO chats (account_id, kind, peer) VALUES (1, 'room', 'x@y')`),
      /CHECK/,
    );
    assert.equal(
      (db.prepare(`SELECT kind FROM chats WHERE id = (SELECT max(id) FROM chats)`).get() as { kind: string })
        .kind,
      'groupchat',
    );
    db.exec(`INSERT INTO chats (account_id, peer) VALUES (3, 'dave@example.org')`);
    assert.equal(
      (db.prepare(`SELECT kind FROM chats WHERE peer = 'dave@example.org'`).get() as { kind: string }).kind,
      'chat',
      "kind defaults to 'chat'",
    );
    db.close();
  });

  test('migrate() keeps every message even when the caller had foreign keys on, and leaves them on', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    writeV3(file);
    const db = new DatabaseSync(file);
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db);
    assert.equal(userVersion(db), SCHEMA_VERSION);
    assert.equal((db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n, 6);
    assert.equal((db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys, 1);
    // Enforcement is on again: deleting a chat takes its messages, a dangling chat id is refused.
    db.exec('DELETE FROM chats WHERE id = 5');
    assert.equal((db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n, 4);
    assert.throws(
      () =>
        db.exec(`INSERT INTO messages (account_id, chat_id, sort_key, direction, type, received_at, state)
                 VALUES (1, 77, 1, 'in', 'chat', 1, 'received')`),
      /FOREIGN KEY/,
    );
    db.close();
  });

  test('why v4 needs foreign keys off: with them on, the same step would delete every message', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    writeV3(file);
    const db = new DatabaseSync(file);
    db.exec('PRAGMA foreign_keys = ON');
    db.exec('BEGIN IMMEDIATE');
    db.exec('PRAGMA defer_foreign_keys = ON'); // defers the checks, not the ON DELETE CASCADE actions
    db.exec(MIGRATIONS[3]!);
    assert.equal((db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n, 0);
    db.exec('ROLLBACK');
    assert.equal((db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n, 6);
    db.close();
  });

  test('a step that breaks foreign key references rolls back; rows that were already broken do not block', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    writeV3(file);
    const db = new DatabaseSync(file);
    const count = (): number => (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    // The foreign keys are off inside migrate(): this delete cascades nothing and strands four messages.
    assert.throws(
      () => migrate(db, [...MIGRATIONS.slice(0, 3), 'DELETE FROM chats WHERE id = 2']),
      /step 4 broke/,
    );
    assert.equal(userVersion(db), 3);
    assert.equal((db.prepare('SELECT count(*) AS n FROM chats').get() as { n: number }).n, 3, 'rolled back');
    assert.equal(count(), 6);
    assert.equal((db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys, 1);
    // A message whose chat vanished before (no build of ours writes one) does not lock the history away.
    db.exec('PRAGMA foreign_keys = OFF');
    db.exec(`INSERT INTO messages (account_id, chat_id, sort_key, direction, type, received_at, state)
             VALUES (1, 77, 1, 'in', 'chat', 1, 'received')`);
    migrate(db);
    assert.equal(userVersion(db), SCHEMA_VERSION);
    assert.equal(count(), 7);
    db.close();
  });

  test('a file from a newer build is still refused and left as it is', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    writeV3(file);
    HistoryStore.open(file).close();
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const schema = schemaOf(file);
    assert.throws(() => HistoryStore.open(file), /newer Parley \(schema 6, this build knows 5\)/);
    assert.equal(
      readOnly(file, (r) => userVersion(r)),
      SCHEMA_VERSION + 1,
    );
    assert.deepEqual(schemaOf(file), schema);
  });

  test('an empty v3 file (no accounts yet) migrates too', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    schemaAt(file, 3).close();
    const store = HistoryStore.open(file);
    assert.deepEqual(store.search(null, 'anything'), []);
    store.close();
    assert.equal(
      readOnly(file, (db) => userVersion(db)),
      SCHEMA_VERSION,
    );
  });
});

describe('v5: room lines keep their occupant id and mention', () => {
  test('a v4 file upgrades in place: old rows read as no occupant id, no mention; new ones keep both', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'history.sqlite');
    const v4 = schemaAt(file, 4);
    v4.exec(`INSERT INTO accounts (id, jid) VALUES (1, 'me@example.com');
             INSERT INTO chats (id, account_id, kind, peer) VALUES (1, 1, 'groupchat', 'r@rooms.example.com');
             INSERT INTO messages (account_id, chat_id, sort_key, peer_resource, direction, type, body,
               received_at, state)
             VALUES (1, 1, ${T0} * 65536, 'bea', 'in', 'chat', 'hello me', ${T0}, 'received');`);
    v4.close();
    const store = HistoryStore.open(file);
    const [old] = store.page('me@example.com', 'r@rooms.example.com', { kind: 'groupchat', limit: 10 });
    assert.equal(old?.occupantId, null);
    assert.equal(old?.mentionsMe, false);
    store.add({
      account: 'me@example.com',
      kind: 'groupchat',
      peer: 'r@rooms.example.com',
      peerResource: 'cy',
      direction: 'in',
      type: 'chat',
      messageId: 'x1',
      originId: null,
      stanzaId: 's1',
      body: 'me: look',
      subject: null,
      thread: null,
      sentAt: null,
      serverAt: null,
      receivedAt: T0 + 1,
      state: 'received',
      error: null,
      occupantId: 'occ-cy',
      mentionsMe: true,
    });
    store.close();
    const reopened = HistoryStore.open(file);
    const rows = reopened.page('me@example.com', 'r@rooms.example.com', { kind: 'groupchat', limit: 10 });
    assert.deepEqual(
      rows.map((m) => [m.body, m.occupantId, m.mentionsMe]),
      [
        ['hello me', null, false],
        ['me: look', 'occ-cy', true],
      ],
    );
    assert.equal(reopened.search('me@example.com', 'look')[0]?.occupantId, 'occ-cy', 'search hits carry it');
    reopened.close();
  });
});
