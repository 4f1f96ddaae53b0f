// Messages per conversation (keyed by conversationId: account + kind + peer), failures, delivery states, history paging, "jump to a message" and
// unread counts. Fed by 'chat.messages', 'chat.failed', 'chat.states', 'chat.history' results and 'chat.send'
// results. The reducers are pure and exported for tests.
//
// A chat's list is one contiguous stretch of its history, ordered by (timestamp, seq), one entry per `seq`
// (the engine's stable row number; stanza ids are not unique). Usually that stretch ends at the newest
// message (`atNewest`) and live messages are appended. After a jump to an old message (a search hit) it does
// not: live messages are then kept aside (`held`) instead of being appended after a gap, and come back when
// paging forward reaches the newest message again.
import { create } from 'zustand';
import type {
  ChatMessage,
  CommandResponse,
  ConversationKind,
  EngineErrorPayload,
} from '../../shared/contract.ts';
import { accountOf, conversationId, parseConversationId } from './conversation.ts';

export type HistoryState = 'idle' | 'loading' | 'loaded' | 'failed';
/** Which kind of history request is in flight: older page, newer page, or one that replaces the list. */
export type PageKind = 'initial' | 'older' | 'newer' | 'replace';
/** How far a sent message got: the server has it, the contact's device has it, the contact saw it. */
export type DeliveryState = 'sent' | 'delivered' | 'read';
const DELIVERY_ORDER: Record<DeliveryState, number> = { sent: 1, delivered: 2, read: 3 };
/** At most this many live messages are kept aside while the list is away from the newest message. */
export const MAX_HELD = 500;

export type HistoryPage = CommandResponse<'chat.history'>;

export interface ChatState {
  /** conversationId: the key of this chat in the map. */
  id: string;
  account: string;
  kind: ConversationKind;
  peer: string;
  /** Oldest first by (timestamp, seq), one entry per seq. */
  messages: readonly ChatMessage[];
  failures: ReadonlyMap<string, EngineErrorPayload>;
  /** Delivery state of sent messages by id; absent = not yet confirmed by the server ('pending'). */
  states: ReadonlyMap<string, DeliveryState>;
  unread: number;
  /** The first message (seq) that arrived unread: the "New messages" marker sits above it. */
  markerSeq: number | null;
  history: HistoryState;
  historyError: string | null;
  /** What the request in flight (history 'loading') will do with its page. */
  loading: PageKind | null;
  /** Nothing older exists, locally or in the server archive. */
  complete: boolean;
  /** The list reaches the newest message of the chat: live messages are appended. */
  atNewest: boolean;
  /** Live messages that arrived while `atNewest` was false (oldest first, at most MAX_HELD). */
  held: readonly ChatMessage[];
  /** The message a jump went to: scrolled to the centre and highlighted. `token` tells jumps apart. */
  highlight: { seq: number; token: number } | null;
  /** Bumped when a request that replaces the list starts: answers to requests made before are dropped. */
  epoch: number;
  /** Bumped when the list was replaced (a jump): the view scrolls anew instead of keeping its place. */
  listGen: number;
  /** The newest incoming message (seq) known for this chat, shown or held: what a displayed marker covers. */
  newestIn: number | null;
}

export type ChatMap = ReadonlyMap<string, ChatState>;

export function emptyChat(id: string): ChatState {
  const key = parseConversationId(id) ?? { account: '', kind: 'chat' as const, peer: id };
  return {
    id,
    account: key.account,
    kind: key.kind,
    peer: key.peer,
    messages: [],
    failures: new Map(),
    states: new Map(),
    unread: 0,
    markerSeq: null,
    history: 'idle',
    historyError: null,
    loading: null,
    complete: false,
    atNewest: true,
    held: [],
    highlight: null,
    epoch: 0,
    listGen: 0,
    newestIn: null,
  };
}

/** The list order: time, then the engine's row number (messages of the same millisecond keep their order). */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

/** The incoming messages whose seq is not in `existing` (nor earlier in `incoming`). */
export function freshMessages(
  existing: readonly ChatMessage[],
  incoming: readonly ChatMessage[],
): ChatMessage[] {
  const seen = new Set<number>();
  for (const m of existing) seen.add(m.seq);
  const fresh: ChatMessage[] = [];
  for (const m of incoming) {
    if (seen.has(m.seq)) continue;
    seen.add(m.seq);
    fresh.push(m);
  }
  return fresh;
}

