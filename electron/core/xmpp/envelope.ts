// The envelope parser: every incoming stanza is read ONCE into a typed value (who sent it, to whom, its type
// and ids, its delay, and the wrapper it came through), so no module slices JIDs or re-reads attributes. Live
// messages, carbons and archive results reach the modules as the same MessageEnvelope; the `via` says which.
//
// Why carbons and archive results are so strict: both are messages that claim to be something else. Anyone can
// send us a <message> holding a <sent/> or a <result/>, and a client that unwraps it shows words the attacker
// put in our own mouth (the CVE-2017-5589 family). A carbon is believed only from our own bare JID (XEP-0280
// §11), an archive result only from our account or our server without a from (XEP-0313 §5.1.2).
import type { Element } from '@xmpp/xml';
import { formatJid, sameAccount, tryParseJid, type Jid } from '../../../shared/jid.ts';
import { messageFields, usableId, type MessageFields } from '../chat/message-fields.ts';
import { parseAck, type Ack } from '../receipts/receipts.ts';
import { occupantIdOf, parseMucUser, type MucUser } from '../muc/muc-user.ts';
import { NS_CARBONS, NS_CLIENT, NS_DELAY, NS_FORWARD, NS_MAM, NS_SID } from './ns.ts';

/** How a message reached us: on its own, as a carbon of another device's traffic, or from the archive. */
export type Via = 'live' | 'carbon-sent' | 'carbon-received' | 'archive';

export interface MessageEnvelope {
  kind: 'message';
  /** The message itself: the stanza, or the one a carbon or archive result carries. */
  message: Element;
  via: Via;
  /** The type attribute; 'normal' when absent or not one RFC 6121 defines (§5.2.2: treat it as normal). */
  type: string;
  /** A usable id attribute, else null. */
  id: string | null;
  from: Jid | null;
  /** `from` without its resource, formatted; null when there is no valid from. */
  fromBare: string | null;
  to: Jid | null;
  /** The XEP-0359 stanza-id our own server stamped (by = our bare JID), or the archive id for a result. */
  stanzaId: string | null;
  /** XEP-0203 delay on the message itself: the sender's (or their server's) time, epoch ms. */
  delay: number | null;
  /** Set for archive results: which query it answers and when the archive stored it. */
  archive: { queryId: string; serverAt: number | null } | null;
  /** Bounded content fields (ids, body, subject, thread). */
  fields: MessageFields;
  /**
   * XEP extractors: typed payloads more than one module reads, read here once. A XEP-0184 receipt or
   * XEP-0333 marker, with its sender (later: chat state, correction, reaction, reply).
   */
  ack: Ack | null;
  /**
   * The XEP-0359 stanza-id stamped by the sender's bare JID (a room's archive id on its messages, by = the
   * room), else null. Only meaningful from a room we are in: the room module checks that.
   */
  roomStanzaId: string | null;
  /** XEP-0045 muc#user payload (status codes, mediated invite), when present. */
  muc: MucUser | null;
  /** XEP-0421 occupant id, when present. */
  occupantId: string | null;
}

export interface PresenceEnvelope {
  kind: 'presence';
  stanza: Element;
  /** 'available' when absent. */
  type: string;
  from: Jid | null;
  fromBare: string | null;
  delay: number | null;
  /** XEP-0045 muc#user payload (status codes, item, destroy), when present. */
  muc: MucUser | null;
  /** XEP-0421 occupant id, when present. */
  occupantId: string | null;
}

export interface IqEnvelope {
  kind: 'iq';
  stanza: Element;
  type: string;
  id: string | undefined;
  from: Jid | null;
  /** The first child element: what a get or set asks for (routed by its namespace and name). */
  payload: Element | null;
}

export type Envelope = MessageEnvelope | PresenceEnvelope | IqEnvelope;

/** XEP-0203 delay stamp of a stanza as epoch ms, or null when absent or unparseable. */
export function delayStamp(stanza: Element): number | null {
  const stamp = stanza.getChild('delay', NS_DELAY)?.attrs.stamp;
  if (!stamp) return null;
  const time = Date.parse(stamp);
  return Number.isFinite(time) ? time : null;
}

function bareOf(jid: Jid | null): string | null {
  return jid ? formatJid({ ...jid, resource: null }) : null;
}

