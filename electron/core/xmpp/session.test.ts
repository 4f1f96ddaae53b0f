// Connection, TLS trust, SASL and every sign-in failure, against a real Prosody on loopback (and, where a
// real server cannot misbehave on purpose, a small hostile fake on loopback).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, cp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../e2e/harness/server-launch.ts';
import {
  acceptedConnections,
  serverKind,
  startServer,
  type XmppServer,
} from '../../../e2e/harness/server.ts';
import { Engine, type EngineOptions } from '../engine.ts';
import type { ConnectionState, EngineEvent, SignInRequest } from '../../../shared/contract.ts';
import { isLoopbackHost } from './session.ts';
import { orderEndpoints } from './resolve-endpoints.ts';

const PASSWORD = 'correct horse';
let selfSigned: XmppServer; // password_hash SHA-256, self-signed certificate
let caSigned: XmppServer; // password_hash SHA-1, certificate from a throwaway CA
const dirs: string[] = [];

before(async () => {
  [selfSigned, caSigned] = await Promise.all([
    startServer(serverKind(), { passwordHash: 'SHA-256', accounts: [{ user: 'alice', password: PASSWORD }] }),
    startServer(serverKind(), {
      passwordHash: 'SHA-1',
      certificate: 'ca-signed',
      accounts: [{ user: 'alice', password: PASSWORD }],
    }),
  ]);
});

after(async () => {
  await Promise.all([selfSigned?.stop(), caSigned?.stop()]);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function newEngine(
  options: Partial<EngineOptions> = {},
): Promise<{ engine: Engine; events: EngineEvent[]; dataDir: string }> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'parley-session-')));
  dirs.push(dataDir);
  const engine = await Engine.create({ batchIntervalMs: 1, ...options, dataDir });
  const events: EngineEvent[] = [];
  engine.subscribe((batch) => events.push(...batch));
  return { engine, events, dataDir };
}

function request(server: XmppServer, extra: Partial<SignInRequest> = {}): SignInRequest {
  return {
    jid: `alice@${server.domain}`,
    password: PASSWORD,
    host: server.host,
    port: server.c2sPort,
    ...extra,
  };
}

async function signIn(engine: Engine, req: SignInRequest) {
  return engine.invoke('account.signIn', req);
}

const countConnects = acceptedConnections;

test('STARTTLS with a CA-issued certificate signs in with the strongest SCRAM the server offers (SHA-1 here)', async () => {
  const { engine } = await newEngine({ extraCertificates: [caSigned.caPem!] });
  const result = await signIn(engine, request(caSigned));
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.value.status, 'online');
  assert.equal(result.value.security, 'tls');
  assert.equal(result.value.mechanism, 'SCRAM-SHA-1');
  assert.match(result.value.jid ?? '', new RegExp(`^alice@${caSigned.domain}/parley-[0-9a-f]{8}$`));
  await engine.dispose();
});

test('direct TLS (XEP-0368) with SCRAM-SHA-256 on a server storing SHA-256', async () => {
  const { engine } = await newEngine({ extraCertificates: [selfSigned.certificate.certPem] });
  const result = await signIn(
    engine,
    request(selfSigned, { port: selfSigned.directTlsPort, directTls: true }),
  );
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.value.mechanism, 'SCRAM-SHA-256');
  assert.equal(result.value.security, 'tls');
  await engine.dispose();
});

