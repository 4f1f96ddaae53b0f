// Delivery and read acknowledgements for 1:1 messages: XEP-0184 Message Delivery Receipts ("it reached one of
// their devices": 'delivered') and XEP-0333 Chat Markers ("they saw it": 'read').
//
// Why both: receipts are what most clients answer, markers are what carries "read". We ask for both on every
// message we send, answer both for what we receive (the engine decides when: a receipt on arrival, a displayed
// marker when the chat is actually on screen), and turn what comes back into a state change in the history
// store. Everything here is pure stanza building and parsing; acks are attacker-controlled input, so parseAck
// bounds the id and says who sent it, and the engine only applies it to a message of that sender's own chat.
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { formatJid, tryParseJid } from '../../../shared/jid.ts';
import { MAX_ID_CHARS, usableId } from '../chat/message-fields.ts';
import { NS_HINTS, NS_MARKERS, NS_RECEIPTS } from '../xmpp/ns.ts';
export { NS_MARKERS, NS_RECEIPTS };

/** Longest message id we act on; ids are ours (UUIDs) or a peer's, never legitimately this long. */
export const MAX_ACK_ID_CHARS = MAX_ID_CHARS;

export type AckKind = 'delivered' | 'read';

export interface Ack {
  kind: AckKind;
  /** The acknowledged message's `id` attribute. */
  id: string;
  /** Bare JID of whoever sent the ack: only a message to that chat may be updated by it. */
  from: string;
  /** Their full JID as seen on the wire. */
  fromFull: string;
}

/** Types we never acknowledge (RFC 6121 groupchat is MUC's business; errors are never answered). */
const NO_ACK_TYPES = new Set(['error', 'groupchat']);

/** Adds a XEP-0184 receipt request and a XEP-0333 markable to an outgoing message (it needs an id). */
export function requestReceipt(message: Element): Element {
  if (!message.getChild('request', NS_RECEIPTS)) message.append(xml('request', { xmlns: NS_RECEIPTS }));
  if (!message.getChild('markable', NS_MARKERS)) message.append(xml('markable', { xmlns: NS_MARKERS }));
  return message;
}

/** The reply address and type for an ack of `message`, or null when it must not be acknowledged. */
function ackTarget(message: Element): { to: string; type: string | undefined; id: string } | null {
  if (!message.is('message')) return null;
  const type = message.attrs.type;
  if (type !== undefined && NO_ACK_TYPES.has(type)) return null;
  const id = message.attrs.id;
  if (!usableId(id)) return null;
  const from = tryParseJid(message.attrs.from ?? '');
  if (!from) return null;
  // An ack is never answered with an ack (two clients would ping-pong forever).
  if (parseAckElement(message)) return null;
  return { to: formatJid(from), type: type === 'chat' || type === 'normal' ? type : undefined, id };
}

/**
 * The XEP-0184 <received/> answer for an incoming message that asked for one, or null. Sent to the sender's
 * full JID (the device that asked). Carries a store hint so the sender's archive keeps it for their other
 * devices. XEP-0184 §8: the engine should only answer contacts that may see our presence, otherwise a receipt
 * reveals that we are online.
 */
export function receiptFor(message: Element): Element | null {
  if (!message.getChild('request', NS_RECEIPTS)) return null;
  const target = ackTarget(message);
  if (!target) return null;
  return xml(
    'message',
    { to: target.to, type: target.type, id: randomUUID() },
    xml('received', { xmlns: NS_RECEIPTS, id: target.id }),
    xml('store', { xmlns: NS_HINTS }),
  );
}

/**
 * The XEP-0333 <displayed/> marker for a markable incoming message, or null. Send it when the message was
 * shown to the user, for the newest displayed message of a chat only (a marker covers everything before it).
 */
export function displayedMarker(message: Element): Element | null {
  if (!message.getChild('markable', NS_MARKERS)) return null;
  const target = ackTarget(message);
  if (!target) return null;
  const thread = message.getChildText('thread');
  return xml(
    'message',
    { to: target.to, type: target.type ?? 'chat', id: randomUUID() },
    xml('displayed', { xmlns: NS_MARKERS, id: target.id }),
    thread !== null && thread.length <= 256 ? xml('thread', {}, thread) : null,
    xml('store', { xmlns: NS_HINTS }),
  );
}

/** The ack element of a message: receipts' <received/>, markers' <received/>, <displayed/>, <acknowledged/>. */
function parseAckElement(message: Element): { kind: AckKind; id: string | undefined } | null {
  const receipt = message.getChild('received', NS_RECEIPTS);
  if (receipt) return { kind: 'delivered', id: receipt.attrs.id };
  for (const child of message.getChildElements()) {
    if (child.getNS() !== NS_MARKERS) continue;
    if (child.name === 'received') return { kind: 'delivered', id: child.attrs.id };
    if (child.name === 'displayed' || child.name === 'acknowledged')
      return { kind: 'read', id: child.attrs.id };
  }
  return null;
}

/**
 * An incoming receipt or chat marker, or null when the stanza is not one or does not validate (no usable id,
 * no parseable sender, an error or groupchat message). A message carrying both a receipt and a marker yields
 * the receipt: 'delivered' is the weaker claim.
 */
export function parseAck(stanza: Element): Ack | null {
  if (!stanza.is('message')) return null;
  const type = stanza.attrs.type;
  if (type !== undefined && NO_ACK_TYPES.has(type)) return null;
  const found = parseAckElement(stanza);
  if (!found || !usableId(found.id)) return null;
  const from = tryParseJid(stanza.attrs.from ?? '');
  if (!from) return null;
  return {
    kind: found.kind,
    id: found.id,
    from: formatJid({ ...from, resource: null }),
    fromFull: formatJid(from),
  };
}

/**
 * The newest markable message of each chat that the user has not been shown yet. A displayed marker covers
 * everything before it (XEP-0333 §4), so only the newest is kept; it is sent once, when the chat is on screen.
 */
export class PendingMarkers {
  /** Chats remembered at most: a marker is a courtesy, and senders are remote (a flood from many addresses). */
  static readonly MAX_CHATS = 1000;
  readonly #newest = new Map<string, Element>();

  /** A received message of chat `peer` (bare JID), in arrival order. */
  noteReceived(peer: string, message: Element): void {
    if (!message.getChild('markable', NS_MARKERS) || !ackTarget(message)) return;
    this.#newest.delete(peer); // re-inserted last: the map's order is the order of last arrival
    if (this.#newest.size >= PendingMarkers.MAX_CHATS) {
      const oldest = this.#newest.keys().next().value;
      if (oldest !== undefined) this.#newest.delete(oldest);
    }
    this.#newest.set(peer, message);
  }

  /** Chats with a marker waiting (for tests of the bound). */
  get size(): number {
    return this.#newest.size;
  }

  /** The displayed marker to send now that chat `peer` is on screen, or null when there is nothing new. */
  take(peer: string): Element | null {
    const message = this.#newest.get(peer);
    this.#newest.delete(peer);
    return message ? displayedMarker(message) : null;
  }

  clear(): void {
    this.#newest.clear();
  }
}
