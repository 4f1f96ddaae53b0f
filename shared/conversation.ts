// How a conversation is named: account + kind + peer. Kept apart from contract.ts (which re-exports it) so
// the page can use it without bundling the contract's zod schemas.

/**
 * 'chat' (1:1 with a bare JID); 'groupchat' (a room's bare JID) and 'private' (a room occupant's full JID)
 * come with group chat.
 */
export type ConversationKind = 'chat' | 'groupchat' | 'private';

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
