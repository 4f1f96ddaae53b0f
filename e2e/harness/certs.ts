// Throwaway TLS material for the test server, made with the openssl CLI. ECDSA P-256 keeps
// generation fast; 2 days of validity is plenty for a test run.
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './exec.ts';

export interface CertificateFiles {
  certPem: string;
  keyPem: string;
  /** Same format as node's X509Certificate.fingerprint256: 'AB:CD:...'. */
  fingerprint256: string;
}

/** A certificate on disk plus its contents. */
export interface IssuedCertificate extends CertificateFiles {
  certPath: string;
  keyPath: string;
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const days = ['-days', '2'];

function sanFor(domain: string): string {
  return `subjectAltName=DNS:${domain},DNS:*.${domain}`;
}

async function load(certPath: string, keyPath: string): Promise<IssuedCertificate> {
  const certPem = await readFile(certPath, 'utf8');
  const keyPem = await readFile(keyPath, 'utf8');
  return { certPath, keyPath, certPem, keyPem, fingerprint256: new X509Certificate(certPem).fingerprint256 };
}

/** Self-signed leaf for `domain` (CN + SAN domain and *.domain), written as `<base>.crt` / `<base>.key`. */
export async function selfSigned(dir: string, base: string, domain: string): Promise<IssuedCertificate> {
  const certPath = path.join(dir, `${base}.crt`);
  const keyPath = path.join(dir, `${base}.key`);
  await run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    ...days,
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-subj',
    `/CN=${domain}`,
    '-addext',
    sanFor(domain),
  ]);
  return load(certPath, keyPath);
}

/** A throwaway CA and a leaf for `domain` signed by it. */
export async function caSigned(
  dir: string,
  base: string,
  domain: string,
): Promise<{ ca: IssuedCertificate; leaf: IssuedCertificate }> {
  const caCert = path.join(dir, 'ca.crt');
  const caKey = path.join(dir, 'ca.key');
  await run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    ...days,
    '-keyout',
    caKey,
    '-out',
    caCert,
    '-subj',
    '/CN=Parley Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);

  const certPath = path.join(dir, `${base}.crt`);
  const keyPath = path.join(dir, `${base}.key`);
  const csrPath = path.join(dir, `${base}.csr`);
  const extPath = path.join(dir, `${base}.ext`);
  await run('openssl', [
    'req',
    '-new',
    ...ecKey,
    '-keyout',
    keyPath,
    '-out',
    csrPath,
    '-subj',
    `/CN=${domain}`,
  ]);
  await writeFile(
    extPath,
    [
      sanFor(domain),
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csrPath,
    '-CA',
    caCert,
    '-CAkey',
    caKey,
    ...days,
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-extfile',
    extPath,
    '-out',
    certPath,
  ]);

  return { ca: await load(caCert, caKey), leaf: await load(certPath, keyPath) };
}
