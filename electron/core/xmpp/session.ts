// One XMPP session: socket, STARTTLS or direct TLS, SASL, resource binding. Built from @xmpp/client's parts
// (connection, transports, XML parser) rather than its `client()` factory, because that factory brings a
// reconnect loop that retries TLS failures forever, slow WebCrypto SCRAM-SHA-1 and unverifiable TLS.
// A session never reconnects by itself: it opens once or fails with a typed EngineError, and reports
// 'closed' once. Reconnect policy belongs to the engine.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import { xml, type Element } from '@xmpp/xml';
import { EngineError } from '../errors.ts';
import {
  classifyConnectError,
  isLoopbackHost,
  ParleyConnection,
  SeeOtherUriError,
  StanzaLimitError,
  StreamErrorReceived,
  XMLError,
} from './connection.ts';

export { classifyConnectError, isLoopbackHost } from './connection.ts';
import { directTlsTransport, upgradeToTls, type TrustPolicy } from './tls-adapter.ts';
import { tcpEndpoints, type Endpoint } from './resolve-endpoints.ts';
import { connectThrough, proxied, type ProxySettings } from './proxy-tunnel.ts';
import { movedEndpoint, webSocketSaslLink, webSocketTransport } from './websocket-transport.ts';
import { webSocketEndpointFor } from './websocket-discovery.ts';
import { authenticate, saslLinkOf } from '../sasl/negotiate.ts';
import { overServerLimit, parseStreamLimits, type StreamLimits } from './stream-limits.ts';
import { NS_SM, type StreamManagement } from './stream-management.ts';
import {
  bindResource,
  iqSetDuringNegotiation,
  openStream,
  prefetch,
  type EarlyStanzas,
  type Prefetched,
} from './negotiation-steps.ts';
import { NS_BIND, NS_PING, NS_PRE_APPROVAL, NS_ROSTER_VER, NS_SESSION, NS_TLS } from './ns.ts';
import { parseJid } from '../../../shared/jid.ts';

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
}

/** XEP-0352 client state indication (ns.ts is shared; this flag is the only user besides idle/). */
export const NS_CSI = 'urn:xmpp:csi:0';

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
      try {
        return await openAt(endpoint, domain, options);
      } catch (error) {
        // RFC 7395 §3.6.1: a WebSocket server sent us elsewhere; followed a few times, never to less security.
        if (error instanceof SeeOtherUriError) {
          endpoints.splice(i + 1, 0, movedEndpoint(endpoint, error.uri, ++moves));
          continue;
        }
        lastError = classifyConnectError(error, endpoint, domain);
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

async function openAt(endpoint: Endpoint, domain: string, options: SessionOptions): Promise<XmppSession> {
  const connection = new ParleyConnection({ domain, timeout: options.timeoutMs ?? 15_000 });
  connection.transports.push(
    ConnectionTCP,
    directTlsTransport(options.trust),
    webSocketTransport(options.trust, options.allowInsecure ?? false),
  );
  // A listener must always exist: an 'error' event without one would throw out of a socket callback.
  let failure: unknown = null;
  // Malformed XML or a stanza past the limits ends the stream at once (xmpp.js has let go of its parser):
  // stop waiting for the next step.
  let stopWaiting: (error: unknown) => void = () => undefined;
  const malformed = new Promise<never>((_, reject) => (stopWaiting = reject));
  malformed.catch(() => undefined);
  const onError = (error: unknown) => {
    failure ??= error;
    // ...and so does a stream error (the server is done with us: no reply to the step in flight is coming).
    if (
      error instanceof XMLError ||
      error instanceof StanzaLimitError ||
      error instanceof SeeOtherUriError ||
      error instanceof StreamErrorReceived
    )
      stopWaiting(error);
  };
  connection.on('error', onError);
  // A WebSocket server that closes during sign-in is done with us: no reply is coming.
  const onClosed = () =>
    stopWaiting(new EngineError('unreachable', `${endpoint.url} closed the connection during sign-in.`));
  if (endpoint.url) connection.on('close', onClosed).on('disconnect', onClosed);
  const deadline = options.timeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('sign-in timed out'), { name: 'TimeoutError' })),
      deadline,
    );
  });
  try {
    const session = await Promise.race([
      negotiate(connection, endpoint, domain, options),
      timedOut,
      malformed,
    ]);
    return session;
  } catch (error) {
    // After our own stream error (malformed XML, a limit), let it reach the server before the socket goes
    // (through TLS the write is still on its way when we get here): once it is written (at most a second),
    // not at once. Not end(): xmpp.js may still write its closing tag, and a write after end() throws.
    const socket = connection.socket;
    const ourStreamError = connection.streamErrorWritten;
    if (ourStreamError) {
      // The connection is done: whatever its socket reports meanwhile (the server's reset) goes nowhere.
      connection.on('error', () => undefined);
      socket?.on?.('error', () => undefined);
      const giveUp = new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref());
      void Promise.race([ourStreamError, giveUp]).then(() => socket?.destroy?.());
    } else {
      socket?.destroy?.();
    }
    throw failure instanceof StreamErrorReceived || failure instanceof EngineError ? failure : error;
  } finally {
    clearTimeout(timer);
    connection.off('error', onError).off('close', onClosed).off('disconnect', onClosed);
  }
}

