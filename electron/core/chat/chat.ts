// One-to-one messages (RFC 6121 §5): chat, normal and headline with body, subject and thread; a XEP-0359
// origin-id on everything we send; errors tied back to the message that caused them; XEP-0203 delays.
//
// Every message goes through the history store before anyone sees it: a sent message is written as 'pending'
// before it reaches the wire (the durable outbox), a received one is shown only if the store did not already
// hold it (same archive id, origin-id or id: a resent copy, a carbon and an archive copy are one message).
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import type {
  ChatMessage,
  ConversationKind,
  EngineErrorPayload,
  MessageState,
  MessageType,
} from '../../../shared/contract.ts';
import { isMessageType } from '../../../shared/contract.ts';
import { tryParseJid, formatJid, parseJid } from '../../../shared/jid.ts';
import { EngineError, describeStanzaError } from '../errors.ts';
import { stanzaError } from '../xmpp/iq-tracker.ts';
import { requestReceipt } from '../receipts/receipts.ts';
import { NS_SID } from '../xmpp/ns.ts';
import type { MessageEnvelope } from '../xmpp/envelope.ts';
import type { ArchivedMessage } from '../mam/mam.ts';
import type { AccountEvents } from '../account/module.ts';
import type { HistoryStore, NewMessage, StoredMessage } from '../history/history-store.ts';
import { storedOf } from '../history/history-store.ts';
import { chatMessageOf, failurePayload } from './chat-message.ts';
import {
  NO_ROOMS,
  addressOf,
  filePeer,
  hasMucUserMarker,
  mucUserMarker,
  type RoomLookup,
} from './private-peer.ts';
import { PrivatePeerGate } from './private-gate.ts';

export { chatMessageOf };

/** How many sent ids we remember to match a late error back to its chat. */
const SENT_MEMORY = 10_000;

export interface OutgoingMessage {
  to: string;
  /** 'private': to a room occupant (room/nick), also implied by a `to` in a room. */
  kind?: 'chat' | 'private';
  body: string;
  type?: MessageType;
  subject?: string;
  thread?: string;
}

export interface StateUpdate {
  id: string;
  peer: string;
  /** 'chat' when left out. */
  kind?: 'chat' | 'private';
  state: 'sent' | 'delivered' | 'read';
}

/** A sent message we may still hear an error about: its conversation. */
interface SentTo {
  peer: string;
  kind: 'chat' | 'private';
}

/** A page of one chat from the local history (the contract's 'chat.history' adds the archive's part). */
export interface LocalHistoryPage {
  messages: ChatMessage[];
  failures: Array<{ id: string; error: EngineErrorPayload }>;
  /** The local history holds nothing older than this page. */
  olderExhausted: boolean;
  atNewest: boolean;
  /** The oldest message of the chat held locally, when olderExhausted (where the archive walk continues). */
  oldest: StoredMessage | null;
}

/** The message-request rules (strangers.ts) as the chats see them. */
export interface StrangerGate {
  /**
   * Whether a received message from `peer` is kept; `text` is its body or subject. Called for live
   * messages and catch-up pages, not for pages the user scrolls back to.
   */
  admit(peer: string, text: string | null, at: number): boolean;
  /** `peer`'s chat is a message request now. */
  waiting(peer: string): boolean;
}

const OPEN_DOOR: StrangerGate = { admit: () => true, waiting: () => false };

/** One account's 1:1 conversations: composing, receiving, states and pages of its history. */
export class Chats {
  /** Bare JID of the account whose history is read and written. */
  readonly account: string;
  readonly #events: AccountEvents;
  readonly #store: HistoryStore;
  readonly #isInRoster: (jid: string) => boolean;
  readonly #strangers: StrangerGate;
  /** Whether a bare JID is a room: its occupants' messages are private conversations. */
  readonly #isRoom: RoomLookup;
  /** New private conversations per room, bounded (private-gate.ts). */
  readonly privatePeers: PrivatePeerGate;
  /** Sent stanza id -> its conversation (insertion-ordered, so the oldest is dropped first): for errors. */
  readonly #sent = new Map<string, SentTo>();
  /** Received messages not yet written: stored together, one transaction per turn of the event loop. */
  #incoming: NewMessage[] = [];
  #flushScheduled = false;

