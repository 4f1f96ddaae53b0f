// Test kit: throwaway certificates (openssl, as the e2e harness makes them) and a verified TLS connection
// on loopback, both ends in this process, so a test can compare what the client computes with what the
// server sees of the same connection.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

/** A self-signed certificate for `domain`, with the given openssl key and digest options. */
export function makeCertificate(
  domain: string,
  key: readonly string[] = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  digest: readonly string[] = ['-sha256'],
): TestCertificate {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-cb-'));
  try {
    const [certPath, keyPath] = [path.join(dir, 'c.pem'), path.join(dir, 'k.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...key,
        ...digest,
        '-nodes',
        '-days',
        '2',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-subj',
        `/CN=${domain}`,
        '-addext',
        `subjectAltName=DNS:${domain}`,
      ],
      { stdio: 'ignore' },
    );
    return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TlsPair {
  client: tls.TLSSocket;
  server: tls.TLSSocket;
  close(): void;
}

/** A TLS connection on loopback at `version`, the client verifying the server's certificate. */
export async function tlsPair(
  domain: string,
  certificate: TestCertificate,
  version: tls.SecureVersion,
): Promise<TlsPair> {
  const server = tls.createServer({
    cert: certificate.certPem,
    key: certificate.keyPem,
    minVersion: version,
    maxVersion: version,
  });
  const accepted = new Promise<tls.TLSSocket>((resolve) => server.once('secureConnection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = tls.connect({ host: '127.0.0.1', port, servername: domain, ca: certificate.certPem });
  const connected = new Promise<void>((resolve, reject) => {
    client.once('secureConnect', resolve);
    client.once('error', reject);
  });
  const [serverSide] = await Promise.all([accepted, connected]);
  server.close();
  if (!client.authorized) throw new Error(`test TLS not verified: ${String(client.authorizationError)}`);
  return {
    client,
    server: serverSide,
    close: () => {
      client.destroy();
      serverSide.destroy();
    },
  };
}
