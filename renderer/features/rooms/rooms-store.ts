// The group-chat rooms of each account and their occupants, fed by 'muc.rooms', 'muc.occupants' and the
// snapshot's `rooms`; keyed by account, then room JID. A room we left goes; one we were put out of (kicked,
// banned, removed, destroyed) stays, saying why, until the user dismisses it. Bounded as the contract is:
// MUC_LIMITS rooms per account and occupants per room (the engine counts the rest). Reducers are pure and
// exported for tests.
import { create } from 'zustand';
import type { Occupant, Room } from '../../../shared/muc.ts';

/** The contract's bounds (shared/muc.ts MAX_ROOMS, MAX_OCCUPANTS, MAX_NICK_CHARS; a test checks they agree). */
export const MUC_LIMITS = { rooms: 100, occupants: 10_000, nickChars: 256 } as const;

export interface RoomEntry {
  room: Room;
  /** Occupants by nick; null until the room sent its complete list (or muc.occupants answered). */
  occupants: ReadonlyMap<string, Occupant> | null;
}

export type AccountRooms = ReadonlyMap<string, RoomEntry>;
export type RoomsByAccount = ReadonlyMap<string, AccountRooms>;

export interface OccupantsChange {
  account: string;
  room: string;
  reset: boolean;
  upserts: readonly Occupant[];
  removed: readonly string[];
}

/** Statuses that mean we are no longer in the room, for a reason the room gave. */
export function isOut(status: Room['status']): boolean {
  return status !== 'joining' && status !== 'joined';
}

/** Rooms changed ('muc.rooms' or a muc.join answer): upserts; a room we left goes. */
export function applyRooms(
  byAccount: RoomsByAccount,
  account: string,
  rooms: readonly Room[],
): RoomsByAccount {
  if (rooms.length === 0) return byAccount;
  const current = byAccount.get(account) ?? new Map<string, RoomEntry>();
  const next = new Map(current);
  for (const room of rooms) {
    const before = next.get(room.room);
    if (room.status === 'left') {
      next.delete(room.room);
      continue;
    }
    if (!before && next.size >= MUC_LIMITS.rooms) continue;
    // Put out of the room: nobody is listed any more.
    const occupants = isOut(room.status) ? null : (before?.occupants ?? null);
    next.set(room.room, { room, occupants });
  }
  const out = new Map(byAccount);
  out.set(account, next);
  return out;
}

/** The account's rooms as a snapshot has them: replaces what was known, keeping occupant lists of rooms still in. */
export function resetRooms(
  byAccount: RoomsByAccount,
  account: string,
  rooms: readonly Room[],
): RoomsByAccount {
  const before = byAccount.get(account);
  const next = new Map<string, RoomEntry>();
  for (const room of rooms) {
    if (room.status === 'left' || next.size >= MUC_LIMITS.rooms) continue;
    const occupants = isOut(room.status) ? null : (before?.get(room.room)?.occupants ?? null);
    next.set(room.room, { room, occupants });
  }
  // Rooms we were put out of stay on screen (saying why) until dismissed, even if the engine forgot them.
  for (const [jid, entry] of before ?? []) {
    if (!next.has(jid) && isOut(entry.room.status) && next.size < MUC_LIMITS.rooms) next.set(jid, entry);
  }
  const out = new Map(byAccount);
  out.set(account, next);
  return out;
}

/** A room's occupants changed: the complete list (reset) or upserts and removals by nick. */
export function applyOccupants(byAccount: RoomsByAccount, change: OccupantsChange): RoomsByAccount {
  const rooms = byAccount.get(change.account);
  const entry = rooms?.get(change.room);
  if (!rooms || !entry) return byAccount;
  let occupants: Map<string, Occupant>;
  if (change.reset) occupants = new Map();
  else if (entry.occupants === null)
    return byAccount; // waits for the complete list (muc.occupants)
  else occupants = new Map(entry.occupants);
  for (const nick of change.removed) occupants.delete(nick);
  for (const o of change.upserts) {
    if (!occupants.has(o.nick) && occupants.size >= MUC_LIMITS.occupants) continue;
    occupants.set(o.nick, o);
  }
  const nextRooms = new Map(rooms);
  nextRooms.set(change.room, { ...entry, occupants });
  const out = new Map(byAccount);
  out.set(change.account, nextRooms);
  return out;
}

/** The user dismissed a room they were put out of (or left one): it leaves the list. */
export function dropRoom(byAccount: RoomsByAccount, account: string, room: string): RoomsByAccount {
  const rooms = byAccount.get(account);
  if (!rooms?.has(room)) return byAccount;
  const next = new Map(rooms);
  next.delete(room);
  const out = new Map(byAccount);
  out.set(account, next);
  return out;
}

interface RoomsStore {
  byAccount: RoomsByAccount;
  apply: (account: string, rooms: readonly Room[]) => void;
  reset: (account: string, rooms: readonly Room[]) => void;
  applyOccupants: (change: OccupantsChange) => void;
  drop: (account: string, room: string) => void;
  /** Accounts the engine no longer knows lose their rooms. */
  retain: (accounts: ReadonlySet<string>) => void;
}

export const useRooms = create<RoomsStore>()((set) => ({
  byAccount: new Map(),
  apply: (account, rooms) => set((s) => ({ byAccount: applyRooms(s.byAccount, account, rooms) })),
  reset: (account, rooms) => set((s) => ({ byAccount: resetRooms(s.byAccount, account, rooms) })),
  applyOccupants: (change) => set((s) => ({ byAccount: applyOccupants(s.byAccount, change) })),
  drop: (account, room) => set((s) => ({ byAccount: dropRoom(s.byAccount, account, room) })),
  retain: (accounts) =>
    set((s) => {
      if ([...s.byAccount.keys()].every((a) => accounts.has(a))) return s;
      return { byAccount: new Map([...s.byAccount].filter(([a]) => accounts.has(a))) };
    }),
}));

/** One room's entry (undefined when it is not in the list). */
export function useRoom(account: string, room: string): RoomEntry | undefined {
  return useRooms((s) => s.byAccount.get(account)?.get(room));
}
