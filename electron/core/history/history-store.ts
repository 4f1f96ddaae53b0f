// The local message history (issue 4 §1-§2): one SQLite file in the user-data folder, every message stored
// once, newest page at once and older pages on scroll, FTS5 search, the outbox and delivery states.
//
// Why node:sqlite and not better-sqlite3: better-sqlite3 is not an N-API module, so it must be rebuilt for
// Electron's ABI (electron-builder install-app-deps), and that download cannot happen on our build machines
// (../shared/DESIGN.md §3). Node's built-in `node:sqlite` (DatabaseSync) ships inside Electron 45's Node 24,
// needs no native build, and was checked here: SQLite 3.53 with FTS5 and WAL.
//
// The API is synchronous (like better-sqlite3): single reads and writes take well under a millisecond; bulk
// imports (addMany) hold the thread for their duration, so callers batch archive pages (a few hundred rows).
//
// Ordering. Within a chat, messages are ordered by their best timestamp, `serverAt ?? receivedAt`, clamped to
// [0, receivedAt], then by insertion order (rowId). A live message's XEP-0203 delay stamp (`sentAt`) is kept
// but not used for order: it has whole-second precision on Prosody (a message queued during a resumption,
// stamped 12:00:01, would sort before lines that arrived live at 12:00:01.5 ahead of it), and a live stream
// already delivers one chat in the server's order. Messages that waited offline are fetched from the archive
// before live ones are handled, so their archive time (`serverAt`) orders them. That order is frozen when a message is first stored: it lives in
// `sort_key` = sortAt * 65536 + n: the first message of a millisecond takes n = 32768, later arrivals the
// next n up, and pages fetched backwards from the archive (addMany with `older`) the next n down, so a page
// of older messages sharing a (whole-second) time with ones already shown goes before them, not after. A
// message never moves once shown (filling serverAt later from the archive does not reorder it). `sort_key`
// is unique over the whole file; it is the index behind `page`/`around` and the FTS5 rowid, so search walks
// the index newest-first and stops after `limit` hits instead of sorting every match.
// (A millisecond that runs out of room continues after the newest key above it, or before the oldest below.)
// sort_key exceeds 2^53, so it never crosses into JavaScript: every use of it stays inside SQL.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { MessageState } from '../../../shared/contract.ts';
import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../../../shared/contract.ts';

export type { MessageState };
export { SNIPPET_CLOSE, SNIPPET_OPEN };

export interface StoredMessage {
  rowId: number;
  /** Bare JID of our account. */
  account: string;
  /** Bare JID of the other party: the chat. */
  peer: string;
  /** The peer's resource as seen on the wire (sender of `in`, addressee of `out`), if any. */
  peerResource: string | null;
  direction: 'in' | 'out';
  type: 'chat' | 'normal' | 'headline';
  /** The stanza's `id` attribute. */
  messageId: string | null;
  /** XEP-0359 origin-id. */
  originId: string | null;
  /** Archive id: the XEP-0359 stanza-id our own server stamped (used for MAM). */
  stanzaId: string | null;
  body: string | null;
  subject: string | null;
  thread: string | null;
  /** Epoch ms: the sender's time (XEP-0203 delay, or our compose time for `out`). */
  sentAt: number | null;
  /** Epoch ms: the archive's time (MAM result delay). */
  serverAt: number | null;
  /** Epoch ms: when this client first stored the message. */
  receivedAt: number;
  state: MessageState;
  error: string | null;
}

export type NewMessage = Omit<StoredMessage, 'rowId'>;
export type SearchHit = StoredMessage & { snippet: string };

/** Schema steps; step i brings user_version from i to i + 1. Each runs in its own transaction. */
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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

