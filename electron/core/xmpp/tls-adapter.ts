// The one place where Parley works around @xmpp/client's missing TLS options (xmpp.js issue #598).
//
// Stock xmpp.js opens TLS with `tls.connect({ host })` inside @xmpp/tls/lib/Socket.js, for both direct TLS
// and STARTTLS, so there is no way to pass a CA list, a server name or a certificate pin. Instead of patching
// that module (a process-wide change), each session gets its own socket class bound to its own TrustPolicy:
// direct TLS through a per-session subclass of @xmpp/tls's connection class, STARTTLS through our own
// negotiation step (`upgradeToTls`). Everything here depends on the exact @xmpp 0.14.0 internals named in
// package.json's pin; xmpp-adapter.test.ts exercises both paths against a real Prosody.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import ConnectionTLS from '@xmpp/tls/lib/Connection.js';
import type { SocketLike } from '@xmpp/connection';
import type { CertificateInfo } from '../../../shared/contract.ts';
import { EngineError } from '../errors.ts';

export interface TrustPolicy {
  /** RFC 6125 reference identifier: the account's domain, never the host we happened to connect to. */
  readonly servername: string;
  /** SHA-256 fingerprint (Node's `fingerprint256` form) the user chose to trust for this account, if any. */
  readonly pinnedFingerprint256: string | null;
  /** PEM certificates trusted in addition to the system store (an enterprise CA; the test harness CA). */
  readonly extraCertificates: readonly string[];
  /**
   * The user allowed a plain-text password (SASL PLAIN) on a link trusted only by the pin. Absent or false:
   * a server offering nothing but PLAIN there is refused, as that password may go to whoever the pin let in.
   */
  readonly plainPasswordWhenPinned?: boolean;
}

const contexts = new Map<string, tls.SecureContext>();
/**
 * A secure context trusting Node's bundled roots, the OS store (what users mean by "system CAs") and any
 * extra PEMs. Built once per distinct trust set: parsing ~300 roots costs ~10 ms, too much per connect.
 */
export function secureContextFor(extra: readonly string[]): tls.SecureContext {
  const key = extra.join('\n');
  let context = contexts.get(key);
  if (!context) {
    const roots = new Set([
      ...tls.getCACertificates('default'),
      ...tls.getCACertificates('system'),
      ...extra,
    ]);
    context = tls.createSecureContext({ ca: [...roots], minVersion: 'TLSv1.2' });
    contexts.set(key, context);
  }
  return context;
}

const AUTHORIZATION_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in an untrusted self-signed root',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate was issued by an unknown authority',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate was issued by an unknown authority',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  CERT_REVOKED: 'the certificate has been revoked',
};

export function describeCertificate(cert: tls.PeerCertificate, reason: string): CertificateInfo {
  const dn = (name: Record<string, string | string[]> | undefined) =>
    name
      ? Object.entries(name)
          .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
          .join(', ')
      : '';
  return {
    subject: dn(cert.subject as unknown as Record<string, string | string[]>),
    issuer: dn(cert.issuer as unknown as Record<string, string | string[]>),
    subjectAltNames: cert.subjectaltname ? cert.subjectaltname.split(', ') : [],
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    fingerprint256: cert.fingerprint256,
    reason,
  };
}

/**
 * Decides whether the peer of a finished handshake is who we meant to reach. Returns null when trusted,
 * or the certificate details and the reason when not. A pinned certificate is trusted only by its exact
 * fingerprint; otherwise the chain must verify against the trusted roots and name the account's domain.
 */
export function checkPeer(socket: tls.TLSSocket, policy: TrustPolicy): CertificateInfo | null {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.fingerprint256) {
    return {
      subject: '',
      issuer: '',
      subjectAltNames: [],
      validFrom: '',
      validTo: '',
      fingerprint256: '',
      reason: 'the server sent no certificate',
    };
  }
  if (policy.pinnedFingerprint256 !== null && cert.fingerprint256 === policy.pinnedFingerprint256)
    return null;
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? 'unknown');
    return describeCertificate(
      cert,
      AUTHORIZATION_ERRORS[code] ?? `the certificate is not trusted (${code})`,
    );
  }
  const identityError = tls.checkServerIdentity(policy.servername, cert);
  if (identityError) {
    return describeCertificate(cert, `the certificate is not valid for ${policy.servername}`);
  }
  return null;
}

/** The certificate passed only because the user pinned it: the chain or the name check would have failed. */
export function trustedOnlyByPin(socket: tls.TLSSocket, policy: TrustPolicy): boolean {
  const cert = socket.getPeerCertificate();
  if (policy.pinnedFingerprint256 === null || cert?.fingerprint256 !== policy.pinnedFingerprint256)
    return false;
  return !socket.authorized || tls.checkServerIdentity(policy.servername, cert) !== undefined;
}

/**
 * A TLS socket with the interface xmpp.js expects (connect/write/end, 'connect'/'data'/'close'/'error'),
 * which announces 'connect' only after `checkPeer` accepted the server. Verification is done by us, per
 * socket, so that a failed check can show the user the certificate; nothing is written before it passes.
 */
