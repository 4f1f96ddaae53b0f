// Self-test of the e2e harness: a real server (PARLEY_SERVER: Prosody or ejabberd), two real slixmpp
// peers, and the failure paths that tests rely on for readable errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { X509Certificate } from 'node:crypto';
import { startSlixmppPeer } from './peer.ts';
import type { SlixmppPeer } from './peer.ts';
import { probeDirectTls, probeStartTls } from './probe.ts';
import { serverKind, startServer } from './server.ts';
import type { ServerOptions, XmppServer } from './server.ts';
import { startEngine } from './engine-client.ts';

const kind = serverKind();

describe(`${kind} + slixmpp peers`, () => {
  let server: XmppServer;
  let alice: SlixmppPeer;
  let bob: SlixmppPeer;
  let echo: SlixmppPeer;

  before(async () => {
    server = await startServer(kind, {
      accounts: [
        { user: 'alice', password: 'alice-pw' },
        { user: 'bob', password: 'bob-pw' },
      ],
    });
    const common = { host: server.host, port: server.c2sPort, caPem: server.certificate.certPem };
    alice = await startSlixmppPeer({
      ...common,
      jid: `alice@${server.domain}`,
      password: 'alice-pw',
      resource: 'a',
    });
    bob = await startSlixmppPeer({ ...common, jid: `bob@${server.domain}`, password: 'bob-pw' });
  });

  after(async () => {
    await Promise.all([alice?.stop(), bob?.stop(), echo?.stop()]);
    await server?.stop();
  });

  test('the server presents its certificate on both ports', async () => {
    assert.equal(server.kind, kind);
    const cert = new X509Certificate(server.certificate.certPem);
    assert.equal(cert.fingerprint256, server.certificate.fingerprint256);
    assert.ok(cert.checkHost(server.domain));
    const direct = await probeDirectTls(server.host, server.directTlsPort, server.domain);
    assert.equal(direct.fingerprint256, server.certificate.fingerprint256);
    assert.match(direct.features, /SCRAM-SHA-256/);
    const starttls = await probeStartTls(server.host, server.c2sPort, server.domain);
    assert.equal(starttls.fingerprint256, server.certificate.fingerprint256);
    assert.match(starttls.features, /SCRAM-SHA-256/);
  });

  test('the pid file names the running server process', () => {
    const pid = Number(readFileSync(server.pidFile, 'utf8').trim());
    assert.ok(Number.isInteger(pid) && pid > 0);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    assert.match(command, kind === 'prosody' ? /prosody|lua/ : /beam/);
  });

  test('an engine signs in to a freshly registered account', async () => {
    await server.register('erin', 'erin-pw');
    const client = await startEngine(server, 'erin', 'erin-pw');
    try {
      assert.equal(client.jid?.split('/')[0], `erin@${server.domain}`);
    } finally {
      await client.dispose();
    }
  });

  test('subscription: A subscribes, B approves, A sees B online', async () => {
    await alice.subscribe(bob.jid);
    const request = await bob.waitFor('presence', (e) => e.presenceType === 'subscribe');
    assert.equal(request.from, alice.jid);
    await bob.approve(alice.jid);
    await alice.waitFor('presence', (e) => e.presenceType === 'subscribed' && e.from === bob.jid);
    const online = await alice.waitFor(
      'presence',
      (e) => e.presenceType === 'available' && e.from.startsWith(`${bob.jid}/`),
    );
    assert.equal(online.show, null);
    const roster = await alice.getRoster();
    assert.deepEqual(roster.find((i) => i.jid === bob.jid)?.subscription, 'to');
  });

  test('a message from A reaches B with its body and thread', async () => {
    await alice.sendMessage(bob.jid, 'hello bob', { thread: 'th-1', id: 'm-1' });
    const msg = await bob.waitFor('message', (e) => e.id === 'm-1');
    assert.equal(msg.body, 'hello bob');
    assert.equal(msg.thread, 'th-1');
    assert.equal(msg.msgType, 'chat');
    assert.equal(msg.from, `${alice.jid}/a`);
  });

  test('presence changes are reported with show, status and priority', async () => {
    await bob.setPresence('away', 'lunch', 3);
    const p = await alice.waitFor('presence', (e) => e.from.startsWith(`${bob.jid}/`) && e.show === 'away');
    assert.equal(p.status, 'lunch');
    assert.equal(p.priority, 3);
  });

  test('echo mode replies with the same body and thread', async () => {
    await server.register('echo', 'echo-pw');
    echo = await startSlixmppPeer({
      jid: `echo@${server.domain}`,
      password: 'echo-pw',
      echo: true,
      resource: 'e',
      host: server.host,
      port: server.c2sPort,
      caPem: server.certificate.certPem,
    });
    await alice.sendMessage(`${echo.jid}/e`, 'ping 1', { thread: 'th-echo' });
    const reply = await alice.waitFor('message', (e) => e.from === `${echo.jid}/e`);
    assert.equal(reply.body, 'ping 1');
    assert.equal(reply.thread, 'th-echo');
  });

  test('sendMany delivers every message in order', async () => {
    await alice.sendMany(bob.jid, 50, 'bulk-');
    const last = await bob.waitFor('message', (e) => e.body === 'bulk-49');
    assert.ok(last);
    const bodies = bob.events.flatMap((e) =>
      e.type === 'message' && e.body?.startsWith('bulk-') ? [e.body] : [],
    );
    assert.deepEqual(
      bodies,
      Array.from({ length: 50 }, (_, i) => `bulk-${i}`),
    );
  });

  test('waitFor times out with the recent events in the message', async () => {
    await assert.rejects(
      alice.waitFor('message', (e) => e.body === 'never', 300),
      /timed out after 300 ms.*alice@/s,
    );
  });
});

