// Sign-in through real proxies (microsocks for SOCKS5, tinyproxy for HTTP CONNECT) to the real server
// PARLEY_SERVER names. That the bytes went through the proxy is shown by stopping it: the link drops (a
// direct socket would not notice), and tinyproxy's log names the CONNECT. Also: refusals and a proxy that
// is not there as clear errors, TLS still verified for the account's domain through the tunnel, direct TLS
// (XEP-0368) through it, account.setProxy used by the next reconnect, and account.restore using the saved one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { AccountConnection, EngineEvent, ProxySettings } from '../../../shared/contract.ts';
import {
  connectRequests,
  startHttpConnectProxy,
  startSocks5Proxy,
  type HarnessProxy,
} from '../../../e2e/harness/proxies.ts';
import { freePort } from '../../../e2e/harness/server-launch.ts';
import { useServerScenario, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { Engine, type EngineOptions } from '../engine.ts';
import type { SecretBackend } from '../credentials.ts';
import { EngineError } from '../errors.ts';
import { XmppSession } from './session.ts';

const kind = serverKind();
const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A password store held in this process (the keychain is not what these tests are about). */
function memoryBackend(): SecretBackend {
  const secrets = new Map<string, string>();
  return {
    name: 'safe-storage',
    probe: async () => null,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => void secrets.delete(account),
  };
}

interface Watched {
  engine: Engine;
  /** Resolves with the first connection state (seen or to come) of `account` that `match` accepts. */
  state(
    account: string,
    match: (s: AccountConnection) => boolean,
    after?: AccountConnection,
  ): Promise<AccountConnection>;
}

describe(`sign-in through a proxy, against ${kind}`, () => {
  const scenario = useServerScenario();
  const engines: Engine[] = [];
  const proxies: HarnessProxy[] = [];
  let socks: HarnessProxy;
  let http: HarnessProxy;
  after(async () => {
    await Promise.all(engines.map((e) => e.dispose()));
    await Promise.all(proxies.map((p) => p.stop()));
  });
  before(async () => {
    socks = await startSocks5Proxy();
    http = await startHttpConnectProxy([scenario.server.c2sPort, scenario.server.directTlsPort]);
    proxies.push(socks, http);
  });

  const newEngine = async (options: Partial<EngineOptions> = {}): Promise<Watched> => {
    const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'parley-proxy-')));
    dirs.push(dataDir);
    const engine = await Engine.create({
      dataDir,
      extraCertificates: [scenario.server.certificate.certPem],
      reconnectDelay: { initialMs: 100, maxMs: 400, stableMs: 60_000 },
      ...options,
    });
    engines.push(engine);
    const states: AccountConnection[] = [];
    const waiters = new Set<() => void>();
    engine.subscribe((batch: EngineEvent[]) => {
      for (const e of batch) if (e.event === 'connection.state') states.push(e.payload);
      for (const wake of waiters) wake();
    });
    return {
      engine,
      state: (account, match, after) =>
        new Promise((resolve, reject) => {
          const check = () => {
            const from = after ? states.indexOf(after) + 1 : 0;
            const found = states.slice(from).find((s) => s.account === account && match(s));
            if (!found) return;
            clearTimeout(timer);
            waiters.delete(check);
            resolve(found);
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`no such state; saw ${states.map((s) => s.status).join(', ')}`));
          }, 15_000);
          waiters.add(check);
          check();
          engine.flushEvents();
        }),
    };
  };
  const through = (me: ScenarioAccount, proxy: ProxySettings, extra: Record<string, unknown> = {}) => ({
    jid: me.jid,
    password: me.password,
    host: scenario.server.host,
    port: scenario.server.c2sPort,
    proxy,
    ...extra,
  });

  test('SOCKS5: signs in through microsocks; stopping the proxy drops the link', async () => {
    const own = await startSocks5Proxy();
    proxies.push(own);
    const me = await scenario.account('socks');
    const { engine, state } = await newEngine();
    const signedIn = await engine.invoke('account.signIn', through(me, own.settings));
    assert.ok(signedIn.ok, JSON.stringify(signedIn));
    assert.equal(signedIn.value.security, 'tls');
    // The same SASL mechanism as a direct sign-in (SCRAM-…-PLUS where offered: bound to a TLS channel that
    // ends at the server itself, which a proxy reading the stream could not fake).
    const direct = await newEngine();
    const { proxy: _none, ...plain } = through(await scenario.account('direct'), own.settings);
    const directly = await direct.engine.invoke('account.signIn', plain);
    assert.ok(directly.ok, JSON.stringify(directly));
    assert.equal(signedIn.value.mechanism, directly.value.mechanism);
    await own.stop();
    const dropped = await state(me.jid, (s) => s.status === 'reconnecting' && s.error !== null);
    assert.ok(dropped.error);
    // Reconnecting goes to the proxy again (not around it), which is gone.
    const retried = await state(
      me.jid,
      (s) => /proxy at 127\.0\.0\.1:\d+/.test(s.error?.message ?? ''),
      dropped,
    );
    assert.equal(retried.error?.code, 'unreachable');
    assert.match(
      retried.error!.message,
      new RegExp(`proxy at 127\\.0\\.0\\.1:${own.settings.port} \\(ECONNREFUSED\\)`),
    );
  });

  test('HTTP CONNECT: signs in through tinyproxy, which logged the CONNECT; stopping it drops the link', async () => {
    const own = await startHttpConnectProxy([scenario.server.c2sPort]);
    proxies.push(own);
    const me = await scenario.account('http');
    const { engine, state } = await newEngine();
    const signedIn = await engine.invoke('account.signIn', through(me, own.settings));
    assert.ok(signedIn.ok, JSON.stringify(signedIn));
    assert.equal(connectRequests(own, `${scenario.server.host}:${scenario.server.c2sPort}`), 1);
    await own.stop();
    await state(me.jid, (s) => s.status === 'reconnecting' && s.error !== null);
  });

  test('direct TLS (XEP-0368) through each proxy', async () => {
    for (const proxy of [socks.settings, http.settings]) {
      const me = await scenario.account('direct');
      const { engine } = await newEngine();
      const request = through(me, proxy, { port: scenario.server.directTlsPort, directTls: true });
      const signedIn = await engine.invoke('account.signIn', request);
      assert.ok(signedIn.ok, `${proxy.type}: ${JSON.stringify(signedIn)}`);
    }
  });

  test('a target the proxy cannot reach, or will not: a clear refusal', async () => {
    const closed = await freePort();
    const me = await scenario.account('refused');
    const { engine } = await newEngine();
    const bySocks = await engine.invoke('account.signIn', through(me, socks.settings, { port: closed }));
    assert.ok(!bySocks.ok);
    assert.equal(bySocks.error.code, 'unreachable');
    assert.match(
      bySocks.error.message,
      /^The proxy at 127\.0\.0\.1:\d+ refused: connection refused by the server/,
    );
    // tinyproxy lets only its ConnectPorts through: it answers with its status line.
    const byHttp = await engine.invoke('account.signIn', through(me, http.settings, { port: closed }));
    assert.ok(!byHttp.ok);
    assert.equal(byHttp.error.code, 'unreachable');
    assert.match(
      byHttp.error.message,
      /^The proxy at 127\.0\.0\.1:\d+ refused the connection to 127\.0\.0\.1:\d+: HTTP\/1\.[01] [45]\d\d/,
    );
  });

  test('a proxy that is not listening: unreachable, naming the proxy', async () => {
    const nowhere = await freePort();
    const me = await scenario.account('noproxy');
    const { engine } = await newEngine();
    for (const type of ['socks5', 'http'] as const) {
      const result = await engine.invoke(
        'account.signIn',
        through(me, { type, host: '127.0.0.1', port: nowhere }),
      );
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'unreachable');
      assert.equal(result.error.message, `Could not reach the proxy at 127.0.0.1:${nowhere} (ECONNREFUSED).`);
    }
  });

  test('a sign-out while the proxy has not answered ends the sign-in then; WebSocket with a proxy is refused', async () => {
    const silent = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const me = await scenario.account('signout');
      // A budget far longer than the test: only the sign-out can end this attempt in time.
      const { engine } = await newEngine({ timeoutMs: 120_000 });
      const port = (silent.address() as AddressInfo).port;
      const signingIn = engine.invoke(
        'account.signIn',
        through(me, { type: 'http', host: '127.0.0.1', port }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok((await engine.invoke('account.signOut', { account: me.jid })).ok);
      const result = await signingIn;
      assert.ok(!result.ok);
      assert.equal(result.error.message, 'Signed out while signing in.');
      const overWebSocket = await engine.invoke('account.signIn', {
        jid: me.jid,
        password: me.password,
        transport: 'websocket',
        proxy: socks.settings,
      });
      assert.ok(!overWebSocket.ok);
      assert.equal(overWebSocket.error.code, 'invalid-request');
      assert.match(overWebSocket.error.message, /proxy is for TCP connections/);
    } finally {
      silent.close();
    }
  });

  test('the certificate is still checked for the account domain through the tunnel', async () => {
    const me = await scenario.account('tls');
    for (const proxy of [socks.settings, http.settings]) {
      // The harness certificate is self-signed: trusted only when the test says so.
      const untrusted = await XmppSession.open({
        ...through(me, proxy),
        resource: 'proxy-test',
        trust: { servername: scenario.server.domain, pinnedFingerprint256: null, extraCertificates: [] },
        timeoutMs: 10_000,
      }).then(
        () => null,
        (error: unknown) => error,
      );
      assert.ok(untrusted instanceof EngineError, String(untrusted));
      assert.equal(untrusted.code, 'tls-untrusted', `${proxy.type}: ${untrusted.message}`);
    }
  });

  test('through the tunnel the certificate must still name the account domain', async () => {
    // A TLS server with the harness certificate (trusted, for the harness domain), reached through SOCKS5 for
    // an account on another domain: the chain verifies, the name does not.
    const server = tls.createServer({
      key: scenario.server.certificate.keyPem,
      cert: scenario.server.certificate.certPem,
    });
    server.on('secureConnection', (socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const misnamed = await XmppSession.open({
        jid: 'someone@elsewhere.example',
        password: 'not-sent',
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        directTls: true,
        proxy: socks.settings,
        resource: 'proxy-test',
        trust: {
          servername: 'elsewhere.example',
          pinnedFingerprint256: null,
          extraCertificates: [scenario.server.certificate.certPem],
        },
        timeoutMs: 10_000,
      }).then(
        () => null,
        (error: unknown) => error,
      );
      assert.ok(misnamed instanceof EngineError, String(misnamed));
      assert.equal(misnamed.code, 'tls-untrusted', misnamed.message);
      // Node names the mismatch itself (ERR_TLS_CERT_ALTNAME_INVALID) before checkPeer would.
      assert.match(misnamed.message, /ALTNAME_INVALID|not valid for elsewhere\.example/);
    } finally {
      server.close();
    }
  });

  test('account.setProxy: the next reconnect goes through the new proxy', async () => {
    const first = await startSocks5Proxy();
    const second = await startHttpConnectProxy([scenario.server.c2sPort]);
    proxies.push(first, second);
    const me = await scenario.account('setproxy');
    const { engine, state } = await newEngine();
    assert.ok((await engine.invoke('account.signIn', through(me, first.settings))).ok);
    const set = await engine.invoke('account.setProxy', { account: me.jid, proxy: second.settings });
    assert.ok(set.ok, JSON.stringify(set));
    assert.equal(connectRequests(second, `${scenario.server.host}:${scenario.server.c2sPort}`), 0);
    await first.stop(); // the link up now was the first proxy's
    const dropped = await state(me.jid, (s) => s.status === 'reconnecting');
    const target = `${scenario.server.host}:${scenario.server.c2sPort}`;
    await state(me.jid, (s) => s.status === 'online', dropped);
    assert.equal(connectRequests(second, target), 1);
    const saved = await engine.invoke('account.saved', {});
    assert.ok(saved.ok);
    assert.deepEqual(saved.value.accounts.find((a) => a.jid === me.jid)?.proxy, second.settings);
  });

  test('the proxy is saved with the account; account.restore signs in through it; a changed proxy keeps the remembered password', async () => {
    const own = await startHttpConnectProxy([scenario.server.c2sPort]);
    proxies.push(own);
    const me = await scenario.account('restore');
    const backend = memoryBackend();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-proxy-restore-'));
    dirs.push(dataDir);
    const { engine } = await newEngine({ dataDir, secretBackends: [backend] });
    assert.ok((await engine.invoke('account.signIn', through(me, own.settings, { remember: true }))).ok);
    engines.splice(engines.indexOf(engine), 1);
    await engine.dispose();
    const target = `${scenario.server.host}:${scenario.server.c2sPort}`;
    assert.equal(connectRequests(own, target), 1);
    const restarted = await newEngine({ dataDir, secretBackends: [backend] });
    const restored = await restarted.engine.invoke('account.restore', {});
    assert.ok(restored.ok, JSON.stringify(restored));
    assert.deepEqual(restored.value.results, [{ account: me.jid, error: null }]);
    assert.equal(connectRequests(own, target), 2, 'the restore went through the saved proxy');
    await restarted.engine.invoke('account.signOut', { account: me.jid });
    // The same server through another proxy (or none): the remembered password may go.
    const { password: _typed, ...remembered } = through(me, socks.settings);
    const again = await restarted.engine.invoke('account.signIn', remembered);
    assert.ok(again.ok, JSON.stringify(again));
  });
});
