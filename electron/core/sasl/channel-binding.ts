// TLS channel bindings for SCRAM-*-PLUS: the bytes that tie a SASL exchange to this one TLS connection, so a
// man in the middle who terminates TLS (with a certificate the user was tricked into pinning, or a stolen key)
// cannot relay the sign-in. Three types: tls-exporter (RFC 9266, TLS 1.3), tls-server-end-point (RFC 5929
// §4, any version) and tls-unique (RFC 5929 §3, TLS 1.2 and older only).
import { createHash, X509Certificate } from 'node:crypto';
import type tls from 'node:tls';

export type ChannelBindingType = 'tls-exporter' | 'tls-server-end-point' | 'tls-unique';

/** What SASL needs to know of the TLS connection under it. */
export interface TlsChannel {
  /** Node's protocol name: 'TLSv1.3', 'TLSv1.2'. */
  readonly protocol: string;
  /** The binding data of `type` on this connection, or null where that type is undefined or unavailable. */
  data(type: ChannelBindingType): Buffer | null;
}

/**
 * RFC 5929 §4.1: the certificate is hashed with the hash of its signature algorithm, SHA-256 where that is
 * MD5 or SHA-1. Signatures without a separate hash (Ed25519, RSA-PSS whose hash sits in parameters) have no
 * defined tls-server-end-point: null, and another type is used.
 */
const END_POINT_HASH: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'sha256', // md5WithRSAEncryption
  '1.2.840.113549.1.1.5': 'sha256', // sha1WithRSAEncryption
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha256', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** tls-server-end-point data for a DER certificate, or null when its signature algorithm defines none. */
export function serverEndPointData(certificateDer: Buffer): Buffer | null {
  const oid = new X509Certificate(certificateDer).signatureAlgorithmOid;
  const hash = END_POINT_HASH[oid];
  return hash ? createHash(hash).update(certificateDer).digest() : null;
}

/** RFC 9266 §2: 32 bytes of the exporter with this label and no context. */
const EXPORTER_LABEL = 'EXPORTER-Channel-Binding';

export function tlsChannelOf(socket: tls.TLSSocket): TlsChannel {
  const protocol = socket.getProtocol() ?? '';
  return {
    protocol,
    data(type) {
      switch (type) {
        case 'tls-exporter':
          // RFC 9266 allows TLS 1.2 only with the extended master secret, which Node cannot confirm. On TLS 1.3
          // an empty context and none give the same value (RFC 8446 §7.5).
          return protocol === 'TLSv1.3'
            ? socket.exportKeyingMaterial(32, EXPORTER_LABEL, Buffer.alloc(0))
            : null;
        case 'tls-unique':
          // RFC 5929 §3.1: the first Finished of the latest handshake: ours on a full handshake, the server's
          // on a resumed one. Undefined on TLS 1.3 (RFC 9266 §3).
          if (protocol === 'TLSv1.3' || protocol === '') return null;
          return (socket.isSessionReused() ? socket.getPeerFinished() : socket.getFinished()) ?? null;
        case 'tls-server-end-point': {
          const raw = socket.getPeerCertificate().raw as Buffer | undefined;
          return raw ? serverEndPointData(raw) : null;
        }
      }
    },
  };
}

/**
 * Our preference: tls-exporter binds the connection's keys; tls-server-end-point its certificate; tls-unique
 * last, as on TLS 1.2 without the extended master secret it is open to the triple handshake (RFC 7627).
 */
const PREFERENCE: readonly ChannelBindingType[] = ['tls-exporter', 'tls-server-end-point', 'tls-unique'];

/**
 * Picks the channel binding for a SCRAM-*-PLUS sign-in: the most preferred type the server listed (XEP-0440)
 * that this connection can produce. Without a list: tls-unique on TLS 1.2, the default SCRAM has always had
 * (RFC 5802 §6) and what Prosody 0.12 and ejabberd 23.01 compute. On TLS 1.3 without a list, none: RFC
 * 9266 makes tls-exporter the default there, but the servers that offer -PLUS on TLS 1.3 without XEP-0440
 * (ejabberd before 23.10) compute a tls-unique that TLS 1.3 does not define, so any choice fails the sign-in;
 * SCRAM without binding ('n') still signs in, and XEP-0474, where the server has it, still catches a list
 * a man in the middle removed.
 */
export function chooseChannelBinding(
  channel: TlsChannel,
  serverTypes: readonly string[] | null,
): { type: ChannelBindingType; data: Buffer } | null {
  const candidates: readonly ChannelBindingType[] =
    serverTypes === null
      ? channel.protocol === 'TLSv1.3'
        ? []
        : ['tls-unique']
      : PREFERENCE.filter((type) => serverTypes.includes(type));
  for (const type of candidates) {
    const data = channel.data(type);
    if (data && data.length > 0) return { type, data };
  }
  return null;
}