/**
 * The one jabber:client <message/> a XEP-0297 <forwarded/> holds, or null when it holds none, several, or a
 * message of another namespace. Carbons and archive results both carry their message this way.
 */
export function forwardedMessage(forwarded: Element): Element | null {
  const inner = forwarded.getChildElements().filter((el) => el.name === 'message');
  if (inner.length !== 1) return null;
  const message = inner[0]!;
  if (message.attrs.xmlns !== undefined && message.attrs.xmlns !== NS_CLIENT) return null;
  return message;
}

function isCarbonWrapper(el: Element): boolean {
  return (el.name === 'sent' || el.name === 'received') && el.getNS() === NS_CARBONS;
}

/** True when `stanza` has a carbons wrapper at all (so a failed unwrapCarbon means "drop", not "not mine"). */
export function looksLikeCarbon(stanza: Element): boolean {
  return stanza.is('message') && stanza.getChildElements().some(isCarbonWrapper);
}

export interface Carbon {
  /** 'sent': another of our devices sent it; 'received': another of our devices received it. */
  direction: 'sent' | 'received';
  /** The forwarded message, as it was on the wire (its own from/to). */
  message: Element;
}

/**
 * The message a carbon carries, or null when `stanza` is not a carbon or is one we must not believe: the
 * wrapper's `from` is not exactly our bare JID; not exactly one <sent/>/<received/> holding one <forwarded/>
 * with one message; the inner message is itself a carbon, or an error; 'sent' whose inner `from` is not us or
 * has no valid `to`; 'received' whose inner `to` is not us or has no valid `from`.
 */
export function unwrapCarbon(stanza: Element, ownBareJid: string): Carbon | null {
  if (!stanza.is('message')) return null;
  const own = tryParseJid(ownBareJid);
  if (!own) return null;
  const wrappers = stanza.getChildElements().filter(isCarbonWrapper);
  if (wrappers.length !== 1) return null;
  const outerFrom = tryParseJid(stanza.attrs.from ?? '');
  if (!outerFrom || outerFrom.resource !== null || !sameAccount(outerFrom, own)) return null;
  const wrapper = wrappers[0]!;
  const forwarded = wrapper
    .getChildElements()
    .filter((el) => el.name === 'forwarded' && el.getNS() === NS_FORWARD);
  if (forwarded.length !== 1) return null;
  const message = forwardedMessage(forwarded[0]!);
  if (!message || message.attrs.type === 'error') return null;
  if (message.getChildElements().some(isCarbonWrapper)) return null; // a carbon inside a carbon
  const direction = wrapper.name as Carbon['direction'];
  const from = tryParseJid(message.attrs.from ?? '');
  const to = tryParseJid(message.attrs.to ?? '');
  if (direction === 'sent' ? !sameAccount(from, own) || !to : !sameAccount(to, own) || !from) return null;
  return { direction, message };
}

/** True for a MAM result wrapper: it belongs to the archive query in flight, never to the live chat. */
export function isArchiveResult(stanza: Element): boolean {
  return stanza.is('message') && Boolean(stanza.getChild('result', NS_MAM));
}

export interface ArchiveResult {
  queryId: string;
  archiveId: string;
  /** When the archive stored it (the <forwarded/>'s delay), epoch ms. */
  serverAt: number | null;
  message: Element;
}

/** An archive result from our own account, or null for anything else (hostile or malformed). */
export function unwrapArchiveResult(stanza: Element, own: Jid): ArchiveResult | null {
  if (!stanza.is('message')) return null;
  const fromAttr = stanza.attrs.from;
  if (fromAttr !== undefined) {
    const from = tryParseJid(fromAttr);
    if (!from || from.resource !== null || !sameAccount(from, own)) return null;
  }
  const results = stanza.getChildren('result', NS_MAM);
  if (results.length !== 1) return null;
  const result = results[0]!;
  const queryId = result.attrs.queryid;
  if (!usableId(queryId) || !usableId(result.attrs.id)) return null;
  const forwarded = result.getChildren('forwarded', NS_FORWARD);
  if (forwarded.length !== 1) return null;
  const message = forwardedMessage(forwarded[0]!);
  if (!message) return null;
  return { queryId, archiveId: result.attrs.id, serverAt: delayStamp(forwarded[0]!), message };
}

/**
 * The XEP-0359 stanza-id our own server stamped on a message (by = our bare JID), or null. Only our server's
 * stamp is trusted (Prosody strips forged ones claiming to be by us).
 */
