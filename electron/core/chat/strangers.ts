// Messages from people not in the roster (anyone on the network can write to any address) wait in a bounded
// list of message requests the user reviews: open, add to contacts, block or dismiss. The bounds keep a flood
// from many addresses (or one chatty stranger) from filling the history, the UI or memory: past them a
// message is not stored here but counted, and the count is shown ("N more messages were not kept"); the
// server's archive still holds them.
import type { MessageRequest } from '../../../shared/contract.ts';
import { ownText } from '../xmpp/own-text.ts';

export const STRANGER_LIMITS = {
  /** Strangers with a waiting request, per account. */
  requests: 200,
  /** Messages kept from one stranger until the user answers (writes back, adds them or dismisses). */
  messagesEach: 100,
  /** Characters of the newest message shown in the list. */
  previewChars: 200,
  /** Strangers the user wrote to this run: their messages are a conversation, not a request. */
  answered: 10_000,
} as const;

const PURGE_EVERY_MS = 1000;

/** One account's message requests. Admitting a message is O(1) (amortised); list() is O(requests). */
export class StrangerInbox {
  readonly #isContact: (jid: string) => boolean;
  readonly #requests = new Map<string, MessageRequest>();
  readonly #answered = new Set<string>();
  #more = 0;
  #version = 0;
  #purgedAt = Number.NEGATIVE_INFINITY;

  /** Whether we ever wrote to `peer` (the history): a conversation from an earlier run, not a request. */
  readonly #wroteTo: (jid: string) => boolean;

  constructor(isContact: (jid: string) => boolean, wroteTo: (jid: string) => boolean = () => false) {
    this.#isContact = isContact;
    this.#wroteTo = wroteTo;
  }

  /**
   * The requests that were waiting when Parley last ran (request-memory.ts), newest first: listed again,
   * within the caps, ahead of anything that arrives now. Not counted as new messages.
   */
  restore(requests: readonly MessageRequest[]): void {
    for (const request of requests) {
      if (this.#requests.size >= STRANGER_LIMITS.requests) break;
      if (this.#requests.has(request.jid) || this.#answered.has(request.jid)) continue;
      const kept = ownText(request.jid);
      this.#requests.set(kept, {
        jid: kept,
        count: Math.min(request.count, STRANGER_LIMITS.messagesEach),
        preview:
          request.preview === null ? null : ownText(request.preview.slice(0, STRANGER_LIMITS.previewChars)),
        at: request.at,
      });
      this.#version++;
    }
  }

  /** Messages not kept this session (over the caps). */
  get more(): number {
    return this.#more;
  }

  /** Changes with every admitted or refused message and every answer: cheap "did it change" checks. */
  get version(): number {
    return this.#version;
  }

  /** `peer` has a request waiting. */
  waiting(peer: string): boolean {
    return this.#requests.has(peer);
  }

  /** True when messages from `peer` are a conversation the user takes part in (no request needed). */
  answered(peer: string): boolean {
    return this.#answered.has(peer);
  }

  /**
   * A message from `peer`, who is not a contact, arrived: true when it is to be kept (and it is listed as a
   * request), false when a cap refuses it (and it is counted). `preview` is its text, cut here.
   */
  admit(peer: string, preview: string | null, at: number): boolean {
    if (this.#answered.has(peer)) return true;
    let request = this.#requests.get(peer);
    if (!request && this.#wroteTo(peer)) {
      this.answer(peer); // we wrote to them in an earlier run: theirs is a conversation
      return true;
    }
    this.#version++;
    if (!request) {
      if (this.#requests.size >= STRANGER_LIMITS.requests && at - this.#purgedAt >= PURGE_EVERY_MS) {
        // Full: someone listed may have been added as a contact since (checked at most once a second, so a
        // flood from many addresses costs O(1) per message).
        this.#purgedAt = at;
        this.#dropContacts();
      }
      if (this.#requests.size >= STRANGER_LIMITS.requests) {
        this.#more++;
        return false;
      }
      const kept = ownText(peer); // kept: a copy (own-text.ts)
      request = { jid: kept, count: 0, preview: null, at };
      this.#requests.set(kept, request);
    }
    if (request.count >= STRANGER_LIMITS.messagesEach) {
      this.#more++;
      return false;
    }
    request.count++;
    request.at = at;
    if (preview !== null) request.preview = ownText(preview.slice(0, STRANGER_LIMITS.previewChars));
    return true;
  }

  /** The user wrote to `peer`: the chat is theirs now; it leaves the requests. */
  answer(peer: string): void {
    this.forget(peer);
    if (this.#answered.has(peer)) return;
    if (this.#answered.size >= STRANGER_LIMITS.answered) {
      const oldest = this.#answered.values().next().value;
      if (oldest !== undefined) this.#answered.delete(oldest);
    }
    this.#answered.add(peer);
  }

  /** Dismissed, blocked or added as a contact: the request goes (its messages stay in the history). */
  forget(peer: string): boolean {
    const had = this.#requests.delete(peer);
    if (had) this.#version++;
    return had;
  }

  /** Waiting requests, newest first; those who became contacts meanwhile are left out (and dropped). */
  list(): MessageRequest[] {
    this.#dropContacts();
    return [...this.#requests.values()].sort((a, b) => b.at - a.at).map((r) => ({ ...r }));
  }

  #dropContacts(): void {
    for (const jid of this.#requests.keys()) if (this.#isContact(jid)) this.#requests.delete(jid);
  }
}
