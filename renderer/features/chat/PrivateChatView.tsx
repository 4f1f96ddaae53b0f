// A private conversation with a room occupant (a tab of kind 'private', peer room/nick): the header says
// who and in which room ("bea (in lounge)"), whether they are still there, and leads back to the room; the
// message list names each side; the composer sends through the room (XEP-0045 §7.5).
import { useCallback } from 'react';
import type { ChatMessage } from '../../../shared/contract.ts';
import { parseConversationId } from '../../stores/conversation.ts';
import { useUi } from '../../stores/ui.ts';
import { displayText } from '../../text/display-text.ts';
import { useSeveralAccounts } from '../accounts/use-accounts.ts';
import { openRoom } from '../rooms/rooms-actions.ts';
import { useRooms } from '../rooms/rooms-store.ts';
import { OCCUPANT_SHOW_WORDS, roomName } from '../rooms/room-words.ts';
import { BackToContacts, ROOM_ROW_FOCUS } from './BackToContacts.tsx';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';
import { sendPrivate } from './private-chat.ts';
import { privateChatTitle, splitOccupant } from './private-title.ts';

export function PrivateChatView({ chat }: { chat: string }) {
  const key = parseConversationId(chat);
  const account = key?.account ?? '';
  const peer = key?.peer ?? chat;
  const occupant = splitOccupant(peer);
  const room = occupant?.room ?? '';
  const nick = occupant?.nick ?? peer;
  const several = useSeveralAccounts();
  // Only this occupant's presence: a presence storm in the room does not re-render the conversation.
  const show = useRooms((s) => s.byAccount.get(account)?.get(room)?.occupants?.get(nick)?.show ?? null);
  const inRoom = useRooms((s) => s.byAccount.get(account)?.get(room)?.room.status === 'joined');
  const title = privateChatTitle(peer);
  const label = several ? `${title} on ${account}` : title;
  const where = !inRoom
    ? 'you are not in the room now'
    : show === null
      ? 'not in the room now'
      : OCCUPANT_SHOW_WORDS[show].toLowerCase();

  const senderOf = useCallback(
    (m: ChatMessage): string => (m.direction === 'out' ? 'You' : `\u2068${displayText(nick)}\u2069`),
    [nick],
  );
  const send = useCallback((body: string) => sendPrivate(chat, body), [chat]);

  return (
    <div className="chat-view private-chat-view">
      <header className="chat-header">
        <BackToContacts focus={ROOM_ROW_FOCUS} />
        <div className="chat-title">
          <h2>
            <bdi>{title}</bdi>
          </h2>
          <div className="chat-subtitle">Private message · {where}</div>
          {several && <div className="chat-account">on {account}</div>}
        </div>
        <div className="chat-actions">
          <button
            type="button"
            className="small"
            aria-label={`Back to room ${roomName(room)}`}
            onClick={() => openRoom(account, room)}
          >
            Back to room
          </button>
          <button
            type="button"
            className="small"
            onClick={() => useUi.getState().closeTab(chat)}
            aria-label={`Close private chat with ${label}`}
          >
            Close
          </button>
        </div>
      </header>
      <MessageList chat={chat} title={label} senderName={senderOf} />
      <Composer key={chat} chat={chat} label={`${displayText(nick)} privately`} send={send} />
    </div>
  );
}
