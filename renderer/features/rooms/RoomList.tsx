// The sidebar's "Rooms" section, above the contacts: each signed-in account's rooms by name, with unread and
// mention counts and, when we are not simply in, where we stand (joining, kicked, banned...), and the
// bookmarked rooms we are not in (Enter joins one, with the nick and password its bookmark keeps; one whose
// join at sign-in failed says why). Each row has a star that bookmarks or un-bookmarks it. "Join room…"
// opens the join dialog. A list of buttons: Tab reaches each, Enter opens the room's tab.
import { useEffect, useId, useMemo, useState } from 'react';
import { useIntl } from 'react-intl';
import { useChats } from '../../stores/chats.ts';
import { useUi } from '../../stores/ui.ts';
import { useSessionAccounts, useShownAccounts } from '../accounts/use-accounts.ts';
import type { Bookmark } from '../../../shared/bookmarks.ts';
import { BookmarkStar } from '../bookmarks/BookmarkToggle.tsx';
import { joinBookmark } from '../bookmarks/bookmark-actions.ts';
import { useBookmarks, useBookmarksSync } from '../bookmarks/bookmarks-store.ts';
import { JoinRoomDialog } from './JoinRoomDialog.tsx';
import { joinProblem, loadRooms, openRoom, type JoinProblem } from './rooms-actions.ts';
import { useRooms, type RoomEntry } from './rooms-store.ts';
import { roomId } from './rooms-sync.ts';
import { ROOM_STATUS_MESSAGES, roomName } from './room-words.ts';
import './rooms.css';

const nameOrder = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Unread messages in the room's conversation, and how many of them mention our nick. */
function useRoomCounts(id: string): { unread: number; mentions: number } {
  const unread = useChats((s) => s.chats.get(id)?.unread ?? 0);
  const mentions = useChats((s) => {
    const chat = s.chats.get(id);
    if (!chat || chat.unread === 0 || chat.markerSeq === null) return 0;
    let n = 0;
    // Newest first, back to the first unread message: the unread stretch only.
    for (let i = chat.messages.length - 1; i >= 0; i--) {
      const m = chat.messages[i]!;
      if (m.mention && m.direction === 'in') n++;
      if (m.seq === chat.markerSeq) break;
    }
    return n;
  });
  return { unread, mentions };
}

function RoomRow({
  account,
  entry,
  showAccount,
}: {
  account: string;
  entry: RoomEntry;
  showAccount: boolean;
}) {
  const id = roomId(account, entry.room.room);
  const active = useUi((s) => s.activeId === id);
  const { unread, mentions } = useRoomCounts(id);
  const { formatMessage: t } = useIntl();
  const name = roomName(entry.room.room);
  const status = entry.room.status === 'joined' ? null : t(ROOM_STATUS_MESSAGES[entry.room.status]);
  return (
    <li className="room-item">
      <button
        type="button"
        className={`room-row${active ? ' active' : ''}${unread > 0 ? ' has-unread' : ''}`}
        data-room={entry.room.room}
        aria-current={active ? 'page' : undefined}
        title={entry.room.room}
        onClick={() => openRoom(account, entry.room.room)}
      >
        <span className="room-glyph" aria-hidden="true">
          #
        </span>
        {/* The accessible name is the visible text with words for the counts: "den, Kicked, 2 unread, 1 mention". */}
        <span className="room-text">
          <span className="room-name">
            <bdi>{name}</bdi>
          </span>
          {(status || showAccount) && (
            <span className={`room-status room-status-${entry.room.status}`}>
              <span className="room-sr">, </span>
              {[status, showAccount ? t({ id: 'rooms.onAccount' }, { account }) : null]
                .filter(Boolean)
                .join(' · ')}
            </span>
          )}
        </span>
        {unread > 0 && (
          <span className="unread-badge">
            <span className="room-sr">, </span>
            {unread > 999 ? '999+' : unread}
            <span className="room-sr"> {t({ id: 'rooms.unreadWord' }, { count: unread })}</span>
          </span>
        )}
        {mentions > 0 && (
          <span className="mention-badge">
            <span className="room-sr">, </span>
            <span aria-hidden="true">@</span>
            {mentions > 99 ? '99+' : mentions}
            <span className="room-sr"> {t({ id: 'rooms.mentionsWord' }, { count: mentions })}</span>
          </span>
        )}
      </button>
      <BookmarkStar account={account} room={entry.room.room} label={name} />
    </li>
  );
}

