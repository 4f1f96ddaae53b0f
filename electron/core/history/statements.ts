// The SQL the history store runs, prepared once per connection (see history-store.ts for what the columns and
// the sort key mean). Message queries name their result columns after StoredMessage's fields.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../../../shared/contract.ts';
import { messageTime, type NewMessage } from './stored-message.ts';

const SELECT = `
  SELECT m.id AS rowId, a.jid AS account, c.kind AS kind, c.peer AS peer, m.peer_resource AS peerResource,
    m.direction AS direction, m.type AS type, m.message_id AS messageId, m.origin_id AS originId,
    m.stanza_id AS stanzaId, m.body AS body, m.subject AS subject, m.thread AS thread, m.sent_at AS sentAt,
    m.server_at AS serverAt, m.received_at AS receivedAt, m.state AS state, m.error AS error,
    m.occupant_id AS occupantId, m.mentions_me AS mentionsMe`;
const FROM = `FROM messages m JOIN chats c ON c.id = m.chat_id JOIN accounts a ON a.id = m.account_id`;

/** The insert statement's parameters for `m`, in its order (?1-?20). */
export function insertValues(
  accountId: number,
  chatId: number,
  m: NewMessage,
  older: boolean,
): SQLInputValue[] {
  return [
    accountId,
    chatId,
    messageTime(m),
    m.peerResource,
    m.direction,
    m.type,
    m.messageId,
    m.originId,
    m.stanzaId,
    m.body,
    m.subject,
    m.thread,
    m.sentAt === null ? null : Math.trunc(m.sentAt),
    m.serverAt === null ? null : Math.trunc(m.serverAt),
    Math.trunc(m.receivedAt),
    m.state,
    m.state === 'failed' ? m.error : null,
    m.occupantId ?? null,
    m.mentionsMe ? 1 : 0,
    older ? 1 : 0,
  ];
}

export function prepareStatements(db: DatabaseSync): Record<string, StatementSync> {
  const p = (sql: string): StatementSync => db.prepare(sql);
  return {
    accountGet: p('SELECT id FROM accounts WHERE jid = ?'),
    accountAdd: p('INSERT INTO accounts (jid) VALUES (?) ON CONFLICT (jid) DO NOTHING'),
    chatGet: p('SELECT id FROM chats WHERE account_id = ? AND kind = ? AND peer = ?'),
    chatAdd: p(
      `INSERT INTO chats (account_id, kind, peer) VALUES (?, ?, ?)
       ON CONFLICT (account_id, kind, peer) DO NOTHING`,
    ),
    byStanzaId: p('SELECT id, direction, state FROM messages WHERE chat_id = ? AND stanza_id = ?'),
    // Whether any row holds the id at all, asked before the ordered lookups below: on a miss (a room line
    // or a contact's message carrying a new id, nearly every time) this index probe costs ~1 µs, where the
    // ORDER BY id DESC LIMIT 1 search costs ~10-20 µs even when nothing matches (measured, SQLite 3.54).
    hasOriginId: p('SELECT 1 AS yes FROM messages WHERE account_id = ? AND origin_id = ? LIMIT 1'),
    hasMessageId: p('SELECT 1 AS yes FROM messages WHERE account_id = ? AND message_id = ? LIMIT 1'),
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
    // Positional: ?1 account id, ?2 chat id, ?3 the time it sorts by (ms), ?4-?19 the columns after sort_key
    // in the order listed, ?20 older (1: placed before what shares its millisecond). Twenty named parameters
    // cost about twice as much to bind as positional ones (measured), and this runs once per stored line.
    insert: p(
      `INSERT INTO messages (account_id, chat_id, sort_key, peer_resource, direction, type, message_id,
         origin_id, stanza_id, body, subject, thread, sent_at, server_at, received_at, state, error,
         occupant_id, mentions_me)
       VALUES (?1, ?2,
         (SELECT CASE WHEN hi IS NULL THEN base + 32768
                      WHEN ?20 = 0 AND hi < base + 65535 THEN hi + 1
                      WHEN ?20 = 0 THEN (SELECT max(sort_key) + 1 FROM messages WHERE sort_key >= base)
                      WHEN lo > base THEN lo - 1
                      ELSE (SELECT min(sort_key) - 1 FROM messages WHERE sort_key <= base + 65535) END
          FROM (SELECT base,
                  (SELECT max(sort_key) FROM messages WHERE sort_key BETWEEN base AND base + 65535) AS hi,
                  (SELECT min(sort_key) FROM messages WHERE sort_key BETWEEN base AND base + 65535) AS lo
                FROM (SELECT CAST(?3 AS INTEGER) * 65536 AS base))),
         ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)`,
    ),
    merge: p(
      `UPDATE messages SET
         peer_resource = coalesce(peer_resource, :peerResource), message_id = coalesce(message_id, :messageId),
         origin_id = coalesce(origin_id, :originId), stanza_id = coalesce(stanza_id, :stanzaId),
         body = coalesce(body, :body), subject = coalesce(subject, :subject), thread = coalesce(thread, :thread),
         sent_at = coalesce(sent_at, :sentAt), server_at = coalesce(server_at, :serverAt),
         occupant_id = coalesce(occupant_id, :occupantId), mentions_me = max(mentions_me, :mentionsMe),
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
    reopen: p(
      `UPDATE messages SET state = :state, error = NULL
       WHERE id = :rowId AND account_id = :accountId AND direction = 'out' AND state = 'failed'`,
    ),
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
    // One-to-one chats we never wrote in, newest first: strangers' message requests when Parley last ran.
    unansweredChats: p(
      `SELECT c.peer AS peer, count(*) AS count, max(m.received_at) AS at,
         (SELECT coalesce(body, subject) FROM messages WHERE chat_id = c.id ORDER BY sort_key DESC LIMIT 1)
           AS preview
       FROM chats c JOIN messages m ON m.chat_id = c.id
       WHERE c.account_id = ? AND c.kind = 'chat'
       GROUP BY c.id HAVING sum(m.direction = 'out') = 0
       ORDER BY at DESC LIMIT ?`,
    ),
    inboundSince: p(
      `SELECT count(*) AS n FROM messages m JOIN chats c ON c.id = m.chat_id
       WHERE c.account_id = ? AND c.kind = 'chat' AND c.peer = ? AND m.direction = 'in' AND m.received_at > ?`,
    ),
    hasOutgoing: p(
      `SELECT 1 AS yes FROM messages m JOIN chats c ON c.id = m.chat_id
       WHERE c.account_id = ? AND c.kind = 'chat' AND c.peer = ? AND m.direction = 'out' LIMIT 1`,
    ),
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
