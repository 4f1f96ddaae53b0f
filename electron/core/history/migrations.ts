// The history file's schema, as a list of steps (PRAGMA user_version counts the steps applied), and the code
// that applies them. Steps are appended, never edited: a file written by any earlier build upgrades in place.
import type { DatabaseSync } from 'node:sqlite';

/**
 * Schema steps; step i brings user_version from i to i + 1. Each runs in its own transaction, with foreign key
 * enforcement off (see migrate()).
 */
export const MIGRATIONS: readonly string[] = [
  // v1: accounts, chats, messages and their indexes.
  `
  CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    jid TEXT NOT NULL UNIQUE,
    last_stanza_id TEXT,
    last_stanza_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS chats (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    peer TEXT NOT NULL,
    UNIQUE (account_id, peer)
  );
  CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    sort_key INTEGER NOT NULL,
    peer_resource TEXT,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    type TEXT NOT NULL CHECK (type IN ('chat', 'normal', 'headline')),
    message_id TEXT,
    origin_id TEXT,
    stanza_id TEXT,
    body TEXT,
    subject TEXT,
    thread TEXT,
    sent_at INTEGER,
    server_at INTEGER,
    received_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'read', 'failed', 'received')),
    error TEXT
  );
  CREATE UNIQUE INDEX IF NOT EXISTS messages_sort ON messages (sort_key);
  CREATE INDEX IF NOT EXISTS messages_chat_sort ON messages (chat_id, sort_key);
  CREATE UNIQUE INDEX IF NOT EXISTS messages_stanza_id ON messages (chat_id, stanza_id) WHERE stanza_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS messages_origin_id ON messages (account_id, origin_id) WHERE origin_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS messages_message_id ON messages (account_id, message_id) WHERE message_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS messages_pending ON messages (account_id, sort_key) WHERE state = 'pending';
  `,
  // v2: full-text search. An external-content FTS5 table over body and subject, plus a `scope` column of two
  // tokens ("a<account id> c<chat id>") so per-account and per-chat searches are FTS intersections rather than
  // filters applied row by row. Its rowid is messages.sort_key (time order). Triggers keep it in sync; the
  // rebuild indexes rows stored before this step.
  `
  ALTER TABLE messages ADD COLUMN scope TEXT GENERATED ALWAYS AS ('a' || account_id || ' c' || chat_id) VIRTUAL;
  CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
    body, subject, scope,
    content = 'messages', content_rowid = 'sort_key',
    tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages
  WHEN new.body IS NOT NULL OR new.subject IS NOT NULL BEGIN
    INSERT INTO messages_fts (rowid, body, subject, scope) VALUES (new.sort_key, new.body, new.subject, new.scope);
  END;
  CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages
  WHEN old.body IS NOT NULL OR old.subject IS NOT NULL BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body, subject, scope)
      VALUES ('delete', old.sort_key, old.body, old.subject, old.scope);
  END;
  CREATE TRIGGER IF NOT EXISTS messages_fts_update AFTER UPDATE OF body, subject, sort_key ON messages
  WHEN old.body IS NOT new.body OR old.subject IS NOT new.subject OR old.sort_key IS NOT new.sort_key BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body, subject, scope)
      SELECT 'delete', old.sort_key, old.body, old.subject, old.scope
      WHERE old.body IS NOT NULL OR old.subject IS NOT NULL;
    INSERT INTO messages_fts (rowid, body, subject, scope)
      SELECT new.sort_key, new.body, new.subject, new.scope
      WHERE new.body IS NOT NULL OR new.subject IS NOT NULL;
  END;
  INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
  `,
  // v3: when the last complete archive catch-up started, per account: where the next one starts when there is
  // no archive id to continue after (nothing archived came since, or the server forgot that id).
  `
  ALTER TABLE accounts ADD COLUMN archive_synced_at INTEGER;
  `,
  // v4: a conversation is account + kind + JID (kind 'chat': a bare JID; 'groupchat': a room's bare JID;
  // 'private': a room occupant's full JID). SQLite cannot change a UNIQUE constraint in place, so chats is
  // rebuilt (SQLite's documented 12-step procedure, https://sqlite.org/lang_altertable.html#otheralter): the
  // new table under another name, every row copied with its id (so messages.chat_id and the FTS `scope` tokens
  // "c<chat id>" stay right), the old table dropped, the new one renamed. This is only safe with foreign keys
  // OFF, which migrate() ensures: with them on, DROP TABLE deletes every row first and ON DELETE CASCADE takes
  // every message with it (even with defer_foreign_keys, which defers checks, not actions); renaming the old
  // table away instead rewrites messages' REFERENCES to follow it, so dropping it later cascades the same way.
  // With them off, nothing cascades, messages' `REFERENCES chats(id)` names the new table once it is renamed,
  // and migrate() runs foreign_key_check before committing.
  `
  CREATE TABLE chats_v4 (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'groupchat', 'private')),
    peer TEXT NOT NULL,
    UNIQUE (account_id, kind, peer)
  );
  INSERT INTO chats_v4 (id, account_id, kind, peer) SELECT id, account_id, 'chat', peer FROM chats;
  DROP TABLE chats;
  ALTER TABLE chats_v4 RENAME TO chats;
  `,
  // v5: room lines keep their sender's XEP-0421 occupant id (reactions and corrections in rooms key on it)
  // and whether they mentioned our nick (highlighted again after a restart). Additive: old rows get null / 0.
  `
  ALTER TABLE messages ADD COLUMN occupant_id TEXT;
  ALTER TABLE messages ADD COLUMN mentions_me INTEGER NOT NULL DEFAULT 0 CHECK (mentions_me IN (0, 1));
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION (`steps`: MIGRATIONS, or others in tests), one step per transaction; refuses a file from a newer build. Runs with
 * foreign key enforcement off (it cannot change inside a transaction, so it is switched here, outside them):
 * a step that rebuilds a parent table must not cascade (see v4). A step that leaves more rows failing
 * `foreign_key_check` than there were before it rolls back (rows that already failed, which no build of ours
 * writes, do not lock the user out of their history). Leaves foreign keys ON.
 */
export function migrate(db: DatabaseSync, steps: readonly string[] = MIGRATIONS): void {
  const version = (): number =>
    Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (version() > steps.length) {
    throw new Error(
      `History database is from a newer Parley (schema ${version()}, this build knows ${steps.length}); not opening it.`,
    );
  }
  // ~70 ms on a million messages; only while a step runs.
  const violations = (): number => db.prepare('PRAGMA foreign_key_check').all().length;
  db.exec('PRAGMA foreign_keys = OFF');
  try {
    for (let step = version(); step < steps.length; step = version()) {
      db.exec('BEGIN IMMEDIATE');
      try {
        // Another process may have migrated between our check and the write lock: re-read under the lock.
        const current = version();
        if (current === step) {
          const broken = violations();
          db.exec(steps[step]!);
          if (violations() > broken) {
            throw new Error(`History schema step ${step + 1} broke foreign key references; not applied.`);
          }
          db.exec(`PRAGMA user_version = ${step + 1}`);
        }
        db.exec('COMMIT');
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    }
  } finally {
    db.exec('PRAGMA foreign_keys = ON');
  }
}
