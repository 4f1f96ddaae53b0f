// One-to-one messages (RFC 6121 §5): chat, normal and headline with body, subject and thread; a XEP-0359
// origin-id on everything we send; errors tied back to the message that caused them; XEP-0203 delays.
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import type { ChatMessage, EngineErrorPayload, MessageType } from '../../shared/contract.ts';
import { MAX_BODY_CHARS, MAX_STATUS_CHARS } from '../../shared/contract.ts';
import { tryParseJid, formatJid } from '../../shared/jid.ts';
import { EngineError, describeStanzaError } from './errors.ts';
import { stanzaError } from './xmpp/iq-tracker.ts';
import { delayStamp } from './presence.ts';
import { requestReceipt } from './receipts.ts';
import type { EventBatcher } from './event-batcher.ts';

const NS_SID = 'urn:xmpp:sid:0';
const TYPES = new Set<MessageType>(['chat', 'normal', 'headline']);
/** How many sent ids we remember to match a late error back to its message. */
const SENT_MEMORY = 10_000;
/** Messages kept per chat in memory for newly opened windows (the on-disk history is issue 4's). */
const HISTORY_PER_CHAT = 2_000;

export interface OutgoingMessage {
  to: string;
  body: string;
  type?: MessageType;
  subject?: string;
  thread?: string;
}

export class ChatModule {
  readonly #events: EventBatcher;
  readonly #isInRoster: (jid: string) => boolean;
  /** Sent stanza id -> peer bare JID (insertion-ordered, so the oldest is dropped first). */
  readonly #sent = new Map<string, string>();
  /** Recent messages per peer, oldest first. */
  readonly #history = new Map<string, ChatMessage[]>();
  /** Errors of sent messages, by message id. */
  readonly #failures = new Map<string, EngineErrorPayload>();
  /** peer + origin-id of received messages (insertion-ordered, bounded), to drop resent copies. */
  readonly #seenOrigins = new Set<string>();

  constructor(events: EventBatcher, isInRoster: (jid: string) => boolean) {
    this.#events = events;
    this.#isInRoster = isInRoster;
  }

  /** Builds the stanza and the message record for a send; the caller writes the stanza. */
  compose(message: OutgoingMessage): { stanza: Element; record: ChatMessage } {
    const to = tryParseJid(message.to);
    if (!to) throw new EngineError('invalid-request', 'That address is not valid.');
    const id = randomUUID();
    const type = message.type ?? 'chat';
    const stanza = xml(
      'message',
      { to: message.to, type, id },
      message.subject ? xml('subject', {}, message.subject) : null,
      xml('body', {}, message.body),
      message.thread ? xml('thread', {}, message.thread) : null,
      xml('origin-id', { xmlns: NS_SID, id }),
    );
    // XEP-0184 / XEP-0333: ask the other side to say when it got (and saw) it. Not for headlines.
    if (type !== 'headline') requestReceipt(stanza);
    const peer = formatJid({ ...to, resource: null });
    this.#remember(id, peer);
    return {
      stanza,
      record: {
        id,
        originId: id,
        direction: 'out',
        peer,
        peerFull: message.to,
        type,
        body: message.body,
        subject: message.subject ?? null,
        thread: message.thread ?? null,
        timestamp: Date.now(),
        delayed: false,
        fromRoster: this.#isInRoster(peer),
      },
    };
  }

  /** Keeps a message for `history` (sent ones once the server took them). */
  record(message: ChatMessage): void {
    let list = this.#history.get(message.peer);
    if (!list) this.#history.set(message.peer, (list = []));
    list.push(message);
    if (list.length > HISTORY_PER_CHAT) {
      for (const dropped of list.splice(0, list.length - HISTORY_PER_CHAT)) this.#failures.delete(dropped.id);
    }
  }

  /** Up to `limit` messages of one chat older than `before`, oldest first, with the failures among them. */
  history(peer: string, before = Number.POSITIVE_INFINITY, limit = 100) {
    const list = this.#history.get(peer) ?? [];
    let end = list.length;
    while (end > 0 && list[end - 1]!.timestamp >= before) end--;
    const start = Math.max(0, end - limit);
    const messages = list.slice(start, end);
    const failures = messages.flatMap((m) => {
      const error = this.#failures.get(m.id);
      return error ? [{ id: m.id, error }] : [];
    });
    return { messages, failures, complete: start === 0 };
  }

  /** The chat a message we sent belongs to, if we still remember it (to check who may acknowledge it). */
  sentTo(id: string): string | null {
    return this.#sent.get(id) ?? null;
  }