const STATES = new Set<MessageState>(['pending', 'sent', 'delivered', 'read', 'failed', 'received']);
const TYPES = new Set(['chat', 'normal', 'headline']);
const OUTGOING_RANK: Partial<Record<MessageState, number>> = { pending: 0, sent: 1, delivered: 2, read: 3 };
/** Latest representable sort time (year ~6400); sort_key = ms * 65536 must fit in a signed 64-bit integer. */
const MAX_SORT_AT = 2 ** 47 - 1;
const MAX_PAGE = 1_000;
const DEFAULT_SEARCH_LIMIT = 50;
const MIN_PREFIX_CHARS = 3;
const MAX_SEARCH_LIMIT = 500;

/**
 * Whether a message may move from `from` to `to`. Outgoing: pending < sent < delivered < read, forward only
 * (skipping allowed: a receipt may arrive before the server ack); failed only from pending or sent, and final.
 * Incoming: received -> read (we displayed it).
 */
export function canMoveState(direction: 'in' | 'out', from: MessageState, to: MessageState): boolean {
  if (from === to) return false;
  if (direction === 'in') return from === 'received' && to === 'read';
  if (to === 'failed') return from === 'pending' || from === 'sent';
  const a = OUTGOING_RANK[from];
  const b = OUTGOING_RANK[to];
  return a !== undefined && b !== undefined && b > a;
}

/**
 * Turns what the user typed into an FTS5 expression that means "all these words", with the last one also
 * matching as a prefix (search as you type) when it has at least three letters or digits. Every word is a quoted string with its quotes doubled, so FTS5
 * operators (AND, OR, NOT, NEAR, *, ^, :, parentheses, column names) are only ever words. Pieces without a letter
 * or digit are dropped (the tokenizer would make nothing of them). Returns null when nothing searchable is left.
 */
export function toFtsQuery(query: string): string | null {
  const pieces = query
    .normalize('NFC')
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, 32);
  const last = pieces.at(-1)?.replace(/[^\p{L}\p{N}]/gu, '');
  const words = pieces.map((word) => `"${word.replaceAll('"', '""')}"`);
  if (words.length === 0) return null;
  // A one- or two-letter prefix expands to thousands of terms whose lists FTS5 must merge (~200 ms at 1M rows).
  if ([...(last ?? '')].length >= MIN_PREFIX_CHARS) words[words.length - 1] += ' *';
  return words.join(' AND ');
}

const SELECT = `
  SELECT m.id AS rowId, a.jid AS account, c.peer AS peer, m.peer_resource AS peerResource,
    m.direction AS direction, m.type AS type, m.message_id AS messageId, m.origin_id AS originId,
    m.stanza_id AS stanzaId, m.body AS body, m.subject AS subject, m.thread AS thread, m.sent_at AS sentAt,
    m.server_at AS serverAt, m.received_at AS receivedAt, m.state AS state, m.error AS error`;
const FROM = `FROM messages m JOIN chats c ON c.id = m.chat_id JOIN accounts a ON a.id = m.account_id`;

