// Private messages with a room occupant (XEP-0045 §7.5): a conversation of kind 'private' whose peer is the
// occupant's full JID room@service/nick. Opened from an occupant's menu, or by an incoming private message.
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import { getBridge } from '../../transport/bridge.ts';
import { jumpToLatest, openChat } from '../../stores/actions.ts';
import { useChats } from '../../stores/chats.ts';
import { conversationId, parseConversationId } from '../../stores/conversation.ts';
import { readContext } from '../../stores/sync.ts';

export { splitOccupant } from './private-title.ts';

/** The conversationId of the private conversation with `nick` in `room` on `account`. */
export function privateChatId(account: string, room: string, nick: string): string {
  return conversationId({ account, kind: 'private', peer: `${room}/${nick}` });
}

/** Opens (or shows) the private conversation with `nick` in `room`, with its history, composer focused. */
export function openPrivateChat(account: string, room: string, nick: string): void {
  openChat(privateChatId(account, room, nick));
}

/**
 * Sends a private message from its conversation (`id`): type chat to room/nick, through the room. Answers
 * the error when it could not be sent (the composer keeps the text then).
 */
export async function sendPrivate(id: string, body: string): Promise<EngineErrorPayload | null> {
  const key = parseConversationId(id);
  if (key?.kind !== 'private') throw new Error(`not a private conversation: ${id}`);
  if (useChats.getState().chats.get(id)?.atNewest === false) await jumpToLatest(id);
  const result = await getBridge().invoke('chat.send', {
    account: key.account,
    to: key.peer,
    kind: 'private',
    body,
  });
  if (!result.ok) return result.error;
  useChats.getState().addMessages([result.value], readContext());
  return null;
}
