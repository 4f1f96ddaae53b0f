// The local message history (issue 4 §1-§2): one SQLite file in the user-data folder, every message stored
// once, newest page at once and older pages on scroll, FTS5 search, the outbox and delivery states.
//
// Why node:sqlite and not better-sqlite3: better-sqlite3 is not an N-API module, so it must be rebuilt for
// Electron's ABI (electron-builder install-app-deps), and that download cannot happen on our build machines
// (README: Dependencies). Node's built-in `node:sqlite` (DatabaseSync) ships inside Electron 45's Node 24,
// needs no native build, and was checked here: SQLite 3.53 with FTS5 and WAL.
//
// The API is synchronous (like better-sqlite3): single reads and writes take well under a millisecond; bulk
// imports (addMany) hold the thread for their duration, so callers batch archive pages (a few hundred rows).
//
// Conversations. A chats row is one conversation: account + kind + peer (StoredMessage.kind and .peer), so
// the same bare JID as a 1:1 'chat' and as a 'groupchat' room are two conversations, and each room occupant
// in 'private' is one of its own (its full JID). Every method naming a conversation by its peer takes the
// kind the same way: an optional `kind` beside `peer` in its options, 'chat' when left out (page, search,
// setState; without a `peer` it narrows nothing); add/addMany read `message.kind`, which is required.
// The schema and its upgrades: migrations.ts.
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
import type { ConversationKind, MessageState } from '../../../shared/contract.ts';
import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../../../shared/contract.ts';
import { migrate } from './migrations.ts';
import { toFtsQuery } from './search-query.ts';
import { insertValues, prepareStatements } from './statements.ts';
import {
  STATES,
  canMoveState,
  messageTime,
  storedOf,
  validate,
  type NewMessage,
  type StoredMessage,
} from './stored-message.ts';

