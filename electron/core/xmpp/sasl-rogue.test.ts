// SASL against a server that does what real ones will not on purpose (sasl/sasl-test-server.ts, on loopback,
// its own SCRAM server side): channel binding of each type checked by the server, a wrong server signature,
// XEP-0474 hashes over lists a man in the middle trimmed, PLAIN as the only offer on a pinned link.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { Engine } from '../engine.ts';
import { SettingsStore, plainPasswordAllowed } from '../settings-store.ts';
import { XmppSession } from './session.ts';
import type { TrustPolicy } from './tls-adapter.ts';
import {
  startSaslTestServer,
  type SaslTestServer,
  type SaslTestServerOptions,
} from '../sasl/sasl-test-server.ts';
import { makeCertificate, type TestCertificate } from '../sasl/tls-test-kit.ts';

const DOMAIN = 'rogue.parley.test';
const PASSWORD = 'secret-password';
let cert: TestCertificate;
let fingerprint: string;
const dirs: string[] = [];
const servers: SaslTestServer[] = [];

before(() => {
  cert = makeCertificate(DOMAIN);
  fingerprint = new X509Certificate(cert.certPem).fingerprint256;
});
after(async () => {
  for (const server of servers) server.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function server(options: Partial<SaslTestServerOptions>): Promise<SaslTestServer> {
  const started = await startSaslTestServer({
    domain: DOMAIN,
    certPem: cert.certPem,
    keyPem: cert.keyPem,
    password: PASSWORD,
    mechanisms: ['SCRAM-SHA-256'],
    ...options,
  });
  servers.push(started);
  return started;
}

/** The certificate trusted as a CA would make it (verified chain and name), or by the user's pin only. */
const trustedBy = (how: 'ca' | 'pin', extra: Partial<TrustPolicy> = {}): TrustPolicy => ({
  servername: DOMAIN,
  pinnedFingerprint256: how === 'pin' ? fingerprint : null,
  extraCertificates: how === 'ca' ? [cert.certPem] : [],
  ...extra,
});

function open(rogue: SaslTestServer, trust: TrustPolicy = trustedBy('ca')): Promise<XmppSession> {
  return XmppSession.open({
    jid: `alice@${DOMAIN}`,
    password: PASSWORD,
    resource: 'test',
    host: '127.0.0.1',
    port: rogue.port,
    trust,
    timeoutMs: 5_000,
  });
}

async function rejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: { code?: string; message?: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message ?? '', message);
    return true;
  });
}

for (const [version, types, expected] of [
  ['TLSv1.3', ['tls-exporter', 'tls-server-end-point'], 'tls-exporter'],
  ['TLSv1.3', ['tls-server-end-point'], 'tls-server-end-point'],
  ['TLSv1.2', ['tls-unique', 'tls-server-end-point'], 'tls-server-end-point'],
  ['TLSv1.2', ['tls-unique'], 'tls-unique'],
  ['TLSv1.2', null, 'tls-unique'],
] as const) {
  test(`${version}, XEP-0440 list ${types?.join('+') ?? 'absent'}: SCRAM-SHA-256-PLUS bound with ${expected}, checked by the server`, async () => {
    const rogue = await server({
      maxVersion: version,
      mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS', 'PLAIN'],
      channelBindings: types === null ? null : [...types],
    });
    const session = await open(rogue);
    assert.equal(session.mechanism, 'SCRAM-SHA-256-PLUS');
    assert.equal(session.channelBinding, expected);
    assert.ok(rogue.auths[0]?.initial.startsWith(`p=${expected},,n=alice,`));
    await session.close();
  });
}

test('-PLUS with a wrong server signature for the bound exchange fails the sign-in', async () => {
  const rogue = await server({
    mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS'],
    channelBindings: ['tls-exporter'],
    wrongServerSignature: true,
  });
  await rejects(open(rogue), 'auth-failed', /server signature is wrong/);
  assert.equal(rogue.auths[0]?.mechanism, 'SCRAM-SHA-256-PLUS');
});

test('no -PLUS offered over TLS: the GS2 flag says y (a server that can bind then knows they were stripped)', async () => {
  const rogue = await server({ mechanisms: ['SCRAM-SHA-1', 'SCRAM-SHA-256'] });
  const session = await open(rogue);
  assert.equal(session.mechanism, 'SCRAM-SHA-256');
  assert.equal(session.channelBinding, null);
  assert.match(rogue.auths[0]?.initial ?? '', /^y,,n=alice,r=/);
  assert.match(rogue.auths[0]?.final ?? '', /^c=eSws,/, "c= is base64('y,,')");
  await session.close();
});

