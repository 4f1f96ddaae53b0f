// The rogue server's API, driven by the engine's own session code (XmppSession): it negotiates STARTTLS or
// direct TLS with a certificate trusted only through its throwaway CA, SCRAM-SHA-256 or PLAIN, binds, answers
// iqs, and lets a test stop the negotiation at any stage and send anything there.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import { XmppSession } from '../../electron/core/xmpp/session.ts';
import { IqTracker } from '../../electron/core/xmpp/iq-tracker.ts';
import { EngineError } from '../../electron/core/errors.ts';
import {
  ROGUE_PASSWORD,
  startRogueServer,
  type RogueServer,
  type RogueServerOptions,
} from './rogue-server.ts';

const servers: RogueServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function rogue(options: RogueServerOptions = {}): Promise<RogueServer> {
  const server = await startRogueServer(options);
  servers.push(server);
  return server;
}

function open(server: RogueServer, extra: { password?: string; trust?: string[]; insecure?: boolean } = {}) {
  return XmppSession.open({
    jid: `alice@${server.domain}`,
    password: extra.password ?? ROGUE_PASSWORD,
    resource: 'desk',
    host: server.host,
    port: server.port,
    directTls: server.directTls,
    allowInsecure: extra.insecure,
    timeoutMs: 5_000,
    trust: {
      servername: server.domain,
      pinnedFingerprint256: null,
      extraCertificates: extra.trust ?? [server.caPem],
    },
  });
}

test('STARTTLS, SCRAM-SHA-256 and binding: the session is up, the bound JID and every stage are known', async () => {
  const server = await rogue();
  const session = await open(server);
  try {
    assert.equal(session.jid, 'alice@rogue.test/desk');
    assert.equal(session.secure, true);
    assert.equal(session.mechanism, 'SCRAM-SHA-256');
    const connection = await server.connection(0);
    for (const stage of ['connected', 'secured', 'authenticated', 'bound'] as const) {
      await connection.reached(stage);
    }
    assert.equal(connection.stage, 'bound');
    assert.equal(connection.jid, 'alice@rogue.test/desk');
    assert.ok(connection.received.some((e) => e.is('starttls')));
    assert.ok(connection.received.some((e) => e.is('auth') && e.attrs.mechanism === 'SCRAM-SHA-256'));
    assert.doesNotMatch(connection.raw(), new RegExp(ROGUE_PASSWORD), 'SCRAM never sends the password');
  } finally {
    await session.close();
  }
});

test('direct TLS with PLAIN; a wrong password is refused', async () => {
  const server = await rogue({ tls: 'direct', mechanisms: ['PLAIN'] });
  const session = await open(server);
  assert.equal(session.mechanism, 'PLAIN');
  assert.equal((await server.connection(0)).stage, 'bound');
  await session.close();
  await assert.rejects(open(server, { password: 'not the password' }), (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'auth-failed');
    return true;
  });
});

test('the certificate is trusted only through the CA: without it the client refuses the server', async () => {
  const server = await rogue();
  await assert.rejects(open(server, { trust: [] }), (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'tls-untrusted');
    return true;
  });
});

test('no TLS at all: only a loopback allowInsecure client signs in', async () => {
  const server = await rogue({ tls: 'none' });
  await assert.rejects(open(server), (error: unknown) => (error as EngineError).code === 'insecure-refused');
  const session = await open(server, { insecure: true });
  assert.equal(session.secure, false);
  await session.close();
});

test('once bound, what the test sends reaches the client and the client’s iqs are answered or left to the test', async () => {
  const server = await rogue({
    roster: "<item jid='bob@rogue.test' subscription='both'/>",
    onIq: (iq) =>
      iq.getChild('query', 'test:custom')
        ? `<iq type='result' id='${iq.attrs.id}'><query xmlns='test:custom'>custom</query></iq>`
        : undefined,
  });
  const session = await open(server);
  try {
    const message = new Promise<Element>((resolve) =>
      session.on('stanza', (stanza) => stanza.is('message') && resolve(stanza)),
    );
    const iq = new IqTracker((stanza) => session.send(stanza), session.jid, 5_000);
    session.on('stanza', (stanza) => void iq.handleReply(stanza));
    session.start();
    const roster = await iq.request('get', null, xml('query', { xmlns: 'jabber:iq:roster' }));
    assert.equal(roster.getChild('query')?.getChild('item')?.attrs.jid, 'bob@rogue.test');
    const custom = await iq.request('get', null, xml('query', { xmlns: 'test:custom' }));
    assert.equal(custom.getChild('query')?.text(), 'custom');
    const connection = await server.connection(0);
    connection.send("<message from='eve@rogue.test/x' id='m1'><body>hello</body></message>");
    await session.send(xml('presence', { id: 'p1' }));
    const presence = await connection.waitFor((e) => e.is('presence') && e.attrs.id === 'p1');
    assert.equal(presence.attrs.id, 'p1');
    const got = await message;
    assert.equal(got.attrs.id, 'm1');
    assert.equal(got.getChildText('body'), 'hello');
  } finally {
    await session.close();
  }
});

test("a test that returns 'stop' at a stage is in charge from there: the server answers nothing itself", async () => {
  const server = await rogue({
    onStage: (stage, connection) => {
      if (stage !== 'secured') return;
      // Features with no mechanism at all, after TLS and before SASL.
      connection.send(connection.header() + '<stream:features/>');
      return 'stop';
    },
  });
  await assert.rejects(open(server), (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'no-mechanism');
    return true;
  });
  const connection = await server.connection(0);
  assert.equal(connection.stage, 'secured');
  assert.ok(!connection.received.some((e) => e.is('auth')), 'the client sent no auth');
});

test('connection(n) waits for the n-th client; a destroyed connection resolves closed', async () => {
  const server = await rogue();
  const pending = server.connection(1, 5_000);
  const first = await open(server);
  const second = await open(server);
  const connection = await pending;
  assert.equal(connection.index, 1);
  const gone = new Promise((resolve) => second.once('closed', resolve));
  connection.destroy();
  await connection.closed;
  assert.ok((await gone) instanceof EngineError, 'the client saw the link drop');
  await first.close();
  assert.equal(server.connections.length, 2);
});
