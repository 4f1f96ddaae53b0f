// What the diagnostics log says about a state, an error, a TLS link or an iq error: names, codes and
// conditions picked out one by one, never a whole object or stanza (which could carry a password or text).
import tls from 'node:tls';
import type { Element } from '@xmpp/xml';
import type { ConnectionState } from '../../../shared/contract.ts';
import type { DiagnosticFields, DiagnosticLog } from './diagnostics-log.ts';

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
/** Requests remembered for their namespace until answered; the oldest goes first past this. */
const MAX_WATCHED_IQS = 256;

export function stateFields(state: ConnectionState): DiagnosticFields {
  return {
    status: state.status,
    security: state.security ?? undefined,
    code: state.error?.code,
    message: state.error?.message,
  };
}

/** Where a sign-in attempt goes: host, port, transport, the URL without any credentials, the proxy's type only. */
export function endpointFields(
  endpoint: { host: string; port: number; directTls: boolean; url?: string },
  proxyType: string | undefined,
): DiagnosticFields {
  let url: string | undefined;
  if (endpoint.url) {
    const parsed = URL.parse(endpoint.url);
    if (parsed) [parsed.username, parsed.password, parsed.search] = ['', '', ''];
    url = parsed?.toString() ?? 'unparsable';
  }
  return {
    host: endpoint.host,
    port: endpoint.port,
    transport: endpoint.url ? 'websocket' : endpoint.directTls ? 'direct-tls' : 'starttls',
    url,
    proxy: proxyType ?? 'none',
  };
}

/** An error's kind, and the condition of a stream or XML error (connection.ts), without its stack. */
export function errorFields(error: unknown): DiagnosticFields {
  if (!(error instanceof Error)) return { error: typeof error };
  const { code, condition } = error as { code?: unknown; condition?: unknown };
  return {
    error: error.name === 'Error' ? error.constructor.name : error.name,
    code: typeof code === 'string' ? code : undefined,
    condition: typeof condition === 'string' ? condition : undefined,
    message: error.message,
  };
}

/** The TLS parameters of a connection's socket (TCP, direct TLS or WebSocket), when it has TLS. */
export function tlsFields(socket: unknown): DiagnosticFields | null {
  const inner = socket as { socket?: unknown; tlsSocket?: unknown } | null;
  const link = socket instanceof tls.TLSSocket ? socket : (inner?.socket ?? inner?.tlsSocket);
  if (!(link instanceof tls.TLSSocket)) return null;
  return {
    version: link.getProtocol(),
    cipher: link.getCipher()?.name ?? null,
    fingerprint256: link.getPeerCertificate()?.fingerprint256 ?? null,
  };
}

/**
 * Logs iq errors by the namespace of the request they answer (an error reply need not repeat it): the
 * requests going out are noted by id, their replies looked up. Both calls hand the stanza back unchanged.
 */
export class IqErrorWatch {
  readonly #log: DiagnosticLog | undefined;
  readonly #asked = new Map<string, string>();

  constructor(log: DiagnosticLog | undefined) {
    this.#log = log;
  }

  sent(stanza: Element): Element {
    const id = stanza.attrs.id;
    if (this.#log && id !== undefined) {
      if (this.#asked.size >= MAX_WATCHED_IQS) this.#asked.delete(this.#asked.keys().next().value!);
      this.#asked.set(id, stanza.getChildElements()[0]?.getNS() ?? '');
    }
    return stanza;
  }

  reply(stanza: Element): Element {
    const id = stanza.attrs.id;
    if (!this.#log || id === undefined) return stanza;
    const ns = this.#asked.get(id);
    this.#asked.delete(id);
    if (stanza.attrs.type === 'error') {
      const error = stanza.getChild('error');
      const condition = error?.getChildElements().find((c) => c.getNS() === NS_STANZAS && c.name !== 'text');
      this.#log('iq.error', {
        ns: ns ?? null,
        type: error?.attrs.type ?? null,
        condition: condition?.name ?? null,
      });
    }
    return stanza;
  }
}
