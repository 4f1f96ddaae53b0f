// What an Engine is created with: where its files live, what it trusts, and its timings (tests shorten them).
import type { SecretBackend } from './credentials.ts';

export interface EngineOptions {
  /** Where settings and caches live (Electron's userData; a temp dir in tests). */
  dataDir: string;
  /** The app's version, for About (Electron: app.getVersion(); browser mode: package.json). */
  appVersion?: string;
  /** PEM certificates trusted besides the system store (enterprise CA; the test harness CA). */
  extraCertificates?: readonly string[];
  dnsServers?: readonly string[];
  /** Where XEP-0156 host-meta is fetched instead of DOMAIN:443 (tests); the certificate is still the domain's. */
  hostMetaAt?: { host: string; port: number };
  /** Sign-in budget in ms. */
  timeoutMs?: number;
  /** Event batching interval in ms (about one frame). */
  batchIntervalMs?: number;
  /**
   * Where remembered passwords may go, best first (the shell passes the keychain, then safeStorage).
   * None: this run's memory only. Which store holds each account's password is kept in settings.
   */
  secretBackends?: readonly SecretBackend[];
  /** Dead-link detection: probe a silent link after `probeAfterMs`, drop it after `deadAfterMs` (10 s / 25 s). */
  liveness?: { probeAfterMs: number; deadAfterMs: number };
  /**
   * Reconnect backoff (1 s, doubling up to 60 s; reset after 60 s up): about initialMs, doubling up to maxMs; it starts over only once a
   * session has stayed up for stableMs (a server that drops us right after each sign-in gets the backoff).
   */
  reconnectDelay?: { initialMs: number; maxMs: number; stableMs?: number };
  /** How long a link may stay silent after connection.retryNow's probe before it counts as dead (5 s). */
  wakeProbeMs?: number;
  /** Results per archive (XEP-0313) page; servers cap it (Prosody: 50). */
  archivePageSize?: number;
}
