// XEP-0085 chat states we send: a 1:1 message with content says we are 'active' in the chat, and the
// composer says 'composing' and 'paused' while the user types; unless typing notifications are off
// (Settings › Privacy), in which case no chat state leaves at all.
import { xml, type Element } from '@xmpp/xml';
import { NS_HINTS } from '../xmpp/ns.ts';

export const NS_CHAT_STATES = 'http://jabber.org/protocol/chatstates';

/** Adds <active/> to an outgoing chat message with a body (once); anything else is left alone. */
export function addActiveState(stanza: Element, typingNotifications: boolean): void {
  if (!typingNotifications || stanza.name !== 'message' || stanza.attrs.type !== 'chat') return;
  if (!stanza.getChild('body')) return;
  for (const child of stanza.getChildElements()) if (child.getNS() === NS_CHAT_STATES) return;
  stanza.append(xml('active', { xmlns: NS_CHAT_STATES }));
}

/** A standalone chat state for `peer`'s chat: not stored in archives (it means nothing later). */
export function chatStateMessage(peer: string, state: 'composing' | 'paused'): Element {
  return xml(
    'message',
    { to: peer, type: 'chat' },
    xml(state, { xmlns: NS_CHAT_STATES }),
    xml('no-store', { xmlns: NS_HINTS }),
  );
}