for (const transport of ['starttls', 'direct-tls'] as const) {
  test(`untrusted certificate over ${transport}: typed error with details, exact-pin trust, a new certificate refused again`, async () => {
    const server = await startServer(serverKind(), { accounts: [{ user: 'alice', password: PASSWORD }] });
    try {
      const { engine, events } = await newEngine();
      const req = request(
        server,
        transport === 'direct-tls' ? { port: server.directTlsPort, directTls: true } : {},
      );
      const refused = await signIn(engine, req);
      assert.equal(refused.ok, false);
      assert.ok(!refused.ok);
      assert.equal(refused.error.code, 'tls-untrusted');
      const cert = refused.error.certificate;
      assert.ok(cert);
      assert.equal(cert.fingerprint256, server.certificate.fingerprint256);
      assert.equal(cert.subject, `CN=${server.domain}`);
      assert.equal(cert.issuer, `CN=${server.domain}`);
      assert.ok(cert.subjectAltNames.includes(`DNS:${server.domain}`));
      assert.ok(Date.parse(cert.validFrom) < Date.now() && Date.parse(cert.validTo) > Date.now());
      assert.match(cert.reason, /self-signed/);
      engine.flushEvents();
      const offline = events.filter((e) => e.event === 'connection.state').at(-1)?.payload as ConnectionState;
      assert.equal(offline.status, 'offline');
      assert.equal(offline.error?.code, 'tls-untrusted');

      // Only the certificate that was just presented can be trusted.
      const wrongPin = await engine.invoke('account.trustCertificate', {
        account: req.jid,
        fingerprint256: 'AA:BB',
      });
      assert.ok(!wrongPin.ok && wrongPin.error.code === 'invalid-request');
      const trusted = await engine.invoke('account.trustCertificate', {
        account: req.jid,
        fingerprint256: cert.fingerprint256,
      });
      assert.ok(trusted.ok);
      const accepted = await signIn(engine, req);
      assert.ok(accepted.ok, JSON.stringify(accepted));
      await engine.invoke('account.signOut', { account: req.jid });

      // The pin survives a restart of the app (it lives in settings)...
      const { engine: reopened, events: reopenedEvents } = await newEngine({
        dataDir: (await engine.dispose(), dirs.at(-1)!),
      });
      const again = await signIn(reopened, req);
      assert.ok(again.ok, JSON.stringify(again));
      await reopened.invoke('account.signOut', { account: req.jid });

      // ...and accepts that certificate only: a different one is refused with its own fingerprint.
      const replaced = await server.replaceCertificate();
      const refusedAgain = await signIn(reopened, {
        ...req,
        port: transport === 'direct-tls' ? server.directTlsPort : server.c2sPort,
      });
      assert.ok(!refusedAgain.ok);
      assert.equal(refusedAgain.error.code, 'tls-untrusted');
      assert.equal(refusedAgain.error.certificate?.fingerprint256, replaced.fingerprint256);
      assert.notEqual(replaced.fingerprint256, cert.fingerprint256);

      // Forgetting the certificates is announced, so every window sees the pin go.
      const pinOf = () => {
        reopened.flushEvents();
        const last = reopenedEvents.filter((e) => e.event === 'accounts.changed').at(-1);
        if (last?.event !== 'accounts.changed') return undefined;
        return last.payload.accounts.find((a) => a.jid === req.jid)?.pinnedFingerprint256;
      };
      assert.equal(pinOf(), cert.fingerprint256, 'the sign-in announced the pinned account');
      const forgot = await reopened.invoke('account.forgetCertificates', { account: req.jid });
      assert.ok(forgot.ok, JSON.stringify(forgot));
      assert.equal(pinOf(), null);
      await reopened.dispose();
    } finally {
      await server.stop();
    }
  });
}

test('a certificate valid for another domain is refused (RFC 6125: checked against the account domain)', async () => {
  // The CA-signed certificate names caSigned.domain; sign in as an account of a domain it does not name.
  const { engine } = await newEngine({ extraCertificates: [caSigned.caPem!] });
  const result = await signIn(engine, { ...request(caSigned), jid: 'alice@elsewhere.test' });
  assert.ok(!result.ok);
  // Prosody may refuse the unknown host before TLS; either way no password is sent and the error is typed.
  assert.ok(['tls-untrusted', 'stream-error'].includes(result.error.code), result.error.message);
  if (result.error.code === 'tls-untrusted')
    assert.match(result.error.certificate?.reason ?? '', /not valid for elsewhere\.test/);
  else assert.equal(result.error.condition, 'host-unknown');
  await engine.dispose();
});

test('wrong password: auth-failed, and no reconnect loop afterwards', async () => {
  const { engine } = await newEngine({ extraCertificates: [selfSigned.certificate.certPem] });
  const before = countConnects(selfSigned);
  const result = await signIn(engine, { ...request(selfSigned), password: 'wrong' });
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'auth-failed');
  assert.equal(result.error.condition, 'not-authorized');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(countConnects(selfSigned) - before, 1, 'exactly one connection attempt');
  await engine.dispose();
});

test('unknown account: unknown-account (the server refuses the username before any challenge)', async () => {
  const { engine } = await newEngine({ extraCertificates: [selfSigned.certificate.certPem] });
  const result = await signIn(engine, { ...request(selfSigned), jid: `nobody@${selfSigned.domain}` });
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'unknown-account');
  assert.match(result.error.message, /does not know this account/);
  await engine.dispose();
});

test('unreachable host: a refused port fails at once with unreachable', async () => {
  const { engine } = await newEngine();
  const port = await freePort();
  const started = Date.now();
  const result = await signIn(engine, { ...request(selfSigned), port });
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'unreachable');
  assert.ok(Date.now() - started < 5000);
  await engine.dispose();
});

test('a server that accepts and then never answers: timeout, not a hang', async () => {
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const { engine } = await newEngine({ timeoutMs: 800 });
    const result = await signIn(engine, {
      ...request(selfSigned),
      port: (silent.address() as net.AddressInfo).port,
    });
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'timeout');
    await engine.dispose();
  } finally {
    silent.close();
  }
});

