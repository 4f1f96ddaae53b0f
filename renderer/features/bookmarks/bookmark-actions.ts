// What the bookmark controls ask the engine, with a toast when it refuses (offline, the server said no).
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useUi } from '../../stores/ui.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { useRooms } from '../rooms/rooms-store.ts';
import { openRoom } from '../rooms/rooms-actions.ts';

export interface BookmarkFields {
  name?: string;
  nick?: string;
  password?: string;
  autojoin: boolean;
}

export async function setBookmark(account: string, room: string, fields: BookmarkFields): Promise<boolean> {
  const result = await getBridge().invoke('bookmarks.set', { account, room, ...fields });
  if (!result.ok) {
    const t = currentIntl().formatMessage;
    useUi.getState().addToast(t({ id: 'bookmarks.setFailed' }, { room, reason: result.error.message }));
  }
  return result.ok;
}

export async function removeBookmark(account: string, room: string): Promise<boolean> {
  const result = await getBridge().invoke('bookmarks.remove', { account, room });
  if (!result.ok) {
    const t = currentIntl().formatMessage;
    useUi.getState().addToast(t({ id: 'bookmarks.removeFailed' }, { room, reason: result.error.message }));
  }
  return result.ok;
}

/** Joins a bookmarked room with the nick and password kept for it; answers the refusal otherwise. */
export async function joinBookmark(account: string, room: string): Promise<EngineErrorPayload | null> {
  const result = await getBridge().invoke('bookmarks.join', { account, room });
  if (!result.ok) return result.error;
  useRooms.getState().apply(account, [result.value]);
  openRoom(account, room);
  return null;
}
