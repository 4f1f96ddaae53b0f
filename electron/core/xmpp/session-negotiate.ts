// Opening one session at one endpoint: the socket (through a proxy when set), STARTTLS or direct TLS, SASL,
// XEP-0198 resumption or resource binding, within the sign-in budget. session.ts builds the XmppSession
// from what this negotiated; a failure leaves nothing open.
import net from 'node:net';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import { xml } from '@xmpp/xml';
import { EngineError } from '../errors.ts';
import {
  isLoopbackHost,
  ParleyConnection,
  SeeOtherUriError,
  StanzaLimitError,
  StreamErrorReceived,
  XMLError,
} from './connection.ts';
import { directTlsTransport, upgradeToTls } from './tls-adapter.ts';
import type { Endpoint } from './resolve-endpoints.ts';
import { connectThrough } from './proxy-tunnel.ts';
import { webSocketSaslLink, webSocketTransport } from './websocket-transport.ts';
import { authenticate, saslLinkOf } from '../sasl/negotiate.ts';
import { parseStreamLimits } from './stream-limits.ts';
import { NS_SM, type StreamManagement } from './stream-management.ts';
import {
  bindResource,
  iqSetDuringNegotiation,
  openStream,
  prefetch,
  type EarlyStanzas,
  type Prefetched,
} from './negotiation-steps.ts';
import { NS_BIND, NS_CSI, NS_PRE_APPROVAL, NS_ROSTER_VER, NS_SESSION, NS_TLS } from './ns.ts';
import { parseJid } from '../../../shared/jid.ts';
import type { SessionOptions, StreamFeatureFlags } from './session.ts';
import { errorFields, tlsFields } from '../diagnostics/diagnostic-fields.ts';

export interface NegotiationResult {
  jid: string;
  mechanism: string;
  channelBinding: string | null;
  features: StreamFeatureFlags;
  resumed: boolean;
  sm: StreamManagement | null;
  early: EarlyStanzas;
  prefetched: Prefetched;
}

/** A negotiated connection, ready to become an XmppSession. */
export interface Negotiated {
  connection: ParleyConnection;
  result: NegotiationResult;
}

export async function openAt(
  endpoint: Endpoint,
  domain: string,
  options: SessionOptions,
): Promise<Negotiated> {
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
    options.log?.('connection.error', errorFields(error));
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
    return await Promise.race([negotiate(connection, endpoint, domain, options), timedOut, malformed]);
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
): Promise<Negotiated> {
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

  const tlsInUse = tlsFields(connection.socket);
  if (tlsInUse) options.log?.('tls', tlsInUse);
  const local = parseJid(options.jid).local ?? '';
  const { mechanism, channelBinding } = await authenticate(connection, features, {
    username: local,
    password: options.password,
    link: webSocketSaslLink(connection.socket, options.trust) ?? saslLinkOf(connection.socket, options.trust),
  });
  options.log?.('sasl', { mechanism, channelBinding });
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
  const resuming = Boolean(sm?.resumable && sm.jid);
  if (sm?.resumable && sm.jid && (await sm.resume(connection))) {
    options.log?.('sm', { state: 'resumed' });
    connection._jid(sm.jid);
    connection._ready(true);
    return {
      connection,
      result: {
        jid: sm.jid,
        mechanism,
        channelBinding,
        features: flags,
        resumed: true,
        sm,
        early,
        prefetched: [],
      },
    };
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
  options.log?.('bound', { resource: parseJid(jid).resource, resumeFailed: resuming || undefined });
  options.log?.('sm', { state: smEnabled ? 'enabled' : sm ? 'failed' : 'not-offered' });
  connection._jid(jid);
  connection._ready(false);
  return {
    connection,
    result: {
      jid,
      mechanism,
      channelBinding,
      features: flags,
      resumed: false,
      sm: smEnabled ? sm : null,
      early,
      prefetched,
    },
  };
}
