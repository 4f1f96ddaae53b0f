// Messages of the rooms an account is in (XEP-0045 §7.4-§7.5, §8.1): type groupchat from the room or an
// occupant become the room's conversation (kind 'groupchat', peer = the room, the sender's nick kept as the
// resource), deduped by the room's stanza-id (XEP-0359, by = the room); our own message comes back from the
// room (its reflection), which is what makes it 'sent'; a body naming our nick is a mention, stored with the
// line (and counted when it arrives live), as is the sender's XEP-0421 occupant id when the room vouches
// for it (advertises the feature, so it strips forged ones). Private messages from an occupant (type chat
// from room/nick) are their own conversation (kind 'private').
//
// Writes are batched: a line after a quiet spell goes at the next turn of the event loop (as for 1:1 chat),
// lines after it wait until FLUSH_SPACING_MS after the last write, so a room's history replay or a flood costs
// a transaction (and a 'chat.messages' for the page to lay out and paint) per spacing, not one per read.
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import type { ChatMessage } from '../../../shared/contract.ts';
import type { AccountEvents } from '../account/module.ts';
import type { HistoryStore, NewMessage, StoredMessage } from '../history/history-store.ts';
import { storedOf } from '../history/history-store.ts';
import { chatMessageOf } from '../chat/chat.ts';
import { PrivatePeerGate } from '../chat/private-gate.ts';
import { EngineError, describeStanzaError } from '../errors.ts';
import type { ArchiveEnvelope, MessageEnvelope } from '../xmpp/envelope.ts';
import { stanzaError } from '../xmpp/iq-tracker.ts';
import { NS_SID } from '../xmpp/ns.ts';
import { ownText } from '../xmpp/own-text.ts';
import { ROOM_FEATURES } from './join.ts';
import { mentionsNick, type RoomState } from './room.ts';

/** The least time from the end of one write of room lines to the next (a flood's lines wait this at most). */
export const FLUSH_SPACING_MS = 16;

interface Queued {
  message: NewMessage;
  /** A reflection of ours: a match moves the stored copy to 'sent' instead of adding a line. */
  reflection: boolean;
}

export class RoomMessages {
  readonly #account: string;
  readonly #events: AccountEvents;
  readonly #store: HistoryStore;
  #queue: Queued[] = [];
  #scheduled: { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout } | null = null;
  /** When the last non-empty batch was written, at the end of the write (performance.now()). */
  #flushedAt = -Infinity;
  /** New private conversations per room, bounded (private-gate.ts). */
  readonly privatePeers: PrivatePeerGate;

  constructor(account: string, events: AccountEvents, store: HistoryStore) {
    this.#account = account;
    this.#events = events;
    this.#store = store;
    this.privatePeers = new PrivatePeerGate((peer) => store.hasConversation(account, 'private', peer));
  }

