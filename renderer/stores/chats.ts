// Messages per chat (peer = bare JID), failures, delivery states, history loading and unread counts. Fed by
// 'chat.messages', 'chat.failed', 'chat.states', 'chat.history' results and 'chat.send' results. The reducers
// are pure and exported for tests.
import { create } from 'zustand';
import type { ChatMessage, EngineErrorPayload } from '../../shared/contract.ts';

export type HistoryState = 'idle' | 'loading' | 'loaded' | 'failed';
/** How far a sent message got: the server has it, the contact's device has it, the contact saw it. */
export type DeliveryState = 'sent' | 'delivered' | 'read';
const DELIVERY_ORDER: Record<DeliveryState, number> = { sent: 1, delivered: 2, read: 3 };

export interface ChatState {
  peer: string;
  /** Oldest first, one entry per message id (and per origin-id). */
  messages: readonly ChatMessage[];
  failures: ReadonlyMap<string, EngineErrorPayload>;
  /** Delivery state of sent messages by id; absent = not yet confirmed by the server. */
  states: ReadonlyMap<string, DeliveryState>;
  unread: number;
  /** The first message that arrived unread: the "New messages" marker sits above it. */
  markerId: string | null;
  history: HistoryState;
  historyError: string | null;
  complete: boolean;
}

export type ChatMap = ReadonlyMap<string, ChatState>;

export function emptyChat(peer: string): ChatState {
  return {
    peer,
    messages: [],
    failures: new Map(),
    states: new Map(),
    unread: 0,
    markerId: null,
    history: 'idle',
    historyError: null,
    complete: false,
  };
}

