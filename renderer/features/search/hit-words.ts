// Who a search hit is from, in words, by its conversation's kind: in a 1:1 chat the contact (or "You to"
// them, across chats); in a room the sender's nick and the room ("bea in lounge"); in a private conversation
// the occupant and their room ("bea (in lounge)"). Names are remote text: tamed here, isolated by the caller.
import type { ChatMessage } from '../../../shared/contract.ts';
import { displayText } from '../../text/display-text.ts';
import { roomName, senderNick } from '../rooms/room-words.ts';
import { privateChatTitle } from '../chat/private-title.ts';

export interface HitWho {
  /** "You", "You to", or nothing before the name. */
  lead: 'You' | 'You to' | null;
  /** The name shown (isolated: no bidi control in it reorders the words around it); null after a bare "You". */
  name: string | null;
  /** A room line's room (shown as "in lounge" across conversations), else nothing. */
  where: string | null;
}

/** `contactName`: the 1:1 peer's name as the roster shows it. `global`: the hit list spans conversations. */
export function hitWho(message: ChatMessage, contactName: string, global: boolean): HitWho {
  const out = message.direction === 'out';
  switch (message.kind) {
    case 'groupchat': {
      const room = roomName(message.peer);
      if (out) return { lead: 'You', name: null, where: global ? room : null };
      const nick = senderNick(message.peerFull);
      return {
        lead: null,
        name: nick === null ? room : displayText(nick),
        where: global ? room : null,
      };
    }
    case 'private': {
      const title = privateChatTitle(message.peer);
      if (out)
        return global
          ? { lead: 'You to', name: title, where: null }
          : { lead: 'You', name: null, where: null };
      return { lead: null, name: title, where: null };
    }
    default:
      if (out)
        return global
          ? { lead: 'You to', name: contactName, where: null }
          : { lead: 'You', name: null, where: null };
      return { lead: null, name: contactName, where: null };
  }
}