function insertSorted(
  existing: readonly ChatMessage[],
  fresh: readonly ChatMessage[],
): readonly ChatMessage[] {
  if (fresh.length === 0) return existing;
  const last = existing.at(-1);
  const freshSorted = fresh.every((m, i) => i === 0 || compareMessages(fresh[i - 1]!, m) <= 0);
  if (freshSorted && (!last || compareMessages(last, fresh[0]!) < 0)) return [...existing, ...fresh];
  return [...existing, ...fresh].sort(compareMessages);
}

/** Merges messages into a chat's list: no duplicates (by seq), ordered by (timestamp, seq). */
export function mergeMessages(
  existing: readonly ChatMessage[],
  incoming: readonly ChatMessage[],
): readonly ChatMessage[] {
  return insertSorted(existing, freshMessages(existing, incoming));
}

/** A message that should raise the unread count: something the other party said, with text in it. */
export function isUnreadCandidate(m: ChatMessage): boolean {
  return m.direction === 'in' && (m.body !== null || m.subject !== null);
}

function isDeliveryState(state: ChatMessage['state']): state is DeliveryState {
  return state === 'sent' || state === 'delivered' || state === 'read';
}

/** Delivery states only move forward (a late 'sent' never hides a 'read'). Same map when nothing moved. */
function advanceStates(
  states: ReadonlyMap<string, DeliveryState>,
  updates: Iterable<{ id: string; state: DeliveryState }>,
): ReadonlyMap<string, DeliveryState> {
  let next: Map<string, DeliveryState> | null = null;
  for (const u of updates) {
    const current = (next ?? states).get(u.id);
    if (current && DELIVERY_ORDER[current] >= DELIVERY_ORDER[u.state]) continue;
    next ??= new Map(states);
    next.set(u.id, u.state);
  }
  return next ?? states;
}

/** The delivery states that stored messages already carry (a chat opened again shows Sent/Delivered/Read). */
export function seedStates(
  states: ReadonlyMap<string, DeliveryState>,
  messages: readonly ChatMessage[],
): ReadonlyMap<string, DeliveryState> {
  const updates: Array<{ id: string; state: DeliveryState }> = [];
  for (const m of messages) {
    if (m.direction === 'out' && isDeliveryState(m.state)) updates.push({ id: m.id, state: m.state });
  }
  return updates.length === 0 ? states : advanceStates(states, updates);
}

function newestIncoming(current: number | null, messages: readonly ChatMessage[]): number | null {
  let newest = current;
  for (const m of messages) if (m.direction === 'in' && (newest === null || m.seq > newest)) newest = m.seq;
  return newest;
}

export interface ReadContext {
  /** The chat (conversationId) the user is looking at right now (its tab is visible and the window focused). */
  seen: string | null;
  /** Chats (conversationIds) this window does not count (popped out into their own windows). */
  ignored: ReadonlySet<string>;
}

/** Live messages ('chat.messages', a 'chat.send' answer): appended while the list is at the newest message. */
export function applyMessages(chats: ChatMap, messages: readonly ChatMessage[], ctx: ReadContext): ChatMap {
  if (messages.length === 0) return chats;
  const byChat = new Map<string, ChatMessage[]>();
  for (const m of messages) {
    const id = conversationId(m);
    const list = byChat.get(id);
    if (list) list.push(m);
    else byChat.set(id, [m]);
  }
  const next = new Map(chats);
  for (const [id, list] of byChat) {
    const chat = next.get(id) ?? emptyChat(id);
    const fresh = freshMessages(chat.atNewest ? chat.messages : [...chat.messages, ...chat.held], list);
    if (fresh.length === 0) continue;
    const newUnread = id === ctx.seen || ctx.ignored.has(id) ? [] : fresh.filter(isUnreadCandidate);
    next.set(id, {
      ...chat,
      ...(chat.atNewest
        ? { messages: insertSorted(chat.messages, fresh) }
        : { held: [...chat.held, ...fresh].slice(-MAX_HELD) }),
      states: seedStates(chat.states, fresh),
      unread: chat.unread + newUnread.length,
      // A new run of unread messages moves the marker to its first message; more unread keep it in place.
      markerSeq: chat.unread === 0 && newUnread[0] ? newUnread[0].seq : chat.markerSeq,
      newestIn: newestIncoming(chat.newestIn, fresh),
    });
  }
  return next;
}

