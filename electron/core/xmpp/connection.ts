// The connection under a session: xmpp.js's client core with what it gets wrong here fixed (UTF-8 split across
// socket reads or not UTF-8 at all, XML that RFC 6120 restricts, empty or made-up stream errors), and the mapping of whatever a connect
// attempt threw into an error a person can act on.
import net from 'node:net';
import { Client } from '@xmpp/client-core';
import type { SocketLike, StreamParser } from '@xmpp/connection';
import { xml, type Element } from '@xmpp/xml';
import { EngineError } from '../errors.ts';
import type { Endpoint } from './resolve-endpoints.ts';
import { NS_STREAM_ERRORS } from './ns.ts';
import { MarkupScanner } from './markup-scanner.ts';

/** The stream error conditions RFC 6120 §4.9.3 defines: any other name a server sends is undefined-condition. */
const STREAM_ERROR_CONDITIONS: ReadonlySet<string> = new Set([
  'bad-format',
  'bad-namespace-prefix',
  'conflict',
  'connection-timeout',
  'host-gone',
  'host-unknown',
  'improper-addressing',
  'internal-server-error',
  'invalid-from',
  'invalid-namespace',
  'invalid-xml',
  'not-authorized',
  'not-well-formed',
  'policy-violation',
  'remote-connection-failed',
  'reset',
  'resource-constraint',
  'restricted-xml',
  'see-other-host',
  'system-shutdown',
  'undefined-condition',
  'unsupported-encoding',
  'unsupported-feature',
  'unsupported-stanza-type',
  'unsupported-version',
]);

/** How much of a server's <text/> a message shows: a reason, not a page (the server chooses its length). */
const MAX_REASON_CHARS = 200;

