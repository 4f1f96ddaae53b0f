// XMPP over WebSocket (RFC 7395), for networks where only HTTPS gets through: the second transport beside
// TCP. It is an xmpp.js connection class (picked by ParleyConnection for a ws:// or wss:// service), so the
// rest of the session (SASL, binding, stream management, limits) runs unchanged on top of it.
//
// Framing (RFC 7395 §3): the stream opens with <open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/> and
// closes with <close/>; every WebSocket text message is one complete element, and every element declares
// its namespace (so a stream error carries xmlns:stream itself). The HTTPS connection under the WebSocket
// is made and checked by connectVerifiedTls (the TCP transport's trust rules) before the upgrade request is
// written; SASL gets that TLS socket for channel binding (tls-exporter and tls-server-end-point are
// properties of the TLS connection, whatever runs inside it). ws:// only with the loopback insecure switch.
import { EventEmitter } from 'node:events';
import type tls from 'node:tls';
import WebSocket from 'ws';
import Connection, { type SocketLike } from '@xmpp/connection';
import { Element, Parser } from '@xmpp/xml';
import { EngineError } from '../errors.ts';
import { tlsChannelOf } from '../sasl/channel-binding.ts';
import type { SaslLink } from '../sasl/choose.ts';
import { isLoopbackHost, STANZA_LIMITS, StanzaLimitError, XMLError } from './connection.ts';
import { NS_CLIENT, NS_STREAMS } from './ns.ts';
import type { Endpoint } from './resolve-endpoints.ts';
import type { TrustPolicy } from './tls-adapter.ts';
import { connectVerifiedTls } from './verified-tls.ts';

export const NS_FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
/** The longest WebSocket URL accepted (from the user, a host-meta document or a see-other-uri). */
export const MAX_WEBSOCKET_URL = 2048;

/**
 * A WebSocket URL as an endpoint: wss:// (or ws://, which only the loopback insecure switch lets through at
 * connect time), no credentials in it, at most MAX_WEBSOCKET_URL characters. Throws a typed error otherwise.
 */
export function webSocketEndpoint(text: string): Endpoint {
  const url = text.length <= MAX_WEBSOCKET_URL && URL.canParse(text) ? new URL(text) : null;
  if (!url || (url.protocol !== 'wss:' && url.protocol !== 'ws:') || url.hostname === '') {
    throw new EngineError('invalid-request', 'The WebSocket address must be a wss:// URL.');
  }
  if (url.username !== '' || url.password !== '') {
    throw new EngineError('invalid-request', 'The WebSocket address must not carry a user name or password.');
  }
  url.hash = '';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'wss:' ? 443 : 80) : Number(url.port);
  return { host, port, directTls: false, url: url.href };
}

/** At most this many see-other-uri moves per sign-in: a server sending us round in circles ends there. */
const MAX_MOVES = 3;

/**
 * Where a <close see-other-uri='…'/> sends us (RFC 7395 §3.6.1): a URL like any other, never from wss:// to
 * ws:// ("MUST NOT accept a lower security context"); the certificate there is checked for the account's
 * domain as everywhere, so a move cannot hand the sign-in to someone else.
 */
export function movedEndpoint(from: Endpoint, uri: string, moves: number): Endpoint {
  if (!from.url) throw new EngineError('stream-error', 'Only a WebSocket server can move the connection.');
  if (moves > MAX_MOVES) {
    throw new EngineError('unreachable', `The server moved the connection more than ${MAX_MOVES} times.`);
  }
  let to: Endpoint;
  try {
    to = webSocketEndpoint(uri);
  } catch {
    throw new EngineError(
      'stream-error',
      'The server moved the connection to an address that is not a WebSocket URL.',
      {
        condition: 'see-other-uri',
      },
    );
  }
  if (from.url?.startsWith('wss:') && !to.url!.startsWith('wss:')) {
    throw new EngineError(
      'insecure-refused',
      `The server moved the connection to ${to.url!.slice(0, 200)}, which is not encrypted; Parley did not follow.`,
      { condition: 'see-other-uri' },
    );
  }
  return to;
}

/**
 * The element parser for framed streams: each top-level element is complete on its own (no stream root),
 * <open/> starts the stream and <close/> ends it. `framed` tells ParleyConnection's limits that stanzas sit
 * at depth 1 here, not 2. Whitespace between elements is ignored; other text there is not XML we accept.
 */
