// Channel-binding data and the SCRAM GS2 header / c= attribute for each binding type, on real TLS
// connections on loopback. Every expected value is computed here from the RFC definitions, from the server's
// end of the same connection (RFC 5929, RFC 9266, RFC 5802 §7), never by the code under test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync, randomBytes, X509Certificate } from 'node:crypto';
import { serverEndPointData, tlsChannelOf } from './channel-binding.ts';
import { downgradeProtectionHash } from './downgrade-protection.ts';
import { ScramClient, ScramError, type Gs2Binding } from './scram.ts';
import { makeCertificate, tlsPair, type TestCertificate, type TlsPair } from './tls-test-kit.ts';

const DOMAIN = 'cb.parley.test';
let cert: TestCertificate;
let tls13: TlsPair;
let tls12: TlsPair;

before(async () => {
  cert = makeCertificate(DOMAIN);
  [tls13, tls12] = await Promise.all([tlsPair(DOMAIN, cert, 'TLSv1.3'), tlsPair(DOMAIN, cert, 'TLSv1.2')]);
});
after(() => {
  tls13?.close();
  tls12?.close();
});

const der = (pem: string) => new X509Certificate(pem).raw;

test('tls-exporter on TLS 1.3 is the exporter with the RFC 9266 label, as the server computes it', () => {
  assert.equal(tls13.client.getProtocol(), 'TLSv1.3');
  const channel = tlsChannelOf(tls13.client);
  const expected = tls13.server.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  assert.deepEqual(channel.data('tls-exporter'), expected);
  assert.equal(channel.data('tls-unique'), null, 'tls-unique is undefined on TLS 1.3 (RFC 9266 §3)');
});

test("tls-unique on TLS 1.2 is the handshake's first Finished: the client's, as the server received it", () => {
  assert.equal(tls12.client.getProtocol(), 'TLSv1.2');
  const channel = tlsChannelOf(tls12.client);
  const expected = tls12.server.getPeerFinished();
  assert.ok(expected && expected.length === 12, 'a TLS 1.2 Finished is 12 bytes of verify_data');
  assert.deepEqual(channel.data('tls-unique'), expected);
  assert.equal(channel.data('tls-exporter'), null, 'not on TLS 1.2: the extended master secret is unknown');
});

