// A stored message: its fields, what input the store accepts, which state moves are allowed, and the time a
// message sorts by. Pure functions, no SQLite.
import type { ConversationKind, MessageState } from '../../../shared/contract.ts';
import { isMessageType } from '../../../shared/contract.ts';

export type { ConversationKind, MessageState };

export interface StoredMessage {
  rowId: number;
  /** Bare JID of our account. */
  account: string;
  /**
   * The conversation's kind; with `account` and `peer` it names the conversation. 'groupchat' means the stanza
   * was type="groupchat" (`type` then says 'chat'; it keeps only chat, normal and headline apart).
   */
  kind: ConversationKind;
  /**
   * The conversation's JID: the other party's bare JID ('chat'), the room's bare JID ('groupchat'), or the
   * room occupant's full JID room@service/nick ('private': the nick is what tells occupants apart).
   */
  peer: string;
  /**
   * The peer's resource as seen on the wire (sender of `in`, addressee of `out`), if any. In a 'groupchat' it
   * is the sender's nick in the room (for `out`, ours). In a 'private' one the nick is already in `peer`.
   */
  peerResource: string | null;
  direction: 'in' | 'out';
  type: 'chat' | 'normal' | 'headline';
  /** The stanza's `id` attribute. */
  messageId: string | null;
  /** XEP-0359 origin-id. */
  originId: string | null;
  /**
   * Archive id: the XEP-0359 stanza-id our own server stamped (used for MAM); in a 'groupchat', the one the
   * room stamped (the room's archive; it does not move the account's lastStanzaId).
   */
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
  /** XEP-0421: the room's stable id of a room line's sender, when the room stamps one (else null). */
  occupantId: string | null;
  /** A room line that named our nick in that room (highlighted and counted when it arrived). */
  mentionsMe: boolean;
}

/**
 * A message to store: `kind` is required (no default), so no caller files a room's line under a 1:1 chat.
 * The room-only fields may be left out (null, false).
 */
export type NewMessage = Omit<StoredMessage, 'rowId' | 'occupantId' | 'mentionsMe'> &
  Partial<Pick<StoredMessage, 'occupantId' | 'mentionsMe'>>;

export const STATES = new Set<MessageState>(['pending', 'sent', 'delivered', 'read', 'failed', 'received']);
export const KINDS = new Set<ConversationKind>(['chat', 'groupchat', 'private']);
const OUTGOING_RANK: Partial<Record<MessageState, number>> = { pending: 0, sent: 1, delivered: 2, read: 3 };
/** Latest representable sort time (year ~6400); sort_key = ms * 65536 must fit in a signed 64-bit integer. */
const MAX_SORT_AT = 2 ** 47 - 1;
const OPTIONAL_STRINGS = [
  'peerResource',
  'messageId',
  'originId',
  'stanzaId',
  'body',
  'subject',
  'thread',
  'error',
  'occupantId',
] as const;

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
 * Whether `peer` has the shape its kind needs: a full JID (something, '/', a non-empty resource) for
 * 'private', a JID without a resource otherwise. Only the shape: the caller has parsed the JID.
 */
export function isPeerOfKind(kind: ConversationKind, peer: string): boolean {
  if (peer === '') return false;
  const slash = peer.indexOf('/');
  return kind === 'private' ? slash > 0 && slash < peer.length - 1 : slash === -1;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function problemOf(m: NewMessage): string | undefined {
  if (typeof m.account !== 'string' || m.account === '') return 'account';
  if (!KINDS.has(m.kind)) return 'kind';
  if (typeof m.peer !== 'string' || !isPeerOfKind(m.kind, m.peer)) return 'peer';
  if (m.direction !== 'in' && m.direction !== 'out') return 'direction';
  if (!isMessageType(m.type)) return 'type';
  const stateFits =
    m.direction === 'in' ? m.state === 'received' || m.state === 'read' : m.state !== 'received';
  if (!STATES.has(m.state) || !stateFits) return 'state';
  if (!isTime(m.receivedAt)) return 'receivedAt';
  if (!(m.sentAt === null || isTime(m.sentAt))) return 'sentAt';
  if (!(m.serverAt === null || isTime(m.serverAt))) return 'serverAt';
  if (!(m.mentionsMe === undefined || typeof m.mentionsMe === 'boolean')) return 'mentionsMe';
  return OPTIONAL_STRINGS.find(
    (key) => !(m[key] === null || m[key] === undefined || typeof m[key] === 'string'),
  );
}

/** Rejects malformed input before a batch starts writing (so addMany fails whole, never half-way). */
export function validate(m: NewMessage): void {
  const problem = problemOf(m);
  if (problem) throw new TypeError(`HistoryStore: invalid message field "${problem}"`);
}

/** The time a message sorts by (see the ordering note in history-store.ts): what the UI shows as its time. */
export function messageTime(m: NewMessage): number {
  const best = m.serverAt ?? m.receivedAt;
  return Math.trunc(Math.min(Math.max(Math.min(best, m.receivedAt), 0), MAX_SORT_AT));
}

/** A message just stored as `rowId`, as reading it back would give it. */
export function storedOf(m: NewMessage, rowId: number): StoredMessage {
  return { ...m, rowId, occupantId: m.occupantId ?? null, mentionsMe: m.mentionsMe ?? false };
}