  /** A message to the room, stored 'pending' first; the caller writes the stanza. */
  compose(room: RoomState, body: string): { stanza: Element; record: ChatMessage } {
    const id = randomUUID();
    const now = Date.now();
    const stored: NewMessage = {
      account: this.#account,
      kind: 'groupchat',
      peer: room.room,
      peerResource: room.nick,
      direction: 'out',
      type: 'chat',
      messageId: id,
      originId: id,
      stanzaId: null,
      body,
      subject: null,
      thread: null,
      sentAt: now,
      serverAt: null,
      receivedAt: now,
      state: 'pending',
      error: null,
    };
    this.flush();
    const { rowId } = this.#store.add(stored);
    const row = storedOf(stored, rowId);
    return { stanza: roomLineStanza(row), record: this.#view(row) };
  }

  /**
   * A groupchat message from `room` (the caller checked it is one we are in). Returns what it was: a
   * subject change (the room's subject is updated), a line, or nothing worth keeping.
   */
  handleGroupchat(
    room: RoomState,
    envelope: MessageEnvelope,
    archived: ArchivedAt | null = null,
  ): 'subject' | 'line' | 'none' {
    const { from, fields } = envelope;
    const nick = from?.resource ?? null;
    // XEP-0045 §8.1: a subject without a body is the subject (also the last step of joining).
    if (fields.subject !== null && fields.body === null) {
      // Copied: a slice would keep the whole socket read alive as long as the room (own-text.ts).
      if (archived === null) room.subject = fields.subject.length === 0 ? null : ownText(fields.subject);
      return 'subject';
    }
    if (fields.body === null) return 'none';
    const ours = nick !== null && nick === room.nick;
    const message = this.#line(room, envelope, archived);
    // Counted only as it happens; lines fetched or replayed from before are marked, not counted.
    if (message.mentionsMe && archived === null && envelope.delay === null) room.mentions++;
    this.#enqueue({ message, reflection: ours });
    return 'line';
  }

  /**
   * A page walked back in the room's archive (scrolling up), stored before what is held, not shown (the
   * page the UI asked for is read from the history after). Returns how many lines were new.
   */
  storeOlder(room: RoomState, results: readonly ArchiveEnvelope[]): number {
    this.flush();
    const rows = results
      .filter((r) => r.type === 'groupchat' && r.fromBare === room.room && r.fields.body !== null)
      .map((r) => this.#line(room, r, { archiveId: r.archiveId, serverAt: r.serverAt }));
    if (rows.length === 0) return 0;
    return this.#store.addMany(rows, { older: true }).filter((r) => r.inserted).length;
  }

  /** The oldest line of `room` held locally (before `beforeSeq` when given), where a walk back continues. */
  oldestHeld(room: string, beforeSeq: number | undefined): StoredMessage | null {
    this.flush();
    const before = beforeSeq === undefined ? undefined : { rowId: beforeSeq };
    const [first] = this.#store.page(this.#account, room, { kind: 'groupchat', before, limit: 1_000 });
    if (first) return first;
    return beforeSeq === undefined ? null : this.#store.message(this.#account, beforeSeq);
  }

  /** A room line as the history stores it (ours when it comes from our nick: the room's echo of it). */
  #line(room: RoomState, envelope: MessageEnvelope, archived: ArchivedAt | null): NewMessage {
    const nick = envelope.from?.resource ?? null;
    const ours = nick !== null && nick === room.nick;
    const now = Date.now();
    const body = envelope.fields.body;
    const vouched = room.features.includes(ROOM_FEATURES.occupantId);
    return {
      account: this.#account,
      kind: 'groupchat',
      peer: room.room,
      peerResource: nick,
      direction: ours ? 'out' : 'in',
      type: 'chat',
      ...envelope.fields,
      subject: null,
      stanzaId: archived?.archiveId ?? envelope.roomStanzaId,
      sentAt: envelope.delay,
      serverAt: archived?.serverAt ?? null,
      receivedAt: now,
      state: ours ? 'sent' : 'received',
      error: null,
      occupantId: vouched ? envelope.occupantId : null,
      mentionsMe: !ours && body !== null && mentionsNick(body, room.nick),
    };
  }

  /**
   * A private message from an occupant (type chat from room/nick): kind 'private'. With the room (joined),
   * a nick that is not among its occupants opens no new conversation; new conversations are bounded per
   * room (privatePeers). Dropped ones are taken (true), not handed on.
   */
  handlePrivate(envelope: MessageEnvelope, room?: RoomState): boolean {
    const { from, fromBare, fields } = envelope;
    if (!from?.resource || !fromBare || fields.body === null) return false;
    const peer = `${fromBare}/${from.resource}`;
    const known = this.#store.hasConversation(this.#account, 'private', peer);
    if (room?.joined && !known && !room.occupants.has(from.resource)) return true;
    if (!this.privatePeers.admit(fromBare, peer)) return true;
    const now = Date.now();
    this.#enqueue({
      message: {
        account: this.#account,
        kind: 'private',
        peer,
        peerResource: null,
        direction: 'in',
        type: 'chat',
        ...fields,
        // Our own server's archive id (a private message is archived as ours, not the room's): the copy a
        // catch-up fetches later is this one.
        stanzaId: envelope.stanzaId,
        sentAt: envelope.delay,
        serverAt: null,
        receivedAt: now,
        state: 'received',
        error: null,
      },
      reflection: false,
    });
    return true;
  }

  /**
   * An error from the room for a message we sent through it: a room line, or a private message to the
   * occupant the error names (room/nick). An error from the bare room fails only a room line (its id would
   * have to be searched among every occupant's conversations).
   */
  handleError(room: RoomState, envelope: MessageEnvelope): void {
    if (!envelope.id) return;
    this.flush();
    const { condition, text } = stanzaError(envelope.message);
    const failure = new EngineError('server-error', describeStanzaError(condition, text), { condition });
    if (this.failSent(room.room, envelope.id, failure)) return;
    const occupant = envelope.from?.resource ? `${room.room}/${envelope.from.resource}` : null;
    if (occupant !== null) this.failSent(occupant, envelope.id, failure, 'private');
  }

  /** Our message `id` to `peer` (the room, or an occupant) will not be confirmed: 'failed', with why. */
  failSent(
    peer: string,
    id: string,
    failure: EngineError,
    kind: 'groupchat' | 'private' = 'groupchat',
  ): boolean {
    const error = failure.toPayload();
    const moved = this.#store.setState(
      this.#account,
      { messageId: id, peer, kind, direction: 'out' },
      'failed',
      JSON.stringify({ message: error.message, condition: error.condition }),
    );
    if (moved) {
      this.#events.emit('chat.failed', { failures: [{ account: this.#account, kind, id, peer, error }] });
    }
    return moved !== null;
  }

  /** Our room messages still waiting for their reflection (a fresh session cannot match them any more). */
  pending(): StoredMessage[] {
    this.flush();
    return this.#store.pending(this.#account).filter((m) => m.kind === 'groupchat');
  }

  /** The archive id of the newest message of `room` that has one (where a catch-up continues), or null. */
  lastArchiveId(room: string): string | null {
    this.flush();
    const newest = this.#store.page(this.#account, room, { kind: 'groupchat', limit: 50 });
    for (let i = newest.length - 1; i >= 0; i--) if (newest[i]!.stanzaId) return newest[i]!.stanzaId;
    return null;
  }

  /** One page of `room` from the local history, oldest first (see 'muc.history'). */
  page(
    room: string,
    beforeSeq: number | undefined,
    limit: number,
  ): { messages: ChatMessage[]; complete: boolean } {
    this.flush();
    const before = beforeSeq === undefined ? undefined : { rowId: beforeSeq };
    const rows = this.#store.page(this.#account, room, { kind: 'groupchat', before, limit });
    return { messages: rows.map((m) => this.#view(m)), complete: rows.length < limit };
  }

  /** Writes what is queued, then shows what was new and moves reflected messages to 'sent'. */
  flush(): void {
    if (this.#scheduled !== null) {
      if ('immediate' in this.#scheduled) clearImmediate(this.#scheduled.immediate);
      else clearTimeout(this.#scheduled.timeout);
      this.#scheduled = null;
    }
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    const results = this.#store.addMany(batch.map((q) => q.message));
    const fresh: ChatMessage[] = [];
    const sent: Array<{ account: string; kind: 'groupchat'; peer: string; id: string; state: 'sent' }> = [];
    results.forEach((result, i) => {
      const { message, reflection } = batch[i]!;
      if (result.inserted) fresh.push(this.#view(storedOf(message, result.rowId)));
      else if (reflection && message.messageId) {
        // A line we gave up on at a fresh session that the room had after all (its archive says so).
        this.#store.reopen(this.#account, result.rowId, 'sent');
        const { peer, messageId: id } = message;
        sent.push({ account: this.#account, kind: 'groupchat', peer, id, state: 'sent' });
      }
    });
    this.#flushedAt = performance.now(); // the spacing counts from the end of this write
    if (fresh.length > 0) this.#events.emit('chat.messages', { messages: fresh });
    if (sent.length > 0) this.#events.emit('chat.states', { updates: sent });
  }

  #enqueue(queued: Queued): void {
    this.#queue.push(queued);
    if (this.#scheduled === null) this.#schedule();
  }

  /** The next turn after a quiet spell, else when the spacing is over (checked again: a timer counts from
   * the start of the loop turn it was set in, so it can fire early). */
  #schedule(): void {
    const wait = this.#flushedAt + FLUSH_SPACING_MS - performance.now();
    this.#scheduled =
      wait <= 0
        ? { immediate: setImmediate(() => this.flush()) }
        : {
            timeout: setTimeout(() => {
              this.#scheduled = null;
              if (performance.now() - this.#flushedAt < FLUSH_SPACING_MS) this.#schedule();
              else this.flush();
            }, wait),
          };
  }

  #view(m: StoredMessage): ChatMessage {
    return chatMessageOf(m, m.kind !== 'private'); // an occupant is no contact
  }
}

/**
 * The stanza of a stored room line of ours: the same id and origin-id every time it is (re)sent, so the
 * room's reflection (or its archive's copy) is matched to it and never shown as a second line.
 */
export function roomLineStanza(m: StoredMessage): Element {
  const id = m.messageId ?? m.originId ?? randomUUID();
  return xml(
    'message',
    { to: m.peer, type: 'groupchat', id },
    xml('body', {}, m.body ?? ''),
    xml('origin-id', { xmlns: NS_SID, id: m.originId ?? id }),
  );
}

/** Where an archived room message came from: its archive id and time. */
export interface ArchivedAt {
  archiveId: string;
  serverAt: number | null;
}