/** Raw configuration that pins the direct TLS port, in each server's own language. */
function pinDirectTlsPort(port: number): ServerOptions {
  if (kind === 'prosody') return { prosody: { extraConfig: `c2s_direct_tls_ports = { ${port} }` } };
  // Replaces the whole listener list: the STARTTLS port stays free, the direct TLS one is taken.
  return {
    ejabberd: {
      extraConfig: {
        listen: [{ port, ip: '127.0.0.1', module: 'ejabberd_c2s', tls: true }],
      },
    },
  };
}

describe('failures name the problem', () => {
  test('a bogus raw config fails the start with the exit code and the server saying why', async () => {
    const bogus: ServerOptions =
      kind === 'prosody'
        ? { prosody: { extraConfig: 'this is not lua (' } }
        : { ejabberd: { extraConfig: { bogus_option: 1 } } };
    await assert.rejects(startServer(kind, bogus), (err: Error) => {
      assert.match(err.message, /exited during startup.*\(exit code \d+/s);
      if (kind === 'prosody') assert.match(err.message, /config|lua|parse|syntax/i);
      else assert.match(err.message, /Unknown option: bogus_option/);
      return true;
    });
  });

  test('ports that stay taken fail the start and say which port', async () => {
    // The raw config pins the direct TLS port to one we hold, so every retry with fresh ports fails too.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await assert.rejects(startServer(kind, pinDirectTlsPort(port)), (err: Error) => {
        assert.match(err.message, /could not bind its ports after 3 attempts/);
        assert.match(err.message, new RegExp(`port ${port}|127\\.0\\.0\\.1:${port}`));
        return true;
      });
    } finally {
      blocker.close();
    }
  });

  test('a peer with the wrong password fails to start with slixmpp stderr', async () => {
    const server = await startServer(kind, {
      accounts: [{ user: 'carol', password: 'right' }],
      certificate: 'ca-signed',
    });
    try {
      assert.ok(server.caPem);
      await assert.rejects(
        startSlixmppPeer({
          jid: `carol@${server.domain}`,
          password: 'wrong',
          host: server.host,
          port: server.c2sPort,
          caPem: server.caPem,
        }),
        /authentication failed/,
      );
      // The CA-signed leaf is trusted through the CA: the right password gets online.
      const carol = await startSlixmppPeer({
        jid: `carol@${server.domain}`,
        password: 'right',
        host: server.host,
        port: server.c2sPort,
        caPem: server.caPem,
      });
      await carol.stop();
      // After unregister and a restart (same ports, same data) the account is gone.
      await server.unregister('carol');
      await server.restart();
      await assert.rejects(
        startSlixmppPeer({
          jid: `carol@${server.domain}`,
          password: 'right',
          host: server.host,
          port: server.c2sPort,
          caPem: server.caPem,
        }),
        /authentication failed/,
      );
    } finally {
      await server.stop();
    }
  });

  test('a peer that does not trust the certificate refuses to connect', async () => {
    const server = await startServer(kind, { accounts: [{ user: 'dave', password: 'pw' }] });
    try {
      const old = server.certificate;
      const fresh = await server.replaceCertificate();
      assert.notEqual(fresh.fingerprint256, old.fingerprint256);
      await assert.rejects(
        startSlixmppPeer({
          jid: `dave@${server.domain}`,
          password: 'pw',
          host: server.host,
          port: server.c2sPort,
          caPem: old.certPem,
        }),
        /certificate verification failed/,
      );
    } finally {
      await server.stop();
    }
  });

  test('a restart keeps the accounts; stop removes the temp dir', async () => {
    const server = await startServer(kind, { accounts: [{ user: 'frank', password: 'pw' }] });
    try {
      await server.restart();
      const frank = await startSlixmppPeer({
        jid: `frank@${server.domain}`,
        password: 'pw',
        host: server.host,
        port: server.c2sPort,
        caPem: server.certificate.certPem,
      });
      await frank.stop();
    } finally {
      await server.stop();
    }
    assert.equal(existsSync(server.dir), false, `${server.dir} is gone`);
  });
});