test('tls-server-end-point hashes the certificate with its signature hash, SHA-256 in place of SHA-1', () => {
  for (const version of [tls12, tls13]) {
    const expected = createHash('sha256').update(der(cert.certPem)).digest();
    assert.deepEqual(tlsChannelOf(version.client).data('tls-server-end-point'), expected);
  }
  const p384 = makeCertificate(DOMAIN, ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-sha384']);
  assert.deepEqual(
    serverEndPointData(der(p384.certPem)),
    createHash('sha384').update(der(p384.certPem)).digest(),
  );
  const rsaSha1 = makeCertificate(DOMAIN, ['-newkey', 'rsa:2048'], ['-sha1']);
  assert.deepEqual(
    serverEndPointData(der(rsaSha1.certPem)),
    createHash('sha256').update(der(rsaSha1.certPem)).digest(),
  );
  const rsaSha512 = makeCertificate(DOMAIN, ['-newkey', 'rsa:2048'], ['-sha512']);
  assert.deepEqual(
    serverEndPointData(der(rsaSha512.certPem)),
    createHash('sha512').update(der(rsaSha512.certPem)).digest(),
  );
  // Ed25519 signs without a separate hash: RFC 5929 defines no end-point binding for it.
  const ed25519 = makeCertificate(DOMAIN, ['-newkey', 'ed25519'], []);
  assert.equal(serverEndPointData(der(ed25519.certPem)), null);
});

/** An independent server side of one SCRAM-SHA-256 exchange that expects `c=` to be `expectedC`. */
async function exchange(binding: Gs2Binding, expectedGs2: string, expectedCbData: Buffer) {
  const password = 'correct horse';
  const salt = randomBytes(16);
  const client = new ScramClient('SHA-256', 'alice', password, { binding });
  const first = client.clientFirstMessage();
  assert.ok(first.startsWith(`${expectedGs2}n=alice,r=`), first);
  const bare = first.slice(expectedGs2.length);
  const nonce = `${/r=([^,]+)/.exec(bare)?.[1]}${randomBytes(9).toString('base64')}`;
  const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=4096`;
  const final = await client.clientFinalMessage(serverFirst);
  const expectedC = Buffer.concat([Buffer.from(expectedGs2), expectedCbData]).toString('base64');
  const match = /^(c=([^,]+),r=[^,]+),p=(.+)$/.exec(final);
  assert.ok(match, final);
  assert.equal(match[2], expectedC, 'c= is base64(GS2 header + channel-binding data)');
  // The proof signs that c=, so a relay on another TLS connection (other binding data) cannot reuse it.
  const salted = pbkdf2Sync(password, salt, 4096, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const authMessage = `${bare},${serverFirst},${match[1]}`;
  const signature = createHmac('sha256', createHash('sha256').update(clientKey).digest())
    .update(authMessage)
    .digest();
  const proof = Buffer.from(match[3] ?? '', 'base64');
  assert.deepEqual(Buffer.from(proof.map((b, i) => b ^ (signature[i] ?? 0))), clientKey);
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  client.verifyServerFinal(`v=${createHmac('sha256', serverKey).update(authMessage).digest('base64')}`);
}

test('GS2 header and c= for each binding type, proved against an independent server computation', async () => {
  const exporter = tls13.server.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  const channel13 = tlsChannelOf(tls13.client);
  await exchange(
    { flag: 'p', type: 'tls-exporter', data: channel13.data('tls-exporter')! },
    'p=tls-exporter,,',
    exporter,
  );
  const finished = tls12.server.getPeerFinished()!;
  await exchange(
    { flag: 'p', type: 'tls-unique', data: tlsChannelOf(tls12.client).data('tls-unique')! },
    'p=tls-unique,,',
    finished,
  );
  const endPoint = createHash('sha256').update(der(cert.certPem)).digest();
  await exchange(
    { flag: 'p', type: 'tls-server-end-point', data: channel13.data('tls-server-end-point')! },
    'p=tls-server-end-point,,',
    endPoint,
  );
  // No binding data for 'y' and 'n': c= is the GS2 header alone ('eSws' and 'biws').
  await exchange({ flag: 'y' }, 'y,,', Buffer.alloc(0));
  await exchange({ flag: 'n' }, 'n,,', Buffer.alloc(0));
  assert.throws(
    () => new ScramClient('SHA-1', 'u', 'p', { binding: { flag: 'p', type: 'tls,unique', data: finished } }),
    ScramError,
  );
});

test('XEP-0474: the downgrade protection hash of the XEP example, and the client checking h=', async () => {
  // XEP-0474 §5.3: SHA-1 of 'SCRAM-SHA-1\x1eSCRAM-SHA-1-PLUS\x1ftls-exporter\x1etls-server-end-point'.
  const lists = {
    mechanisms: ['SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1'],
    channelBindings: ['tls-server-end-point', 'tls-exporter'],
  };
  assert.equal(downgradeProtectionHash('SHA-1', lists), 'G6k/rBLDqgOhRRaCuuatSDFkJ08=');
  const independent = (text: string) => createHash('sha256').update(text).digest('base64');
  assert.equal(
    downgradeProtectionHash('SHA-256', { mechanisms: ['SCRAM-SHA-256', 'PLAIN'], channelBindings: null }),
    independent('PLAIN\x1eSCRAM-SHA-256'),
  );
  assert.equal(
    downgradeProtectionHash('SHA-256', { mechanisms: ['SCRAM-SHA-256'], channelBindings: [] }),
    independent('SCRAM-SHA-256\x1f'),
  );

  const serverFirst = (h: string | null) =>
    `r=abc${randomBytes(6).toString('base64')},s=${randomBytes(8).toString('base64')},i=4096${h ? `,h=${h}` : ''}`;
  const client = (seen: typeof lists, requireDowngradeProof = false) =>
    new ScramClient('SHA-1', 'user', 'pencil', { nonce: 'abc', advertised: seen, requireDowngradeProof });
  const honest = downgradeProtectionHash('SHA-1', lists);
  await client(lists).clientFinalMessage(serverFirst(honest));
  // A man in the middle dropped tls-exporter from the list we saw: the server's own hash gives it away.
  const trimmed = { ...lists, channelBindings: ['tls-server-end-point'] };
  await assert.rejects(client(trimmed).clientFinalMessage(serverFirst(honest)), /changed on the way/);
  await assert.rejects(
    client({ ...lists, mechanisms: ['SCRAM-SHA-1'] }).clientFinalMessage(serverFirst(honest)),
    /changed on the way/,
  );
  // No h= from a server that does not do XEP-0474: accepted, unless the lists needed its word.
  await client(lists).clientFinalMessage(serverFirst(null));
  await assert.rejects(client(lists, true).clientFinalMessage(serverFirst(null)), /did not prove/);
  await client(lists, true).clientFinalMessage(serverFirst(honest));
});
