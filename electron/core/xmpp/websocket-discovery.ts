// XEP-0156: where a domain serves XMPP over WebSocket, read from its host-meta over HTTPS when the user asks
// for WebSocket without giving an address. https://DOMAIN/.well-known/host-meta (XRD, XML) first, then
// host-meta.json. The documents are remote input: fetched with the session's trust rules (verified-tls.ts),
// at most 64 KiB and 5 s for the whole discovery, no redirects followed, parsed in linear time, and only a
// wss:// link is taken (a ws:// one would put the sign-in on an unencrypted link someone else chose).
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type tls from 'node:tls';
import { Parser, type Element } from '@xmpp/xml';
import { EngineError } from '../errors.ts';
import { classifyConnectError } from './connection.ts';
import type { Endpoint } from './resolve-endpoints.ts';
import type { TrustPolicy } from './tls-adapter.ts';
import { connectVerifiedTls } from './verified-tls.ts';
import { webSocketEndpoint } from './websocket-transport.ts';

export const HOST_META_LIMITS = { maxBytes: 64 * 1024, timeoutMs: 5_000 } as const;
const REL_WEBSOCKET = 'urn:xmpp:alt-connections:websocket';
const NS_XRD = 'http://docs.oasis-open.org/ns/xri/xrd-1.0';

export interface DiscoveryOptions {
  trust: TrustPolicy;
  /** Connect here instead of DOMAIN:443 (tests); the certificate is still checked for the domain. */
  at?: { host: string; port: number };
  timeoutMs?: number;
  maxBytes?: number;
}

/** A document that could not be used; `absent` when the server simply has none (then the other is tried). */
class DocumentError extends EngineError {
  readonly absent: boolean;
  constructor(message: string, condition: string, absent = false) {
    super('not-supported', message, { condition });
    this.absent = absent;
  }
}

interface HostMetaDocument {
  path: string;
  accept: string;
  links(body: string, where: string): string[];
}

const DOCUMENTS: readonly HostMetaDocument[] = [
  { path: '/.well-known/host-meta', accept: 'application/xrd+xml', links: linksFromXrd },
  { path: '/.well-known/host-meta.json', accept: 'application/json', links: linksFromJson },
];

/** The endpoint a WebSocket sign-in uses: the URL given, else the one the domain's host-meta names. */
export async function webSocketEndpointFor(
  domain: string,
  options: { websocketUrl?: string; trust: TrustPolicy; hostMetaAt?: { host: string; port: number } },
): Promise<Endpoint> {
  return webSocketEndpoint(
    options.websocketUrl ??
      (await discoverWebSocket(domain, { trust: options.trust, at: options.hostMetaAt })),
  );
}

/** The wss:// URL the domain's host-meta names for XMPP over WebSocket, or the typed reason there is none. */
export async function discoverWebSocket(domain: string, options: DiscoveryOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? HOST_META_LIMITS.timeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(
        new EngineError(
          'timeout',
          `${domain} did not send its host-meta within ${timeoutMs / 1000} s, so no WebSocket address was found.`,
          { condition: 'host-meta-timeout' },
        ),
      ),
    timeoutMs,
  );
  let first: EngineError | null = null;
  try {
    for (const document of DOCUMENTS) {
      const where = `https://${domain}${document.path}`;
      try {
        const body = await fetchDocument(domain, document, options, deadline.signal);
        return pickWebSocket(domain, where, document.links(body, where));
      } catch (error) {
        // Only a missing or unusable document is worth trying the other: the rest would fail the same way.
        if (!(error instanceof DocumentError)) throw error;
        // The first document's problem, unless it was merely missing and this one says more.
        if (!first || (first instanceof DocumentError && first.absent && !error.absent)) first = error;
      }
    }
    throw first!;
  } catch (error) {
    if (deadline.signal.aborted) throw deadline.signal.reason as EngineError;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** GET over HTTPS, verified like the XMPP link, at most `maxBytes` of body; a typed error otherwise. */
function fetchDocument(
  domain: string,
  document: HostMetaDocument,
  options: DiscoveryOptions,
  signal: AbortSignal,
): Promise<string> {
  const host = options.at?.host ?? domain;
  const port = options.at?.port ?? 443;
  const maxBytes = options.maxBytes ?? HOST_META_LIMITS.maxBytes;
  const where = `https://${domain}${document.path}`;
  return new Promise((resolve, reject) => {
    const createConnection = (
      _options: unknown,
      done: (error: Error | null, socket?: tls.TLSSocket) => void,
    ) => {
      connectVerifiedTls(host, port, options.trust, ['http/1.1'], signal).then(
        (verified) => done(null, verified.socket),
        (error: Error) => done(error),
      );
      return undefined;
    };
    const request = https.request({
      host,
      port,
      path: document.path,
      method: 'GET',
      headers: { host: domain, accept: document.accept },
      createConnection: createConnection as never,
      signal,
    });
    request.on('error', (error) => {
      if (signal.aborted) reject(signal.reason as Error);
      else reject(classifyConnectError(error, { host, port, directTls: false }, domain));
    });
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        request.destroy();
        reject(
          new DocumentError(
            `${where} answered HTTP ${status}${status >= 300 && status < 400 ? ' (a redirect, not followed)' : ''}.`,
            'host-meta-missing',
            true,
          ),
        );
        return;
      }
      const tooLarge = () =>
        new DocumentError(`${where} is larger than ${maxBytes / 1024} KiB.`, 'host-meta-too-large');
      if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
        request.destroy();
        reject(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          request.destroy();
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', (error) => reject(signal.aborted ? (signal.reason as Error) : error));
    });
    request.end();
  });
}