/** `text` cut to MAX_REASON_CHARS with an ellipsis, never between the two halves of a surrogate pair. */
function readableReason(text: string): string {
  if (text.length <= MAX_REASON_CHARS) return text;
  const last = text.charCodeAt(MAX_REASON_CHARS - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? MAX_REASON_CHARS - 1 : MAX_REASON_CHARS;
  return `${text.slice(0, end)}…`;
}

/** Stream errors parsed defensively: xmpp.js's own parser throws on an empty <stream:error/>. */
export class StreamErrorReceived extends Error {
  readonly condition: string;
  readonly text: string | null;
  constructor(condition: string, text: string | null) {
    super(`stream error: ${condition}${text ? ` (${readableReason(text)})` : ''}`);
    this.condition = condition;
    this.text = text;
  }
}

/**
 * Per-stanza limits while parsing (issue 9): bytes read since the last complete top-level element, characters
 * of text in it, and element depth (the stream root is depth 1). Past any of them the stream ends with
 * policy-violation. Measured on @xmpp/xml's parser in 16 KiB reads: text costs about 160 ms per MB and grows
 * faster than linearly (8 MB: 1.3 s), while markup is cheap (an 80,000-item roster, 8.6 MB: 150 ms); a
 * 10,000-contact roster is one 1.1 MB stanza. Hence 16 MiB of stanza, 2 Mi characters of text (a
 * 100,000-character message is 100,000), and 64 levels, far more than any XMPP payload nests (7 MB of nested
 * elements took 341 MB of heap).
 */
export const STANZA_LIMITS = { maxBytes: 16 * 1024 * 1024, maxText: 2 * 1024 * 1024, maxDepth: 64 } as const;

/** The server's stream broke one of STANZA_LIMITS: we answered policy-violation and the stream ended. */
export class StanzaLimitError extends Error {
  override readonly name = 'StanzaLimitError';
}

/** The stream error a broken stream is answered with (RFC 6120 §4.9.3): bad-format unless one more specific fits. */
export type XmlErrorCondition = 'bad-format' | 'restricted-xml' | 'unsupported-encoding';

/**
 * The server's stream stopped being XML we read: not well-formed (bad-format), a comment, processing
 * instruction or DTD (restricted-xml, RFC 6120 §11.1), or bytes that are not UTF-8 (unsupported-encoding,
 * §11.6). We answered with the condition and the stream ended.
 */
export class XMLError extends Error {
  override readonly name = 'XMLError';
  readonly condition: XmlErrorCondition;
  constructor(message: string, condition: XmlErrorCondition = 'bad-format') {
    super(message);
    this.condition = condition;
  }
}

/** A WebSocket server moved us elsewhere (RFC 7395 §3.6.1, <close see-other-uri='…'/>). */
export class SeeOtherUriError extends Error {
  override readonly name = 'SeeOtherUriError';
  readonly uri: string;
  constructor(uri: string) {
    super(`The server moved this connection to ${uri.slice(0, 200)}.`);
    this.uri = uri;
  }
}

export class ParleyConnection extends Client {
  /**
   * xmpp.js 0.14 decodes every socket read on its own (`data.toString('utf8')`), so a character whose UTF-8
   * bytes straddle two reads (TLS records are 16 kB) arrives as two U+FFFD: non-ASCII text in messages and
   * names was corrupted at random. One streaming decoder per socket carries the partial bytes over to the
   * next read; fatal, because bytes that are not UTF-8 must end the stream (RFC 6120 §11.6), not read on.
   */
  #decoder = utf8Decoder();
  /** A new one per parser: each stream (after STARTTLS, after SASL) starts with its own XML declaration. */
  #markup = new MarkupScanner();
  readonly #limits = STANZA_LIMITS;
  /** Bytes and text characters read since the last top-level element closed, and the element depth now. */
  #stanzaBytes = 0;
  #stanzaText = 0;
  #depth = 0;

  override _attachSocket(socket: SocketLike): void {
    this.#decoder = utf8Decoder(); // STARTTLS swaps the socket: start clean on the new one
    super._attachSocket(socket);
  }

  override _onData(data: Buffer | string): void {
    // After a parser error the stream is over (xmpp.js has let go of its parser): nothing more is read.
    const parser = this.parser;
    if (!parser) return;
    this.#stanzaBytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.#stanzaBytes > this.#limits.maxBytes) {
      this.#overLimit(`a stanza larger than ${this.#limits.maxBytes} bytes`);
      return;
    }
    let text: string;
    try {
      text = typeof data === 'string' ? data : this.#decoder.decode(data, { stream: true });
    } catch {
      const failure = new XMLError('The server sent bytes that are not UTF-8.', 'unsupported-encoding');
      this.#endStream('unsupported-encoding', failure);
      return;
    }
    const problem = this.#markup.scan(text);
    try {
      parser.write(problem === null ? text : text.slice(0, problem.at));
    } catch (error) {
      // ltx throws out of write() on an unknown entity or an illegal character reference, instead of
      // emitting: turn it into the parser error it is, so it ends this stream (bad-format) and not the
      // process, which it did from inside the socket's data callback.
      const failure = new XMLError(error instanceof Error ? error.message : String(error));
      if (this.parser === parser) parser.emit('error', failure);
    }
    if (problem !== null && this.parser === parser) {
      if (problem.kind === 'restricted') {
        const failure = new XMLError(
          'The server sent a comment, processing instruction or DTD, which XMPP forbids.',
          'restricted-xml',
        );
        this.#endStream('restricted-xml', failure);
      } else {
        this.#endStream('bad-format', new XMLError('The server sent a tag that is not well-formed XML.'));
      }
    }
  }

  override _attachParser(parser: StreamParser): void {
    // Stanzas sit inside the stream root (depth 2) on TCP, at the top (depth 1) in WebSocket framing.
    const framed = (parser as { framed?: boolean }).framed === true;
    const root = framed ? 0 : 1;
    // A framed <close see-other-uri/>: said before xmpp.js handles the end of the stream, so whoever sees
    // the 'close' knows why. (TCP has no such thing: an attribute of that name there means nothing.)
    if (framed) {
      parser.on('end', (element?: Element) => {
        const uri = element?.attrs['see-other-uri'];
        if (uri) this.emit('error', new SeeOtherUriError(uri));
      });
    }
    super._attachParser(parser);
    this.#markup = new MarkupScanner();
    this.#stanzaBytes = 0;
    this.#stanzaText = 0;
    this.#depth = 0;
    // The SAX parser under @xmpp/xml's: count depth as elements open, and start each stanza's byte count
    // over when a top-level element closes.
    parser.parser.on('startElement', () => {
      if (++this.#depth > this.#limits.maxDepth + root && this.parser === parser) {
        this.#overLimit(`elements nested deeper than ${this.#limits.maxDepth}`);
      }
    });
    parser.parser.on('endElement', () => {
      if (--this.#depth > root) return;
      this.#stanzaBytes = 0;
      this.#stanzaText = 0;
    });
    parser.parser.on('text', (text: string) => {
      if (this.#depth <= root) return; // whitespace between stanzas
      this.#stanzaText += text.length;
      if (this.#stanzaText > this.#limits.maxText && this.parser === parser) {
        this.#overLimit(`a stanza with more than ${this.#limits.maxText} characters of text`);
      }
    });
    // xmpp.js unsubscribes from a parser at its first error, but the same read can hold a second one (a
    // mismatched closing tag): an 'error' event with no listener would throw. The first one counts.
    parser.on('error', () => undefined);
  }

  #overLimit(what: string): void {
    this.#endStream('policy-violation', new StanzaLimitError(`The server sent ${what}.`));
  }

  /**
   * Settles once a stream error of ours (malformed XML, a limit) has been handed to the socket, or could not
   * be; null until we send one. Whoever destroys the socket after such an error waits for it, so the server
   * hears why.
   */
  streamErrorWritten: Promise<void> | null = null;

  /** xmpp.js's (used for its own parser errors too): the error, then disconnect, with the write kept to wait on. */
  override async _streamError(condition: string): Promise<void> {
    const written = this.send(xml('stream:error', {}, [xml(condition, { xmlns: NS_STREAM_ERRORS })]));
    this.streamErrorWritten = written.then(
      () => undefined,
      () => undefined,
    );
    await this.streamErrorWritten;
    return this.disconnect();
  }

  /** Ends the stream with `condition` and lets go of the parser (what is left of this read is dropped). */
  #endStream(condition: string, error: Error): void {
    void this._streamError(condition).catch(() => undefined);
    this._detachParser();
    this.emit('error', error);
  }

  override _onStreamError(element: Element): void {
    // Only a name RFC 6120 defines: the condition reaches the UI and the reconnect policy.
    const condition = element
      .getChildElements()
      .find((child) => child.getNS() === NS_STREAM_ERRORS && STREAM_ERROR_CONDITIONS.has(child.name));
    const text = element.getChildText('text', NS_STREAM_ERRORS);
    this.emit('error', new StreamErrorReceived(condition?.name ?? 'undefined-condition', text));
  }
}

