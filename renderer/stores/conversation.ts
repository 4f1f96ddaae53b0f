// Conversations as the renderer keys them: the contract's conversationId (account + kind + peer) as one
// string, for store maps, tab lists and pop-out sets, and back again.
import { conversationId, parseConversationId, type ConversationKey } from '../../shared/conversation.ts';

export type { ConversationKey };

/** The 1:1 chat with `peer` on `account`. */
export function chatKey(account: string, peer: string): ConversationKey {
  return { account, kind: 'chat', peer };
}

/** conversationId of the 1:1 chat with `peer` on `account`. */
export function chatId(account: string, peer: string): string {
  return conversationId(chatKey(account, peer));
}

/** The account part of a conversationId (accounts are bare JIDs: no space). */
export function accountOf(id: string): string {
  const a = id.indexOf(' ');
  return a < 0 ? id : id.slice(0, a);
}

export { conversationId, parseConversationId };
