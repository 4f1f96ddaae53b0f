// XMPP over WebSocket against a server that misbehaves on purpose (websocket-test-server.ts): a message past
// the stanza limit, nesting past the depth limit, malformed XML, a binary frame, a refused upgrade or
// subprotocol, moves (see-other-uri) to an unencrypted address or round in circles, ws:// without the
// insecure switch, an untrusted certificate and a pinned one offering only PLAIN. Each ends that sign-in
// with a typed error, at once, never the process, and nothing is sent that should not be.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { WebSocket } from 'ws';
import { selfSigned, type IssuedCertificate } from '../../../e2e/harness/certs.ts';
import { Engine } from '../engine.ts';
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import { STANZA_LIMITS } from './connection.ts';
import { openReply, startRogueWebSocket, type RogueWebSocketServer } from './websocket-test-server.ts';
import { XmppWebSocket } from './websocket-transport.ts';

const JID = 'alice@parley.test';
const PASSWORD = 'secret-password-over-ws';
const FEATURES_OPEN = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>";
const SCRAM_FEATURES = `${FEATURES_OPEN}<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256</mechanism></mechanisms></stream:features>`;
const PLAIN_FEATURES = `${FEATURES_OPEN}<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`;

const crashes: unknown[] = [];
const onCrash = (error: unknown) => void crashes.push(error);
const dirs: string[] = [];
const servers: RogueWebSocketServer[] = [];
let cert: IssuedCertificate;

before(async () => {
  process.on('uncaughtException', onCrash);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-ws-rogue-'));
  dirs.push(dir);
  cert = await selfSigned(dir, 'rogue', 'parley.test');
});

