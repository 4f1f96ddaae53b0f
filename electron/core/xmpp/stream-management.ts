// XEP-0198 Stream Management. The server acknowledges what it received, so "sent" means the server has the
// message; and a dropped connection resumes where it stopped, with nothing lost or repeated either way.
// One instance lives across the sessions of one sign-in: the counters and the unacknowledged queue must
// outlive the socket they were counted on.
import { xml, type Element } from '@xmpp/xml';
import { NS_SM } from './ns.ts';
export { NS_SM };

const MODULO = 2 ** 32; // h wraps (XEP-0198 §4)

export interface SmConnection {
  sendReceive(element: Element): Promise<Element>;
  sendMany(elements: Element[]): Promise<void>;
}

export class StreamManagement {
  #id: string | null = null;
  #jid: string | null = null;
  /** Stanzas received since enable: the h we report. */
  #inbound = 0;
  /** The h the server last confirmed for what we sent. */
  #acked = 0;
  /** Sent but not yet confirmed, in send order. */
  #unacked: Element[] = [];
  /** Unconfirmed stanzas of a session that could not be resumed: the engine decides whether to resend. */
  #orphans: Element[] = [];
  readonly #onAcked: (stanzas: Element[]) => void;

  constructor(onAcked: (stanzas: Element[]) => void) {
    this.#onAcked = onAcked;
  }

  /** Whether a dropped session can be resumed (the server granted resumption). */
  get resumable(): boolean {
    return this.#id !== null;
  }

  get jid(): string | null {
    return this.#jid;
  }

  get unackedCount(): number {
    return this.#unacked.length;
  }

  /** Ids of the messages still waiting for the server's ack (they are resent by a resumption). */
  unackedIds(): Set<string> {
    const ids = new Set<string>();
    for (const stanza of this.#unacked)
      if (stanza.name === 'message' && stanza.attrs.id) ids.add(stanza.attrs.id);
    return ids;
  }

  /** After resource binding: ask for acks and resumption. False when the server refuses. */
  async enable(connection: SmConnection, jid: string): Promise<boolean> {
    const reply = await connection.sendReceive(xml('enable', { xmlns: NS_SM, resume: 'true' }));
    // A new SM session counts from zero; what the old one never confirmed is set aside, not re-counted.
    this.#orphans.push(...this.#unacked);
    this.#unacked = [];
    this.#inbound = 0;
    this.#acked = 0;
    if (!reply.is('enabled', NS_SM)) {
      this.#id = null;
      return false;
    }
    const resume = reply.attrs.resume === 'true' || reply.attrs.resume === '1';
    this.#id = resume ? (reply.attrs.id ?? null) : null;
    this.#jid = jid;
    return true;
  }

  /**
   * In place of binding on a new connection: resume the previous session. On success the server's h
   * confirms what it got, and the rest is sent again. Returns false when the server cannot resume.
   */
  async resume(connection: SmConnection): Promise<boolean> {
    if (!this.#id) return false;
    const reply = await connection.sendReceive(
      xml('resume', { xmlns: NS_SM, previd: this.#id, h: String(this.#inbound) }),
    );
    if (!reply.is('resumed', NS_SM)) {
      // A failed resume may still say how much the server received (XEP-0198 §5): don't resend that.
      if (reply.attrs.h !== undefined) this.#ack(Number(reply.attrs.h));
      this.#id = null;
      return false;
    }
    this.#ack(Number(reply.attrs.h));
    const resend = this.#unacked;
    this.#unacked = [];
    if (resend.length > 0) {
      for (const stanza of resend) this.sent(stanza);
      await connection.sendMany(resend);
    }
    return true;
  }

  /** What a previous, unresumable session never got confirmed, handed over (and forgotten) to resend. */
  takeOrphans(): Element[] {
    const stanzas = this.#orphans;
    this.#orphans = [];
    return stanzas;
  }

  /** Forget the session entirely (sign-out). */
  reset(): void {
    this.#id = null;
    this.#jid = null;
    this.#inbound = 0;
    this.#acked = 0;
    this.#unacked = [];
    this.#orphans = [];
  }

  sent(stanza: Element): void {
    this.#unacked.push(stanza);
  }

  received(): void {
    this.#inbound = (this.#inbound + 1) % MODULO;
  }

  /** Handles <r/> and <a/>. Returns the answer to send, if any. */
  handleNonza(element: Element): Element | null {
    if (element.is('r', NS_SM)) return xml('a', { xmlns: NS_SM, h: String(this.#inbound) });
    if (element.is('a', NS_SM)) this.#ack(Number(element.attrs.h));
    return null;
  }

  ackRequest(): Element {
    return xml('r', { xmlns: NS_SM });
  }

  #ack(h: number): void {
    if (!Number.isInteger(h) || h < 0 || h >= MODULO) return; // hostile or broken: ignore
    const count = (h - this.#acked + MODULO) % MODULO;
    // More than we sent would mean the server counts wrong; acknowledge only what we have.
    const acked = this.#unacked.splice(0, Math.min(count, this.#unacked.length));
    this.#acked = h;
    if (acked.length > 0) this.#onAcked(acked);
  }
}