export class VerifiedTlsSocket extends EventEmitter implements SocketLike {
  readonly secure = true;
  socket: tls.TLSSocket | null = null;
  readonly policy: TrustPolicy;
  /** Set once connected: trusted by the user's pin alone (see trustedOnlyByPin). */
  trustedByPin = false;
  #nudgeAfterFirstWrite = false;
  /** A whitespace write is queued for this turn of the event loop (see #ackPromptly). */
  #ackQueued = false;
  #wroteThisTurn = false;

  constructor(policy: TrustPolicy) {
    super();
    this.policy = policy;
  }

  /** `socket`: TLS over that open socket (STARTTLS; `alpn` too: direct TLS through a proxy's tunnel). */
  connect(options: { host?: string; port?: number; socket?: net.Socket; alpn?: boolean }): void {
    const { alpn, ...where } = options;
    const socket = tls.connect({
      ...where,
      servername: net.isIP(this.policy.servername) ? undefined : this.policy.servername,
      secureContext: secureContextFor(this.policy.extraCertificates),
      // XEP-0368: direct TLS clients advertise the 'xmpp-client' ALPN protocol.
      ALPNProtocols: where.socket && !alpn ? undefined : ['xmpp-client'],
      // Checked in 'secureConnect' below with the same rules, plus the user's pin; see checkPeer.
      rejectUnauthorized: false,
    });
    this.socket = socket;
    // Small request/response exchanges (sign-in is seven round trips): Nagle's algorithm would hold each one.
    socket.setNoDelay(true);
    socket.on('secureConnect', () => {
      const untrusted = checkPeer(socket, this.policy);
      if (untrusted) {
        socket.destroy();
        this.emit(
          'error',
          new EngineError('tls-untrusted', `The server's certificate is not trusted: ${untrusted.reason}.`, {
            certificate: untrusted,
          }),
        );
        return;
      }
      this.trustedByPin = trustedOnlyByPin(socket, this.policy);
      this.#nudgeAfterFirstWrite = socket.getProtocol() === 'TLSv1.3';
      this.emit('connect');
    });
    socket.on('data', (data: Buffer) => {
      this.#ackPromptly(socket, data.length);
      this.emit('data', data);
    });
    socket.on('error', (error: Error) => this.emit('error', error));
    socket.on('close', (hadError: boolean) => this.emit('close', hadError));
  }

  /**
   * A large read may be the first part of a larger reply (a roster, an archive page). Servers that write with
   * Nagle's algorithm on (Prosody 0.12 in 8 kB pieces) hold the next piece until this one is acknowledged,
   * and the kernel delays that ACK up to 40 ms when we have nothing to send: a 400-contact roster took 50 ms
   * instead of 2 (measured). A whitespace keepalive (RFC 6120 §4.6.1) carries the ACK at once. At most one
   * per turn of the event loop, and none when we wrote anything in that turn anyway.
   */
  #ackPromptly(socket: tls.TLSSocket, bytes: number): void {
    if (bytes < 4096 || this.#ackQueued) return;
    this.#ackQueued = true;
    this.#wroteThisTurn = false;
    setImmediate(() => {
      this.#ackQueued = false;
      if (!this.#wroteThisTurn && !socket.destroyed && socket.writable) socket.write(' ');
    });
  }

  write(data: string, callback?: (error?: Error | null) => void): void {
    if (!this.socket) throw new Error('TLS socket is not connected');
    this.#wroteThisTurn = true;
    this.socket.write(data, callback);
    if (this.#nudgeAfterFirstWrite) {
      // Prosody 0.12 (LuaSec) leaves application data that arrived together with the TLS 1.3 handshake in
      // its buffer until the next read event, stalling sign-in by ~40 ms (measured). A whitespace keepalive
      // (RFC 6120 §4.6.1) after our stream header gives it that event; repeated at most three times, until
      // the server's first bytes arrive, in case one lands while it is still finishing the handshake.
      this.#nudgeAfterFirstWrite = false;
      const socket = this.socket;
      let answered = false;
      socket.once('data', () => (answered = true));
      const nudge = (delays: number[]) => {
        const [delay, ...rest] = delays;
        if (delay === undefined) return;
        setTimeout(() => {
          if (answered || socket.destroyed || !socket.writable) return;
          socket.write(' ');
          nudge(rest);
        }, delay);
      };
      nudge([1, 3, 8]);
    }
  }

  end(): void {
    this.socket?.end();
  }

  destroy(): void {
    this.socket?.destroy();
  }
}

/** A direct-TLS (XEP-0368) transport class whose sockets verify against this session's policy. */
export function directTlsTransport(policy: TrustPolicy): typeof ConnectionTLS {
  class PolicyBoundTls extends ConnectionTLS {}
  (PolicyBoundTls.prototype as unknown as { Socket: new () => SocketLike }).Socket = class extends (
    VerifiedTlsSocket
  ) {
    constructor() {
      super(policy);
    }
  };
  return PolicyBoundTls;
}

/** Wraps an open plain TCP socket in TLS after <proceed/> and resolves once the peer is verified. */
export function upgradeToTls(plain: net.Socket, policy: TrustPolicy): Promise<VerifiedTlsSocket> {
  const secured = new VerifiedTlsSocket(policy);
  return new Promise((resolve, reject) => {
    secured.once('connect', () => {
      secured.off('error', reject);
      resolve(secured);
    });
    secured.once('error', reject);
    secured.connect({ socket: plain });
  });
}