test('XEP-0474: a server hash over lists other than the ones that reached us ends the sign-in before the proof', async () => {
  // The server has -PLUS and tls-exporter; what reached us was trimmed to plain SCRAM.
  const real = { mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS'], channelBindings: ['tls-exporter'] };
  const trimmed = await server({ mechanisms: ['SCRAM-SHA-256'], downgradeHashOver: real });
  await rejects(open(trimmed), 'auth-failed', /changed on the way \(XEP-0474/);
  assert.equal(trimmed.auths.length, 1);
  assert.equal(trimmed.auths[0]?.final, null, 'no client proof was sent');

  // The same server, untampered: its hash matches what we saw and the sign-in goes on (bound).
  const honest = await server({ ...real, downgradeHashOver: real });
  const session = await open(honest);
  assert.equal(session.channelBinding, 'tls-exporter');
  await session.close();
});

test('a XEP-0440 list of types we cannot do here, without tls-server-end-point: only with XEP-0474 proof', async () => {
  // tls-unique is undefined on TLS 1.3, and servers must offer tls-server-end-point: this list looks trimmed.
  const lists = { mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS'], channelBindings: ['tls-unique'] };
  const unproven = await server(lists);
  await rejects(open(unproven), 'auth-failed', /did not prove that list is its own/);
  const proven = await server({ ...lists, downgradeHashOver: lists });
  const session = await open(proven);
  assert.equal(session.mechanism, 'SCRAM-SHA-256');
  assert.equal(session.channelBinding, null);
  assert.match(proven.auths[0]?.initial ?? '', /^n,,/);
  await session.close();
});

test('PLAIN as the only offer: refused on a pinned link unless allowed; fine on a verified one', async () => {
  const rogue = await server({ mechanisms: ['PLAIN'] });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-plain-pinned-'));
  dirs.push(dataDir);
  const engine = await Engine.create({ dataDir, timeoutMs: 5_000 });
  const account = `alice@${DOMAIN}`;
  const request = { jid: account, password: PASSWORD, host: '127.0.0.1', port: rogue.port };
  try {
    assert.equal((await engine.invoke('account.allowPlainPassword', { account, allowed: true })).ok, false);
    const untrusted = await engine.invoke('account.signIn', request);
    assert.ok(!untrusted.ok && untrusted.error.code === 'tls-untrusted');
    assert.ok((await engine.invoke('account.trustCertificate', { account, fingerprint256: fingerprint })).ok);

    const refused = await engine.invoke('account.signIn', request);
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, 'no-mechanism');
    assert.equal(refused.error.condition, 'plain-on-pinned-link');
    assert.match(refused.error.message, /trusted by hand/);
    assert.equal(rogue.auths.length, 0, 'nothing was sent');
    assert.doesNotMatch(rogue.received(), new RegExp(PASSWORD));
    assert.doesNotMatch(rogue.received(), new RegExp(Buffer.from(`\0alice\0${PASSWORD}`).toString('base64')));

    assert.ok((await engine.invoke('account.allowPlainPassword', { account, allowed: true })).ok);
    // Allowed: the next sign-in authenticates with PLAIN over that pinned link (this SASL-only server then
    // refuses to bind a resource, which is as far as it goes).
    const next = await engine.invoke('account.signIn', request);
    assert.ok(!next.ok && next.error.code !== 'no-mechanism', JSON.stringify(next));
    assert.deepEqual(
      rogue.auths.map((a) => [a.mechanism, a.initial]),
      [['PLAIN', `\0alice\0${PASSWORD}`]],
      'the engine passed the allowance on to the session',
    );
  } finally {
    await engine.dispose();
  }
  // Allowed for exactly the certificate pinned now.
  const stored = (await SettingsStore.open(dataDir)).account(account);
  assert.equal(stored.plainPasswordAllowedFor, fingerprint);
  assert.ok(plainPasswordAllowed(stored));
  assert.ok(!plainPasswordAllowed({ ...stored, pinnedFingerprint256: 'AA:BB' }));

  // What the session does with that allowance, and on a link that verified without any pin.
  const allowed = await open(rogue, trustedBy('pin', { plainPasswordWhenPinned: true }));
  assert.equal(allowed.mechanism, 'PLAIN');
  await allowed.close();
  await rejects(open(rogue, trustedBy('pin')), 'no-mechanism', /did not send it/);
  const verified = await open(rogue, trustedBy('ca'));
  assert.equal(verified.mechanism, 'PLAIN');
  await verified.close();
  // Pinned, but it verifies anyway: not a link trusted by the pin alone.
  const pinnedAndVerified = await open(rogue, { ...trustedBy('ca'), pinnedFingerprint256: fingerprint });
  assert.equal(pinnedAndVerified.mechanism, 'PLAIN');
  await pinnedAndVerified.close();
});