  constructor(
    account: string,
    events: AccountEvents,
    store: HistoryStore,
    isInRoster: (jid: string) => boolean,
    strangers: StrangerGate = OPEN_DOOR,
    isRoom: RoomLookup = NO_ROOMS,
  ) {
    this.account = account;
    this.#events = events;
    this.#store = store;
    this.#isInRoster = isInRoster;
    this.#strangers = strangers;
    this.#isRoom = isRoom;
    this.privatePeers = new PrivatePeerGate((peer) => store.hasConversation(account, 'private', peer));
  }

  /**
   * The message as the UI sees it (a room occupant is never a stranger's message request, nor a contact: a
   * private message is not fromRoster).
   */
  toChatMessage(m: StoredMessage): ChatMessage {
    if (m.kind !== 'chat') return chatMessageOf(m, m.kind === 'groupchat');
    const fromRoster = this.#isInRoster(m.peer);
    return chatMessageOf(m, fromRoster, !fromRoster && this.#strangers.waiting(m.peer));
  }

  /**
   * Writes a new outgoing message to the history as 'pending' (the outbox) and answers it with its stanza;
   * the caller puts the stanza on the wire when a session is up.
   */
  compose(message: OutgoingMessage): { stanza: Element; record: ChatMessage } {
    const account = this.account;
    const to = tryParseJid(message.to);
    if (!to) throw new EngineError('invalid-request', 'That address is not valid.');
    const bare = formatJid({ ...to, resource: null });
    const filed = filePeer(bare, to.resource, message.kind === 'private', this.#isRoom);
    if (message.kind === 'private' && filed.kind !== 'private') {
      throw new EngineError('invalid-request', 'A private message goes to a room occupant (room/nick).');
    }
    const id = randomUUID();
    const now = Date.now();
    const stored: NewMessage = {
      account,
      ...filed,
      direction: 'out',
      type: message.type ?? 'chat',
      messageId: id,
      originId: id,
      stanzaId: null,
      body: message.body,
      subject: message.subject ?? null,
      thread: message.thread ?? null,
      sentAt: now,
      serverAt: null,
      receivedAt: now,
      state: 'pending',
      error: null,
    };
    const { rowId } = this.#store.add(stored);
    const row = storedOf(stored, rowId);
    const record = this.toChatMessage(row);
    return { stanza: this.stanzaFor(row), record };
  }

  /** The stanza of a stored outgoing message: the same id and origin-id every time it is (re)sent. */
  stanzaFor(m: StoredMessage): Element {
    const id = m.messageId ?? m.originId ?? randomUUID();
    const kind = m.kind === 'private' ? 'private' : 'chat';
    const stanza = xml(
      'message',
      { to: addressOf(m.kind, m.peer, m.peerResource), type: m.type, id },
      m.subject ? xml('subject', {}, m.subject) : null,
      m.body === null ? null : xml('body', {}, m.body),
      m.thread ? xml('thread', {}, m.thread) : null,
      xml('origin-id', { xmlns: NS_SID, id: m.originId ?? id }),
      kind === 'private' ? mucUserMarker() : null,
    );
    // XEP-0184 / XEP-0333: ask the other side to say when it got (and saw) it. Not for headlines.
    if (m.type !== 'headline') requestReceipt(stanza);
    this.#remember(id, { peer: m.peer, kind });
    return stanza;
  }

  /**
   * The outbox: this account's one-to-one and private messages not yet confirmed by the server, oldest first.
   * Room lines are the muc module's (a room line resent here would go to the room's address as type=chat).
   */
  pending(): StoredMessage[] {
    this.flushIncoming();
    return this.#store.pending(this.account).filter((m) => m.kind !== 'groupchat');
  }

  /**
   * Moves sent messages forward (server ack, receipt, marker). Each update only touches a message we sent
   * in that peer's chat, so a contact can never move another chat's messages. Emits what actually moved.
   */
  setStates(given: readonly StateUpdate[]): void {
    const account = this.account;
    this.flushIncoming();
    const updates = given.map((u) => this.#ofPrivate(u));
    // One commit for a burst (a server ack can confirm hundreds of messages at once).
    const moved = this.#store.transaction(() =>
      updates.filter(
        (u) =>
          this.#store.setState(
            account,
            { messageId: u.id, peer: u.peer, kind: u.kind ?? 'chat', direction: 'out' },
            u.state,
          ) !== null,
      ),
    );
    if (moved.length > 0) {
      this.#events.emit('chat.states', {
        updates: moved.map((u) => ({ ...u, kind: u.kind ?? 'chat', account })),
      });
    }
  }

  /**
   * A receipt or marker names its sender's bare JID; one from a room's occupant is for our private message
   * to that occupant when we sent it this run (the room/nick we wrote to, from the ids we remember).
   */
  #ofPrivate(u: StateUpdate): StateUpdate {
    if (u.kind !== undefined) return u;
    const sent = this.#sent.get(u.id);
    if (sent?.kind !== 'private' || !sent.peer.startsWith(`${u.peer}/`)) return u;
    return { ...u, peer: sent.peer, kind: 'private' };
  }

  /**
   * A message another of our devices sent (a 'sent' carbon, already verified by carbons.ts): stored and shown
   * in the right chat as outgoing, already 'sent' since our server is the one telling us.
   */
  handleOwnSent({ message, to, fields, type, stanzaId }: MessageEnvelope): boolean {
    // A groupchat carbon is not ours to keep: the room's reflection is the line.
    if (!to || fields.body === null || !isMessageType(type)) return false;
    const now = Date.now();
    const bare = formatJid({ ...to, resource: null });
    this.#storeAndEmit({
      account: this.account,
      ...filePeer(bare, to.resource, hasMucUserMarker(message), this.#isRoom),
      direction: 'out',
      type,
      ...fields,
      stanzaId,
      sentAt: now,
      serverAt: null,
      receivedAt: now,
      state: 'sent',
      error: null,
    });
    return true;
  }

  /**
   * Handles an incoming <message/>. Returns false when it is not a 1:1 message with content this module owns
   * (chat states, receipts, groupchat...). `stanzaId` is the archive id our server stamped, if any.
   */
  handle(envelope: MessageEnvelope): boolean {
    const { type, from, fromBare, fields, stanzaId } = envelope;
    if (type === 'error') return this.#handleError(envelope);
    if (!isMessageType(type)) return false; // groupchat and unknown types: not ours
    if (!from || !fromBare) return true; // a message must say who sent it; hostile or broken otherwise
    if (fields.body === null && fields.subject === null) return false; // chat states, receipts...: other modules
    // Private only from a room we know: a stranger's marker alone would open a conversation per resource.
    const filed = filePeer(fromBare, from.resource, false, this.#isRoom);
    const text = fields.body ?? fields.subject;
    // A stranger's message the catch-up already stored (live copies held meanwhile come after it) counts once.
    const held =
      filed.kind === 'chat' &&
      stanzaId !== null &&
      !this.#isInRoster(filed.peer) &&
      this.#store.hasStanzaId(this.account, filed.peer, stanzaId);
    if (filed.kind === 'chat' && !held && !this.#strangers.admit(filed.peer, text, Date.now())) return true; // over a stranger cap
    if (filed.kind === 'private' && !this.privatePeers.admit(fromBare, filed.peer)) return true; // over its room's bound
    // A sender whose connection dropped before the server confirmed may send the same message again (same
    // origin-id); the store recognises it and nothing is shown twice.
    this.#storeAndEmit({
      account: this.account,
      ...filed,
      direction: 'in',
      type,
      ...fields,
      stanzaId,
      sentAt: envelope.delay,
      serverAt: null,
      receivedAt: Date.now(),
      state: 'received',
      error: null,
    });
    return true;
  }

  /**
   * Archived messages (XEP-0313) into the history, in one transaction. New ones are emitted when `announce`
   * (a catch-up: things that happened while we were away); archive copies of our own pending messages prove
   * the server has them, so they become 'sent' and are never sent again. Receipts and markers the contact
   * sent while we were away move our messages on. `older`: a page walked back in time (scrolling up), placed
   * before what is shown when times tie. Returns the messages that were new.
   */
  storeArchived(
    archived: readonly ArchivedMessage[],
    { announce, older = false }: { announce: boolean; older?: boolean },
  ): ChatMessage[] {
    const account = this.account;
    this.flushIncoming();
    const now = Date.now();
    const rows: NewMessage[] = [];
    const acks: StateUpdate[] = [];
    for (const a of archived) {
      // The marker is believed on what we sent (our own devices' word), as in handle() not on what came in.
      const marked = a.direction === 'out' && hasMucUserMarker(a.stanza);
      const filed = filePeer(a.peer, a.peerResource, marked, this.#isRoom);
      if (a.ack && a.direction === 'in') {
        acks.push({ id: a.ack.id, peer: filed.peer, kind: filed.kind, state: a.ack.kind });
      }
      if (a.body === null && a.subject === null) continue;
      // A stranger's message counts against the caps once: one we already hold (an archive page fetched
      // again after a restart) is not admitted again (it would come back as a request, and count twice).
      // Contacts' messages are never looked up (the catch-up stays one store call per page for them).
      const stranger = announce && filed.kind === 'chat' && a.direction === 'in' && !this.#isInRoster(a.peer);
      const held = stranger && a.stanzaId !== null && this.#store.hasStanzaId(account, a.peer, a.stanzaId);
      if (stranger && !held && !this.#strangers.admit(a.peer, a.body ?? a.subject, now)) continue;
      if (filed.kind === 'private' && a.direction === 'in' && !this.privatePeers.admit(a.peer, filed.peer))
        continue;
      rows.push({
        account,
        ...filed,
        direction: a.direction,
        type: a.type,
        messageId: a.messageId,
        originId: a.originId,
        stanzaId: a.stanzaId,
        body: a.body,
        subject: a.subject,
        thread: a.thread,
        sentAt: a.sentAt,
        serverAt: a.serverAt,
        receivedAt: now,
        state: a.direction === 'out' ? 'sent' : 'received',
        error: null,
      });
    }
    const results = rows.length > 0 ? this.#store.addMany(rows, { older }) : [];
    const fresh: ChatMessage[] = [];
    const confirmed: StateUpdate[] = [];
    results.forEach((result, i) => {
      const row = rows[i]!;
      if (result.inserted) fresh.push(this.toChatMessage(storedOf(row, result.rowId)));
      else if (row.direction === 'out' && row.messageId) {
        const kind = row.kind === 'private' ? 'private' : 'chat';
        confirmed.push({ id: row.messageId, peer: row.peer, kind, state: 'sent' });
      }
    });
    if (announce && fresh.length > 0) this.#events.emit('chat.messages', { messages: fresh });
    // The merge already moved the stored state; the UI hears it here (its states only move forward too).
    if (confirmed.length > 0) {
      this.#events.emit('chat.states', {
        updates: confirmed.map((u) => ({ ...u, kind: u.kind ?? 'chat', account })),
      });
    }
    this.setStates(acks);
    return fresh;
  }

  /** One page of a conversation from the local history (see 'chat.history' in the contract). */
  history(
    peer: string,
    opts: {
      kind?: ConversationKind;
      beforeSeq?: number;
      afterSeq?: number;
      aroundSeq?: number;
      limit: number;
    },
  ): LocalHistoryPage {
    const account = this.account;
    this.flushIncoming();
    const { limit } = opts;
    // A jump without a kind goes to the conversation of the message it names (a room line's search hit).
    // Without a kind, a page next to a message (a jump, or paging on from one) is of that message's
    // conversation: a room line's search hit pages the room.
    const at = opts.aroundSeq ?? opts.afterSeq ?? opts.beforeSeq;
    const anchor = opts.kind === undefined && at !== undefined ? this.#store.message(account, at) : null;
    const kind = opts.kind ?? (anchor?.peer === peer ? anchor.kind : 'chat');
    let rows: StoredMessage[];
    let olderExhausted: boolean;
    let atNewest: boolean;
    if (opts.aroundSeq !== undefined) {
      rows = this.#store
        .around(account, opts.aroundSeq, limit)
        .filter((m) => m.peer === peer && m.kind === kind);
      const at = rows.findIndex((m) => m.rowId === opts.aroundSeq);
      olderExhausted = at < limit;
      atNewest = rows.length - at - 1 < limit;
    } else if (opts.afterSeq !== undefined) {
      rows = this.#store.page(account, peer, { kind, after: { rowId: opts.afterSeq }, limit });
      olderExhausted = false;
      atNewest = rows.length < limit;
    } else {
      const before = opts.beforeSeq === undefined ? undefined : { rowId: opts.beforeSeq };
      rows = this.#store.page(account, peer, { kind, before, limit });
      olderExhausted = rows.length < limit;
      atNewest = before === undefined;
    }
    let oldest: StoredMessage | null = null;
    if (olderExhausted) {
      oldest =
        rows[0] ?? (opts.beforeSeq === undefined ? null : this.#store.message(account, opts.beforeSeq));
    }
    const messages = rows.map((m) => this.toChatMessage(m));
    return {
      messages,
      failures: rows.flatMap((m, i) =>
        m.state === 'failed' ? [{ id: messages[i]!.id, error: failurePayload(m.error) }] : [],
      ),
      olderExhausted,
      atNewest,
      oldest,
    };
  }

  /**
   * Queues a received message for the history. A burst read from the socket in one go is written in one
   * transaction (a flood is ~2x faster than a transaction per message); anything that reads or moves stored
   * messages writes the queue first, so nothing ever sees the history without them.
   */
  #storeAndEmit(message: NewMessage): void {
    this.#incoming.push(message);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flushIncoming());
  }

  /** Writes queued received messages and shows those the history did not already hold. */
  flushIncoming(): void {
    this.#flushScheduled = false;
    const batch = this.#incoming;
    if (batch.length === 0) return;
    this.#incoming = [];
    const results = this.#store.addMany(batch);
    const fresh = results.flatMap((r, i) =>
      r.inserted ? [this.toChatMessage(storedOf(batch[i]!, r.rowId))] : [],
    );
    if (fresh.length > 0) this.#events.emit('chat.messages', { messages: fresh });
  }

  #handleError({ message, id, from, fromBare }: MessageEnvelope): boolean {
    const sent = id ? this.#sent.get(id) : undefined;
    // Only the entity we wrote to (its room, for an occupant), or its server, may fail our message.
    if (!id || !sent || !from) return true;
    this.flushIncoming();
    const bare = parseJid(sent.peer);
    const fromPeer = fromBare === formatJid({ ...bare, resource: null });
    const fromPeerServer = from.local === null && from.domain === bare.domain;
    if (!fromPeer && !fromPeerServer) return true;
    const { condition, text } = stanzaError(message);
    const failure = new EngineError('server-error', describeStanzaError(condition, text), { condition });
    this.fail(id, sent.peer, failure, sent.kind);
    return true;
  }

  /** A sent message (stanza id `id` in conversation `peer`) will not be delivered: 'failed', with why. */
  fail(id: string, peer: string, failure: EngineError, kind: 'chat' | 'private' = 'chat'): void {
    this.flushIncoming();
    const error = failure.toPayload();
    const moved = this.#store.setState(
      this.account,
      { messageId: id, peer, kind, direction: 'out' },
      'failed' satisfies MessageState,
      JSON.stringify({ message: error.message, condition: error.condition }),
    );
    if (moved) {
      this.#events.emit('chat.failed', { failures: [{ account: this.account, kind, id, peer, error }] });
    }
  }

  #remember(id: string, sent: SentTo): void {
    this.#sent.delete(id);
    this.#sent.set(id, sent);
    if (this.#sent.size > SENT_MEMORY) {
      const oldest = this.#sent.keys().next().value;
      if (oldest !== undefined) this.#sent.delete(oldest);
    }
  }
}
