// XEP-0280 Message Carbons: every device of the account sees the whole conversation. Once enabled, the server
// copies 1:1 messages that another of our resources sent ('sent') or received ('received') to this one,
// wrapped in <sent|received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>.
//
// Why so strict: a carbon is a message that claims to be something else. Anyone can send us a <message> with
// a <sent/> inside, and a client that unwraps it would show words the attacker put in our own mouth (the
// CVE-2017-5589 family). XEP-0280 §11: accept a carbon only when the wrapper comes from our own bare JID,
// and then check the inner message is really ours (sent) or really addressed to us (received).
import { xml, type Element } from '@xmpp/xml';
import { tryParseJid, type Jid } from '../../shared/jid.ts';
import type { IqTracker } from './xmpp/iq-tracker.ts';

export const NS_CARBONS = 'urn:xmpp:carbons:2';
export const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_CLIENT = 'jabber:client';
const NS_HINTS = 'urn:xmpp:hints';

export interface Carbon {
  /** 'sent': another of our devices sent it; 'received': another of our devices received it. */
  direction: 'sent' | 'received';
  /** The forwarded message, as it was on the wire (its own from/to). */
  message: Element;
}

/** The payload of the iq set that turns carbons on for this session: <enable xmlns='urn:xmpp:carbons:2'/>. */
export function enableCarbonsIq(): Element {
  return xml('enable', { xmlns: NS_CARBONS });
}

/** Turns carbons on (an iq set to our own account). Throws the IqTracker's EngineError if refused. */
export async function enableCarbons(iq: IqTracker): Promise<void> {
  await iq.request('set', null, enableCarbonsIq());
}

function sameAccount(jid: Jid | null, own: Jid): boolean {
  return jid !== null && jid.local === own.local && jid.domain === own.domain;
}

/** True when `el` is a carbons wrapper, i.e. <sent/> or <received/> in the carbons namespace. */
function isWrapper(el: Element): boolean {
  return (el.name === 'sent' || el.name === 'received') && el.getNS() === NS_CARBONS;
}

/**
 * The message a carbon carries, or null when `stanza` is not a carbon or is one we must not believe:
 * - the wrapper's `from` is not exactly our bare JID (absent, a full JID, anyone else);
 * - not exactly one <sent/>/<received/>, or its <forwarded/> does not hold exactly one <message/>;
 * - the inner message is itself a carbon (nested), or an error;
 * - 'sent' whose inner `from` is not one of our resources, or has no valid `to`;
 * - 'received' whose inner `to` is not us, or has no valid `from`.
 * Callers treat `null` for a stanza that had a wrapper as hostile and drop it (do not show it as a message).
 */
export function unwrapCarbon(stanza: Element, ownBareJid: string): Carbon | null {
  if (!stanza.is('message')) return null;
  const own = tryParseJid(ownBareJid);
  if (!own) return null;
  const wrappers = stanza.getChildElements().filter(isWrapper);
  if (wrappers.length !== 1) return null;
  const outerFrom = tryParseJid(stanza.attrs.from ?? '');
  if (!outerFrom || outerFrom.resource !== null || !sameAccount(outerFrom, own)) return null;

  const wrapper = wrappers[0]!;
  const direction = wrapper.name as Carbon['direction'];
  const forwarded = wrapper
    .getChildElements()
    .filter((el) => el.name === 'forwarded' && el.getNS() === NS_FORWARD);
  if (forwarded.length !== 1) return null;
  const inner = forwarded[0]!.getChildElements().filter((el) => el.name === 'message');
  if (inner.length !== 1) return null;
  const message = inner[0]!;
  // The forwarded stanza must be a jabber:client message (explicitly, as servers send it).
  if (message.attrs.xmlns !== undefined && message.attrs.xmlns !== NS_CLIENT) return null;
  if (message.attrs.type === 'error') return null;
  if (message.getChildElements().some(isWrapper)) return null; // a carbon inside a carbon

  const from = tryParseJid(message.attrs.from ?? '');
  const to = tryParseJid(message.attrs.to ?? '');
  if (direction === 'sent') {
    if (!sameAccount(from, own) || !to) return null;
  } else {
    if (!sameAccount(to, own) || !from) return null;
  }
  return { direction, message };
}

/** True when `stanza` has a carbons wrapper at all (so a failed unwrapCarbon means "drop", not "not mine"). */
export function looksLikeCarbon(stanza: Element): boolean {
  return stanza.is('message') && stanza.getChildElements().some(isWrapper);
}

/** XEP-0280 §6: the sender asked that this message not be copied to other devices. */
export function isPrivate(message: Element): boolean {
  return Boolean(message.getChild('private', NS_CARBONS));
}

/** Marks an outgoing message as not to be carbon-copied: <private/> plus the XEP-0334 <no-copy/> hint. */
export function markPrivate(message: Element): Element {
  if (!isPrivate(message)) message.append(xml('private', { xmlns: NS_CARBONS }));
  if (!message.getChild('no-copy', NS_HINTS)) message.append(xml('no-copy', { xmlns: NS_HINTS }));
  return message;
}