export type { ConversationKind, MessageState, NewMessage, StoredMessage };
export { SNIPPET_CLOSE, SNIPPET_OPEN, canMoveState, messageTime, storedOf, toFtsQuery };
export { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';
export type SearchHit = StoredMessage & { snippet: string };

const MAX_PAGE = 1_000;
const DEFAULT_SEARCH_LIMIT = 50;
const MAX_SEARCH_LIMIT = 500;

/** A result row (statements.ts names its columns after StoredMessage's fields) as a plain object. */
function toMessage(row: unknown): StoredMessage {
  const r = row as Omit<StoredMessage, 'mentionsMe'> & { mentionsMe: number };
  return { ...r, mentionsMe: r.mentionsMe === 1 };
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

/** Conversation ids kept in memory, at most (a miss costs one indexed lookup). */
export const CHAT_ID_CACHE = 10_000;

export class HistoryStore {
  readonly #db: DatabaseSync;
  /**
   * account JID -> accounts.id; `${accountId} ${kind} ${peer}` -> chats.id (neither an id nor a kind holds a
   * space). Cleared when a transaction rolls back.
   */
  readonly #accounts = new Map<string, number>();
  readonly #chats = new Map<string, number>();
  readonly #sql: Record<string, StatementSync>;

  /** Conversation ids held in memory now (at most CHAT_ID_CACHE). */
  get cachedConversations(): number {
    return this.#chats.size;
  }

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareStatements(db);
  }

  /** Opens (creating and migrating as needed) the history database at `file`; ':memory:' for tests. */
  static open(file: string): HistoryStore {
    prepareFile(file);
    const db = new DatabaseSync(file, { timeout: 5_000 });
    try {
      db.exec('PRAGMA journal_mode = WAL'); // in-memory databases answer 'memory': fine
      db.exec('PRAGMA synchronous = NORMAL'); // durable at checkpoints; WAL keeps the file consistent
      migrate(db); // leaves foreign keys ON
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
   * the conversation (`peer` with `kind`, 'chat' by default) and `direction` — pass both when the match comes
   * off the network, so a contact can only touch messages of their own conversation. Returns the updated row,
   * or null when nothing matched or nothing moved.
   */
  setState(
    account: string,
    match: {
      messageId?: string;
      originId?: string;
      rowId?: number;
      peer?: string;
      kind?: ConversationKind;
      direction?: 'in' | 'out';
    },
    state: MessageState,
    error: string | null = null,
  ): StoredMessage | null {
    if (!STATES.has(state)) throw new TypeError(`HistoryStore: invalid state "${String(state)}"`);
    const accountId = this.#accountId(account, false);
    if (accountId === null) return null;
    let chatId: number | null = null;
    if (match.peer !== undefined) {
      chatId = this.#chatId(accountId, match.kind ?? 'chat', match.peer, false);
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

  /**
   * A failed message of ours back in play: 'pending' (the user sends it again) or 'sent' (proof it got
   * through after all: a room reflected it). The only way out of 'failed'. Returns the row, or null when
   * `rowId` is no failed message of ours on `account`.
   */
  reopen(account: string, rowId: number, state: 'pending' | 'sent'): StoredMessage | null {
    const accountId = this.#accountId(account, false);
    if (accountId === null) return null;
    const changed = this.#sql.reopen!.run({ state, rowId, accountId }).changes;
    return Number(changed) > 0 ? this.#row(rowId, accountId) : null;
  }

  /** The outbox: this account's messages still waiting to be sent, oldest first. */
  pending(account: string): StoredMessage[] {
    const accountId = this.#accountId(account, false);
    if (accountId === null) return [];
    return this.#sql.pending!.all(accountId).map(toMessage);
  }

  /**
   * One page of a conversation (`peer` with `opts.kind`, 'chat' by default), returned oldest first. Without
   * `before`/`after`: the newest `limit` messages. With `before` (the oldest message of the page already shown;
   * a StoredMessage works as is): the `limit` messages just older than it. With `after`: the `limit` messages
   * just newer. Empty means the start (end) of the history.
   */
  page(
    account: string,
    peer: string,
    opts: { kind?: ConversationKind; before?: { rowId: number }; after?: { rowId: number }; limit: number },
  ): StoredMessage[] {
    const accountId = this.#accountId(account, false);
    const chatId = accountId === null ? null : this.#chatId(accountId, opts.kind ?? 'chat', peer, false);
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

  /** The message `rowId` with up to `radius` messages of its conversation before and after it, oldest first. */
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
   * Messages whose body or subject holds every word of `query` (the last word also as a prefix, from three
   * characters), newest first: of every account when `account` is null (each hit names its `account`), of one
   * account, or of one of its conversations with `peer` (and `kind`, 'chat' by default; a `peer` needs an
   * `account`). The query is plain words, never FTS syntax. `snippet` is the matching text with SNIPPET_OPEN/
   * SNIPPET_CLOSE around matched words. Each case is one FTS5 query walking the index newest first until
   * `limit` hits: the account or conversation is a `scope` token, not a filter.
   */
  search(
    account: string | null,
    query: string,
    opts: { peer?: string; kind?: ConversationKind; limit?: number } = {},
  ): SearchHit[] {
    if (account === null && opts.peer !== undefined)
      throw new TypeError('HistoryStore.search: a peer needs an account');
    const words = toFtsQuery(query);
    if (words === null) return [];
    let scope: string | null = null;
    if (account !== null) {
      const accountId = this.#accountId(account, false);
      if (accountId === null) return [];
      scope = `a${accountId}`;
      if (opts.peer !== undefined) {
        // A full JID can only be a private conversation's.
        const kind = opts.kind ?? (opts.peer.includes('/') ? 'private' : 'chat');
        const chatId = this.#chatId(accountId, kind, opts.peer, false);
        if (chatId === null) return [];
        scope = `c${chatId}`;
      }
    }
    const limit = Math.max(1, Math.min(Math.trunc(opts.limit ?? DEFAULT_SEARCH_LIMIT), MAX_SEARCH_LIMIT));
    const text = `{body subject} : (${words})`;
    const expression = scope === null ? text : `scope : "${scope}" AND ${text}`;
    return this.#sql.search!.all(expression, limit).map((row) => {
      const r = row as { bodySnippet: string | null; subjectSnippet: string | null };
      const message = toMessage(row);
      const snippet = message.body !== null ? r.bodySnippet : r.subjectSnippet;
      return { ...message, snippet: snippet ?? '' };
    });
  }

  /** The archive id (stanza-id) of the newest message seen for this account, by server time: MAM catch-up. */
  /**
   * One-to-one chats of `account` we never wrote in (strangers' message requests, or contacts we never
   * answered), newest first, at most `limit`: when their newest message arrived, how many there are, the text
   * of the newest. One pass over the account's messages (run once per start).
   */
  unansweredChats(
    account: string,
    limit: number,
  ): Array<{ peer: string; count: number; at: number; preview: string | null }> {
    const accountId = this.#accountId(account, false);
    if (accountId === null) return [];
    return this.#sql.unansweredChats!.all(accountId, limit).map((row) => ({
      ...(row as { peer: string; count: number; at: number; preview: string | null }),
    }));
  }

  /** Messages from `peer` (a one-to-one chat) received after `at`. */
  inboundSince(account: string, peer: string, at: number): number {
    const accountId = this.#accountId(account, false);
    if (accountId === null) return 0;
    return (this.#sql.inboundSince!.get(accountId, peer, at) as { n: number }).n;
  }

  /** Whether the one-to-one chat with `peer` holds the message with this archive id (an indexed lookup). */
  hasStanzaId(account: string, peer: string, stanzaId: string): boolean {
    const accountId = this.#accountId(account, false);
    const chatId = accountId === null ? null : this.#chatId(accountId, 'chat', peer, false);
    return chatId !== null && this.#sql.byStanzaId!.get(chatId, stanzaId) !== undefined;
  }

  /** Whether the history holds the conversation `kind` + `peer` of `account` (an indexed lookup, cached). */
  hasConversation(account: string, kind: ConversationKind, peer: string): boolean {
    const accountId = this.#accountId(account, false);
    return accountId !== null && this.#chatId(accountId, kind, peer, false) !== null;
  }

  /** Whether we ever wrote to `peer` in a one-to-one chat (an indexed lookup). */
  hasOutgoing(account: string, peer: string): boolean {
    const accountId = this.#accountId(account, false);
    return accountId !== null && this.#sql.hasOutgoing!.get(accountId, peer) !== undefined;
  }

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
    const chatId = this.#chatId(accountId, m.kind, m.peer, true)!;
    type Found = { id: number; direction: 'in' | 'out'; state: MessageState } | undefined;
    const sql = this.#sql;
    let found: Found;
    if (m.stanzaId !== null) found = sql.byStanzaId!.get(chatId, m.stanzaId) as Found;
    // The probes first (statements.ts): a new id, the usual case, skips the ordered search.
    if (!found && m.originId !== null && sql.hasOriginId!.get(accountId, m.originId) !== undefined) {
      found = sql.byOriginId!.get(accountId, m.originId, chatId, m.direction) as Found;
    }
    if (
      !found &&
      m.originId === null &&
      m.messageId !== null &&
      sql.hasMessageId!.get(accountId, m.messageId) !== undefined
    ) {
      found = sql.byMessageId!.get(accountId, m.messageId, chatId, m.direction, m.stanzaId, m.body) as Found;
    }
    let rowId: number;
    let inserted: boolean;
    if (found) {
      const moves = canMoveState(found.direction, found.state, m.state);
      sql.merge!.run({
        peerResource: m.peerResource,
        messageId: m.messageId,
        originId: m.originId,
        stanzaId: m.stanzaId,
        body: m.body,
        subject: m.subject,
        thread: m.thread,
        sentAt: m.sentAt === null ? null : Math.trunc(m.sentAt),
        serverAt: m.serverAt === null ? null : Math.trunc(m.serverAt),
        occupantId: m.occupantId ?? null,
        mentionsMe: m.mentionsMe ? 1 : 0,
        state: moves ? m.state : null,
        error: moves && m.state === 'failed' ? m.error : null,
        id: found.id,
      });
      rowId = found.id;
      inserted = false;
    } else {
      const result = sql.insert!.run(...insertValues(accountId, chatId, m, older));
      rowId = Number(result.lastInsertRowid);
      inserted = true;
    }
    // A room's archive ids are the room's, not our server's: they must not become the account's catch-up point.
    if (m.stanzaId !== null && m.kind !== 'groupchat') {
      sql.archiveSeen!.run({
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

  #chatId(accountId: number, kind: ConversationKind, peer: string, create: boolean): number | null {
    const key = `${accountId} ${kind} ${peer}`;
    const cached = this.#chats.get(key);
    if (cached !== undefined) return cached;
    if (create) this.#sql.chatAdd!.run(accountId, kind, peer);
    const row = this.#sql.chatGet!.get(accountId, kind, peer) as { id: number } | undefined;
    if (!row) return null;
    // Peers are remote input (anyone can write to us): a cache of the most recent ones, not of every one.
    if (this.#chats.size >= CHAT_ID_CACHE) {
      const oldest = this.#chats.keys().next().value;
      if (oldest !== undefined) this.#chats.delete(oldest);
    }
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
