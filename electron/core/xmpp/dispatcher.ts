// Routes parsed stanzas to the modules of one account. Messages and presence walk the modules' handlers in
// priority order until one says 'consumed'; iq get/set go to the one handler registered for their
// (namespace, child), and anything nobody handles is answered service-unavailable (RFC 6120 §8.2.3: every
// get/set gets an answer). A handler that throws is contained: the stanza is dropped and logged, the session
// and the other stanzas go on.
import { xml, type Element } from '@xmpp/xml';
import type {
  IqHandler,
  MessageHandler,
  PresenceHandler,
  ProtocolModule,
  StanzaHandler,
} from '../account/module.ts';
import type { IqEnvelope, MessageEnvelope, PresenceEnvelope } from './envelope.ts';
import { NS_STANZAS } from './ns.ts';

/** Thrown by an iq handler to answer with a stanza error condition (RFC 6120 §8.3.3). */
export class IqError extends Error {
  readonly condition: string;
  readonly errorType: 'cancel' | 'modify' | 'auth' | 'wait';
  constructor(condition: string, errorType: IqError['errorType'] = 'cancel') {
    super(condition);
    this.condition = condition;
    this.errorType = errorType;
  }
}

/** The error reply to an iq get/set. */
export function iqErrorReply(iq: Element, condition: string, type: IqError['errorType'] = 'cancel'): Element {
  return xml(
    'iq',
    { type: 'error', id: iq.attrs.id, to: iq.attrs.from },
    xml('error', { type }, xml(condition, { xmlns: NS_STANZAS })),
  );
}

function byPriority<H extends StanzaHandler>(handlers: H[]): H[] {
  return handlers.sort((a, b) => a.priority - b.priority);
}

export class Dispatcher {
  readonly #message: MessageHandler[];
  readonly #presence: PresenceHandler[];
  readonly #iq = new Map<string, IqHandler>();
  readonly #reply: (stanza: Element) => void;

  /** `reply` sends iq answers on the current session. */
  constructor(modules: readonly ProtocolModule[], reply: (stanza: Element) => void) {
    const all = modules.flatMap((m) => m.handlers ?? []);
    this.#message = byPriority(all.filter((h): h is MessageHandler => h.kind === 'message'));
    this.#presence = byPriority(all.filter((h): h is PresenceHandler => h.kind === 'presence'));
    for (const module of modules) {
      for (const handler of module.iq ?? []) {
        const key = `${handler.type} ${handler.ns} ${handler.child}`;
        if (this.#iq.has(key)) throw new Error(`Two modules answer ${key} (${module.id})`);
        this.#iq.set(key, handler);
      }
    }
    this.#reply = reply;
  }

  message(envelope: MessageEnvelope): void {
    this.#walk(this.#message, envelope);
  }

  presence(envelope: PresenceEnvelope): void {
    this.#walk(this.#presence, envelope);
  }

  #walk<E>(handlers: Array<{ handle(envelope: E): string }>, envelope: E): void {
    for (const handler of handlers) {
      try {
        if (handler.handle(envelope) === 'consumed') return;
      } catch (error) {
        console.error('dropped a stanza that could not be handled', error);
        return;
      }
    }
  }

  /** An iq get or set (results and errors belong to the IqTracker). */
  iq(envelope: IqEnvelope): void {
    const { stanza, payload } = envelope;
    if (envelope.type !== 'get' && envelope.type !== 'set') return;
    const handler = payload ? this.#iq.get(`${envelope.type} ${payload.getNS()} ${payload.name}`) : undefined;
    if (!handler) {
      this.#reply(iqErrorReply(stanza, 'service-unavailable'));
      return;
    }
    const answer = (result: Element | null | 'handled'): void => {
      if (result === 'handled') return;
      this.#reply(xml('iq', { type: 'result', id: stanza.attrs.id, to: stanza.attrs.from }, result));
    };
    const fail = (error: unknown): void => {
      if (error instanceof IqError) {
        this.#reply(iqErrorReply(stanza, error.condition, error.errorType));
        return;
      }
      console.error('an iq handler failed', error);
      this.#reply(iqErrorReply(stanza, 'internal-server-error', 'wait'));
    };
    try {
      const result = handler.handle(envelope);
      if (result instanceof Promise) result.then(answer, fail);
      else answer(result);
    } catch (error) {
      fail(error);
    }
  }
}
