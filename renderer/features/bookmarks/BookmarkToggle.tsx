// Bookmark controls for one room. <BookmarkToggle> (for the room view's header): "Bookmark" as a toggle
// button and, once bookmarked, "Join at sign-in" as a checkbox. <BookmarkStar> (for a room list row): the
// same toggle as a star. A new bookmark keeps our nick in the room and joins at sign-in (what someone who
// bookmarks a room they are in expects); un-bookmarking removes it from every device of the account.
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { useRooms } from '../rooms/rooms-store.ts';
import { removeBookmark, setBookmark } from './bookmark-actions.ts';
import { useBookmark, useBookmarks } from './bookmarks-store.ts';
import './bookmarks.css';

function useToggle(account: string, room: string) {
  const bookmark = useBookmark(account, room);
  const loaded = useBookmarks((s) => (s.byAccount.get(account)?.storage ?? 'not-loaded') !== 'not-loaded');
  const nick = useRooms((s) => s.byAccount.get(account)?.get(room)?.room.nick);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<boolean>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    await work();
    setBusy(false);
  };
  const toggle = () =>
    run(() =>
      bookmark
        ? removeBookmark(account, room)
        : setBookmark(account, room, { autojoin: true, ...(nick ? { nick } : {}) }),
    );
  return { bookmark, loaded, busy, run, toggle };
}

export function BookmarkToggle({ account, room }: { account: string; room: string }) {
  const { bookmark, loaded, busy, run, toggle } = useToggle(account, room);
  const { formatMessage: t } = useIntl();
  if (!loaded) return null;
  return (
    <div className="bookmark-toggle">
      <button
        type="button"
        className="small"
        aria-pressed={bookmark !== undefined}
        aria-disabled={busy}
        onClick={() => void toggle()}
      >
        <span aria-hidden="true">{bookmark ? '★ ' : '☆ '}</span>
        {t({ id: 'bookmarks.toggle' })}
      </button>
      {bookmark && (
        <label className="bookmark-autojoin">
          <input
            type="checkbox"
            checked={bookmark.autojoin}
            aria-disabled={busy}
            onChange={(e) => {
              const autojoin = e.target.checked;
              void run(() => setBookmark(account, room, { autojoin }));
            }}
          />
          {t({ id: 'bookmarks.autojoin' })}
        </label>
      )}
    </div>
  );
}

/** The row's star: `label` names the room as the row does ("Bookmark den"). */
export function BookmarkStar({ account, room, label }: { account: string; room: string; label: string }) {
  const { bookmark, loaded, busy, toggle } = useToggle(account, room);
  const { formatMessage: t } = useIntl();
  if (!loaded) return null;
  return (
    <button
      type="button"
      className={`bookmark-star${bookmark ? ' on' : ''}`}
      aria-pressed={bookmark !== undefined}
      aria-disabled={busy}
      aria-label={t({ id: 'bookmarks.star.label' }, { room: label })}
      title={
        bookmark
          ? bookmark.autojoin
            ? t({ id: 'bookmarks.star.autojoin' })
            : t({ id: 'rooms.bookmarked' })
          : t({ id: 'bookmarks.toggle' })
      }

      onClick={() => void toggle()}
    >
      <span aria-hidden="true">{bookmark ? '★' : '☆'}</span>
    </button>
  );
}
