// One room in the chat area (a tab of kind groupchat): header with the room's name, subject, where we stand
// and how many are in, its bookmark (and whether it is joined at sign-in), the occupant list's toggle and
// Leave; a room we were put out of says so and why (with Join again and Close); the Room menu (subject,
// nickname, members and bans, settings, destroy: RoomMenu.tsx); the chat's message list with senders'
// nicks, paging the room's own history; a composer that sends to the room and completes nicks on Tab; the
// occupant list beside the messages (instead of them in a narrow window).
import { useCallback, useEffect, useState } from 'react';
import type { ChatMessage } from '../../../shared/contract.ts';
import { parseConversationId } from '../../stores/conversation.ts';
import { useUi } from '../../stores/ui.ts';
import { displayText } from '../../text/display-text.ts';
import { useSeveralAccounts } from '../accounts/use-accounts.ts';
import { Composer } from '../chat/Composer.tsx';
import { MessageList } from '../chat/MessageList.tsx';
import { BackToContacts, ROOM_ROW_FOCUS } from '../chat/BackToContacts.tsx';
import { JoinRoomDialog } from './JoinRoomDialog.tsx';
import { OccupantList } from './OccupantList.tsx';
import { RoomMenu } from './RoomMenu.tsx';
import { VoiceRequests } from './VoiceRequests.tsx';
import { InviteButton } from '../invitations/InviteDialog.tsx';
import { BookmarkToggle } from '../bookmarks/BookmarkToggle.tsx';
import { leaveRoom, loadOccupants, loadRoomHistory, sendToRoom } from './rooms-actions.ts';
import { isOut, useRooms } from './rooms-store.ts';
import { ROOM_STATUS_WORDS, completeNick, outSentence, roomName, senderNick } from './room-words.ts';

export function RoomView({ chat }: { chat: string }) {
  const key = parseConversationId(chat);
  const account = key?.account ?? '';
  const jid = key?.peer ?? chat;
  // The room and its occupants are read apart: a presence storm re-renders the occupant list only.
  const room = useRooms((s) => s.byAccount.get(account)?.get(jid)?.room);
  const occupantsKnown = useRooms((s) => (s.byAccount.get(account)?.get(jid)?.occupants ?? null) !== null);
  const several = useSeveralAccounts();
  const narrow = useUi((s) => s.narrow);
  const [occupantsOpen, setOccupantsOpen] = useState(() => !useUi.getState().narrow);
  const [rejoining, setRejoining] = useState(false);
  const name = roomName(jid);
  const status = room?.status ?? 'left';
  const out = isOut(status) || !room;
  const subject = room?.subject ? displayText(room.subject) : null;
  const title = several ? `${name} on ${account}` : name;

  // After a page reload the snapshot has the room but not its occupants: ask once.
  useEffect(() => {
    if (room && !occupantsKnown && !isOut(room.status)) void loadOccupants(account, jid);
  }, [room, occupantsKnown, account, jid]);

  // A nick is remote text: tamed, and isolated (FSI…PDI) so a bidi control in it cannot reorder the line.
  const senderOf = useCallback(
    (m: ChatMessage): string => {
      if (m.direction === 'out') return 'You';
      const nick = senderNick(m.peerFull);
      return nick === null ? name : `\u2068${displayText(nick)}\u2069`;
    },
    [name],
  );
  const loadPage = useCallback((older: boolean) => void loadRoomHistory(account, jid, older), [account, jid]);
  const send = useCallback((body: string) => sendToRoom(account, jid, body), [account, jid]);
  const completeOnTab = useCallback(
    (text: string, caret: number) => {
      const entry = useRooms.getState().byAccount.get(account)?.get(jid);
      if (!entry?.occupants) return null;
      return completeNick(text, caret, entry.occupants.keys(), entry.room.nick);
    },
    [account, jid],
  );

  return (
    <div className="chat-view room-view">
      <header className="chat-header">
        <BackToContacts focus={ROOM_ROW_FOCUS} />
        <span className="room-glyph" aria-hidden="true">
          #
        </span>
        <div className="chat-title">
          <h2>
            <bdi>{name}</bdi>
          </h2>
          <div className="chat-subtitle room-subject" title={subject ?? undefined}>
            {subject ? <bdi>{subject}</bdi> : 'No subject'}
          </div>
          <div className="chat-account">
            {status !== 'joined' ? `${ROOM_STATUS_WORDS[status]} · ` : ''}
            {room && !out ? `${room.occupants} in the room · you are ${room.nick}` : jid}
            {several ? ` · on ${account}` : ''}
          </div>
        </div>
        <div className="chat-actions">
          {!out && <BookmarkToggle account={account} room={jid} />}
          <InviteButton account={account} room={jid} />
          {!out && status === 'joined' && <RoomMenu account={account} room={room} name={name} />}
          {!out && (
            <button
              type="button"
              className="small"
              aria-expanded={occupantsOpen}
              aria-label={`Occupants of ${title}`}
              onClick={() => setOccupantsOpen((open) => !open)}
            >
              Occupants
            </button>
          )}
          <button
            type="button"
            className="small"
            aria-label={out ? `Close ${title}` : `Leave ${title}`}
            onClick={() => void leaveRoom(account, jid)}
          >
            {out ? 'Close' : 'Leave'}
          </button>
        </div>
      </header>
      {out && room && (
        <div className="room-out" role="alert">
          <p>{outSentence(room)}</p>
          {status !== 'destroyed' && status !== 'banned' && (
            <button type="button" className="small" onClick={() => setRejoining(true)}>
              Join again…
            </button>
          )}
        </div>
      )}
      {!out && room && <VoiceRequests account={account} room={room} />}
      <div className={`room-body${occupantsOpen && !out ? ' occupants-open' : ''}${narrow ? ' narrow' : ''}`}>
        <div className="room-main">
          <MessageList chat={chat} title={title} senderName={senderOf} loadPage={loadPage} />
          {!out && <Composer key={chat} chat={chat} label={name} send={send} completeOnTab={completeOnTab} />}
        </div>
        {occupantsOpen && !out && room && (
          <aside className="occupants" aria-label={`Occupants of ${title}`}>
            <OccupantList
              account={account}
              room={jid}
              ownNick={room.nick}
              total={room.occupants}
              self={room}
            />
          </aside>
        )}
      </div>
      {rejoining && (
        <JoinRoomDialog
          initialRoom={jid}
          initialAccount={account}
          initialNick={room?.nick ?? null}
          onClose={() => setRejoining(false)}
        />
      )}
    </div>
  );
}