function utf8Decoder(): TextDecoder {
  return new TextDecoder('utf-8', { fatal: true });
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

/** Maps whatever a socket, TLS or the stream threw into the error a person can act on. */
export function classifyConnectError(error: unknown, endpoint: Endpoint | null, domain: string): EngineError {
  if (error instanceof EngineError) return error;
  const where = endpoint ? (endpoint.url ?? `${endpoint.host}:${endpoint.port}`) : domain;
  if (error instanceof SeeOtherUriError)
    return new EngineError('unreachable', error.message, { cause: error });
  if (error instanceof StreamErrorReceived) {
    if (error.condition === 'conflict') {
      return new EngineError(
        'conflict',
        'Signed out: this account signed in again from another place with the same resource.',
        {
          condition: error.condition,
        },
      );
    }
    if (error.condition === 'host-unknown') {
      return new EngineError('stream-error', `The server at ${where} does not host ${domain}.`, {
        condition: error.condition,
      });
    }
    const reason = error.text ? `: ${readableReason(error.text)}` : '';
    return new EngineError(
      'stream-error',
      `The server closed the connection (${error.condition})${reason}.`,
      {
        condition: error.condition,
      },
    );
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const name = (error as Error | undefined)?.name ?? '';
  if (error instanceof StanzaLimitError) {
    return new EngineError(
      'stream-error',
      `${error.message.replace('The server', `The server at ${where}`)} The connection was closed (policy-violation).`,
      { condition: 'policy-violation', cause: error },
    );
  }
  if (error instanceof XMLError && error.condition === 'unsupported-encoding') {
    return new EngineError(
      'stream-error',
      `The server at ${where} sent bytes that are not UTF-8; the connection was closed.`,
      { condition: error.condition, cause: error },
    );
  }
  if (error instanceof XMLError && error.condition === 'restricted-xml') {
    return new EngineError(
      'stream-error',
      `The server at ${where} sent a comment, processing instruction or DTD, which XMPP forbids; the connection was closed.`,
      { condition: error.condition, cause: error },
    );
  }
  if (name === 'XMLError') {
    // Ours, or xmpp.js's own for a mismatched closing tag: we answered bad-format and closed the stream.
    return new EngineError(
      'stream-error',
      `The server at ${where} sent data that is not well-formed XML; the connection was closed.`,
      { condition: 'bad-format', cause: error },
    );
  }
  if (
    [
      'ECONNREFUSED',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'EADDRNOTAVAIL',
    ].includes(code)
  ) {
    return new EngineError('unreachable', `Could not reach the server at ${where} (${code}).`, {
      cause: error,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new EngineError('dns-failed', `The server ${endpoint?.host ?? domain} could not be found (DNS).`, {
      cause: error,
    });
  }
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS')) {
    return new EngineError('tls-failed', `A secure connection to ${where} could not be set up (${code}).`, {
      cause: error,
    });
  }
  if (name === 'TimeoutError') {
    return new EngineError('timeout', `The server at ${where} stopped answering during sign-in.`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError('unreachable', `The connection to ${where} failed: ${message}`, { cause: error });
}
