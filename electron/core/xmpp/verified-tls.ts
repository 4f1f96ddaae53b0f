// TLS for what is not an XMPP byte stream: the WebSocket transport's HTTPS connection (RFC 7395) and the
// XEP-0156 host-meta fetch. The trust rules are the TCP transport's (tls-adapter.ts: checkPeer): the chain
// verifies against the system roots plus the extra certificates and names the account's domain, or the
// certificate is the one the user pinned. The socket is handed over only once the check passed, so nothing
// (not even an HTTP request line) is written to a server we have not accepted. Unlike VerifiedTlsSocket it
// adds nothing to the stream (no whitespace keepalives): HTTP and WebSocket frames must stay as written.
import net from 'node:net';
import tls from 'node:tls';
import { EngineError } from '../errors.ts';
import { checkPeer, secureContextFor, trustedOnlyByPin, type TrustPolicy } from './tls-adapter.ts';

/** A TLS socket whose peer passed the account's trust policy. */
export interface VerifiedTls {
  socket: tls.TLSSocket;
  /** Trusted by the user's pin alone (the chain or the name check would have failed). */
  trustedByPin: boolean;
}

/**
 * Connects to host:port over TLS and resolves once the peer passed `policy`; rejects with 'tls-untrusted'
 * (and the certificate's details for the trust prompt) when it did not, or with the socket's error.
 * `alpn` names the protocol spoken inside ('http/1.1' for HTTPS and WebSocket); `signal` gives up (the
 * attempt's deadline passed, or it was closed).
 */
export function connectVerifiedTls(
  host: string,
  port: number,
  policy: TrustPolicy,
  alpn: readonly string[],
  signal?: AbortSignal,
): Promise<VerifiedTls> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const socket = tls.connect({
      host,
      port,
      // SNI and the identity we check are the account's domain, never the host we happened to reach.
      servername: net.isIP(policy.servername) ? undefined : policy.servername,
      secureContext: secureContextFor(policy.extraCertificates),
      ALPNProtocols: [...alpn],
      // Checked below with checkPeer, so that a refused certificate can be shown to the user.
      rejectUnauthorized: false,
    });
    socket.setNoDelay(true);
    const onAbort = () => fail(abortError(signal!));
    const fail = (error: Error) => {
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.off('error', fail);
      signal?.removeEventListener('abort', onAbort);
      const untrusted = checkPeer(socket, policy);
      if (untrusted) {
        fail(
          new EngineError('tls-untrusted', `The server's certificate is not trusted: ${untrusted.reason}.`, {
            certificate: untrusted,
          }),
        );
        return;
      }
      resolve({ socket, trustedByPin: trustedOnlyByPin(socket, policy) });
    });
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('The connection attempt was abandoned.');
}
