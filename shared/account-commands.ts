// The contract's account commands: signing in and out, remembered accounts, certificates, the snapshot of
// every account. Spread into `commands` in contract.ts (the one table both transports carry).
import { z } from 'zod';
import { MAX_WEBSOCKET_URL_CHARS } from './limits.ts';
export { MAX_WEBSOCKET_URL_CHARS };
import {
  accountConnectionSchema,
  accountSchema,
  accountSnapshotSchema,
  bareJidSchema,
  engineErrorSchema,
} from './schemas.ts';

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

/** How an account reaches its server: XMPP over TCP (RFC 6120), or over WebSocket (RFC 7395). */
export const transportSchema = z.enum(['tcp', 'websocket']);
export type Transport = z.infer<typeof transportSchema>;
/** wss:// (ws:// is let through only with allowInsecure to a loopback host), a host, no credentials. */
function isWebSocketUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (
    (url.protocol === 'wss:' || url.protocol === 'ws:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === ''
  );
}
const websocketUrlSchema = z
  .string()
  .min(1)
  .max(MAX_WEBSOCKET_URL_CHARS)
  .refine(isWebSocketUrl, 'The WebSocket address must be a wss:// URL without a user name or password.');

/** A proxy an account's TCP connection goes through (SOCKS5, RFC 1928; or HTTP CONNECT, RFC 9110 §9.3.6). */
export const proxySchema = z
  .object({
    type: z.enum(['socks5', 'http']),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
  })
  .strict();
export type ProxySettings = z.infer<typeof proxySchema>;

export const signInRequestSchema = z
  .object({
    jid: bareJidSchema,
    /** Crosses IPC once, at sign-in; the engine keeps it in memory only (see credentials in the shell). */
    password: z.string().min(1).max(1024),
    host: z.string().min(1).max(253).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    /** XEP-0368 direct TLS instead of STARTTLS. */
    directTls: z.boolean().optional(),
    /** Allow an unencrypted link. Honoured only when the host is a loopback address. */
    allowInsecure: z.boolean().optional(),
    /** 'websocket': XMPP over WebSocket, for networks that let only HTTPS through (host/port/directTls unused). */
    transport: transportSchema.optional(),
    /** The WebSocket endpoint; without it, the one the domain's XEP-0156 host-meta names. */
    websocketUrl: websocketUrlSchema.optional(),
    priority: z.number().int().min(-128).max(127).optional(),
    /** Keep the password in the OS keychain (or the best store available) for next time. */
    remember: z.boolean().optional(),
    /** TCP through this proxy (not with transport 'websocket'). */
    proxy: proxySchema.optional(),
  })
  .strict();
export type SignInRequest = z.infer<typeof signInRequestSchema>;

/** Where a remembered password lives. 'memory' = this run only (no keychain could be reached). */
export const passwordStorageSchema = z.enum(['keychain', 'safe-storage', 'memory', 'none']);
export type PasswordStorage = z.infer<typeof passwordStorageSchema>;

/** An account this install has signed in to: connection settings only, never the password. */
export const savedAccountSchema = z.object({
  jid: z.string(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  directTls: z.boolean(),
  /** Absent: 'tcp'. With 'websocket', `websocketUrl` is the address given (null: discovered each time). */
  transport: transportSchema.optional(),
  websocketUrl: z.string().nullable().optional(),
  /** A password is stored for this account (somewhere other than memory of a previous run). */
  passwordSaved: z.boolean(),
  passwordStorage: passwordStorageSchema,
  /** It was signed in when the app last ran (and not signed out since): 'account.restore' signs it in. */
  keepSignedIn: z.boolean(),
  /** The proxy its TCP connection goes through; null: none. */
  proxy: proxySchema.nullable(),
  /** SHA-256 fingerprint of the certificate the user trusted by hand for it; null: none (system trust). */
  pinnedFingerprint256: z.string().nullable(),
});
export type SavedAccount = z.infer<typeof savedAccountSchema>;

const accountOnly = z.object({ account: accountSchema }).strict();
export const savedAccountsSchema = z.object({
  accounts: z.array(savedAccountSchema),
  lastUsed: z.string().nullable(),
});

export const accountCommands = {
  /**
   * Sign in to `jid` (which becomes the account). Other accounts stay as they are; signing in to an account
   * that is already signed in (or signing in) answers 'already-connected'. Without `password`, the password
   * remembered for `jid` is used ('not-found' if none).
   */
  'account.signIn': {
    request: signInRequestSchema
      .extend({ password: z.string().min(1).max(1024).optional() })
      .strict()
      .refine((r) => r.websocketUrl === undefined || r.transport === 'websocket', {
        message: "only with transport 'websocket'",
        path: ['websocketUrl'],
      })
      .refine(
        (r) =>
          r.transport !== 'websocket' ||
          (r.host === undefined && r.port === undefined && r.directTls === undefined),
        {
          message: 'a WebSocket sign-in takes its server from the URL, not host, port or directTls',
          path: ['transport'],
        },
      )
      .refine((r) => r.proxy === undefined || r.transport !== 'websocket', {
        message: 'a proxy is for TCP connections, not WebSocket ones',
        path: ['proxy'],
      }),
    response: accountConnectionSchema.extend({
      passwordStorage: passwordStorageSchema,
      /** Why a remembered password could only be kept in memory, for the user to read. */
      passwordWarning: z.string().nullable(),
    }),
  },
  /**
   * Signs in again every account that was signed in when the app last ran and whose password is remembered,
   * all at once; answers when each has succeeded or failed (one's failure never stops the others).
   */
  'account.restore': {
    request: empty,
    response: z.object({
      results: z.array(z.object({ account: z.string(), error: engineErrorSchema.nullable() })),
    }),
  },
  'account.signOut': { request: accountOnly, response: ok },
  /** Try to reconnect now (the network came back, the machine woke up), every account, not waiting for backoff. */
  'connection.retryNow': { request: empty, response: ok },
  /** Sign out (if that account is signed in) and delete its remembered password and saved settings. */
  'account.forget': { request: accountOnly, response: ok },
  'account.saved': { request: empty, response: savedAccountsSchema },
  /** Pin the certificate from the last tls-untrusted failure of this account (only that exact one). */
  'account.trustCertificate': {
    request: z.object({ account: accountSchema, fingerprint256: z.string().min(1).max(200) }).strict(),
    response: ok,
  },
  'account.forgetCertificates': { request: accountOnly, response: ok },
  /** The proxy for this account's next connections (null: none); a running account keeps its link until then. */
  'account.setProxy': {
    request: z.object({ account: accountSchema, proxy: proxySchema.nullable() }).strict(),
    response: ok,
  },
  /**
   * Allow (or stop allowing) a plain-text password (SASL PLAIN) for this account over the certificate pinned
   * now: refused while none is pinned; a different pinned certificate later needs allowing again.
   */
  'account.allowPlainPassword': {
    request: z.object({ account: accountSchema, allowed: z.boolean() }).strict(),
    response: ok,
  },
  /**
   * Every account the engine knows now: those signed in (or signing in, or reconnecting) with their roster,
   * presence and requests, and saved ones that are offline (empty lists, the last error if any).
   */
  'state.snapshot': {
    request: empty,
    response: z.object({ accounts: z.array(accountSnapshotSchema) }),
  },
} as const;