  /**
   * A message another of our devices sent (a 'sent' carbon, already verified by carbons.ts): shown in the
   * right chat as outgoing, and already 'sent' since the server is the one telling us.
   */
  handleOwnSent(message: Element): boolean {
    const to = tryParseJid(message.attrs.to ?? '');
    const body = message.getChildText('body');
    const type = message.attrs.type ?? 'normal';
    if (!to || body === null || !TYPES.has(type as MessageType)) return false;
    const peer = formatJid({ ...to, resource: null });
    const originId = message.getChild('origin-id', NS_SID)?.attrs.id ?? null;
    const id = message.attrs.id || originId || randomUUID();
    this.#remember(id, peer);
    const record: ChatMessage = {
      id,
      originId,
      direction: 'out',
      peer,
      peerFull: formatJid(to),
      type: type as MessageType,
      body: body.slice(0, MAX_BODY_CHARS),
      subject: message.getChildText('subject')?.slice(0, MAX_STATUS_CHARS) ?? null,
      thread: message.getChildText('thread')?.slice(0, 256) ?? null,
      timestamp: Date.now(),
      delayed: false,
      fromRoster: this.#isInRoster(peer),
    };
    this.record(record);
    this.#events.emit('chat.messages', { messages: [record] });
    return true;
  }

  /** Handles an incoming <message/>. Returns false when it is not a 1:1 message this module owns. */
  handle(stanza: Element): boolean {
    const type = stanza.attrs.type ?? 'normal';
    if (type === 'error') return this.#handleError(stanza);
    if (!TYPES.has(type as MessageType)) return false; // groupchat and unknown types: not ours
    const from = tryParseJid(stanza.attrs.from ?? '');
    if (!from) return true; // a message must say who sent it; hostile or broken otherwise
    const body = stanza.getChildText('body');
    const subject = stanza.getChildText('subject');
    if (body === null && subject === null) return false; // chat states, receipts...: other modules
    const peer = formatJid({ ...from, resource: null });
    const delayed = delayStamp(stanza);
    const originId = stanza.getChild('origin-id', NS_SID)?.attrs.id ?? null;
    // A sender whose connection dropped before the server confirmed may send the same message again
    // (same origin-id): show it once.
    if (originId) {
      const key = `${peer}\n${originId}`;
      if (this.#seenOrigins.has(key)) return true;
      this.#seenOrigins.add(key);
      if (this.#seenOrigins.size > SENT_MEMORY * 5) {
        const oldest = this.#seenOrigins.values().next().value;
        if (oldest !== undefined) this.#seenOrigins.delete(oldest);
      }
    }
    const message: ChatMessage = {
      id: stanza.attrs.id || originId || randomUUID(),
      originId,
      direction: 'in',
      peer,
      peerFull: formatJid(from),
      type: type as MessageType,
      body: body === null ? null : body.slice(0, MAX_BODY_CHARS),
      subject: subject === null ? null : subject.slice(0, MAX_STATUS_CHARS),
      thread: stanza.getChildText('thread')?.slice(0, 256) ?? null,
      timestamp: delayed ?? Date.now(),
      delayed: delayed !== null,
      fromRoster: this.#isInRoster(peer),
    };
    this.record(message);
    this.#events.emit('chat.messages', { messages: [message] });
    return true;
  }

  #handleError(stanza: Element): boolean {
    const id = stanza.attrs.id;
    const peer = id ? this.#sent.get(id) : undefined;
    const from = tryParseJid(stanza.attrs.from ?? '');
    // Only the entity we wrote to (or its server) may fail our message.
    if (!id || !peer || !from) return true;
    const fromPeer = formatJid({ ...from, resource: null }) === peer;
    const fromPeerServer = from.local === null && from.domain === peer.slice(peer.indexOf('@') + 1);
    if (!fromPeer && !fromPeerServer) return true;
    const { condition, text } = stanzaError(stanza);
    const error = new EngineError('server-error', describeStanzaError(condition, text), {
      condition,
    }).toPayload();
    this.#failures.set(id, error);
    this.#events.emit('chat.failed', { failures: [{ id, peer, error }] });
    return true;
  }

  #remember(id: string, peer: string): void {
    this.#sent.set(id, peer);
    if (this.#sent.size > SENT_MEMORY) {
      const oldest = this.#sent.keys().next().value;
      if (oldest !== undefined) this.#sent.delete(oldest);
    }
  }
}
