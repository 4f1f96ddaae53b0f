// What the rooms UI asks the engine: join (and open the room's tab), leave, dismiss a room we were put out
// of, send, page a room's history, and read the rooms and a room's occupants after a page reload. Join
// errors are turned into words here.
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import { getBridge } from '../../transport/bridge.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { HISTORY_PAGE } from '../../stores/actions.ts';
import { useChats } from '../../stores/chats.ts';
import { readContext } from '../../stores/sync.ts';
import { useUi } from '../../stores/ui.ts';
import { isOut, useRooms } from './rooms-store.ts';
import { roomId } from './rooms-sync.ts';

/** What the join dialog shows for a refusal, and which field it points at. */
export interface JoinProblem {
  text: string;
  field: 'room' | 'nick' | 'password' | null;
  /** A nick to try instead (after a nick conflict). */
  suggestion?: string;
}

export function joinProblem(error: EngineErrorPayload): JoinProblem {
  const t = currentIntl().formatMessage;
  switch (error.code) {
    case 'nick-conflict':
      return {
        text: error.suggestion
          ? t({ id: 'rooms.join.nickTakenTry' }, { suggestion: error.suggestion })
          : t({ id: 'rooms.join.nickTaken' }),
        field: 'nick',
        suggestion: error.suggestion,
      };
    case 'password-required':
      return { text: t({ id: 'rooms.join.passwordRequired' }), field: 'password' };
    case 'members-only':
      return { text: t({ id: 'rooms.join.membersOnly' }), field: 'room' };
    case 'banned':
      return { text: t({ id: 'rooms.join.banned' }), field: 'room' };
    case 'not-allowed':
      return { text: t({ id: 'rooms.join.notAllowed' }), field: 'room' };
    case 'room-full':
      return { text: t({ id: 'rooms.join.full' }), field: 'room' };
    case 'not-found':
      return { text: t({ id: 'rooms.join.notFound' }, { reason: error.message }), field: 'room' };
    case 'not-connected':
      return { text: t({ id: 'rooms.join.notConnected' }), field: null };
    default:
      return { text: t({ id: 'rooms.join.failed' }, { reason: error.message }), field: null };
  }
}

/**
 * The room's newest page of history, or (older) the page before the oldest line shown, from 'muc.history'
 * (the local history, then the room's archive): a room is not paged as a 1:1 chat. One request at a time.
 */
export async function loadRoomHistory(account: string, room: string, older: boolean): Promise<void> {
  const id = roomId(account, room);
  const chat = useChats.getState().chats.get(id);
  if (chat?.history === 'loading') return;
  const oldest = chat?.messages[0];
  const kind = older && oldest ? 'older' : 'initial';
  const epoch = useChats.getState().beginLoad(id, kind);
  const result = await getBridge().invoke('muc.history', {
    account,
    room,
    limit: HISTORY_PAGE,
    ...(kind === 'older' && oldest ? { beforeSeq: oldest.seq } : {}),
  });
  const now = useChats.getState().chats.get(id);
  if (!now || now.epoch !== epoch || now.loading !== kind) return; // reset or replaced meanwhile
  if (!result.ok) {
    useChats
      .getState()
      .setHistory(id, { history: 'failed', historyError: result.error.message, loading: null });
    return;
  }
  const { messages, complete } = result.value;
  useChats.getState().applyPage(id, { messages, failures: [], complete, atNewest: true }, kind);
}

/** Shows the room's tab (created if needed) and gives its composer the focus. */
export function openRoom(account: string, room: string): void {
  const id = roomId(account, room);
  useUi.getState().openTab(id, true);
  // After this frame: a dialog that joined the room gives the focus back to its opener as it closes.
  requestAnimationFrame(() => useUi.getState().requestComposerFocus());
}

/** Joins; on success the room is in the list and its tab open. Answers the error otherwise. */
export async function joinRoom(
  account: string,
  room: string,
  nick: string,
  password?: string,
  /** A room this creates waits for its settings (the room view opens them) instead of being instant. */
  configure?: boolean,
): Promise<EngineErrorPayload | null> {
  const result = await getBridge().invoke('muc.join', {
    account,
    room,
    nick,
    ...(password ? { password } : {}),
    ...(configure ? { configure } : {}),
  });
  if (!result.ok) return result.error;
  // The engine put the complete occupant list in its events before it answered: the room view waits for
  // it rather than asking for all of them again (5,000 occupants encoded and parsed twice).
  listComing.set(roomId(account, room), Date.now());
  useRooms.getState().apply(account, [result.value]);
  openRoom(account, room);
  return null;
}

/** Leaves (or, for a room we were put out of, just forgets it) and closes its tab. */
export async function leaveRoom(account: string, room: string): Promise<void> {
  const entry = useRooms.getState().byAccount.get(account)?.get(room);
  if (entry && (entry.room.status === 'joined' || entry.room.status === 'joining')) {
    const result = await getBridge().invoke('muc.leave', { account, room });
    if (!result.ok) {
      useUi
        .getState()
        .addToast(
          currentIntl().formatMessage({ id: 'rooms.leaveFailed' }, { room, reason: result.error.message }),
        );

      return;
    }
  }
  useRooms.getState().drop(account, room);
  useUi.getState().closeTab(roomId(account, room));
}

/** Sends to the room; answers the error when it could not be sent (the composer keeps the text then). */
export async function sendToRoom(
  account: string,
  room: string,
  body: string,
): Promise<EngineErrorPayload | null> {
  const result = await getBridge().invoke('muc.send', { account, room, body });
  if (!result.ok) return result.error;
  useChats.getState().addMessages([result.value], readContext());
  return null;
}

const askedRooms = new Set<string>();

/**
 * The account's rooms, once per page, for a page opened (or reloaded) while the engine was already in
 * them: the snapshot does not carry rooms yet; the events after it keep the list current.
 */
export async function loadRooms(account: string): Promise<void> {
  if (askedRooms.has(account)) return;
  askedRooms.add(account);
  const result = await getBridge().invoke('muc.rooms', { account });
  if (!result.ok) {
    askedRooms.delete(account);
    return;
  }
  // Rooms reported meanwhile by events are in the answer too (it was made after them).
  useRooms.getState().reset(account, result.value.rooms);
}

const asked = new Set<string>();
/** Rooms this page joined, since when (Date.now()): their occupant list is on its way in the events. */
const listComing = new Map<string, number>();
/** How long a joined room's list may take in the events before the view asks (a socket that dropped). */
export const LIST_COMING_MS = 2_000;

/** The room's occupants, once, when the store has none yet for a joined room (after a page reload). */
export async function loadOccupants(account: string, room: string): Promise<void> {
  const key = roomId(account, room);
  if (asked.has(key)) return;
  asked.add(key);
  const joinedAt = listComing.get(key);
  if (joinedAt !== undefined) {
    listComing.delete(key);
    await new Promise((resolve) => setTimeout(resolve, joinedAt + LIST_COMING_MS - Date.now()));
    const entry = useRooms.getState().byAccount.get(account)?.get(room);
    if (!entry || entry.occupants !== null || isOut(entry.room.status)) {
      asked.delete(key);
      return;
    }
  }
  const result = await getBridge().invoke('muc.occupants', { account, room });
  asked.delete(key);
  if (!result.ok) return;
  const entry = useRooms.getState().byAccount.get(account)?.get(room);
  if (entry && entry.occupants === null) {
    useRooms
      .getState()
      .applyOccupants({ account, room, reset: true, upserts: result.value.occupants, removed: [] });
  }
}
