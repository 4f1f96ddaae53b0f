// Subscriptions (RFC 6121 §3): inbound requests wait here for the user's answer; outbound requests,
// answers, cancellations and pre-approval go out from here. The roster carries the resulting state.
import { xml, type Element } from '@xmpp/xml';
import type { SubscriptionRequest } from '../../../shared/contract.ts';
import { MAX_NAME_CHARS, MAX_STATUS_CHARS } from '../../../shared/contract.ts';
import { MAX_PENDING_REQUESTS } from '../../../shared/limits.ts';
import { EngineError } from '../errors.ts';
import type { AccountEvents } from '../account/module.ts';
import { NS_NICK } from '../xmpp/ns.ts';
import type { PresenceEnvelope } from '../xmpp/envelope.ts';
import { ownText, ownTextOrNull } from '../xmpp/own-text.ts';

const SUBSCRIPTION_TYPES = new Set(['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed']);

export type SubscriptionAnswer = 'approve' | 'deny' | 'approve-and-subscribe';

/** One account's inbound subscription requests, and the stanzas that answer or make them. */
export class Subscriptions {
  /** Inbound requests by bare JID. Survives reconnects, so a request the server re-delivers shows once. */
  readonly #pending = new Map<string, SubscriptionRequest>();
  /** Requests that arrived past MAX_PENDING_REQUESTS this session (the server still holds them). */
  #more = 0;
  readonly #events: AccountEvents;
  readonly #onPendingChange: (jid: string) => void;

  constructor(events: AccountEvents, onPendingChange: (jid: string) => void) {
    this.#events = events;
    this.#onPendingChange = onPendingChange;
  }

  isPending = (jid: string): boolean => this.#pending.has(jid);

  requests(): SubscriptionRequest[] {
    return [...this.#pending.values()];
  }

  /** Requests that arrived past the cap this session (not kept; the server still holds them). */
  get more(): number {
    return this.#more;
  }

  /** Handles subscription-type presence. Returns false for other presence. */
  handle({ stanza, type, fromBare: jid }: PresenceEnvelope): boolean {
    if (!SUBSCRIPTION_TYPES.has(type)) return false;
    if (!jid) return true; // malformed sender: drop
    switch (type) {
      case 'subscribe':
        if (!this.#pending.has(jid) && this.#pending.size >= MAX_PENDING_REQUESTS) {
          this.#more++; // counted, not kept: the server delivers it again at the next sign-in
          this.#announce();
        } else if (!this.#pending.has(jid)) {
          // Copies: kept until answered (own-text.ts).
          const kept = ownText(jid);
          this.#pending.set(kept, {
            jid: kept,
            status: ownTextOrNull(stanza.getChildText('status')?.slice(0, MAX_STATUS_CHARS)),
            nick: ownTextOrNull(stanza.getChildText('nick', NS_NICK)?.slice(0, MAX_NAME_CHARS)),
            receivedAt: Date.now(),
          });
          this.#changed(jid);
        }
        break;
      case 'unsubscribe':
        // The requester withdrew (or ended their subscription to us): nothing left to answer.
        if (this.#pending.delete(jid)) this.#changed(jid);
        this.#events.emit('subscription.notice', { notices: [{ jid, kind: 'unsubscribe' }] });
        break;
      default:
        this.#events.emit('subscription.notice', {
          notices: [{ jid, kind: type as 'subscribed' | 'unsubscribed' }],
        });
    }
    return true;
  }

  /** Stanzas answering an inbound request; clears it. */
  answer(jid: string, answer: SubscriptionAnswer): Element[] {
    const stanzas =
      answer === 'deny'
        ? [xml('presence', { to: jid, type: 'unsubscribed' })]
        : answer === 'approve'
          ? [xml('presence', { to: jid, type: 'subscribed' })]
          : [
              xml('presence', { to: jid, type: 'subscribed' }),
              xml('presence', { to: jid, type: 'subscribe' }),
            ];
    if (this.#pending.delete(jid)) this.#changed(jid);
    return stanzas;
  }

  request(jid: string, status?: string): Element {
    return xml('presence', { to: jid, type: 'subscribe' }, status ? xml('status', {}, status) : null);
  }

  unsubscribe(jid: string): Element {
    return xml('presence', { to: jid, type: 'unsubscribe' });
  }

  cancel(jid: string): Element {
    if (this.#pending.delete(jid)) this.#changed(jid);
    return xml('presence', { to: jid, type: 'unsubscribed' });
  }

  /** RFC 6121 §3.4: a 'subscribed' sent before any request, only where the server advertises support. */
  preApprove(jid: string, serverSupportsIt: boolean): Element {
    if (!serverSupportsIt) {
      throw new EngineError(
        'not-supported',
        'Your server does not support approving contacts before they ask.',
        {
          condition: 'feature-not-implemented',
        },
      );
    }
    return xml('presence', { to: jid, type: 'subscribed' });
  }

  #changed(jid: string): void {
    this.#announce();
    this.#onPendingChange(jid);
  }

  #announce(): void {
    this.#events.emit('subscription.requests', { requests: this.requests(), more: this.#more });
  }
}