export function ownStanzaId(message: Element, own: Jid): string | null {
  for (const el of message.getChildren('stanza-id', NS_SID)) {
    const by = tryParseJid(el.attrs.by ?? '');
    if (by && by.resource === null && sameAccount(by, own) && usableId(el.attrs.id)) return el.attrs.id;
  }
  return null;
}

const MESSAGE_TYPES = new Set(['chat', 'error', 'groupchat', 'headline', 'normal']);

/** The stanza-id `by` the bare JID `by` (a room's own stamp on its messages), or null. */
export function stanzaIdBy(message: Element, by: string | null): string | null {
  if (by === null) return null;
  for (const el of message.getChildren('stanza-id', NS_SID)) {
    if (el.attrs.by === by && usableId(el.attrs.id)) return el.attrs.id;
  }
  return null;
}

/** RFC 6121 §5.2.2: a message without a type, or with one the spec does not define, is of type 'normal'. */
function messageType(type: string | undefined): string {
  return type !== undefined && MESSAGE_TYPES.has(type) ? type : 'normal';
}

function messageEnvelope(
  message: Element,
  via: Via,
  stanzaId: string | null,
  archive: MessageEnvelope['archive'],
): MessageEnvelope {
  const from = tryParseJid(message.attrs.from ?? '');
  const fromBare = bareOf(from);
  return {
    kind: 'message',
    message,
    via,
    type: messageType(message.attrs.type),
    id: usableId(message.attrs.id) ? message.attrs.id : null,
    from,
    fromBare,
    to: message.attrs.to === undefined ? null : tryParseJid(message.attrs.to),
    stanzaId,
    delay: delayStamp(message),
    archive,
    fields: messageFields(message),
    ack: parseAck(message),
    roomStanzaId: stanzaIdBy(message, fromBare),
    muc: parseMucUser(message),
    occupantId: occupantIdOf(message),
  };
}

/** An archive result as a MessageEnvelope: its archive id and time at the top, as catch-up reads them. */
export type ArchiveEnvelope = MessageEnvelope & {
  archive: NonNullable<MessageEnvelope['archive']>;
  archiveId: string;
  serverAt: number | null;
};

/** An archive result as a MessageEnvelope (via 'archive'), or null when it is not one of ours. */
export function archiveEnvelope(stanza: Element, own: Jid): ArchiveEnvelope | null {
  const result = unwrapArchiveResult(stanza, own);
  if (!result) return null;
  const archive = { queryId: result.queryId, serverAt: result.serverAt };
  const envelope = messageEnvelope(result.message, 'archive', result.archiveId, archive);
  return { ...envelope, archive, archiveId: result.archiveId, serverAt: result.serverAt };
}

/**
 * Reads a stanza that arrived on our account's stream. Null means "drop it": a carbon or archive result we
 * must not believe, or an element that is no stanza. Archive results come back with via 'archive'.
 */
export function parseEnvelope(stanza: Element, own: Jid): Envelope | null {
  switch (stanza.name) {
    case 'message': {
      if (isArchiveResult(stanza)) return archiveEnvelope(stanza, own);
      if (looksLikeCarbon(stanza)) {
        const carbon = unwrapCarbon(stanza, formatJid(own));
        if (!carbon) return null; // a forged carbon: dropped, never shown
        const via = carbon.direction === 'sent' ? 'carbon-sent' : 'carbon-received';
        return messageEnvelope(carbon.message, via, ownStanzaId(carbon.message, own), null);
      }
      return messageEnvelope(stanza, 'live', ownStanzaId(stanza, own), null);
    }
    case 'presence': {
      const from = tryParseJid(stanza.attrs.from ?? '');
      return {
        kind: 'presence',
        stanza,
        type: stanza.attrs.type ?? 'available',
        from,
        fromBare: bareOf(from),
        delay: delayStamp(stanza),
        muc: parseMucUser(stanza),
        occupantId: occupantIdOf(stanza),
      };
    }
    case 'iq':
      return {
        kind: 'iq',
        stanza,
        type: stanza.attrs.type ?? '',
        id: stanza.attrs.id,
        from: stanza.attrs.from === undefined ? null : tryParseJid(stanza.attrs.from),
        payload: stanza.getChildElements()[0] ?? null,
      };
    default:
      return null;
  }
}