async function negotiate(
  connection: ParleyConnection,
  endpoint: Endpoint,
  domain: string,
  options: SessionOptions,
): Promise<XmppSession> {
  const host = net.isIPv6(endpoint.host) ? `[${endpoint.host}]` : endpoint.host;
  if (options.proxy && !endpoint.url) await connectThrough(options.proxy, connection, endpoint, options);
  await connection.connect(
    endpoint.url ?? `${endpoint.directTls ? 'xmpps' : 'xmpp'}://${host}:${endpoint.port}`,
  );
  let features = await openStream(connection, domain);

  if (!connection.isSecure()) {
    if (!endpoint.url && features.getChild('starttls', NS_TLS)) {
      const reply = await connection.sendReceive(xml('starttls', { xmlns: NS_TLS }));
      if (!reply.is('proceed', NS_TLS))
        throw new EngineError('tls-failed', 'The server refused to start TLS.');
      const plain = connection.socket as unknown as net.Socket;
      const secured = await upgradeToTls(plain, options.trust);
      connection._attachSocket(secured);
      features = await openStream(connection, domain, true);
    } else if (!(options.allowInsecure && !options.proxy && isLoopbackHost(endpoint.host))) {
      throw new EngineError(
        'insecure-refused',
        `The server at ${endpoint.host} does not offer encryption, so Parley did not send your password.`,
      );
    }
  }

  const local = parseJid(options.jid).local ?? '';
  const { mechanism, channelBinding } = await authenticate(connection, features, {
    username: local,
    password: options.password,
    link: webSocketSaslLink(connection.socket, options.trust) ?? saslLinkOf(connection.socket, options.trust),
  });
  // Collect stanzas from here on: the session's listeners attach only after negotiation returns. Only
  // those after <enabled/> or <resumed/> count towards the XEP-0198 h (the bind reply must not).
  const early: EarlyStanzas = {
    stanzas: [],
    smActive: false,
    collect: (stanza) => void early.stanzas.push({ stanza, counted: early.smActive }),
    watch: (nonza) => {
      if (nonza.is('enabled', NS_SM) || nonza.is('resumed', NS_SM)) early.smActive = true;
    },
  };
  connection.on('stanza', early.collect);
  connection.on('nonza', early.watch);
  features = await openStream(connection, domain, true);

  const flags: StreamFeatureFlags = {
    rosterVersioning: Boolean(features.getChild('ver', NS_ROSTER_VER)),
    preApproval: Boolean(features.getChild('sub', NS_PRE_APPROVAL)),
    streamManagement: Boolean(features.getChild('sm', NS_SM)),
    clientStateIndication: Boolean(features.getChild('csi', NS_CSI)),
    limits: parseStreamLimits(features),
  };
  const sm = flags.streamManagement ? (options.sm ?? null) : null;
  if (sm?.resumable && sm.jid && (await sm.resume(connection))) {
    connection._jid(sm.jid);
    connection._ready(true);
    return new XmppSession(
      connection,
      { jid: sm.jid, mechanism, channelBinding, features: flags, resumed: true, sm, early, prefetched: [] },
      options.liveness,
    );
  }
  if (!features.getChild('bind', NS_BIND))
    throw new EngineError('stream-error', 'The server did not offer resource binding.');
  const jid = await bindResource(connection, options.resource);
  const sessionFeature = features.getChild('session', NS_SESSION);
  if (sessionFeature && !sessionFeature.getChild('optional')) {
    await iqSetDuringNegotiation(connection, xml('session', { xmlns: NS_SESSION }));
  }
  const prefetched = options.afterBind
    ? await prefetch(connection, jid, await options.afterBind(flags), early)
    : [];
  const smEnabled = sm ? await sm.enable(connection, jid) : false;
  connection._jid(jid);
  connection._ready(false);
  return new XmppSession(
    connection,
    {
      jid,
      mechanism,
      channelBinding,
      features: flags,
      resumed: false,
      sm: smEnabled ? sm : null,
      early,
      prefetched,
    },
    options.liveness,
  );
}

interface NegotiationResult {
  jid: string;
  mechanism: string;
  channelBinding: string | null;
  features: StreamFeatureFlags;
  resumed: boolean;
  sm: StreamManagement | null;
  early: EarlyStanzas;
  prefetched: Prefetched;
}
