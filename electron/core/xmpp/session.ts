// One XMPP session: socket, STARTTLS or direct TLS, SASL, resource binding. Built from @xmpp/client's parts
// (connection, transports, XML parser) rather than its `client()` factory, because that factory brings a
// reconnect loop that retries TLS failures forever, slow WebCrypto SCRAM-SHA-1 and unverifiable TLS.
// A session never reconnects by itself: it opens once or fails with a typed EngineError, and reports
// 'closed' once. Reconnect policy belongs to the engine.
import { EventEmitter } from 'node:events';
import { xml, type Element } from '@xmpp/xml';
import { EngineError } from '../errors.ts';
import type { ParleyConnection } from './connection.ts';
import { classifyConnectError, SeeOtherUriError } from './connection.ts';

export { classifyConnectError, isLoopbackHost } from './connection.ts';
import type { TrustPolicy } from './tls-adapter.ts';
import { openAt, type NegotiationResult } from './session-negotiate.ts';
import { tcpEndpoints, type Endpoint } from './resolve-endpoints.ts';
import { proxied, type ProxySettings } from './proxy-tunnel.ts';
import { movedEndpoint } from './websocket-transport.ts';
import { webSocketEndpointFor } from './websocket-discovery.ts';
import { overServerLimit, type StreamLimits } from './stream-limits.ts';
import type { StreamManagement } from './stream-management.ts';
import type { Prefetched } from './negotiation-steps.ts';
import { NS_PING } from './ns.ts';
import { parseJid } from '../../../shared/jid.ts';
import type { DiagnosticLog } from '../diagnostics/diagnostics-log.ts';
import { endpointFields, errorFields } from '../diagnostics/diagnostic-fields.ts';

export interface SessionOptions {
  /** Bare JID of the account. */
  jid: string;
  password: string;
  resource: string;
  host?: string;
  port?: number;
  directTls?: boolean;
  /** 'websocket': XMPP over WebSocket (RFC 7395) at `websocketUrl`, else where XEP-0156 host-meta says. */
  transport?: 'tcp' | 'websocket';
  websocketUrl?: string;
  /** Fetch the host-meta from here instead of DOMAIN:443 (tests); its certificate is still checked for DOMAIN. */
  hostMetaAt?: { host: string; port: number };
  /** Permit an unencrypted link; honoured only when the host is loopback (and never with PLAIN). */
  allowInsecure?: boolean;
  trust: TrustPolicy;
  dnsServers?: readonly string[];
  /** Budget for the whole sign-in: connect, TLS, SASL, bind. */
  timeoutMs?: number;
  /** XEP-0198 state of this sign-in; resumed instead of binding when it can be. */
  sm?: StreamManagement;
  /**
   * Iq get payloads to send right after binding a new session, before stream management is enabled: their
   * answers come back in XmppSession.prefetched. For large answers (a roster): Prosody's smacks copies every
   * stanza it queues for resending, ~80 ms for a 10,000-contact roster (measured), which this avoids.
   */
  afterBind?: (features: StreamFeatureFlags) => Promise<Element[]>;
  /** TCP through this proxy (proxy-tunnel.ts: no local DNS then). */
  proxy?: ProxySettings | null;
  /** Gives up a sign-in under way (a sign-out): the attempt fails with the signal's reason. */
  signal?: AbortSignal;
  /** A silent link is probed after `probeAfterMs` and declared dead after `deadAfterMs` (defaults 10 s / 25 s). */
  liveness?: { probeAfterMs: number; deadAfterMs: number };
  /** The diagnostics log: endpoints, TLS, SASL mechanism, binding, stream management, errors; never secrets. */
  log?: DiagnosticLog;
}

/** XEP-0352 client state indication (ns.ts is shared; this flag is the only user besides idle/). */

const STANZA_NAMES = new Set(['message', 'presence', 'iq']);

export interface StreamFeatureFlags {
  rosterVersioning: boolean;
  preApproval: boolean;
  streamManagement: boolean;
  /** XEP-0352: the server takes <active/> / <inactive/>. */
  clientStateIndication: boolean;
  /** XEP-0478: what the server accepts on this stream (stream-limits.ts). */
  limits: StreamLimits;
}

export interface SessionEvents {
  stanza: [Element];
  /** The link is gone. `error` is null after our own close(). Emitted once. */
  closed: [EngineError | null];
}