/** A bookmarked room we are not in: Enter joins it; a refusal opens the join dialog saying why. */
function BookmarkRow({
  account,
  bookmark,
  showAccount,
  onRefused,
}: {
  account: string;
  bookmark: Bookmark;
  showAccount: boolean;
  onRefused: (problem: JoinProblem) => void;
}) {
  const [joining, setJoining] = useState(false);
  const { formatMessage: t } = useIntl();
  const name = bookmark.name ?? roomName(bookmark.room);
  const status = joining
    ? t({ id: 'rooms.status.joining' })
    : bookmark.joinError
      ? t({ id: 'rooms.join.failed' }, { reason: bookmark.joinError })
      : bookmark.autojoin
        ? t({ id: 'rooms.bookmarked.notJoined' })
        : t({ id: 'rooms.bookmarked' });
  const join = async (): Promise<void> => {
    if (joining) return;
    setJoining(true);
    const error = await joinBookmark(account, bookmark.room);
    setJoining(false);
    if (error) onRefused(joinProblem(error));
  };
  return (
    <li className="room-item">
      <button
        type="button"
        className="room-row room-row-bookmark"
        data-room={bookmark.room}
        title={t({ id: 'rooms.bookmark.joinTitle' }, { room: bookmark.room })}
        aria-disabled={joining}
        onClick={() => void join()}
      >
        <span className="room-glyph" aria-hidden="true">
          #
        </span>
        <span className="room-text">
          <span className="room-name">
            <bdi>{name}</bdi>
          </span>
          <span
            className={`room-status ${bookmark.joinError ? 'room-status-failed' : 'room-status-bookmark'}`}
          >
            <span className="room-sr">, </span>
            {[status, showAccount ? t({ id: 'rooms.onAccount' }, { account }) : null]
              .filter(Boolean)
              .join(' · ')}
          </span>
        </span>
      </button>
      <BookmarkStar account={account} room={bookmark.room} label={name} />
    </li>
  );
}

type Row =
  | { kind: 'room'; account: string; name: string; entry: RoomEntry }
  | { kind: 'bookmark'; account: string; name: string; bookmark: Bookmark };

interface Refusal {
  account: string;
  bookmark: Bookmark;
  problem: JoinProblem;
}

export function RoomList() {
  const accounts = useShownAccounts();
  const sessions = useSessionAccounts();
  const byAccount = useRooms((s) => s.byAccount);
  const bookmarks = useBookmarks((s) => s.byAccount);
  const [joining, setJoining] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const headingId = useId();
  const { formatMessage: t } = useIntl();
  useBookmarksSync(sessions);
  useEffect(() => {
    for (const account of sessions) void loadRooms(account);
  }, [sessions]);
  const rows = useMemo(
    () =>
      accounts.flatMap((account) => {
        const rooms = byAccount.get(account);
        const joined: Row[] = [...(rooms?.values() ?? [])].map((entry) => ({
          kind: 'room',
          account,
          name: roomName(entry.room.room),
          entry,
        }));
        const kept: Row[] = (bookmarks.get(account)?.bookmarks ?? [])
          .filter((b) => !rooms?.has(b.room))
          .map((bookmark) => ({
            kind: 'bookmark',
            account,
            name: bookmark.name ?? roomName(bookmark.room),
            bookmark,
          }));
        return [...joined, ...kept].sort((a, b) => nameOrder.compare(a.name, b.name));
      }),
    [accounts, byAccount, bookmarks],
  );
  return (
    <section className="rooms" aria-labelledby={headingId}>
      <div className="rooms-head">
        <h2 id={headingId}>{t({ id: 'rooms.heading' })}</h2>
        <button
          type="button"
          className="small"
          disabled={sessions.length === 0}
          onClick={() => setJoining(true)}
        >
          {t({ id: 'rooms.joinButton' })}
        </button>
      </div>
      {rows.length === 0 ? (
        <p className="rooms-empty">{t({ id: 'rooms.empty' })}</p>
      ) : (
        <ul className="room-list" aria-labelledby={headingId}>
          {rows.map((row) =>
            row.kind === 'room' ? (
              <RoomRow
                key={`${row.account} ${row.entry.room.room}`}
                account={row.account}
                entry={row.entry}
                showAccount={accounts.length > 1}
              />
            ) : (
              <BookmarkRow
                key={`${row.account} ${row.bookmark.room}`}
                account={row.account}
                bookmark={row.bookmark}
                showAccount={accounts.length > 1}
                onRefused={(problem) => setRefusal({ account: row.account, bookmark: row.bookmark, problem })}
              />
            ),
          )}
        </ul>
      )}
      {joining && <JoinRoomDialog onClose={() => setJoining(false)} />}
      {refusal && (
        <JoinRoomDialog
          onClose={() => setRefusal(null)}
          initialRoom={refusal.bookmark.room}
          initialAccount={refusal.account}
          initialNick={refusal.bookmark.nick}
          initialProblem={refusal.problem}
        />
      )}
    </section>
  );
}
