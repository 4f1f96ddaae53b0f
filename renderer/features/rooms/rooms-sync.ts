// Feeds the rooms store from the contract (registered by stores/sync.ts): 'muc.rooms', 'muc.occupants' and
// the snapshot's rooms. A room line's 'chat.states' and 'chat.failed' name kind 'groupchat', so the chats
// store files them under the room's conversation itself.
import type { EventName, EventPayload } from '../../../shared/contract.ts';
import type { Room } from '../../../shared/muc.ts';
import { conversationId } from '../../stores/conversation.ts';
import { useRooms } from './rooms-store.ts';

type Covered = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => void;

export function roomId(account: string, room: string): string {
  return conversationId({ account, kind: 'groupchat', peer: room });
}

/**
 * Registers the rooms' event handlers, both covered by the snapshot (a room line's states and failures reach
 * the chats store like any conversation's).
 */
export function registerRoomEvents(covered: Covered): void {
  covered('muc.rooms', ({ account, rooms }) => useRooms.getState().apply(account, rooms));
  covered('muc.occupants', (change) => useRooms.getState().applyOccupants(change));
}

/** A snapshot's rooms, per account; accounts it does not list lose theirs. */
export function applyRoomSnapshot(
  accounts: ReadonlyArray<{ account: string; rooms?: readonly Room[] }>,
): void {
  useRooms.getState().retain(new Set(accounts.map((a) => a.account)));
  for (const snap of accounts) useRooms.getState().reset(snap.account, snap.rooms ?? []);
}