after(async () => {
  process.off('uncaughtException', onCrash);
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A rogue wss:// server with the test certificate that answers our <open/> with its own and then `after`. */
async function rogue(
  after: (socket: WebSocket, server: RogueWebSocketServer) => void,
  options: Parameters<typeof startRogueWebSocket>[0] = {},
): Promise<RogueWebSocketServer> {
  const server = await startRogueWebSocket({
    tls: { certPem: cert.certPem, keyPem: cert.keyPem },
    onMessage: (socket, message, self) => {
      if (!message.startsWith('<open')) return;
      socket.send(openReply());
      after(socket, self);
    },
    ...options,
  });
  servers.push(server);
  return server;
}

/** Signs in with a fresh engine (trusting the test certificate unless told not to); the result and its time. */
async function signIn(
  request: Record<string, unknown>,
  engineOptions: { trustCertificate?: boolean; timeoutMs?: number } = {},
): Promise<{ error: EngineErrorPayload | null; ms: number; engine: Engine }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-ws-hostile-'));
  dirs.push(dataDir);
  const engine = await Engine.create({
    dataDir,
    timeoutMs: engineOptions.timeoutMs ?? 5_000,
    extraCertificates: engineOptions.trustCertificate === false ? [] : [cert.certPem],
  });
  const started = Date.now();
  const result = await engine.invoke('account.signIn', {
    jid: JID,
    password: PASSWORD,
    transport: 'websocket',
    ...request,
  });
  const ms = Date.now() - started;
  return { error: result.ok ? null : result.error, ms, engine };
}

async function failedSignIn(
  request: Record<string, unknown>,
): Promise<{ error: EngineErrorPayload; ms: number }> {
  const { error, ms, engine } = await signIn(request);
  await engine.dispose();
  assert.ok(error, 'the sign-in must fail');
  return { error, ms };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

test('a WebSocket message over the stanza limit ends the sign-in as policy-violation (closed with 1009)', async () => {
  const server = await rogue((socket) =>
    socket.send(`${FEATURES_OPEN}<x>${'a'.repeat(STANZA_LIMITS.maxBytes)}</x></stream:features>`),
  );
  const { error, ms } = await failedSignIn({ websocketUrl: server.url });
  assert.equal(error.code, 'stream-error');
  assert.equal(error.condition, 'policy-violation');
  assert.match(error.message, /larger than 16777216 bytes/);
  assert.ok(ms < 4_000, 'at once, not at the sign-in timeout');
  // The close frame reaches the server a moment later (longer on a loaded machine): wait for it, bounded.
  for (let waited = 0; server.closeCodes.length === 0 && waited < 5_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(server.closeCodes, [1009], 'ws refused the message: 1009, message too big');
  assert.deepEqual(crashes, []);
});

test('nesting past the depth limit ends it as policy-violation, told in a framed stream error', async () => {
  const server = await rogue((socket) =>
    socket.send(`${FEATURES_OPEN}${'<a>'.repeat(100)}${'</a>'.repeat(100)}</stream:features>`),
  );
  const { error } = await failedSignIn({ websocketUrl: server.url });
  assert.equal(error.condition, 'policy-violation');
  assert.match(error.message, /nested deeper than 64/);
  await settle();
  // RFC 7395 §3.3: the stream error declares its own prefix.
  assert.ok(
    server.received.some((m) =>
      /^<stream:error xmlns:stream="http:\/\/etherx\.jabber\.org\/streams"><policy-violation/.test(m),
    ),
    server.received.join('\n'),
  );
  assert.deepEqual(crashes, []);
});

test('malformed XML ends it as bad-format; a binary message ends it too', async () => {
  const malformed = await rogue((socket) => socket.send(`${FEATURES_OPEN}<x>&bogus;</x></stream:features>`));
  const bad = await failedSignIn({ websocketUrl: malformed.url });
  assert.equal(bad.error.condition, 'bad-format');
  assert.match(bad.error.message, /not well-formed XML/);
  await settle();
  assert.ok(
    malformed.received.some((m) => m.includes('<bad-format')),
    'we told the server why',
  );

  const binary = await rogue((socket) => socket.send(Buffer.from(SCRAM_FEATURES)));
  const bin = await failedSignIn({ websocketUrl: binary.url });
  assert.equal(bin.error.code, 'stream-error');
  assert.ok(bin.ms < 4_000);
  await settle();
  assert.ok(!binary.received.some((m) => m.startsWith('<auth')), 'no sign-in over a broken stream');
  assert.deepEqual(crashes, []);
});

test('an upgrade refused (HTTP 404) or without the xmpp subprotocol fails with what the server did', async () => {
  const missing = await rogue(() => undefined, { refuseUpgrade: 404 });
  const notFound = await failedSignIn({ websocketUrl: missing.url });
  assert.equal(notFound.error.code, 'unreachable');
  assert.match(notFound.error.message, /answered HTTP 404 instead of opening an XMPP WebSocket/);

  const other = await rogue(() => undefined, { noSubprotocol: true });
  const noXmpp = await failedSignIn({ websocketUrl: other.url });
  assert.match(noXmpp.error.message, /subprotocol/);
  assert.deepEqual(other.received, [], 'nothing sent on a WebSocket that is not XMPP');
});

test('ws:// is refused unless the insecure switch is on for a loopback host; then PLAIN still is', async () => {
  const plain = await startRogueWebSocket({
    onMessage: (socket, message) => {
      if (!message.startsWith('<open')) return;
      socket.send(openReply());
      socket.send(PLAIN_FEATURES);
    },
  });
  servers.push(plain);
  const refused = await failedSignIn({ websocketUrl: plain.url });
  assert.equal(refused.error.code, 'insecure-refused');
  assert.equal(plain.connections, 0, 'nothing connected');

  const allowed = await failedSignIn({ websocketUrl: plain.url, allowInsecure: true });
  assert.equal(plain.upgrades, 1, 'the switch lets a loopback ws:// through');
  assert.equal(allowed.error.code, 'insecure-refused', 'but no plain-text password on it');
  assert.ok(!plain.received.some((m) => m.startsWith('<auth')));
});

test('see-other-uri: never from wss:// to ws://, and not round in circles', async () => {
  const plain = await startRogueWebSocket();
  servers.push(plain);
  const downgrade = await rogue((socket) =>
    socket.send(`<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' see-other-uri='${plain.url}'/>`),
  );
  const down = await failedSignIn({ websocketUrl: downgrade.url });
  assert.equal(down.error.code, 'insecure-refused');
  assert.match(down.error.message, /not encrypted; Parley did not follow/);
  assert.equal(plain.connections, 0);

  const circle = await rogue((socket, self) =>
    socket.send(`<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' see-other-uri='${self.url}'/>`),
  );
  const round = await failedSignIn({ websocketUrl: circle.url });
  assert.equal(round.error.code, 'unreachable');
  assert.match(round.error.message, /moved the connection more than 3 times/);
  assert.equal(circle.upgrades, 4, 'the first connection and three moves');
  assert.ok(round.ms < 4_000);
});

test('an untrusted certificate: tls-untrusted with its details before any HTTP; a pin offering only PLAIN is refused', async () => {
  const server = await rogue((socket) => socket.send(PLAIN_FEATURES));
  const { error, engine } = await signIn({ websocketUrl: server.url }, { trustCertificate: false });
  try {
    assert.equal(error?.code, 'tls-untrusted');
    assert.equal(error?.certificate?.fingerprint256, cert.fingerprint256);
    assert.match(error?.certificate?.reason ?? '', /self-signed/);
    assert.equal(server.upgrades, 0, 'no upgrade request reached a server we had not accepted');
    assert.ok(
      (await engine.invoke('account.trustCertificate', { account: JID, fingerprint256: cert.fingerprint256 }))
        .ok,
    );
    // Pinned, the link is trusted only by the pin: a PLAIN-only server gets no password (issue 9 rule).
    const pinned = await engine.invoke('account.signIn', {
      jid: JID,
      password: PASSWORD,
      transport: 'websocket',
      websocketUrl: server.url,
    });
    assert.ok(!pinned.ok);
    assert.equal(pinned.error.condition, 'plain-on-pinned-link');
    assert.equal(server.upgrades, 1, 'the pin let the WebSocket open');
    assert.ok(!server.received.some((m) => m.startsWith('<auth')), 'no password went out');
  } finally {
    await engine.dispose();
  }
});

test('a whitespace keepalive goes out as a WebSocket ping, never as a message that is not an element', async () => {
  const server = await rogue(() => undefined);
  const socket = new XmppWebSocket(
    { servername: 'parley.test', pinnedFingerprint256: null, extraCertificates: [cert.certPem] },
    false,
  );
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
    socket.connect(server.url);
  });
  const written = (data: string) =>
    new Promise<void>((resolve, reject) => socket.write(data, (e) => (e ? reject(e) : resolve())));
  await written(' ');
  await written("<r xmlns='urn:xmpp:sm:3'/>");
  await settle();
  assert.equal(server.pings, 1);
  assert.deepEqual(server.received, ["<r xmlns='urn:xmpp:sm:3'/>"]);
  socket.destroy();
});

test('a server silent in the TLS handshake, or after the upgrade: timeout at the deadline, not a crash', async () => {
  const held: net.Socket[] = [];
  const silent = net.createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const mute = await rogue(() => undefined, { onMessage: () => undefined });
  try {
    for (const url of [
      `wss://127.0.0.1:${(silent.address() as net.AddressInfo).port}/xmpp-websocket`,
      mute.url,
    ]) {
      const { error, ms, engine } = await signIn({ websocketUrl: url }, { timeoutMs: 600 });
      await engine.dispose();
      assert.equal(error?.code, 'timeout', url);
      assert.ok(ms < 3_000);
    }
    await settle();
    assert.deepEqual(crashes, [], 'what the abandoned WebSocket reports later goes nowhere');
  } finally {
    for (const socket of held) socket.destroy();
    silent.close();
  }
});
