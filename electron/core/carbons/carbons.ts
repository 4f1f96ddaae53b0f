// XEP-0280 Message Carbons: every device of the account sees the whole conversation. Once enabled, the server
// copies 1:1 messages that another of our resources sent ('sent') or received ('received') to this one,
// wrapped in <sent|received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>. Those are
// unwrapped and checked (XEP-0280 §11: only from our own bare JID) by the envelope parser, xmpp/envelope.ts.
import { xml, type Element } from '@xmpp/xml';
import type { IqTracker } from '../xmpp/iq-tracker.ts';
import { NS_CARBONS } from '../xmpp/ns.ts';

export { looksLikeCarbon, unwrapCarbon, type Carbon } from '../xmpp/envelope.ts';

/** The payload of the iq set that turns carbons on for this session: <enable xmlns='urn:xmpp:carbons:2'/>. */
export function enableCarbonsIq(): Element {
  return xml('enable', { xmlns: NS_CARBONS });
}

/** Turns carbons on (an iq set to our own account). Throws the IqTracker's EngineError if refused. */
export async function enableCarbons(iq: IqTracker): Promise<void> {
  await iq.request('set', null, enableCarbonsIq());
}