test('stream error: a domain the server does not host', async () => {
  const { engine } = await newEngine({ extraCertificates: [selfSigned.certificate.certPem] });
  const result = await signIn(engine, { ...request(selfSigned), jid: 'alice@not-hosted.test' });
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'stream-error');
  assert.equal(result.error.condition, 'host-unknown');
  await engine.dispose();
});

test('conflict: a second sign-in with the same resource ends the first session with a typed error, no reconnect', async () => {
  const first = await newEngine({ extraCertificates: [selfSigned.certificate.certPem] });
  assert.ok((await signIn(first.engine, request(selfSigned))).ok);
  // Same data folder copied = same per-install resource.
  const copy = await mkdtemp(path.join(os.tmpdir(), 'parley-session-copy-'));
  await cp(first.dataDir, copy, { recursive: true });
  const second = await newEngine({ dataDir: copy, extraCertificates: [selfSigned.certificate.certPem] });
  assert.equal(second.engine.resource, first.engine.resource);
  const connectsBefore = countConnects(selfSigned);
  const secondResult = await signIn(second.engine, request(selfSigned));
  assert.ok(secondResult.ok, JSON.stringify(secondResult));
  const deadline = Date.now() + 5000;
  let state: ConnectionState | undefined;
  while (Date.now() < deadline) {
    first.engine.flushEvents();
    state = first.events.filter((e) => e.event === 'connection.state').at(-1)?.payload as ConnectionState;
    if (state?.status === 'offline') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(state?.status, 'offline');
  assert.equal(state?.error?.code, 'conflict');
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.equal(countConnects(selfSigned) - connectsBefore, 1, 'the kicked engine did not reconnect');
  await Promise.all([first.engine.dispose(), second.engine.dispose()]);
});

test('the resource is stable per install and differs between installs', async () => {
  const a = await newEngine({ extraCertificates: [selfSigned.certificate.certPem] });
  const first = await signIn(a.engine, request(selfSigned));
  await a.engine.invoke('account.signOut', { account: request(selfSigned).jid });
  const second = await signIn(a.engine, request(selfSigned));
  assert.ok(first.ok && second.ok);
  assert.equal(first.value.jid, second.value.jid);
  const reopened = await newEngine({ dataDir: a.dataDir });
  assert.equal(reopened.engine.resource, a.engine.resource);
  const other = await newEngine();
  assert.notEqual(other.engine.resource, a.engine.resource);
  await Promise.all([a.engine.dispose(), reopened.engine.dispose(), other.engine.dispose()]);
});

test('invalid sign-in requests are rejected by the contract before any connection', async () => {
  const { engine } = await newEngine();
  const bad = await engine.invoke('account.signIn', { jid: 'not a jid', password: 'x' });
  assert.ok(!bad.ok && bad.error.code === 'invalid-request');
  const extra = await engine.invoke('account.signIn', { ...request(selfSigned), rogue: true });
  assert.ok(!extra.ok && extra.error.code === 'invalid-request');
  const unknown = await engine.invoke('no.such.command' as never, {});
  assert.ok(!unknown.ok && unknown.error.code === 'invalid-request');
  await engine.dispose();
});

// --- Servers that offer no encryption: a hostile fake on loopback (Prosody will not misbehave on purpose).

async function fakeServer(mechanisms: string[], onAuth: (mechanism: string) => void): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('data', (data) => {
      const text = data.toString();
      if (text.includes('<stream:stream')) {
        socket.write(
          `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' from='fake.test' version='1.0'>` +
            `<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${mechanisms
              .map((m) => `<mechanism>${m}</mechanism>`)
              .join('')}</mechanisms></stream:features>`,
        );
      }
      const auth = /<auth[^>]*mechanism="([^"]+)"/.exec(text);
      if (auth) onAuth(auth[1]!);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

test('no encryption offered: refused before any password is sent; PLAIN never goes over plain TCP', async () => {
  const auths: string[] = [];
  const server = await fakeServer(['PLAIN'], (m) => auths.push(m));
  try {
    const { engine } = await newEngine();
    const port = (server.address() as net.AddressInfo).port;
    const refused = await signIn(engine, {
      jid: 'alice@fake.test',
      password: PASSWORD,
      host: '127.0.0.1',
      port,
    });
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, 'insecure-refused');
    // Even with the loopback override, PLAIN is not used without TLS.
    const stillRefused = await signIn(engine, {
      jid: 'alice@fake.test',
      password: PASSWORD,
      host: '127.0.0.1',
      port,
      allowInsecure: true,
    });
    assert.ok(!stillRefused.ok);
    assert.equal(stillRefused.error.code, 'insecure-refused');
    assert.deepEqual(auths, []);
    await engine.dispose();
  } finally {
    server.close();
  }
});

