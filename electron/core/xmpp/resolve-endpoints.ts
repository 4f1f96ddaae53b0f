// Where to connect for a domain: RFC 6120 §3.2 SRV lookup, with XEP-0368 direct-TLS records merged in.
import { Resolver, lookup } from 'node:dns/promises';
import { EngineError } from '../errors.ts';

export interface Endpoint {
  host: string;
  port: number;
  directTls: boolean;
  /** A WebSocket endpoint (RFC 7395, websocket-transport.ts): its URL; host and port are the URL's. */
  url?: string;
}

export interface ResolveOptions {
  /** DNS servers to ask instead of the system's ("127.0.0.1:5353"); for tests and special networks. */
  dnsServers?: readonly string[];
  timeoutMs?: number;
}

interface SrvAnswer {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

async function lookupSrv(resolver: Resolver, name: string): Promise<SrvAnswer[] | 'nxdomain'> {
  try {
    return await resolver.resolveSrv(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOTFOUND') return 'nxdomain';
    if (NOT_FOUND.has(code)) return [];
    throw new EngineError('dns-failed', `Could not look up ${name}: ${code || String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Orders SRV answers for trying one after another: lowest priority first; within a priority, higher weight
 * first and direct TLS before STARTTLS (XEP-0368 §3 leaves the tie to the client; TLS-first saves a round
 * trip). A lone "." target means the service is decidedly not offered (RFC 2782).
 */
export function orderEndpoints(
  starttls: readonly SrvAnswer[],
  direct: readonly SrvAnswer[],
): Endpoint[] | 'no-service' {
  const all = [
    ...direct.map((answer) => ({ answer, directTls: true })),
    ...starttls.map((answer) => ({ answer, directTls: false })),
  ];
  if (all.length > 0 && all.every(({ answer }) => answer.name === '.' || answer.name === ''))
    return 'no-service';
  return all
    .filter(({ answer }) => answer.name !== '.' && answer.name !== '')
    .sort(
      (a, b) =>
        a.answer.priority - b.answer.priority ||
        b.answer.weight - a.answer.weight ||
        Number(b.directTls) - Number(a.directTls),
    )
    .map(({ answer, directTls }) => ({ host: answer.name.replace(/\.$/, ''), port: answer.port, directTls }));
}

/** Endpoints to try for `domain`, best first. Falls back to the domain itself on port 5222. */
export async function resolveEndpoints(domain: string, options: ResolveOptions = {}): Promise<Endpoint[]> {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: 2 });
  if (options.dnsServers && options.dnsServers.length > 0) resolver.setServers([...options.dnsServers]);
  const [starttls, direct] = await Promise.all([
    lookupSrv(resolver, `_xmpp-client._tcp.${domain}`),
    lookupSrv(resolver, `_xmpps-client._tcp.${domain}`),
  ]);
  const fromSrv = orderEndpoints(
    starttls === 'nxdomain' ? [] : starttls,
    direct === 'nxdomain' ? [] : direct,
  );
  if (fromSrv === 'no-service') {
    throw new EngineError('dns-failed', `${domain} does not offer XMPP service (its SRV record says so).`);
  }
  if (fromSrv.length > 0) return fromSrv;
  // No SRV records: the domain itself, if it resolves at all.
  try {
    if (options.dnsServers && options.dnsServers.length > 0) {
      await resolver.resolve4(domain).catch(() => resolver.resolve6(domain));
    } else {
      await lookup(domain);
    }
  } catch (error) {
    throw new EngineError('dns-failed', `The server ${domain} could not be found (DNS lookup failed).`, {
      cause: error,
    });
  }
  return [{ host: domain, port: 5222, directTls: false }];
}

/**
 * Where a TCP sign-in connects: the host asked for (its port, or 5222 / 5223 for direct TLS), else the SRV
 * records, those of the TLS mode asked for first.
 */
export async function tcpEndpoints(
  domain: string,
  options: { host?: string; port?: number; directTls?: boolean; dnsServers?: readonly string[] },
): Promise<Endpoint[]> {
  if (options.host) {
    return [
      {
        host: options.host,
        port: options.port ?? (options.directTls ? 5223 : 5222),
        directTls: options.directTls ?? false,
      },
    ];
  }
  const found = await resolveEndpoints(domain, { dnsServers: options.dnsServers });
  if (options.directTls === undefined) return found;
  return found
    .filter((e) => e.directTls === options.directTls)
    .concat(found.filter((e) => e.directTls !== options.directTls));
}