/** The first wss:// link; a typed error when there is none, or only unencrypted ones. */
function pickWebSocket(domain: string, where: string, links: string[]): string {
  let insecure = false;
  for (const link of links) {
    let url: string;
    try {
      url = webSocketEndpoint(link).url!;
    } catch {
      continue; // not a WebSocket URL we could use: the next one may be
    }
    if (url.startsWith('wss:')) return url;
    insecure = true;
  }
  if (insecure) {
    throw new EngineError(
      'insecure-refused',
      `${domain} offers XMPP over WebSocket only unencrypted (ws://), so Parley did not use it.`,
      { condition: 'host-meta-insecure' },
    );
  }
  throw new DocumentError(`${where} names no XMPP WebSocket address.`, 'host-meta-no-websocket', true);
}

/** Skips what may come before the root element: a BOM, whitespace, the XML declaration and comments. */
function afterProlog(body: string): string {
  let at = body.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (at < body.length && ' \t\r\n'.includes(body[at]!)) at++;
    const close = body.startsWith('<?', at) ? '?>' : body.startsWith('<!--', at) ? '-->' : null;
    if (!close) return body.slice(at);
    const end = body.indexOf(close, at);
    if (end < 0) return '';
    at = end + close.length;
  }
}

type DocumentParser = Parser & {
  on(event: 'start' | 'element', listener: (element: Element) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
};

/** The hrefs of the XRD's websocket Links: the document must be an XRD and well-formed enough to read. */
function linksFromXrd(body: string, where: string): string[] {
  const notXrd = (why: string) =>
    new DocumentError(`${where} is not a host-meta XRD document (${why}).`, 'host-meta-invalid');
  const parser = new Parser() as DocumentParser;
  let root: Element | null = null;
  let ended = false;
  let malformed: string | null = null;
  const links: string[] = [];
  parser.on('start', (element: Element) => (root = element));
  parser.on('element', (element: Element) => {
    if (!ended && element.is('Link', NS_XRD) && element.attrs.rel === REL_WEBSOCKET) {
      links.push(element.attrs.href ?? '');
    }
  });
  parser.on('end', () => (ended = true));
  parser.on('error', (error: Error) => (malformed ??= error.message));
  const xml = afterProlog(body);
  if (xml.startsWith('<!')) throw notXrd('a document type declaration');
  try {
    parser.write(xml);
  } catch (error) {
    malformed ??= error instanceof Error ? error.message : String(error);
  }
  if (malformed) throw notXrd(`not well-formed XML: ${malformed.slice(0, 100)}`);
  const top = root as Element | null;
  if (!top || !ended) throw notXrd('not a complete XML document');
  if (!top.is('XRD', NS_XRD)) throw notXrd(`its root is <${top.name.slice(0, 40)}>`);
  return links;
}

/** The hrefs of the JSON document's websocket links (RFC 6415 §3.2 JRD). */
function linksFromJson(body: string, where: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new DocumentError(`${where} is not JSON.`, 'host-meta-invalid');
  }
  const links = (parsed as { links?: unknown } | null)?.links;
  if (!Array.isArray(links)) throw new DocumentError(`${where} has no list of links.`, 'host-meta-invalid');
  return links
    .filter(
      (link: { rel?: unknown; href?: unknown }) =>
        link?.rel === REL_WEBSOCKET && typeof link.href === 'string',
    )
    .map((link: { href: string }) => link.href);
}
