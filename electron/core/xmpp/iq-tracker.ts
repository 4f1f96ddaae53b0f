// IQ request/response bookkeeping with the check xmpp.js leaves out: a reply is accepted only from the
// entity the request went to (RFC 6120 §8.1.2.1). xmpp.js matches replies by id alone, so any contact could
// answer our roster request; here a reply from anyone else is ignored as hostile.
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { EngineError, describeStanzaError } from '../errors.ts';
import { bareJid, normalJid } from '../../../shared/jid.ts';
import { NS_STANZAS } from './ns.ts';

interface Pending {
  accept: ReadonlySet<string>;
  resolve: (iq: Element) => void;
  reject: (error: EngineError) => void;
  timer: NodeJS.Timeout;
}

/** The stanza-level error condition and text of an <error/> child, if present. */
export function stanzaError(stanza: Element): { condition: string; text: string | null } {
  const error = stanza.getChild('error');
  const condition =
    error?.getChildElements().find((child) => child.getNS() === NS_STANZAS && child.name !== 'text')?.name ??
    'undefined-condition';
  return { condition, text: error?.getChildText('text', NS_STANZAS) ?? null };
}

export class IqTracker {
  readonly #pending = new Map<string, Pending>();
  readonly #send: (stanza: Element) => Promise<void>;
  /** Who answers for our own account: no 'from', our bare JID, this very resource (normal JIDs). */
  readonly #ownSenders: ReadonlySet<string>;
  readonly #ownBare: string;
  readonly #timeoutMs: number;

  constructor(send: (stanza: Element) => Promise<void>, ownFullJid: string, timeoutMs = 30_000) {
    this.#send = send;
    this.#ownBare = bareJid(ownFullJid);
    this.#ownSenders = new Set(['', this.#ownBare, normalJid(ownFullJid) ?? ownFullJid]);
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Who may answer a request sent to `to`, as normal JIDs (normalJid): that JID; for our own account also no
   * 'from' at all, and our own full JID. Resourceparts are compared as written (RFC 7622).
   */
  #acceptedSenders(to: string | null): ReadonlySet<string> {
    const target = to === null ? this.#ownBare : normalJid(to);
    if (target === this.#ownBare) return this.#ownSenders;
    return new Set(target === null ? [] : [target]); // an invalid address: nobody's reply is its answer
  }

  request(type: 'get' | 'set', to: string | null, payload: Element): Promise<Element> {
    const id = randomUUID();
    const stanza = xml('iq', { type, id, to: to ?? undefined }, payload);
    return new Promise<Element>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new EngineError('timeout', 'The server did not answer in time.'));
      }, this.#timeoutMs);
      this.#pending.set(id, { accept: this.#acceptedSenders(to), resolve, reject, timer });
      this.#send(stanza).catch((error: unknown) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(error instanceof EngineError ? error : new EngineError('not-connected', 'You are offline.'));
      });
    });
  }

  /** Feeds an incoming result/error iq. Returns true when it answered one of our requests. */
  handleReply(iq: Element): boolean {
    const id = iq.attrs.id;
    if (!id) return false;
    const pending = this.#pending.get(id);
    if (!pending) return false;
    const from = iq.attrs.from === undefined ? '' : normalJid(iq.attrs.from);
    if (from === null || !pending.accept.has(from)) return false; // spoofed reply: leave the request waiting for the real one
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (iq.attrs.type === 'result') {
      pending.resolve(iq);
    } else {
      const { condition, text } = stanzaError(iq);
      pending.reject(
        new EngineError(
          condition === 'item-not-found' ? 'not-found' : 'server-error',
          describeStanzaError(condition, text),
          { condition },
        ),
      );
    }
    return true;
  }

  /** Fails every outstanding request (the session ended). */
  failAll(): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new EngineError('not-connected', 'The connection closed before the server answered.'));
      this.#pending.delete(id);
    }
  }
}
