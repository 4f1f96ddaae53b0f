// An account's TCP link through a proxy (SOCKS5 or HTTP CONNECT): the tunnel is opened first, then handed
// to xmpp.js as the socket its transport would have opened, so STARTTLS or direct TLS run over it exactly
// as over a direct socket (the certificate checked is the XMPP server's, for the account's domain; the
// proxy only ever sees TLS after the stream header).
//
// Name resolution: with a proxy nothing is looked up on this machine. The target goes to the proxy by name
// (SOCKS5 DOMAINNAME, the CONNECT authority), and there is no local SRV lookup (RFC 6120 §3.2): it would
// tell the local resolver which server this account uses, which a proxy is often there to hide. So the
// target is the host given in Advanced, or the domain itself on 5222 (5223 with direct TLS).
import net from 'node:net';
import { domainToASCII } from 'node:url';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import ConnectionTLS from '@xmpp/tls/lib/Connection.js';
import type { SocketLike } from '@xmpp/connection';
import type { ProxySettings } from '../../../shared/account-commands.ts';
import type { ParleyConnection } from './connection.ts';
import type { Endpoint } from './resolve-endpoints.ts';
import { EngineError } from '../errors.ts';
import { connectAuthority, httpConnectHandshake, MAX_CONNECT_ANSWER_BYTES } from './proxy-http-connect.ts';
import { ProxyProtocolError, ProxyReplyReader } from './proxy-reply.ts';
import { socks5Handshake } from './proxy-socks5.ts';
import { VerifiedTlsSocket, type TrustPolicy } from './tls-adapter.ts';

export type { ProxySettings };

/** With a proxy, the endpoint is never looked up here: the host given, else the domain itself. */
export function proxied<T extends { proxy?: ProxySettings | null; host?: string }>(
  options: T,
  domain: string,
): T {
  return options.proxy && !options.host ? { ...options, host: domain } : options;
}

/**
 * Opens the tunnel to `endpoint` and makes it the only transport `connection` may connect with, within the
 * sign-in budget and until `signal` (a sign-out) gives up.
 */
export async function connectThrough(
  proxy: ProxySettings,
  connection: ParleyConnection,
  endpoint: Endpoint,
  options: { trust: TrustPolicy; timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  const budget = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([budget, options.signal]) : budget;
  const tunnel = await openTunnel(proxy, endpoint, signal);
  connection.transports.splice(0, Infinity, tunnelTransport(tunnel, endpoint.directTls, options.trust));
}

export interface TunnelTarget {
  host: string;
  port: number;
}

/**
 * A socket to `target` through `proxy`, ready for the XMPP stream. Rejects with an EngineError naming the
 * proxy: 'unreachable' (not listening, refused, broke its protocol), 'dns-failed' (its name), 'timeout'
 * (`signal` aborted: the sign-in budget ran out; a reason that is an EngineError, such as a sign-out, is
 * rethrown as it is). The socket is destroyed on any failure.
 */
export async function openTunnel(
  proxy: ProxySettings,
  target: TunnelTarget,
  signal: AbortSignal,
): Promise<net.Socket> {
  const proxyName = connectAuthority(proxy.host, proxy.port);
  // The name as the proxy reads it: IDNA ASCII (punycode), never anything that could break its request line.
  const name = net.isIP(target.host) ? target.host : domainToASCII(target.host);
  if (name === '' || ![...name].every((c) => c > ' ' && c < '\x7f')) {
    throw new EngineError(
      'invalid-request',
      `${target.host.slice(0, 100)} is not a name a proxy can connect to.`,
    );
  }
  target = { host: name, port: target.port };
  const socket = net.connect({ host: proxy.host, port: proxy.port });
  // Small request/response exchanges (sign-in is seven round trips): Nagle's algorithm would hold each one.
  socket.setNoDelay(true);
  const reader = new ProxyReplyReader(socket, MAX_CONNECT_ANSWER_BYTES);
  const onAbort = (): void => reader.fail(new AbortedError());
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    await reader.connected();
    if (proxy.type === 'socks5') await socks5Handshake(socket, reader, target, proxyName);
    else await httpConnectHandshake(socket, reader, target, proxyName);
    if (!reader.release()) throw new ProxyProtocolError('sent data before the server was asked anything');
    return socket;
  } catch (error) {
    reader.release();
    socket.destroy();
    throw tunnelError(error, proxy, proxyName, signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

class AbortedError extends Error {}

function tunnelError(error: unknown, proxy: ProxySettings, proxyName: string, signal: AbortSignal): Error {
  if (error instanceof EngineError) return error;
  if (error instanceof AbortedError) {
    if (signal.reason instanceof EngineError) return signal.reason;
    return new EngineError('timeout', `The proxy at ${proxyName} did not open the connection in time.`);
  }
  if (error instanceof ProxyProtocolError) {
    return new EngineError('unreachable', `The proxy at ${proxyName} ${error.message}.`, { cause: error });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new EngineError('dns-failed', `The proxy ${proxy.host} could not be found (DNS).`, {
      cause: error,
    });
  }
  const why = code || (error instanceof Error ? error.message : String(error));
  return new EngineError('unreachable', `Could not reach the proxy at ${proxyName} (${why}).`, {
    cause: error,
  });
}

/**
 * The xmpp.js transport that "opens" the already open `tunnel`: plain TCP (STARTTLS follows and wraps it)
 * or direct TLS (XEP-0368) started on it, verified against `policy`.
 */
export function tunnelTransport(
  tunnel: net.Socket,
  directTls: boolean,
  policy: TrustPolicy,
): typeof ConnectionTCP {
  if (directTls) {
    class TunnelledTls extends ConnectionTLS {}
    (TunnelledTls.prototype as unknown as { Socket: new () => SocketLike }).Socket = class extends (
      VerifiedTlsSocket
    ) {
      constructor() {
        super(policy);
      }
      override connect(): void {
        super.connect({ socket: tunnel, alpn: true });
      }
    };
    return TunnelledTls;
  }
  class TunnelledTcp extends ConnectionTCP {}
  // A constructor returning an object gives that object to `new`: xmpp.js gets the tunnel itself (STARTTLS
  // needs the net.Socket), whose connect() only says it is connected.
  function AdoptedSocket(): SocketLike {
    return Object.assign(tunnel, {
      secure: false,
      connect: () => {
        process.nextTick(() => tunnel.emit('connect'));
        return tunnel;
      },
    }) as unknown as SocketLike;
  }
  (TunnelledTcp.prototype as unknown as { Socket: unknown }).Socket = AdoptedSocket;
  return TunnelledTcp;
}
