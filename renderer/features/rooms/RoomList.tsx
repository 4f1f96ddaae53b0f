// The sidebar's "Rooms" section, above the contacts: each signed-in account's rooms by name, with unread and
// mention counts and, when we are not simply in, where we stand (joining, kicked, banned...); "Join room…"
// opens the join dialog. A list of buttons: Tab reaches each, Enter opens the room's tab.
import { useEffect, useId, useMemo, useState } from 'react';
import { useChats } from '../../stores/chats.ts';
import { useUi } from '../../stores/ui.ts';
import { useSessionAccounts, useShownAccounts } from '../accounts/use-accounts.ts';
import { JoinRoomDialog } from './JoinRoomDialog.tsx';
import { loadRooms, openRoom } from './rooms-actions.ts';
import { useRooms, type RoomEntry } from './rooms-store.ts';
import { roomId } from './rooms-sync.ts';
import { ROOM_STATUS_WORDS, roomName } from './room-words.ts';
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
  const name = roomName(entry.room.room);
  const status = entry.room.status === 'joined' ? null : ROOM_STATUS_WORDS[entry.room.status];
  return (
    <li>
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
              {[status, showAccount ? `on ${account}` : null].filter(Boolean).join(' · ')}
            </span>
          )}
        </span>
        {unread > 0 && (
          <span className="unread-badge">
            <span className="room-sr">, </span>
            {unread > 999 ? '999+' : unread}
            <span className="room-sr"> unread</span>
          </span>
        )}
        {mentions > 0 && (
          <span className="mention-badge">
            <span className="room-sr">, </span>
            <span aria-hidden="true">@</span>
            {mentions > 99 ? '99+' : mentions}
            <span className="room-sr">{mentions === 1 ? ' mention' : ' mentions'}</span>
          </span>
        )}
      </button>
    </li>
  );
}

export function RoomList() {
  const accounts = useShownAccounts();
  const sessions = useSessionAccounts();
  const byAccount = useRooms((s) => s.byAccount);
  const [joining, setJoining] = useState(false);
  const headingId = useId();
  useEffect(() => {
    for (const account of sessions) void loadRooms(account);
  }, [sessions]);
  const rows = useMemo(
    () =>
      accounts.flatMap((account) =>
        [...(byAccount.get(account)?.values() ?? [])]
          .sort((a, b) => nameOrder.compare(roomName(a.room.room), roomName(b.room.room)))
          .map((entry) => ({ account, entry })),
      ),
    [accounts, byAccount],
  );
  return (
    <section className="rooms" aria-labelledby={headingId}>
      <div className="rooms-head">
        <h2 id={headingId}>Rooms</h2>
        <button
          type="button"
          className="small"
          disabled={sessions.length === 0}
          onClick={() => setJoining(true)}
        >
          Join room…
        </button>
      </div>
      {rows.length === 0 ? (
        <p className="rooms-empty">No rooms yet.</p>
      ) : (
        <ul className="room-list" aria-labelledby={headingId}>
          {rows.map(({ account, entry }) => (
            <RoomRow
              key={`${account} ${entry.room.room}`}
              account={account}
              entry={entry}
              showAccount={accounts.length > 1}
            />
          ))}
        </ul>
      )}
      {joining && <JoinRoomDialog onClose={() => setJoining(false)} />}
    </section>
  );
}