/** A result row (the SELECT above names its columns after StoredMessage's fields) as a plain object. */
function toMessage(row: unknown): StoredMessage {
  return { ...(row as StoredMessage) };
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function optionalString(value: unknown): boolean {
  return value === null || typeof value === 'string';
}

/** Rejects malformed input before a batch starts writing (so addMany fails whole, never half-way). */
function validate(m: NewMessage): void {
  const problem =
    typeof m.account !== 'string' || m.account === ''
      ? 'account'
      : typeof m.peer !== 'string' || m.peer === ''
        ? 'peer'
        : m.direction !== 'in' && m.direction !== 'out'
          ? 'direction'
          : !TYPES.has(m.type)
            ? 'type'
            : !STATES.has(m.state) ||
                (m.direction === 'in' ? m.state !== 'received' && m.state !== 'read' : m.state === 'received')
              ? 'state'
              : !isTime(m.receivedAt)
                ? 'receivedAt'
                : !(m.sentAt === null || isTime(m.sentAt))
                  ? 'sentAt'
                  : !(m.serverAt === null || isTime(m.serverAt))
                    ? 'serverAt'
                    : (
                        [
                          'peerResource',
                          'messageId',
                          'originId',
                          'stanzaId',
                          'body',
                          'subject',
                          'thread',
                          'error',
                        ] as const
                      ).find((key) => !optionalString(m[key]));
  if (problem) throw new TypeError(`HistoryStore: invalid message field "${problem}"`);
}

/** The time a message sorts by (see the ordering note at the top): what the UI shows as its time. */
export function messageTime(m: NewMessage): number {
  const best = m.serverAt ?? m.receivedAt;
  return Math.trunc(Math.min(Math.max(Math.min(best, m.receivedAt), 0), MAX_SORT_AT));
}

/** Creates the file owner-only (0600) before SQLite does; its -wal and -shm files copy that mode. */
function prepareFile(file: string): void {
  if (file === ':memory:' || file === '' || file.startsWith('file:')) return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  try {
    chmodSync(file, 0o600);
  } catch {
    // not ours to change (e.g. a read-only mount); SQLite reports real problems when it opens the file
  }
}

function migrate(db: DatabaseSync): void {
  const version = (): number =>
    Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (version() > SCHEMA_VERSION) {
    throw new Error(
      `History database is from a newer Parley (schema ${version()}, this build knows ${SCHEMA_VERSION}); not opening it.`,
    );
  }
  for (let step = version(); step < SCHEMA_VERSION; step = version()) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Another process may have migrated between our check and the write lock: re-read under the lock.
      const current = version();
      if (current === step) {
        db.exec(MIGRATIONS[step]!);
        db.exec(`PRAGMA user_version = ${step + 1}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}

export class HistoryStore {
  readonly #db: DatabaseSync;
  /** account JID -> accounts.id; `${accountId} ${peer}` -> chats.id. Cleared when a transaction rolls back. */
  readonly #accounts = new Map<string, number>();
  readonly #chats = new Map<string, number>();
  readonly #sql: Record<string, StatementSync>;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    const p = (sql: string): StatementSync => db.prepare(sql);
    this.#sql = {
      accountGet: p('SELECT id FROM accounts WHERE jid = ?'),
      accountAdd: p('INSERT INTO accounts (jid) VALUES (?) ON CONFLICT (jid) DO NOTHING'),
      chatGet: p('SELECT id FROM chats WHERE account_id = ? AND peer = ?'),
      chatAdd: p(
        'INSERT INTO chats (account_id, peer) VALUES (?, ?) ON CONFLICT (account_id, peer) DO NOTHING',
      ),
      byStanzaId: p('SELECT id, direction, state FROM messages WHERE chat_id = ? AND stanza_id = ?'),
      byOriginId: p(
        `SELECT id, direction, state FROM messages
         WHERE account_id = ? AND origin_id = ? AND chat_id = ? AND direction = ?
         ORDER BY id DESC LIMIT 1`,
      ),
      // The weakest key (clients reuse simple ids): only rows without conflicting stronger ids and same body.
      byMessageId: p(
        `SELECT id, direction, state FROM messages
         WHERE account_id = ? AND message_id = ? AND chat_id = ? AND direction = ?
           AND origin_id IS NULL AND (stanza_id IS NULL OR ? IS NULL) AND body IS ?
         ORDER BY id DESC LIMIT 1`,
      ),
      insert: p(
        `INSERT INTO messages (account_id, chat_id, sort_key, peer_resource, direction, type, message_id,
           origin_id, stanza_id, body, subject, thread, sent_at, server_at, received_at, state, error)
         VALUES (:accountId, :chatId,
           (SELECT CASE WHEN hi IS NULL THEN base + 32768
                        WHEN :older = 0 AND hi < base + 65535 THEN hi + 1
                        WHEN :older = 0 THEN (SELECT max(sort_key) + 1 FROM messages WHERE sort_key >= base)
                        WHEN lo > base THEN lo - 1
                        ELSE (SELECT min(sort_key) - 1 FROM messages WHERE sort_key <= base + 65535) END
            FROM (SELECT base,
                    (SELECT max(sort_key) FROM messages WHERE sort_key BETWEEN base AND base + 65535) AS hi,
                    (SELECT min(sort_key) FROM messages WHERE sort_key BETWEEN base AND base + 65535) AS lo
                  FROM (SELECT CAST(:sortAt AS INTEGER) * 65536 AS base))),
           :peerResource, :direction, :type, :messageId, :originId, :stanzaId, :body, :subject, :thread,
           :sentAt, :serverAt, :receivedAt, :state, :error)`,
      ),
      merge: p(
        `UPDATE messages SET
           peer_resource = coalesce(peer_resource, :peerResource), message_id = coalesce(message_id, :messageId),
           origin_id = coalesce(origin_id, :originId), stanza_id = coalesce(stanza_id, :stanzaId),
           body = coalesce(body, :body), subject = coalesce(subject, :subject), thread = coalesce(thread, :thread),
           sent_at = coalesce(sent_at, :sentAt), server_at = coalesce(server_at, :serverAt),
           state = coalesce(:state, state), error = CASE WHEN :state IS NULL THEN error ELSE :error END
         WHERE id = :id`,
      ),
      archiveSeen: p(
        `UPDATE accounts SET last_stanza_id = :stanzaId, last_stanza_at = :at
         WHERE id = :accountId AND (last_stanza_at IS NULL OR last_stanza_at <= :at)`,
      ),
      lastStanzaId: p('SELECT last_stanza_id AS id FROM accounts WHERE jid = ?'),
      archiveSyncedAt: p('SELECT archive_synced_at AS at FROM accounts WHERE jid = ?'),
      setArchiveSyncedAt: p('UPDATE accounts SET archive_synced_at = ? WHERE jid = ?'),
      rowById: p(`${SELECT} ${FROM} WHERE m.id = ? AND m.account_id = ?`),
      findForState: p(
        `SELECT id, direction, state FROM messages
         WHERE id = :rowId AND account_id = :accountId
           AND (:chatId IS NULL OR chat_id = :chatId) AND (:direction IS NULL OR direction = :direction)`,
      ),
      findByOriginForState: p(
        `SELECT id, direction, state FROM messages
         WHERE account_id = :accountId AND origin_id = :originId
           AND (:chatId IS NULL OR chat_id = :chatId) AND (:direction IS NULL OR direction = :direction)
         ORDER BY id DESC LIMIT 1`,
      ),
      findByMessageIdForState: p(
        `SELECT id, direction, state FROM messages
         WHERE account_id = :accountId AND message_id = :messageId
           AND (:chatId IS NULL OR chat_id = :chatId) AND (:direction IS NULL OR direction = :direction)
         ORDER BY id DESC LIMIT 1`,
      ),
      setState: p('UPDATE messages SET state = ?, error = ? WHERE id = ?'),
      pending: p(`${SELECT} ${FROM} WHERE m.account_id = ? AND m.state = 'pending' ORDER BY m.sort_key`),
      pageNewest: p(`${SELECT} ${FROM} WHERE m.chat_id = ? ORDER BY m.sort_key DESC LIMIT ?`),
      pageBefore: p(
        `${SELECT} ${FROM}
         WHERE m.chat_id = :chatId AND m.sort_key < (SELECT sort_key FROM messages WHERE id = :rowId)
         ORDER BY m.sort_key DESC LIMIT :limit`,
      ),
      pageAfter: p(
        `${SELECT} ${FROM}
         WHERE m.chat_id = :chatId AND m.sort_key > (SELECT sort_key FROM messages WHERE id = :rowId)
         ORDER BY m.sort_key ASC LIMIT :limit`,
      ),
      chatOfRow: p('SELECT chat_id AS chatId FROM messages WHERE id = ? AND account_id = ?'),
      search: p(
        `${SELECT},
           snippet(messages_fts, 0, '${SNIPPET_OPEN}', '${SNIPPET_CLOSE}', '…', 16) AS bodySnippet,
           snippet(messages_fts, 1, '${SNIPPET_OPEN}', '${SNIPPET_CLOSE}', '…', 16) AS subjectSnippet
         FROM messages_fts
           JOIN messages m ON m.sort_key = messages_fts.rowid
           JOIN chats c ON c.id = m.chat_id
           JOIN accounts a ON a.id = m.account_id
         WHERE messages_fts MATCH ?
         ORDER BY messages_fts.rowid DESC LIMIT ?`,
      ),
    };
  }

  /** Opens (creating and migrating as needed) the history database at `file`; ':memory:' for tests. */
  static open(file: string): HistoryStore {
    prepareFile(file);
    const db = new DatabaseSync(file, { timeout: 5_000 });
    try {
      db.exec('PRAGMA journal_mode = WAL'); // in-memory databases answer 'memory': fine
      db.exec('PRAGMA synchronous = NORMAL'); // durable at checkpoints; WAL keeps the file consistent
      db.exec('PRAGMA foreign_keys = ON');
      migrate(db);
      return new HistoryStore(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * Stores a message unless an equivalent one exists, found in this order: same chat and stanzaId (archive
   * id); same chat, direction and originId; same chat, direction and messageId when the new copy has no
   * originId, the stored one has neither an originId nor a different stanzaId, and the bodies are equal. A
   * match is completed with what it lacked (ids, resource, timestamps, body/subject/thread) and its state moves
   * forward if the new copy's is later; it keeps its place in the order.
   */
  add(message: NewMessage): { rowId: number; inserted: boolean } {
    validate(message);
    return this.#transaction(() => this.#add(message, false));
  }

  /** add() for many messages in one transaction: all are stored or, on an error, none. */
  addMany(
    messages: NewMessage[],
    opts: { older?: boolean } = {},
  ): Array<{ rowId: number; inserted: boolean }> {
    for (const message of messages) validate(message);
    if (!opts.older) return this.#transaction(() => messages.map((message) => this.#add(message, false)));
    // Older history (oldest first, like every page): placed newest first, each before the one after it.
    return this.#transaction(() =>
      messages
        .toReversed()
        .map((message) => this.#add(message, true))
        .reverse(),
    );
  }

  /**
   * Moves one message to `state` if that is forward (see canMoveState); `error` is kept for 'failed' only.
   * Matched by rowId, else originId, else messageId (newest match wins), within `account` and, when given,
   * `peer` (bare JID) and `direction` — pass both when the match comes off the network, so a contact can only
   * touch messages of their own chat. Returns the updated row, or null when nothing matched or nothing moved.
   */
  setState(
    account: string,
    match: { messageId?: string; originId?: string; rowId?: number; peer?: string; direction?: 'in' | 'out' },
    state: MessageState,
    error: string | null = null,
  ): StoredMessage | null {
    if (!STATES.has(state)) throw new TypeError(`HistoryStore: invalid state "${String(state)}"`);
    const accountId = this.#accountId(account, false);
    if (accountId === null) return null;
    let chatId: number | null = null;
    if (match.peer !== undefined) {
      chatId = this.#chatId(accountId, match.peer, false);
      if (chatId === null) return null;
    }
    const scope = { accountId, chatId, direction: match.direction ?? null };
    let row: { id: number; direction: 'in' | 'out'; state: MessageState } | undefined;
    if (match.rowId !== undefined) {
      row = this.#sql.findForState!.get({ ...scope, rowId: match.rowId }) as typeof row;
    } else if (match.originId !== undefined) {
      row = this.#sql.findByOriginForState!.get({ ...scope, originId: match.originId }) as typeof row;
    } else if (match.messageId !== undefined) {
      row = this.#sql.findByMessageIdForState!.get({ ...scope, messageId: match.messageId }) as typeof row;
    }
    if (!row || !canMoveState(row.direction, row.state, state)) return null;
    this.#sql.setState!.run(state, state === 'failed' ? error : null, row.id);
    return this.#row(row.id, accountId);
  }

  /** The outbox: this account's messages still waiting to be sent, oldest first. */
  pending(account: string): StoredMessage[] {
    const accountId = this.#accountId(account, false);
    if (accountId === null) return [];
    return this.#sql.pending!.all(accountId).map(toMessage);
  }

  /**
   * One page of a chat, returned oldest first. Without `before`/`after`: the newest `limit` messages. With
   * `before` (the oldest message of the page already shown; a StoredMessage works as is): the `limit` messages
   * just older than it. With `after`: the `limit` messages just newer. Empty means the start (end) of the history.
   */
  page(
    account: string,
    peer: string,
    opts: { before?: { rowId: number }; after?: { rowId: number }; limit: number },
  ): StoredMessage[] {
    const accountId = this.#accountId(account, false);
    const chatId = accountId === null ? null : this.#chatId(accountId, peer, false);
    if (chatId === null) return [];
    const limit = Math.max(0, Math.min(Math.trunc(opts.limit), MAX_PAGE));
    if (opts.after) {
      return this.#sql.pageAfter!.all({ chatId, rowId: opts.after.rowId, limit }).map(toMessage);
    }
    const rows = opts.before
      ? this.#sql.pageBefore!.all({ chatId, rowId: opts.before.rowId, limit })
      : this.#sql.pageNewest!.all(chatId, limit);
    return rows.map(toMessage).reverse();
  }

  /** One stored message of `account`, or null. */
  message(account: string, rowId: number): StoredMessage | null {
    const accountId = this.#accountId(account, false);
    return accountId === null ? null : this.#row(rowId, accountId);
  }

  /** The message `rowId` with up to `radius` messages of its chat before and after it, oldest first. */
  around(account: string, rowId: number, radius: number): StoredMessage[] {
    const accountId = this.#accountId(account, false);
    if (accountId === null) return [];
    const found = this.#sql.chatOfRow!.get(rowId, accountId) as { chatId: number } | undefined;
    if (!found) return [];
    const limit = Math.max(0, Math.min(Math.trunc(radius), MAX_PAGE));
    const before = this.#sql.pageBefore!.all({ chatId: found.chatId, rowId, limit }).map(toMessage).reverse();
    const after = this.#sql.pageAfter!.all({ chatId: found.chatId, rowId, limit }).map(toMessage);
    const self = this.#row(rowId, accountId);
    return self ? [...before, self, ...after] : [];
  }

  /**
   * Messages of `account` (or of one chat with `peer`) whose body or subject holds every word of `query` (the
   * last word also as a prefix, from three characters), newest first. The query is plain words, never FTS syntax. `snippet` is the
   * matching text with SNIPPET_OPEN/SNIPPET_CLOSE around matched words.
   */
  search(account: string, query: string, opts: { peer?: string; limit?: number } = {}): SearchHit[] {
    const words = toFtsQuery(query);
    const accountId = this.#accountId(account, false);
    if (words === null || accountId === null) return [];
    let scope = `a${accountId}`;
    if (opts.peer !== undefined) {
      const chatId = this.#chatId(accountId, opts.peer, false);
      if (chatId === null) return [];
      scope = `c${chatId}`;
    }
    const limit = Math.max(1, Math.min(Math.trunc(opts.limit ?? DEFAULT_SEARCH_LIMIT), MAX_SEARCH_LIMIT));
    const expression = `scope : "${scope}" AND {body subject} : (${words})`;
    return this.#sql.search!.all(expression, limit).map((row) => {
      const r = row as { bodySnippet: string | null; subjectSnippet: string | null };
      const message = toMessage(row);
      const snippet = message.body !== null ? r.bodySnippet : r.subjectSnippet;
      return { ...message, snippet: snippet ?? '' };
    });
  }

  /** The archive id (stanza-id) of the newest message seen for this account, by server time: MAM catch-up. */
  lastStanzaId(account: string): string | null {
    const row = this.#sql.lastStanzaId!.get(account) as { id: string | null } | undefined;
    return row?.id ?? null;
  }

  /** When the last complete archive catch-up of `account` started (epoch ms), or null if none has. */
  archiveSyncedAt(account: string): number | null {
    const row = this.#sql.archiveSyncedAt!.get(account) as { at: number | null } | undefined;
    return row?.at ?? null;
  }

  setArchiveSyncedAt(account: string, at: number): void {
    this.#accountId(account, true);
    this.#sql.setArchiveSyncedAt!.run(Math.trunc(at), account);
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #add(m: NewMessage, older: boolean): { rowId: number; inserted: boolean } {
    const accountId = this.#accountId(m.account, true)!;
    const chatId = this.#chatId(accountId, m.peer, true)!;
    type Found = { id: number; direction: 'in' | 'out'; state: MessageState } | undefined;
    let found: Found;
    if (m.stanzaId !== null) found = this.#sql.byStanzaId!.get(chatId, m.stanzaId) as Found;
    if (!found && m.originId !== null) {
      found = this.#sql.byOriginId!.get(accountId, m.originId, chatId, m.direction) as Found;
    }
    if (!found && m.originId === null && m.messageId !== null) {
      found = this.#sql.byMessageId!.get(
        accountId,
        m.messageId,
        chatId,
        m.direction,
        m.stanzaId,
        m.body,
      ) as Found;
    }
    const fields = {
      peerResource: m.peerResource,
      messageId: m.messageId,
      originId: m.originId,
      stanzaId: m.stanzaId,
      body: m.body,
      subject: m.subject,
      thread: m.thread,
      sentAt: m.sentAt === null ? null : Math.trunc(m.sentAt),
      serverAt: m.serverAt === null ? null : Math.trunc(m.serverAt),
    };
    let rowId: number;
    let inserted: boolean;
    if (found) {
      const moves = canMoveState(found.direction, found.state, m.state);
      this.#sql.merge!.run({
        ...fields,
        state: moves ? m.state : null,
        error: moves && m.state === 'failed' ? m.error : null,
        id: found.id,
      });
      rowId = found.id;
      inserted = false;
    } else {
      const result = this.#sql.insert!.run({
        ...fields,
        accountId,
        chatId,
        sortAt: messageTime(m),
        older: older ? 1 : 0,
        direction: m.direction,
        type: m.type,
        receivedAt: Math.trunc(m.receivedAt),
        state: m.state,
        error: m.state === 'failed' ? m.error : null,
      });
      rowId = Number(result.lastInsertRowid);
      inserted = true;
    }
    if (m.stanzaId !== null) {
      this.#sql.archiveSeen!.run({
        accountId,
        stanzaId: m.stanzaId,
        at: Math.trunc(m.serverAt ?? m.receivedAt),
      });
    }
    return { rowId, inserted };
  }

  #row(rowId: number, accountId: number): StoredMessage | null {
    const row = this.#sql.rowById!.get(rowId, accountId);
    return row ? toMessage(row) : null;
  }

  #accountId(jid: string, create: boolean): number | null {
    const cached = this.#accounts.get(jid);
    if (cached !== undefined) return cached;
    if (create) this.#sql.accountAdd!.run(jid);
    const row = this.#sql.accountGet!.get(jid) as { id: number } | undefined;
    if (!row) return null;
    this.#accounts.set(jid, row.id);
    return row.id;
  }

  #chatId(accountId: number, peer: string, create: boolean): number | null {
    const key = `${accountId} ${peer}`;
    const cached = this.#chats.get(key);
    if (cached !== undefined) return cached;
    if (create) this.#sql.chatAdd!.run(accountId, peer);
    const row = this.#sql.chatGet!.get(accountId, peer) as { id: number } | undefined;
    if (!row) return null;
    this.#chats.set(key, row.id);
    return row.id;
  }

  /**
   * Runs `work` (calls on this store) in one transaction: all of it is committed, or on an error none. Many
   * small writes (a burst of acks moving states) commit once instead of once each.
   */
  transaction<T>(work: () => T): T {
    return this.#transaction(work);
  }

  #transaction<T>(work: () => T): T {
    if (this.#db.isTransaction) return work();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      // Ids created inside the rolled-back transaction no longer exist.
      this.#accounts.clear();
      this.#chats.clear();
      throw error;
    }
  }
}