function withFailures(
  failures: ReadonlyMap<string, EngineErrorPayload>,
  added: ReadonlyArray<{ id: string; error: EngineErrorPayload }>,
): ReadonlyMap<string, EngineErrorPayload> {
  if (added.length === 0) return failures;
  const map = new Map(failures);
  for (const f of added) map.set(f.id, f.error);
  return map;
}

/** A message's failure or state update names its conversation: account, kind and peer. */
export interface ChatItem {
  account: string;
  kind: ConversationKind;
  peer: string;
  id: string;
}

export function applyFailures(
  chats: ChatMap,
  failures: ReadonlyArray<ChatItem & { error: EngineErrorPayload }>,
): ChatMap {
  if (failures.length === 0) return chats;
  const next = new Map(chats);
  for (const f of failures) {
    const key = conversationId(f);
    const chat = next.get(key) ?? emptyChat(key);
    next.set(key, { ...chat, failures: withFailures(chat.failures, [f]) });
  }
  return next;
}

/**
 * Delivery states only move forward (a late 'sent' never hides a 'read'). A state for a message shown as
 * failed means it got through after all (a retry, or the room's archive holding our line): no longer failed.
 */
export function applyStates(
  chats: ChatMap,
  updates: ReadonlyArray<ChatItem & { state: DeliveryState }>,
): ChatMap {
  if (updates.length === 0) return chats;
  const next = new Map(chats);
  for (const u of updates) {
    const key = conversationId(u);
    const chat = next.get(key) ?? emptyChat(key);
    const states = advanceStates(chat.states, [u]);
    if (states === chat.states) continue;
    next.set(key, { ...chat, states, failures: withoutFailure(chat.failures, u.id) });
  }
  return next;
}

/** The message `id` is being sent again: no longer shown as failed. Same map when it was not. */
export function clearFailure(chats: ChatMap, key: string, id: string): ChatMap {
  const chat = chats.get(key);
  if (!chat?.failures.has(id)) return chats;
  const next = new Map(chats);
  next.set(key, { ...chat, failures: withoutFailure(chat.failures, id) });
  return next;
}

function withoutFailure(
  failures: ReadonlyMap<string, EngineErrorPayload>,
  id: string,
): ReadonlyMap<string, EngineErrorPayload> {
  if (!failures.has(id)) return failures;
  const map = new Map(failures);
  map.delete(id);
  return map;
}

/** The account was removed: its chats go (a sign-out keeps them: the history is still there). */
export function dropAccount(chats: ChatMap, account: string): ChatMap {
  let next: Map<string, ChatState> | null = null;
  for (const id of chats.keys()) {
    if (accountOf(id) !== account) continue;
    next ??= new Map(chats);
    next.delete(id);
  }
  return next ?? chats;
}

/**
 * A history request starts: the chat shows it loading. A 'replace' (a jump) gets a new epoch, so answers to
 * requests made for the list it replaces are dropped when they arrive.
 */
export function beginLoad(chats: ChatMap, id: string, kind: PageKind): ChatMap {
  const chat = chats.get(id) ?? emptyChat(id);
  const next = new Map(chats);
  next.set(id, {
    ...chat,
    history: 'loading',
    historyError: null,
    loading: kind,
    epoch: kind === 'replace' ? chat.epoch + 1 : chat.epoch,
  });
  return next;
}

let highlightTokens = 0;

/**
 * Puts a 'chat.history' answer into the chat. 'initial' and 'older' merge (older pages say whether the
 * history is complete); 'newer' merges and may reach the newest message; 'replace' swaps the list for the page
 * (a jump), and highlights `highlightSeq` when given. A page that reaches the newest message takes back the
 * live messages held meanwhile (those newer than the page). History never raises the unread count.
 */
