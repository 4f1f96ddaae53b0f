// XEP-0085 chat states on what we send: a 1:1 message with content says we are 'active' in the chat, unless
// the user turned typing notifications off (Settings › Privacy), in which case no chat state leaves at all.
import { xml, type Element } from '@xmpp/xml';

export const NS_CHAT_STATES = 'http://jabber.org/protocol/chatstates';

/** Adds <active/> to an outgoing chat message with a body (once); anything else is left alone. */
export function addActiveState(stanza: Element, typingNotifications: boolean): void {
  if (!typingNotifications || stanza.name !== 'message' || stanza.attrs.type !== 'chat') return;
  if (!stanza.getChild('body')) return;
  for (const child of stanza.getChildElements()) if (child.getNS() === NS_CHAT_STATES) return;
  stanza.append(xml('active', { xmlns: NS_CHAT_STATES }));
}