class FramedStreamParser extends Parser {
  readonly framed = true;

  override onStartElement(name: string, attrs: Record<string, string>): void {
    const element = new Element(name, attrs);
    this.cursor?.append(element);
    this.cursor = element;
  }

  override onEndElement(name: string): void {
    const cursor = this.cursor;
    if (!cursor || cursor.name !== name) {
      this.emit('error', new XMLError(`${cursor?.name ?? name} must be closed.`));
      return;
    }
    if (cursor.parent) {
      this.cursor = cursor.parent;
      return;
    }
    this.cursor = null;
    if (cursor.is('open', NS_FRAMING)) this.emit('start', cursor);
    else if (cursor.is('close', NS_FRAMING)) this.emit('end', cursor);
    else this.emit('element', cursor);
  }

  override onText(text: string): void {
    if (this.cursor) this.cursor.append(text);
    else if (text.trim() !== '')
      this.emit('error', new XMLError('The server sent text outside any element.'));
  }
}

/** What ws reports about a server that broke the WebSocket protocol, as the errors a session knows. */
function fromWsError(error: Error & { code?: string }): Error {
  if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
    // ws refuses the message before buffering it and closes with 1009 (message too big): a stream error
    // can no longer be written after that, the close code says it instead.
    return new StanzaLimitError(
      `The server sent a WebSocket message larger than ${STANZA_LIMITS.maxBytes} bytes.`,
    );
  }
  if (error.code === 'WS_ERR_INVALID_UTF8') return new XMLError('The server sent invalid UTF-8.');
  if (error.code?.startsWith('WS_ERR_')) {
    return new EngineError('stream-error', `The server broke the WebSocket protocol (${error.message}).`, {
      condition: 'bad-format',
      cause: error,
    });
  }
  return error;
}

/**
 * The socket xmpp.js drives (connect/write/end and 'connect'/'data'/'close'/'error'), over a `ws` client.
 * Each incoming text message is one 'data' event; a binary message ends the link (RFC 7395 §3.2).
 */
export class XmppWebSocket extends EventEmitter implements SocketLike {
  secure = false;
  /** The verified TLS connection under a wss:// socket (null over ws://): SASL binds to it. */
  tlsSocket: tls.TLSSocket | null = null;
  /** The certificate passed only because the user pinned it. */
  trustedByPin = false;
  readonly #policy: TrustPolicy;
  readonly #allowInsecure: boolean;
  #ws: WebSocket | null = null;
  #failed = false;
  /** Ends a TLS handshake still under way when the socket is destroyed (a deadline passed). */
  readonly #abandon = new AbortController();

  constructor(policy: TrustPolicy, allowInsecure: boolean) {
    super();
    this.#policy = policy;
    this.#allowInsecure = allowInsecure;
  }