export function applyPage(
  chats: ChatMap,
  id: string,
  page: HistoryPage,
  kind: PageKind,
  highlightSeq?: number,
): ChatMap {
  const chat = chats.get(id) ?? emptyChat(id);
  const base = kind === 'replace' ? [] : chat.messages;
  let messages = mergeMessages(base, page.messages);
  // Older pages never reach the newest message; the others say whether they do.
  const atNewest = kind === 'older' ? chat.atNewest : page.atNewest;
  let held = chat.held;
  if (atNewest && held.length > 0) {
    let maxSeq = -Infinity;
    for (const m of page.messages) maxSeq = Math.max(maxSeq, m.seq);
    messages = mergeMessages(
      messages,
      held.filter((m) => m.seq > maxSeq),
    );
    held = [];
  }
  const next = new Map(chats);
  next.set(id, {
    ...chat,
    messages,
    held,
    atNewest,
    failures: withFailures(chat.failures, page.failures),
    states: seedStates(chat.states, page.messages),
    complete: kind === 'newer' ? chat.complete : page.complete,
    history: 'loaded',
    historyError: null,
    loading: null,
    listGen: kind === 'replace' ? chat.listGen + 1 : chat.listGen,
    highlight:
      kind === 'replace'
        ? highlightSeq === undefined
          ? null
          : { seq: highlightSeq, token: ++highlightTokens }
        : chat.highlight,
    newestIn: page.atNewest ? newestIncoming(chat.newestIn, page.messages) : chat.newestIn,
  });
  return next;
}

/** The highlight of a jump fades: cleared unless a newer jump replaced it. */
export function clearHighlight(chats: ChatMap, id: string, token: number): ChatMap {
  const chat = chats.get(id);
  if (!chat || chat.highlight?.token !== token) return chats;
  const next = new Map(chats);
  next.set(id, { ...chat, highlight: null });
  return next;
}

/** The chat is being looked at: its unread count goes to zero (the marker stays until the chat is left). */
export function markRead(chats: ChatMap, id: string): ChatMap {
  const chat = chats.get(id);
  if (!chat || chat.unread === 0) return chats;
  const next = new Map(chats);
  next.set(id, { ...chat, unread: 0 });
  return next;
}

/** The user left the chat (switched tab, closed it): forget the "New messages" marker if all is read. */
export function clearMarker(chats: ChatMap, id: string): ChatMap {
  const chat = chats.get(id);
  if (!chat || chat.markerSeq === null || chat.unread > 0) return chats;
  const next = new Map(chats);
  next.set(id, { ...chat, markerSeq: null });
  return next;
}

export function setHistory(
  chats: ChatMap,
  id: string,
  patch: Partial<Pick<ChatState, 'history' | 'historyError' | 'complete' | 'loading'>>,
): ChatMap {
  const next = new Map(chats);
  next.set(id, { ...(chats.get(id) ?? emptyChat(id)), ...patch });
  return next;
}

interface ChatsStore {
  chats: ChatMap;
  addMessages: (messages: readonly ChatMessage[], ctx: ReadContext) => void;
  addFailures: (failures: ReadonlyArray<ChatItem & { error: EngineErrorPayload }>) => void;
  addStates: (updates: ReadonlyArray<ChatItem & { state: DeliveryState }>) => void;
  clearFailure: (key: string, id: string) => void;
  beginLoad: (id: string, kind: PageKind) => number;
  applyPage: (id: string, page: HistoryPage, kind: PageKind, highlightSeq?: number) => void;
  clearHighlight: (id: string, token: number) => void;
  markRead: (id: string) => void;
  clearMarker: (id: string) => void;
  setHistory: (
    id: string,
    patch: Partial<Pick<ChatState, 'history' | 'historyError' | 'complete' | 'loading'>>,
  ) => void;
  dropAccount: (account: string) => void;
}

export const useChats = create<ChatsStore>()((set, get) => ({
  chats: new Map(),
  addMessages: (messages, ctx) => set((s) => ({ chats: applyMessages(s.chats, messages, ctx) })),
  addFailures: (failures) => set((s) => ({ chats: applyFailures(s.chats, failures) })),
  addStates: (updates) => set((s) => ({ chats: applyStates(s.chats, updates) })),
  clearFailure: (key, id) => set((s) => ({ chats: clearFailure(s.chats, key, id) })),
  beginLoad: (id, kind) => {
    set((s) => ({ chats: beginLoad(s.chats, id, kind) }));
    return get().chats.get(id)!.epoch;
  },
  applyPage: (id, page, kind, highlightSeq) =>
    set((s) => ({ chats: applyPage(s.chats, id, page, kind, highlightSeq) })),
  clearHighlight: (id, token) => set((s) => ({ chats: clearHighlight(s.chats, id, token) })),
  markRead: (id) => set((s) => ({ chats: markRead(s.chats, id) })),
  clearMarker: (id) => set((s) => ({ chats: clearMarker(s.chats, id) })),
  setHistory: (id, patch) => set((s) => ({ chats: setHistory(s.chats, id, patch) })),
  dropAccount: (account) => set((s) => ({ chats: dropAccount(s.chats, account) })),
}));
