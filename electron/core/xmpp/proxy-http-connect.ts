// HTTP CONNECT (RFC 9110 §9.3.6) tunnel set-up: one request, the proxy's status line decides. Its headers
// are read up to the blank line within the reader's bound (8 kB) and otherwise ignored; nothing after
// them may arrive before we speak (the XMPP server never speaks first).
import net from 'node:net';
import { EngineError } from '../errors.ts';
import { ProxyProtocolError, type ProxyReplyReader } from './proxy-reply.ts';

/** The bound on a CONNECT answer's status line and headers. */
export const MAX_CONNECT_ANSWER_BYTES = 8 * 1024;
/** How much of a refusal's status line an error shows. */
const MAX_STATUS_CHARS = 120;

/** RFC 9110 §4.2.3 authority form: host:port, an IPv6 literal in brackets. */
export function connectAuthority(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** The status line's code, or null when it is not `HTTP/1.x NNN …`. */
export function statusCodeOf(statusLine: string): number | null {
  if (!statusLine.startsWith('HTTP/1.') || statusLine.charAt(8) !== ' ') return null;
  const code = statusLine.slice(9, 12);
  if (code.length !== 3 || ![...code].every((c) => c >= '0' && c <= '9')) return null;
  const after = statusLine.charAt(12);
  return after === '' || after === ' ' ? Number(code) : null;
}

/** The status line as text a person may read: printable ASCII only, cut to MAX_STATUS_CHARS. */
function readable(statusLine: string): string {
  let text = '';
  for (const c of statusLine.slice(0, MAX_STATUS_CHARS)) text += c >= ' ' && c <= '~' ? c : '?';
  return statusLine.length > MAX_STATUS_CHARS ? `${text}…` : text;
}

/** Asks an HTTP proxy for a tunnel to host:port on a connected socket; `proxyName` names it in errors. */
export async function httpConnectHandshake(
  socket: net.Socket,
  reader: ProxyReplyReader,
  target: { host: string; port: number },
  proxyName: string,
): Promise<void> {
  const authority = connectAuthority(target.host, target.port);
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 'latin1');
  const answer = await reader.readHeaders();
  const statusLine = answer.slice(0, answer.indexOf('\r\n'));
  const code = statusCodeOf(statusLine);
  if (code === null) throw new ProxyProtocolError('did not answer in HTTP');
  if (code >= 200 && code < 300) return;
  if (code === 407) {
    throw new EngineError('unreachable', `The proxy at ${proxyName} wants a password (not supported).`, {
      condition: 'http-407',
    });
  }
  throw new EngineError(
    'unreachable',
    `The proxy at ${proxyName} refused the connection to ${authority}: ${readable(statusLine)}.`,
    { condition: `http-${code}` },
  );
}