  connect(service: unknown): void {
    let endpoint: Endpoint;
    try {
      endpoint = webSocketEndpoint(String(service));
      if (endpoint.url?.startsWith('ws:') && !(this.#allowInsecure && isLoopbackHost(endpoint.host))) {
        throw new EngineError(
          'insecure-refused',
          `${endpoint.url} is not encrypted (ws://), so Parley did not connect; use a wss:// address.`,
        );
      }
    } catch (error) {
      // After connect() returns: xmpp.js starts waiting for 'connect' or 'error' only then.
      process.nextTick(() => this.#fail(error as Error));
      return;
    }
    const secure = endpoint.url!.startsWith('wss:');
    this.secure = secure;
    const createConnection = (
      _options: unknown,
      done: (error: Error | null, socket?: tls.TLSSocket) => void,
    ) => {
      connectVerifiedTls(endpoint.host, endpoint.port, this.#policy, ['http/1.1'], this.#abandon.signal).then(
        (verified) => {
          this.tlsSocket = verified.socket;
          this.trustedByPin = verified.trustedByPin;
          done(null, verified.socket);
        },
        (error: Error) => done(error),
      );
      return undefined;
    };
    const ws = new WebSocket(endpoint.url!, ['xmpp'], {
      // No permessage-deflate: compressed lengths leak secrets next to attacker-chosen text (as TLS
      // compression did), and XMPP stanzas are small.
      perMessageDeflate: false,
      maxPayload: STANZA_LIMITS.maxBytes,
      followRedirects: false,
      ...(secure ? { createConnection: createConnection as never } : {}),
    });
    this.#ws = ws;
    ws.on('open', () => this.emit('connect'));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        this.emit('data', data);
        return;
      }
      this.#fail(new XMLError('The server sent a binary WebSocket message, which XMPP does not use.'));
      ws.close(1003);
    });
    ws.on('unexpected-response', (_request, response) => {
      response.resume();
      this.#fail(
        new EngineError(
          'unreachable',
          `${endpoint.url} answered HTTP ${response.statusCode ?? '?'} instead of opening an XMPP WebSocket.`,
        ),
      );
      ws.terminate();
    });
    ws.on('error', (error: Error) => this.#fail(fromWsError(error)));
    ws.on('close', (code: number) => {
      this.#ws = null;
      this.emit('close', code !== 1000);
    });
  }

  /** Only the first error counts: ws follows a failure with its own "closed before established" ones. */
  #fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.emit('error', error);
  }

  write(data: string, callback?: (error?: Error | null) => void): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      callback?.(new Error('The WebSocket is not open.'));
      return;
    }
    // A whitespace keepalive (RFC 6120 §4.6.1, XEP-0478) is not an element, which every message must be:
    // a WebSocket ping keeps the link instead (RFC 7395 §3.8).
    if (data.trim() === '') ws.ping(undefined, undefined, (error?: Error) => callback?.(error ?? null));
    else ws.send(data, (error?: Error) => callback?.(error ?? null));
  }

  end(): void {
    this.#ws?.close(1000);
  }

  destroy(): void {
    // Given up on: what ws reports about it from now on ("closed before established") has no listener left.
    this.#failed = true;
    this.#abandon.abort();
    this.#ws?.terminate();
    this.tlsSocket?.destroy();
  }
}

/** The SASL view of a WebSocket link (null for any other socket): its TLS connection and how it was trusted. */
export function webSocketSaslLink(socket: unknown, trust: TrustPolicy): SaslLink | null {
  if (!(socket instanceof XmppWebSocket)) return null;
  return {
    tls: socket.tlsSocket ? tlsChannelOf(socket.tlsSocket) : null,
    pinned: socket.trustedByPin,
    plainAllowedWhenPinned: trust.plainPasswordWhenPinned ?? false,
  };
}

/** RFC 7395 §3.3.3, §3.5: every element names its namespace; a stream error declares the stream prefix. */
function framed(element: Element): Element {
  if (element.name === 'stream:error') element.attrs['xmlns:stream'] ??= NS_STREAMS;
  else element.attrs.xmlns ??= NS_CLIENT;
  return element;
}

/** The WebSocket connection class for one session, its sockets bound to that session's trust policy. */
export function webSocketTransport(policy: TrustPolicy, allowInsecure: boolean): typeof Connection {
  class PolicyBoundWebSocket extends XmppWebSocket {
    constructor() {
      super(policy, allowInsecure);
    }
  }
  class WebSocketConnection extends Connection {
    override socketParameters(service: string): Record<string, unknown> | undefined {
      return /^wss?:\/\//i.test(service) ? (service as never) : undefined;
    }

    headerElement(): Element {
      return new Element('open', { xmlns: NS_FRAMING, version: '1.0' });
    }

    header(element: Element): string {
      return element.toString();
    }

    footerElement(): Element {
      return new Element('close', { xmlns: NS_FRAMING });
    }

    footer(element: Element): string {
      return element.toString();
    }

    override send(element: Element): Promise<void> {
      return super.send(framed(element));
    }

    /** One message per element (RFC 7395 §3.3.3), each through write(), which refuses once we are closing. */
    override async sendMany(elements: Element[]): Promise<void> {
      await Promise.all(elements.map((element) => this.write(framed(element).toString())));
      for (const element of elements) this.emit('send', element);
    }
  }
  const prototype = WebSocketConnection.prototype as unknown as {
    Socket: unknown;
    Parser: unknown;
    NS: string;
  };
  prototype.Socket = PolicyBoundWebSocket;
  prototype.Parser = FramedStreamParser;
  prototype.NS = NS_CLIENT;
  return WebSocketConnection;
}