/** The incoming messages not already in `existing` (by id, or by origin-id in the same direction). */
export function freshMessages(
  existing: readonly ChatMessage[],
  incoming: readonly ChatMessage[],
): ChatMessage[] {
  const ids = new Set<string>();
  const origins = new Set<string>();
  for (const m of existing) {
    ids.add(m.id);
    if (m.originId) origins.add(`${m.direction}:${m.originId}`);
  }
  const fresh: ChatMessage[] = [];
  for (const m of incoming) {
    const originKey = m.originId ? `${m.direction}:${m.originId}` : null;
    if (ids.has(m.id) || (originKey && origins.has(originKey))) continue;
    ids.add(m.id);
    if (originKey) origins.add(originKey);
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
  const freshSorted = fresh.every((m, i) => i === 0 || (fresh[i - 1]?.timestamp ?? 0) <= m.timestamp);
  if (freshSorted && (!last || last.timestamp <= (fresh[0]?.timestamp ?? 0))) return [...existing, ...fresh];
  // Array.prototype.sort is stable: equal timestamps keep arrival order.
  return [...existing, ...fresh].sort((a, b) => a.timestamp - b.timestamp);
}

/** Merges messages into a chat's list: no duplicates (by id or origin-id), ordered by time (stable). */
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

export interface ReadContext {
  /** The chat the user is looking at right now (its tab is visible and the window focused), or null. */
  seenPeer: string | null;
  /** Chats this window does not count (popped out into their own windows). */
  ignored: ReadonlySet<string>;
}

export function applyMessages(chats: ChatMap, messages: readonly ChatMessage[], ctx: ReadContext): ChatMap {
  if (messages.length === 0) return chats;
  const byPeer = new Map<string, ChatMessage[]>();
  for (const m of messages) {
    const list = byPeer.get(m.peer);
    if (list) list.push(m);
    else byPeer.set(m.peer, [m]);
  }
  const next = new Map(chats);
  for (const [peer, list] of byPeer) {
    const chat = next.get(peer) ?? emptyChat(peer);
    const fresh = freshMessages(chat.messages, list);
    if (fresh.length === 0) continue;
    const newUnread = peer === ctx.seenPeer || ctx.ignored.has(peer) ? [] : fresh.filter(isUnreadCandidate);
    next.set(peer, {
      ...chat,
      messages: insertSorted(chat.messages, fresh),
      unread: chat.unread + newUnread.length,
      // A new run of unread messages moves the marker to its first message; more unread keep it in place.
      markerId: chat.unread === 0 && newUnread[0] ? newUnread[0].id : chat.markerId,
    });
  }
  return next;
}

export function applyFailures(
  chats: ChatMap,
  failures: ReadonlyArray<{ id: string; peer: string; error: EngineErrorPayload }>,
): ChatMap {
  if (failures.length === 0) return chats;
  const next = new Map(chats);
  for (const f of failures) {
    const chat = next.get(f.peer) ?? emptyChat(f.peer);
    const map = new Map(chat.failures);
    map.set(f.id, f.error);
    next.set(f.peer, { ...chat, failures: map });
  }
  return next;
}

/** Delivery states only move forward (a late 'sent' never hides a 'read'). */
export function applyStates(
  chats: ChatMap,
  updates: ReadonlyArray<{ id: string; peer: string; state: DeliveryState }>,
): ChatMap {
  if (updates.length === 0) return chats;
  const next = new Map(chats);
  for (const u of updates) {
    const chat = next.get(u.peer) ?? emptyChat(u.peer);
    const current = chat.states.get(u.id);
    if (current && DELIVERY_ORDER[current] >= DELIVERY_ORDER[u.state]) continue;
    const states = new Map(chat.states);
    states.set(u.id, u.state);
    next.set(u.peer, { ...chat, states });
  }
  return next;
}

/** The chat is being looked at: its unread count goes to zero (the marker stays until the chat is left). */
export function markRead(chats: ChatMap, peer: string): ChatMap {
  const chat = chats.get(peer);
  if (!chat || chat.unread === 0) return chats;
  const next = new Map(chats);
  next.set(peer, { ...chat, unread: 0 });
  return next;
}

/** The user left the chat (switched tab, closed it): forget the "New messages" marker if all is read. */
export function clearMarker(chats: ChatMap, peer: string): ChatMap {
  const chat = chats.get(peer);
  if (!chat || chat.markerId === null || chat.unread > 0) return chats;
  const next = new Map(chats);
  next.set(peer, { ...chat, markerId: null });
  return next;
}

export function setHistory(
  chats: ChatMap,
  peer: string,
  patch: Partial<Pick<ChatState, 'history' | 'historyError' | 'complete'>>,
): ChatMap {
  const next = new Map(chats);
  next.set(peer, { ...(chats.get(peer) ?? emptyChat(peer)), ...patch });
  return next;
}

interface ChatsStore {
  chats: ChatMap;
  addMessages: (messages: readonly ChatMessage[], ctx: ReadContext) => void;
  addFailures: (failures: ReadonlyArray<{ id: string; peer: string; error: EngineErrorPayload }>) => void;
  addStates: (updates: ReadonlyArray<{ id: string; peer: string; state: DeliveryState }>) => void;
  markRead: (peer: string) => void;
  clearMarker: (peer: string) => void;
  setHistory: (
    peer: string,
    patch: Partial<Pick<ChatState, 'history' | 'historyError' | 'complete'>>,
  ) => void;
  reset: () => void;
}

export const useChats = create<ChatsStore>()((set) => ({
  chats: new Map(),
  addMessages: (messages, ctx) => set((s) => ({ chats: applyMessages(s.chats, messages, ctx) })),
  addFailures: (failures) => set((s) => ({ chats: applyFailures(s.chats, failures) })),
  addStates: (updates) => set((s) => ({ chats: applyStates(s.chats, updates) })),
  markRead: (peer) => set((s) => ({ chats: markRead(s.chats, peer) })),
  clearMarker: (peer) => set((s) => ({ chats: clearMarker(s.chats, peer) })),
  setHistory: (peer, patch) => set((s) => ({ chats: setHistory(s.chats, peer, patch) })),
  reset: () => set({ chats: new Map() }),
}));