test('the insecure override works only on loopback, and then only with SCRAM', async () => {
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('127.8.0.1'), true);
  assert.equal(isLoopbackHost('::1'), true);
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('10.0.0.1'), false);
  assert.equal(isLoopbackHost('example.com'), false);
  const auths: string[] = [];
  const server = await fakeServer(['SCRAM-SHA-1', 'PLAIN'], (m) => auths.push(m));
  try {
    const { engine } = await newEngine({ timeoutMs: 1000 });
    const port = (server.address() as net.AddressInfo).port;
    await signIn(engine, {
      jid: 'alice@fake.test',
      password: PASSWORD,
      host: '127.0.0.1',
      port,
      allowInsecure: true,
    });
    assert.deepEqual(auths, ['SCRAM-SHA-1']);
    await engine.dispose();
  } finally {
    server.close();
  }
});

// --- DNS SRV (RFC 6120 §3.2, XEP-0368) through a real DNS server (dnsmasq) on loopback.

test('SRV ordering: priority, then weight, direct TLS first on ties; "." means no service', () => {
  const ordered = orderEndpoints(
    [
      { name: 'b.example.', port: 5222, priority: 10, weight: 5 },
      { name: 'a.example.', port: 5222, priority: 5, weight: 0 },
    ],
    [{ name: 'a.example.', port: 5223, priority: 5, weight: 0 }],
  );
  assert.deepEqual(ordered, [
    { host: 'a.example', port: 5223, directTls: true },
    { host: 'a.example', port: 5222, directTls: false },
    { host: 'b.example', port: 5222, directTls: false },
  ]);
  assert.equal(orderEndpoints([{ name: '.', port: 0, priority: 0, weight: 0 }], []), 'no-service');
});

async function startDnsmasq(records: string[]): Promise<{ server: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/sbin/dnsmasq',
    [
      '--keep-in-foreground',
      '--no-resolv',
      '--no-hosts',
      '--no-daemon',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--user=root',
      ...records,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    setTimeout(() => resolve(child.exitCode === null), 300);
  });
  if (!spawned) throw new Error(`dnsmasq did not start (apt-get install -y dnsmasq-base): ${stderr}`);
  return {
    server: `127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL');
    },
  };
}

test('no host given: the SRV records pick the endpoints, XEP-0368 direct TLS records included', async () => {
  const domain = selfSigned.domain;
  // The STARTTLS record points at a closed port: success proves the _xmpps-client record was used, and
  // that an unreachable endpoint falls through to the next (order itself: the unit test above).
  const closed = await freePort();
  const dns = await startDnsmasq([
    `--srv-host=_xmpp-client._tcp.${domain},127.0.0.1,${closed},20,0`,
    `--srv-host=_xmpps-client._tcp.${domain},127.0.0.1,${selfSigned.directTlsPort},10,0`,
  ]);
  try {
    const { engine } = await newEngine({
      dnsServers: [dns.server],
      extraCertificates: [selfSigned.certificate.certPem],
    });
    const result = await signIn(engine, { jid: `alice@${domain}`, password: PASSWORD });
    assert.ok(result.ok, JSON.stringify(result));
    await engine.invoke('account.signOut', { account: `alice@${domain}` });
    // Swap: the direct-TLS record unreachable, STARTTLS reachable.
    await dns.stop();
    const swapped = await startDnsmasq([
      `--srv-host=_xmpp-client._tcp.${domain},127.0.0.1,${selfSigned.c2sPort},20,0`,
      `--srv-host=_xmpps-client._tcp.${domain},127.0.0.1,${closed},10,0`,
    ]);
    const { engine: second } = await newEngine({
      dnsServers: [swapped.server],
      extraCertificates: [selfSigned.certificate.certPem],
    });
    const viaStartTls = await signIn(second, { jid: `alice@${domain}`, password: PASSWORD });
    await swapped.stop();
    assert.ok(viaStartTls.ok, JSON.stringify(viaStartTls));
    await Promise.all([engine.dispose(), second.dispose()]);
  } finally {
    await dns.stop();
  }
});

test('DNS failure: a domain with no records at all is dns-failed', async () => {
  const dns = await startDnsmasq([]);
  try {
    const { engine } = await newEngine({ dnsServers: [dns.server], timeoutMs: 4000 });
    const result = await signIn(engine, { jid: 'alice@no-such-domain.test', password: PASSWORD });
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'dns-failed');
    await engine.dispose();
  } finally {
    await dns.stop();
  }
});
