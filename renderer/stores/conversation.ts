// Conversations as the renderer keys them: the contract's conversationId (account + kind + peer) as one
// string, for store maps, tab lists and pop-out sets, and back again.
import { conversationId } from '../../shared/conversation.ts';
import type { ConversationKey, ConversationKind } from '../../shared/contract.ts';

export type { ConversationKey };

/** The 1:1 chat with `peer` on `account`. */
export function chatKey(account: string, peer: string): ConversationKey {
  return { account, kind: 'chat', peer };
}

/** conversationId of the 1:1 chat with `peer` on `account`. */
export function chatId(account: string, peer: string): string {
  return conversationId(chatKey(account, peer));
}

const KINDS: readonly ConversationKind[] = ['chat', 'groupchat', 'private'];

/** The key a conversationId was made from; null for a string that is not one. */
export function parseConversationId(id: string): ConversationKey | null {
  const a = id.indexOf(' ');
  if (a <= 0) return null;
  const b = id.indexOf(' ', a + 1);
  if (b < 0) return null;
  const kind = id.slice(a + 1, b) as ConversationKind;
  if (!KINDS.includes(kind) || b + 1 >= id.length) return null;
  return { account: id.slice(0, a), kind, peer: id.slice(b + 1) };
}

/** The account part of a conversationId (accounts are bare JIDs: no space). */
export function accountOf(id: string): string {
  const a = id.indexOf(' ');
  return a < 0 ? id : id.slice(0, a);
}

export { conversationId };
