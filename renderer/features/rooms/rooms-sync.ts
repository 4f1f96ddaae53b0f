// Feeds the rooms store from the contract (registered by stores/sync.ts): 'muc.rooms', 'muc.occupants' and
// the snapshot's rooms. 'chat.states' and 'chat.failed' name no conversation kind, so the chats store files
// a room's "sent" (its reflection) under a 1:1 chat with the room's JID; here the ones for a room we are in
// also reach the room's conversation.
import type { EngineErrorPayload, EventName, EventPayload } from '../../../shared/contract.ts';
import type { Room } from '../../../shared/muc.ts';
import { useChats, type ChatMap, type ChatState } from '../../stores/chats.ts';
import { conversationId } from '../../stores/conversation.ts';
import { useRooms } from './rooms-store.ts';

type Covered = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => void;
type On = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => void;

interface RoomItem {
  account: string;
  peer: string;
  id: string;
}

export function roomId(account: string, room: string): string {
  return conversationId({ account, kind: 'groupchat', peer: room });
}

function isRoom(account: string, peer: string): boolean {
  return useRooms.getState().byAccount.get(account)?.has(peer) ?? false;
}

/** A room message's delivery state: the room's reflection makes ours 'sent' (rooms have no receipts). */
export function applyRoomStates(chats: ChatMap, updates: readonly RoomItem[]): ChatMap {
  let next: Map<string, ChatState> | null = null;
  for (const u of updates) {
    const id = roomId(u.account, u.peer);
    const chat = (next ?? chats).get(id);
    if (!chat || chat.states.has(u.id)) continue;
    const states = new Map(chat.states);
    states.set(u.id, 'sent');
    next ??= new Map(chats);
    next.set(id, { ...chat, states });
  }
  return next ?? chats;
}

/** A room refused one of our messages (a visitor without voice, a room we are no longer in). */
export function applyRoomFailures(
  chats: ChatMap,
  failures: ReadonlyArray<RoomItem & { error: EngineErrorPayload }>,
): ChatMap {
  let next: Map<string, ChatState> | null = null;
  for (const f of failures) {
    const id = roomId(f.account, f.peer);
    const chat = (next ?? chats).get(id);
    if (!chat) continue;
    const map = new Map(chat.failures);
    map.set(f.id, f.error);
    next ??= new Map(chats);
    next.set(id, { ...chat, failures: map });
  }
  return next ?? chats;
}

/** Registers the rooms' event handlers: `covered` for what the snapshot covers, `on` for the rest. */
export function registerRoomEvents(covered: Covered, on: On): void {
  covered('muc.rooms', ({ account, rooms }) => useRooms.getState().apply(account, rooms));
  covered('muc.occupants', (change) => useRooms.getState().applyOccupants(change));
  on('chat.states', ({ updates }) => {
    const forRooms = updates.filter((u) => isRoom(u.account, u.peer));
    if (forRooms.length > 0) useChats.setState((s) => ({ chats: applyRoomStates(s.chats, forRooms) }));
  });
  on('chat.failed', ({ failures }) => {
    const forRooms = failures.filter((f) => isRoom(f.account, f.peer));
    if (forRooms.length > 0) useChats.setState((s) => ({ chats: applyRoomFailures(s.chats, forRooms) }));
  });
}

/** A snapshot's rooms, per account; accounts it does not list lose theirs. */
export function applyRoomSnapshot(
  accounts: ReadonlyArray<{ account: string; rooms?: readonly Room[] }>,
): void {
  useRooms.getState().retain(new Set(accounts.map((a) => a.account)));
  for (const snap of accounts) useRooms.getState().reset(snap.account, snap.rooms ?? []);
}
