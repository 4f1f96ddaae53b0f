// The steps of stream negotiation that need only the connection: opening (or restarting) the stream,
// iq sets before the session exists, resource binding, and the queries asked right after binding.
// XmppSession's negotiate() runs them in order.
import { xml, type Element } from '@xmpp/xml';
import { promise } from '@xmpp/events';
import { EngineError } from '../errors.ts';
import { IqTracker } from './iq-tracker.ts';
import type { ParleyConnection } from './connection.ts';
import { NS_BIND, NS_STREAMS } from './ns.ts';

/** Requests asked right after binding and their answers (null: no answer, or an error). */
export type Prefetched = ReadonlyArray<{ request: Element; reply: Element | null }>;

/** Stanzas that arrive during negotiation, before the session's listeners exist. */
export interface EarlyStanzas {
  stanzas: Array<{ stanza: Element; counted: boolean }>;
  smActive: boolean;
  collect: (stanza: Element) => void;
  watch: (nonza: Element) => void;
}

/**
 * Sends iq gets between binding and stream management, and waits for their answers. The answers are taken
 * out of the early stanzas (nothing else sees them); they must come from our own account, as any iq reply
 * (IqTracker checks that); an error answer or none within the sign-in budget leaves `reply` null.
 */
export async function prefetch(
  connection: ParleyConnection,
  jid: string,
  payloads: Element[],
  early: EarlyStanzas,
): Promise<Prefetched> {
  if (payloads.length === 0) return [];
  const tracker = new IqTracker((stanza) => connection.send(stanza), jid, connection.timeout);
  const answers = new Set<Element>();
  const route = (stanza: Element): void => {
    if (stanza.is('iq') && tracker.handleReply(stanza)) answers.add(stanza);
  };
  connection.on('stanza', route);
  try {
    const requests = payloads.map((payload) => ({ payload, reply: tracker.request('get', null, payload) }));
    const settled = await Promise.all(requests.map((r) => r.reply.catch(() => null)));
    return requests.map((r, i) => ({
      request: xml('iq', { type: 'get', id: settled[i]?.attrs.id }, r.payload),
      reply: settled[i] ?? null,
    }));
  } finally {
    connection.off('stanza', route);
    early.stanzas = early.stanzas.filter(({ stanza }) => !answers.has(stanza));
  }
}

/** Opens (or restarts) the stream and returns the <stream:features/> that follows the header. */
export async function openStream(
  connection: ParleyConnection,
  domain: string,
  restart = false,
): Promise<Element> {
  const features = promise<Element>(connection, 'element', 'error', connection.timeout);
  // Await both: if opening fails, the features wait must not become an unhandled rejection.
  const [, element] = await Promise.all([
    restart ? connection.restart() : connection.open({ domain }),
    features,
  ]);
  if (!element.is('features', NS_STREAMS)) {
    throw new EngineError(
      'stream-error',
      `The server sent <${element.name}> where stream features were expected.`,
    );
  }
  return element;
}

let bindCounter = 0;
export async function iqSetDuringNegotiation(
  connection: ParleyConnection,
  payload: Element,
): Promise<Element> {
  const id = `neg-${++bindCounter}`;
  const reply = await connection.sendReceive(xml('iq', { type: 'set', id }, payload));
  if (!reply.is('iq') || reply.attrs.id !== id) {
    throw new EngineError('stream-error', 'The server answered out of order during sign-in.');
  }
  if (reply.attrs.type === 'error') {
    const condition = reply.getChild('error')?.getChildElements()[0]?.name ?? 'undefined-condition';
    throw new EngineError('stream-error', `The server refused ${payload.name} (${condition}).`, {
      condition,
    });
  }
  return reply;
}

export async function bindResource(connection: ParleyConnection, resource: string): Promise<string> {
  try {
    const reply = await iqSetDuringNegotiation(
      connection,
      xml('bind', { xmlns: NS_BIND }, xml('resource', {}, resource)),
    );
    const jid = reply.getChild('bind', NS_BIND)?.getChildText('jid');
    if (!jid) throw new EngineError('stream-error', 'The server bound no address.');
    return jid;
  } catch (error) {
    // RFC 6120 §7.7.2.2: on a resource conflict, let the server pick one.
    if (error instanceof EngineError && error.condition === 'conflict') {
      const reply = await iqSetDuringNegotiation(connection, xml('bind', { xmlns: NS_BIND }));
      const jid = reply.getChild('bind', NS_BIND)?.getChildText('jid');
      if (jid) return jid;
    }
    throw error;
  }
}
