// XMPP over WebSocket (RFC 7395) against the real server PARLEY_SERVER names (Prosody's mod_websocket or
// ejabberd's ejabberd_http_ws, on the harness's loopback HTTPS port): sign-in and messages with a slixmpp
// peer on TCP, stream management resumption over a new WebSocket, the certificate prompt and pin, the
// remembered password bound to the WebSocket URL, XEP-0156 discovery and a see-other-uri move. Channel
// binding over WebSocket is in channel-binding-servers.test.ts (it needs a server of each kind).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ChatMessage, EngineEvent } from '../../../shared/contract.ts';
import { startFaultProxy } from '../../../e2e/harness/fault-proxy.ts';
import { useServerScenario, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { Engine, type EngineOptions } from '../engine.ts';
import type { SecretBackend } from '../credentials.ts';
import { XmppSession } from './session.ts';
import { openReply, startRogueWebSocket } from './websocket-test-server.ts';

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

describe(`XMPP over WebSocket against ${kind}`, () => {
  const scenario = useServerScenario({ websocket: true });
  const engines: Engine[] = [];
  after(() => Promise.all(engines.map((e) => e.dispose())));

  /** An engine of its own (options the scenario's cannot take), trusting the server's certificate by default. */
  const newEngine = async (options: Partial<EngineOptions> = {}): Promise<Engine> => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-ws-'));
    dirs.push(dataDir);
    const engine = await Engine.create({
      dataDir,
      extraCertificates: [scenario.server.certificate.certPem],
      ...options,
    });
    engines.push(engine);
    return engine;
  };
  const overWebSocket = (account: ScenarioAccount, extra: Record<string, unknown> = {}) => ({
    jid: account.jid,
    password: account.password,
    transport: 'websocket' as const,
    websocketUrl: scenario.server.websocketUrl!,
    ...extra,
  });
  const received = (events: EngineEvent[], body: string): ChatMessage | undefined =>
    events
      .flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages : []))
      .find((m) => m.direction === 'in' && m.body === body);

  test('signs in over wss:// and exchanges messages with a slixmpp peer on TCP', async () => {
    const me = await scenario.account('ws-me');
    const client = await scenario.engine(me, { signIn: false });
    const signedIn = await client.engine.invoke('account.signIn', overWebSocket(me));
    assert.ok(signedIn.ok, JSON.stringify(signedIn));
    assert.equal(signedIn.value.status, 'online');
    assert.equal(signedIn.value.security, 'tls');
    assert.ok(signedIn.value.jid?.startsWith(`${me.jid}/`));
    const peer = await scenario.peer('ws-peer');
    const sent = await client.engine.invoke('chat.send', {
      account: me.jid,
      to: peer.jid,
      body: 'hello from a WebSocket ✓',
    });
    assert.ok(sent.ok);
    await peer.waitFor(
      'message',
      (m) => m.from.startsWith(`${me.jid}/`) && m.body === 'hello from a WebSocket ✓',
    );
    await peer.sendMessage(me.jid, 'and back over TCP: ünïcödé 🙂');
    await client.waitForEvent((e) => Boolean(received([e], 'and back over TCP: ünïcödé 🙂')));
  });

  test('stream management: a link dropped under the WebSocket is resumed, and what came meanwhile arrives', async () => {
    const me = await scenario.account('ws-sm');
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: scenario.server.httpsPort! });
    const opened: XmppSession[] = [];
    const open = XmppSession.open;
    XmppSession.open = async (options) => {
      const session = await open(options);
      opened.push(session);
      return session;
    };
    try {
      const engine = await newEngine({ reconnectDelay: { initialMs: 100, maxMs: 500 } });
      const events: EngineEvent[] = [];
      engine.subscribe((batch) => events.push(...batch));
      const url = scenario.server.websocketUrl!.replace(`:${scenario.server.httpsPort}/`, `:${proxy.port}/`);
      assert.ok((await engine.invoke('account.signIn', overWebSocket(me, { websocketUrl: url }))).ok);
      assert.equal(opened[0]?.streamManaged, true, 'XEP-0198 is on over the WebSocket');
      const peer = await scenario.peer('ws-sm-peer');
      await engine.invoke('chat.send', { account: me.jid, to: peer.jid, body: 'before the drop' });
      await peer.waitFor('message', (m) => m.body === 'before the drop');
      proxy.reset();
      await peer.sendMessage(me.jid, 'while the link was down');
      await until(
        () => opened.length >= 2 && received(events, 'while the link was down') !== undefined,
        15_000,
      );
      assert.equal(
        opened[1]?.resumed,
        true,
        'the second WebSocket resumed the session instead of binding anew',
      );
      assert.equal(proxy.accepted, 2);
    } finally {
      XmppSession.open = open;
      await proxy.close();
    }
  });

  test('an untrusted certificate: the same tls-untrusted error and details as on TCP, and the pin lets it in', async () => {
    const me = await scenario.account('ws-pin');
    const engine = await newEngine({ extraCertificates: [] });
    const refused = await engine.invoke('account.signIn', overWebSocket(me));
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, 'tls-untrusted');
    const certificate = refused.error.certificate!;
    assert.equal(certificate.fingerprint256, scenario.server.certificate.fingerprint256);
    assert.match(certificate.reason, /self-signed/);
    assert.ok(certificate.subjectAltNames.includes(`DNS:${scenario.server.domain}`));
    const trusted = await engine.invoke('account.trustCertificate', {
      account: me.jid,
      fingerprint256: certificate.fingerprint256,
    });
    assert.ok(trusted.ok);
    const pinned = await engine.invoke('account.signIn', overWebSocket(me));
    assert.ok(pinned.ok, JSON.stringify(pinned));
    assert.notEqual(pinned.value.mechanism, 'PLAIN', 'a pinned link still signs in with SCRAM');
  });

  test('WebSocket and its URL are saved; a remembered password goes only to that URL; restore uses it', async () => {
    const me = await scenario.account('ws-saved');
    const backend = memoryBackend();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-ws-saved-'));
    dirs.push(dataDir);
    const engine = await newEngine({ dataDir, secretBackends: [backend] });
    assert.ok((await engine.invoke('account.signIn', overWebSocket(me, { remember: true }))).ok);
    const saved = await engine.invoke('account.saved', {});
    assert.ok(saved.ok);
    const account = saved.value.accounts.find((a) => a.jid === me.jid);
    assert.equal(account?.transport, 'websocket');
    assert.equal(account?.websocketUrl, scenario.server.websocketUrl);
    await engine.invoke('account.signOut', { account: me.jid });
    // Another WebSocket URL (a proxy to the same server, so reaching it would sign in) or TCP: type it again.
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: scenario.server.httpsPort! });
    try {
      const elsewhere = scenario.server.websocketUrl!.replace(
        `:${scenario.server.httpsPort}/`,
        `:${proxy.port}/`,
      );
      for (const change of [
        { transport: 'websocket', websocketUrl: elsewhere },
        { transport: 'websocket' },
        { host: scenario.server.host, port: scenario.server.c2sPort },
      ]) {
        const refused = await engine.invoke('account.signIn', { jid: me.jid, ...change });
        assert.ok(!refused.ok, JSON.stringify(change));
        assert.equal(refused.error.code, 'not-found');
        assert.match(refused.error.message, /only sent to the server it was saved for/);
      }
      assert.equal(proxy.accepted, 0, 'nothing connected to the other URL');
    } finally {
      await proxy.close();
    }
    const recalled = await engine.invoke('account.signIn', {
      jid: me.jid,
      transport: 'websocket',
      websocketUrl: scenario.server.websocketUrl,
    });
    assert.ok(recalled.ok, JSON.stringify(recalled));
    // The next start signs it in again the same way (account.restore from the saved connection).
    engines.splice(engines.indexOf(engine), 1);
    await engine.dispose();
    const restarted = await newEngine({ dataDir, secretBackends: [backend] });
    const restored = await restarted.invoke('account.restore', {});
    assert.ok(restored.ok);
    assert.deepEqual(restored.value.results, [{ account: me.jid, error: null }]);
  });

  test("discovery: without a URL, the one the domain's XEP-0156 host-meta names is used", async () => {
    const me = await scenario.account('ws-discover');
    // ejabberd serves its own host-meta (mod_host_meta); Prosody 0.12 has none, so a small HTTPS server does.
    const hostMeta =
      kind === 'ejabberd'
        ? null
        : await serveHostMeta(scenario.server.websocketUrl!, scenario.server.certificate);
    try {
      const engine = await newEngine({
        hostMetaAt: { host: '127.0.0.1', port: hostMeta?.port ?? scenario.server.httpsPort! },
      });
      const signedIn = await engine.invoke('account.signIn', overWebSocket(me, { websocketUrl: undefined }));
      assert.ok(signedIn.ok, JSON.stringify(signedIn));
      if (hostMeta) assert.deepEqual(hostMeta.paths, ['/.well-known/host-meta']);
      const saved = await engine.invoke('account.saved', {});
      assert.ok(saved.ok);
      const account = saved.value.accounts.find((a) => a.jid === me.jid);
      assert.equal(account?.transport, 'websocket');
      assert.equal(account?.websocketUrl, null, 'discovered again at each sign-in, not pinned to one URL');
    } finally {
      hostMeta?.close();
    }
  });

  test('a server that answers <open/> with <close see-other-uri/> is followed to the real endpoint', async () => {
    const me = await scenario.account('ws-moved');
    const { certPem, keyPem } = scenario.server.certificate;
    const mover = await startRogueWebSocket({
      tls: { certPem, keyPem },
      onMessage: (socket, message) => {
        if (!message.startsWith('<open')) return;
        socket.send(openReply());
        socket.send(
          `<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' see-other-uri='${scenario.server.websocketUrl}'/>`,
        );
      },
    });
    try {
      const engine = await newEngine();
      const signedIn = await engine.invoke('account.signIn', overWebSocket(me, { websocketUrl: mover.url }));
      assert.ok(signedIn.ok, JSON.stringify(signedIn));
      assert.equal(mover.upgrades, 1);
      assert.ok(
        !mover.received.some((m) => m.startsWith('<auth')),
        'the password went only to the real server',
      );
    } finally {
      await mover.stop();
    }
  });
});

async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A host-meta (XRD) naming `url` on a loopback HTTPS port with the harness certificate; the paths asked. */
async function serveHostMeta(
  url: string,
  { certPem, keyPem }: { certPem: string; keyPem: string },
): Promise<{ port: number; paths: string[]; close(): void }> {
  const paths: string[] = [];
  const server = https.createServer({ cert: certPem, key: keyPem }, (request, response) => {
    paths.push(request.url ?? '');
    if (request.url !== '/.well-known/host-meta') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/xrd+xml' });
    response.end(
      `<?xml version='1.0' encoding='utf-8'?>\n<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n` +
        `  <Link rel='urn:xmpp:alt-connections:xbosh' href='https://127.0.0.1:1/http-bind'/>\n` +
        `  <Link rel='urn:xmpp:alt-connections:websocket' href='${url}'/>\n</XRD>\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, paths, close: () => server.close() };
}
