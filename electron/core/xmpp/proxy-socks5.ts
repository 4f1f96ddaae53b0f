// SOCKS5 (RFC 1928) tunnel set-up, no authentication (method 0x00) only. The target goes as a DOMAINNAME
// (address type 3) unless it is an IPv4 literal, so the proxy, not this machine, resolves the server's name.
import net from 'node:net';
import { EngineError } from '../errors.ts';
import { ProxyProtocolError, type ProxyReplyReader } from './proxy-reply.ts';

const VERSION = 5;
const NO_AUTH = 0x00;
const NO_ACCEPTABLE_METHOD = 0xff;
const CONNECT = 1;
const ATYP_IPV4 = 1;
const ATYP_DOMAIN = 3;
const ATYP_IPV6 = 4;

/** RFC 1928 §6 reply codes, in words. */
const REPLIES: Readonly<Record<number, string>> = {
  1: 'general failure',
  2: 'connection not allowed by its rules',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused by the server',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** The CONNECT request for host:port (RFC 1928 §4). */
export function socks5ConnectRequest(host: string, port: number): Buffer {
  let address: Buffer;
  if (net.isIPv4(host)) {
    address = Buffer.from([ATYP_IPV4, ...host.split('.').map(Number)]);
  } else {
    // A name, or an IPv6 literal: the proxy's resolver reads both (getaddrinfo takes literals).
    const name = Buffer.from(host, 'ascii');
    if (name.length > 255)
      throw new EngineError('invalid-request', 'The server name is too long for SOCKS5.');
    address = Buffer.concat([Buffer.from([ATYP_DOMAIN, name.length]), name]);
  }
  return Buffer.concat([Buffer.from([VERSION, CONNECT, 0]), address, Buffer.from([port >> 8, port & 0xff])]);
}

/** Negotiates a SOCKS5 tunnel to host:port on a connected socket; `proxyName` names the proxy in errors. */
export async function socks5Handshake(
  socket: net.Socket,
  reader: ProxyReplyReader,
  target: { host: string; port: number },
  proxyName: string,
): Promise<void> {
  socket.write(Buffer.from([VERSION, 1, NO_AUTH]));
  const [version, method] = await reader.read(2);
  if (version !== VERSION) throw new ProxyProtocolError('is not a SOCKS5 proxy');
  if (method === NO_ACCEPTABLE_METHOD) {
    throw new EngineError('unreachable', `The proxy at ${proxyName} wants a password (not supported).`);
  }
  if (method !== NO_AUTH) throw new ProxyProtocolError('chose an authentication method it was not offered');
  socket.write(socks5ConnectRequest(target.host, target.port));
  const [replyVersion, reply, , atyp] = await reader.read(4);
  if (replyVersion !== VERSION) throw new ProxyProtocolError('answered the request with nonsense');
  if (reply !== 0) {
    const why = REPLIES[reply!] ?? `reply ${reply}`;
    throw new EngineError(
      'unreachable',
      `The proxy at ${proxyName} refused: ${why} (for ${target.host}:${target.port}).`,
      { condition: `socks5-${reply}` },
    );
  }
  // The address the proxy bound (unused): its length depends on its type.
  if (atyp === ATYP_IPV4) await reader.read(4 + 2);
  else if (atyp === ATYP_IPV6) await reader.read(16 + 2);
  else if (atyp === ATYP_DOMAIN) await reader.read((await reader.read(1))[0]! + 2);
  else throw new ProxyProtocolError('answered with an unknown address type');
}