export class XmppSession extends EventEmitter<SessionEvents> {
  readonly jid: string;
  readonly mechanism: string;
  /** The TLS channel binding the sign-in was bound to (SCRAM-*-PLUS); null when it was not. */
  readonly channelBinding: string | null;
  readonly secure: boolean;
  readonly features: StreamFeatureFlags;
  /** True when this session resumed the previous one (XEP-0198): roster and presence are still valid. */
  readonly resumed: boolean;
  /** SessionOptions.afterBind's requests and their answers (null: no answer, or an error). */
  readonly prefetched: Prefetched;
  readonly #connection: ParleyConnection;
  readonly #sm: StreamManagement | null;
  #closed = false;
  #closing = false;
  #ackRequestQueued = false;
  #lastHeard = Date.now();
  #lastSent = Date.now();
  /** Stanzas held until start(): the engine must see them in order, after it has attached its listener. */
  #held: Element[] | null = [];
  #liveness: NodeJS.Timeout | null = null;
  /** Ends the session as lost (set once listeners are attached). */
  #drop: ((error: EngineError) => void) | null = null;

  /** Use XmppSession.open(); this wraps a connection that finished negotiation. */
  constructor(
    connection: ParleyConnection,
    negotiated: NegotiationResult,
    liveness: { probeAfterMs: number; deadAfterMs: number } = { probeAfterMs: 10_000, deadAfterMs: 25_000 },
    log?: DiagnosticLog,
  ) {
    super();
    this.#connection = connection;
    this.jid = negotiated.jid;
    this.mechanism = negotiated.mechanism;
    this.channelBinding = negotiated.channelBinding;
    this.secure = connection.isSecure();
    this.features = negotiated.features;
    this.resumed = negotiated.resumed;
    this.prefetched = negotiated.prefetched;
    this.#sm = negotiated.sm;
    let lastError: unknown = null;
    connection.on('error', (error: unknown) => {
      lastError ??= error;
      log?.('connection.error', errorFields(error));
    });
    connection.on('element', () => (this.#lastHeard = Date.now()));
    const onStanza = (stanza: Element) => {
      this.#sm?.received();
      this.#deliver(stanza);
    };
    connection.on('stanza', onStanza);
    connection.on('nonza', (nonza: Element) => {
      const answer = this.#sm?.handleNonza(nonza);
      if (answer && !this.#closing && !this.#closed) connection.send(answer).catch(() => undefined);
    });
    // Stanzas that arrived between negotiation and now (e.g. queued ones right after <resumed/>).
    connection.off('stanza', negotiated.early.collect);
    connection.off('nonza', negotiated.early.watch);
    const early = negotiated.early.stanzas;
    for (const { stanza, counted } of early) {
      if (counted) this.#sm?.received();
      this.#held?.push(stanza);
    }
    const onGone = (dead?: EngineError) => {
      if (this.#closed) return;
      this.#closed = true;
      if (this.#liveness) clearInterval(this.#liveness);
      const error = this.#closing
        ? null
        : (dead ??
          (lastError
            ? classifyConnectError(lastError, null, connection.options.domain)
            : new EngineError('unreachable', 'The connection to the server was lost.')));
      connection.socket?.destroy?.();
      this.emit('closed', error);
    };
    // A link that drops packets without a reset never closes by itself: probe when silent, give up after.
    const idleSeconds = negotiated.features.limits.idleSeconds;
    const idleCheck = idleSeconds === null ? [] : [(idleSeconds * 1000) / 2];
    this.#liveness = setInterval(
      () => {
        const silent = Date.now() - this.#lastHeard;
        if (silent >= liveness.deadAfterMs) {
          onGone(
            new EngineError(
              'unreachable',
              `The server stopped answering (nothing for ${Math.round(silent / 1000)} s).`,
            ),
          );
        } else if (silent >= liveness.probeAfterMs) {
          this.#probe();
        }
        // XEP-0478: the server ends a stream we leave quiet for idle-seconds; a space keeps it (RFC 6120 §4.6.1).
        const idle = this.features.limits.idleSeconds;
        if (idle !== null && Date.now() - this.#lastSent >= (idle * 1000) / 2 && !this.#closing) {
          this.#lastSent = Date.now();
          connection.write(' ').catch(() => undefined);
        }
      },
      Math.max(100, Math.min(liveness.probeAfterMs, liveness.deadAfterMs, ...idleCheck) / 4),
    );
    this.#liveness.unref();
    this.#drop = onGone;
    // 'close' = the server closed the stream; 'disconnect' = the socket closed. Either ends the session, and
    // onGone destroys the socket rather than calling xmpp.js's disconnect(), whose status changes re-emit
    // 'close' and would loop.
    connection.on('disconnect', () => onGone());
    connection.on('close', () => onGone());
  }

  /** Opens a session or throws the typed reason it could not. */
  static async open(options: SessionOptions): Promise<XmppSession> {
    const domain = parseJid(options.jid).domain;
    const endpoints: Endpoint[] =
      options.transport === 'websocket'
        ? [await webSocketEndpointFor(domain, options)]
        : await tcpEndpoints(domain, proxied(options, domain));
    let lastError: EngineError | null = null;
    let moves = 0;
    for (let i = 0; i < endpoints.length; i++) {
      const endpoint = endpoints[i]!;
      options.log?.('sign-in.attempt', endpointFields(endpoint, options.proxy?.type));
      try {
        const { connection, result } = await openAt(endpoint, domain, options);
        return new XmppSession(connection, result, options.liveness, options.log);
      } catch (error) {
        // RFC 7395 §3.6.1: a WebSocket server sent us elsewhere; followed a few times, never to less security.
        if (error instanceof SeeOtherUriError) {
          endpoints.splice(i + 1, 0, movedEndpoint(endpoint, error.uri, ++moves));
          continue;
        }
        lastError = classifyConnectError(error, endpoint, domain);
        options.log?.('sign-in.failed', {
          ...errorFields(error),
          code: lastError.code,
          message: lastError.message,
        });
        // Only a failure to reach this endpoint is worth trying the next; the rest would fail the same way.
        if (lastError.code !== 'unreachable' && lastError.code !== 'dns-failed') throw lastError;
      }
    }
    throw lastError ?? new EngineError('dns-failed', `No server found for ${domain}.`);
  }

  /** Begins delivering stanzas ('stanza' events), starting with those that arrived before. */
  start(): void {
    const held = this.#held;
    this.#held = null;
    for (const stanza of held ?? []) this.emit('stanza', stanza);
  }

  #deliver(stanza: Element): void {
    if (this.#held) this.#held.push(stanza);
    else this.emit('stanza', stanza);
  }

  /** Asks the server for any answer (an SM ack request, else a ping); whatever it sends back counts. */
  #probe(): void {
    const probe = this.#sm?.resumable
      ? this.#sm.ackRequest()
      : xml('iq', { type: 'get', id: `live-${Date.now()}` }, xml('ping', { xmlns: NS_PING }));
    this.#connection.send(probe).catch(() => undefined);
  }

  /**
   * The machine woke up or the network changed: a link that looks up may be dead (its NAT mapping or route
   * is gone). Probe now and drop the session if nothing comes back within `withinMs`, instead of waiting
   * for the silent-link timer.
   */
  checkAlive(withinMs: number): void {
    if (this.#closed) return;
    const askedAt = Date.now();
    this.#probe();
    setTimeout(() => {
      if (!this.#closed && this.#lastHeard < askedAt) {
        this.#drop?.(new EngineError('unreachable', 'The server did not answer after the network changed.'));
      }
    }, withinMs).unref();
  }

  send(stanza: Element): Promise<void> {
    return this.sendMany([stanza]);
  }

  /**
   * Sends stanzas in one socket write. With stream management they are queued as unacknowledged before the
   * write, so that if the link dies mid-write they are resent on resumption (or handed back to the engine).
   */
  sendMany(stanzas: Element[]): Promise<void> {
    if (this.#closed) return Promise.reject(new EngineError('not-connected', 'You are offline.'));
    const limit = this.features.limits.maxBytes;
    if (limit !== null && stanzas.some((s) => overServerLimit(s, this.features.limits))) {
      // Written, it would end the stream (XEP-0478): nothing of this burst goes out; the caller decides.
      return Promise.reject(
        new EngineError('too-large', `That is larger than your server accepts (${limit} bytes).`),
      );
    }
    this.#lastSent = Date.now();
    if (this.#sm) {
      // XEP-0198 counts stanzas only: a nonza (XEP-0352's <inactive/>) is neither counted nor resent.
      // (Nor asked to be acked: the server's <a/> would end a CSI server's quiet at once.)
      const counted = stanzas.filter((stanza) => STANZA_NAMES.has(stanza.name));
      for (const stanza of counted) this.#sm.sent(stanza);
      if (counted.length > 0) this.#requestAck();
    }
    return this.#connection.sendMany(stanzas);
  }

  /** One <r/> after a burst of sends, not one per stanza. */
  #requestAck(): void {
    if (this.#ackRequestQueued || !this.#sm) return;
    this.#ackRequestQueued = true;
    setImmediate(() => {
      this.#ackRequestQueued = false;
      // Not once we are closing: nothing may follow our </stream:stream> (RFC 6120 §4.4).
      if (!this.#closed && !this.#closing && this.#sm) {
        this.#connection.send(this.#sm.ackRequest()).catch(() => undefined);
      }
    });
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /** XEP-0198 is on: what we send is kept until the server confirms it. */
  get streamManaged(): boolean {
    return this.#sm !== null;
  }

  /** Closes the stream politely (the server then sends our unavailable presence), then the socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closing = true;
    if (this.#liveness) clearInterval(this.#liveness);
    try {
      await this.#connection.disconnect();
    } catch {
      // Already gone: nothing to close politely.
    }
    this.#connection.socket?.destroy?.();
    if (!this.#closed) {
      this.#closed = true;
      this.emit('closed', null);
    }
  }
}
