// How a conversation is named: account + kind + peer. Kept apart from contract.ts (which re-exports it) so
// the page can use it without bundling the contract's zod schemas.

/**
 * 'chat' (1:1 with a bare JID); 'groupchat' (a room's bare JID) and 'private' (a room occupant's full JID)
 * come with group chat.
 */
export const CONVERSATION_KINDS = ['chat', 'groupchat', 'private'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];

/** Names one conversation: which account, what kind, with whom. */
export interface ConversationKey {
  account: string;
  kind: ConversationKind;
  peer: string;
}

/**
 * A conversation as one string, for map keys: unambiguous, since neither a bare JID nor a kind holds a space
 * (only the peer, last, may: a resource can).
 */
export function conversationId(key: ConversationKey): string {
  return `${key.account} ${key.kind} ${key.peer}`;
}

/** The key a conversationId was made from; null for a string that is not one. */
export function parseConversationId(id: string): ConversationKey | null {
  const a = id.indexOf(' ');
  if (a <= 0) return null;
  const b = id.indexOf(' ', a + 1);
  if (b < 0) return null;
  const kind = id.slice(a + 1, b) as ConversationKind;
  if (!CONVERSATION_KINDS.includes(kind) || b + 1 >= id.length) return null;
  return { account: id.slice(0, a), kind, peer: id.slice(b + 1) };
}
