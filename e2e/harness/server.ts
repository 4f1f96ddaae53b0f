// The server-neutral face of the harness: what a test may rely on whichever XMPP server runs (Prosody or
// ejabberd), and the one switch that picks it (PARLEY_SERVER). Server-specific raw configuration stays
// per server, under `prosody` / `ejabberd` in the options.
import type { CertificateFiles } from './certs.ts';
import type { EjabberdExtra } from './ejabberd-config.ts';
import { startEjabberd } from './ejabberd.ts';
import { startProsody } from './prosody.ts';

export type { CertificateFiles } from './certs.ts';

export type ServerKind = 'prosody' | 'ejabberd';
export const SERVER_KINDS: readonly ServerKind[] = ['prosody', 'ejabberd'];

export interface HarnessAccount {
  user: string;
  password: string;
}

/** Options both servers understand. */
export interface CommonServerOptions {
  domain?: string;
  /**
   * The SCRAM hash passwords are stored with, and so the one SCRAM family offered: Prosody's
   * `password_hash`, ejabberd's `auth_scram_hash` (both store SCRAM, never the plain password). Default SHA-256.
   */
  passwordHash?: 'SHA-1' | 'SHA-256';
  /** Registered before the server is handed out. */
  accounts?: HarnessAccount[];
  /** 'ca-signed': a throwaway CA plus a leaf for the domain signed by it. */
  certificate?: 'self-signed' | 'ca-signed';
  /** Default true: no stream is served before STARTTLS. */
  requireEncryption?: boolean;
  /**
   * Also serve XMPP over WebSocket (RFC 7395) on a loopback HTTPS port with the harness certificate
   * (Prosody's mod_websocket, ejabberd's ejabberd_http_ws): see XmppServer.websocketUrl.
   */
  websocket?: boolean;
  /**
   * Default true: a MUC service (XEP-0045) on `rooms.<domain>` with room archives (XEP-0313 on the room
   * JID), public persistent rooms that local users may create, no rate limits; listed by the server's
   * disco#items. On by default because it costs nothing measurable at start (rooms exist only once made)
   * and a lab server has one; false leaves it out (XmppServer.mucDomain is then null).
   */
  muc?: boolean;
}

export interface XmppServer {
  readonly kind: ServerKind;
  domain: string;
  /**
   * The MUC service's domain (`rooms.<domain>`), or null when started with `muc: false`. Both servers:
   * room archives (MAM on the room JID; Prosody's muc_mam, ejabberd's mod_mam with the room option `mam`),
   * room history (20 messages), public persistent rooms, creation by local users only. XEP-0421 occupant
   * ids: Prosody 0.12 only (its mod_muc has them built in; ejabberd has them from 23.10, not 23.01).
   * Prosody locks a new room until its owner submits the configuration (an instant room is an empty
   * submit); ejabberd 23.01 opens it at once.
   */
  mucDomain: string | null;
  host: '127.0.0.1';
  /** STARTTLS (RFC 6120) port. */
  c2sPort: number;
  /** Direct TLS (XEP-0368) port. */
  directTlsPort: number;
  /** With `websocket: true`: the wss:// URL of the WebSocket endpoint (by IP), and its HTTPS port. */
  websocketUrl?: string;
  httpsPort?: number;
  certificate: CertificateFiles;
  /** The CA's certificate when started with certificate 'ca-signed', else null. */
  caPem: string | null;
  /** Temp dir holding config, data, certificates and logs; removed by stop(). */
  dir: string;
  /** File holding the server process's pid (server-idle.ts reads it); valid while it runs. */
  pidFile: string;
  register(user: string, password: string): Promise<void>;
  unregister(user: string): Promise<void>;
  /** A fresh self-signed leaf, then a restart so both ports present it. */
  replaceCertificate(): Promise<CertificateFiles>;
  /** Stops and starts the process on the same ports with the same data (accounts survive). */
  restart(): Promise<void>;
  /** Kills the server and removes its temp dir. */
  stop(): Promise<void>;
  /** The server's log so far. */
  log(): string;
}

/** Options for startServer: the common ones plus raw configuration for each kind (the other is ignored). */
export interface ServerOptions extends CommonServerOptions {
  prosody?: {
    extraModules?: string[];
    /** Raw Lua appended to the global section (before VirtualHost). */
    extraConfig?: string;
  };
  ejabberd?: EjabberdExtra;
}

/** The server the suites run against: PARLEY_SERVER ('prosody' when unset). */
export function serverKind(env: NodeJS.ProcessEnv = process.env): ServerKind {
  const value = env.PARLEY_SERVER?.trim() || 'prosody';
  if (!(SERVER_KINDS as readonly string[]).includes(value)) {
    throw new Error(`PARLEY_SERVER must be one of ${SERVER_KINDS.join(', ')}; got '${value}'`);
  }
  return value as ServerKind;
}

/** Starts a harness server of `kind` (default: serverKind()). */
export async function startServer(
  kind: ServerKind = serverKind(),
  options: ServerOptions = {},
): Promise<XmppServer> {
  const { prosody, ejabberd, ...common } = options;
  if (kind === 'ejabberd') return startEjabberd({ ...common, ...ejabberd });
  return startProsody({ ...common, ...prosody });
}

/**
 * Client connections the server's log shows accepted since its last (re)start, readiness probes included:
 * Prosody logs 'Client connected' per c2s connection, ejabberd 'Accepted connection <peer> -> <ip:port>'
 * per listener connection (the HTTP API's are left out).
 */
export function acceptedConnections(server: XmppServer): number {
  const lines = server.log().split('\n');
  if (server.kind === 'prosody') return lines.filter((l) => l.includes('Client connected')).length;
  const c2s = new Set([server.c2sPort, server.directTlsPort].map((p) => `${server.host}:${p}`));
  return lines.filter((l) => {
    const match = / Accepted connection \S+ -> (\S+)$/.exec(l.trimEnd());
    return match?.[1] !== undefined && c2s.has(match[1]);
  }).length;
}
