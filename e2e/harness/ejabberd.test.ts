// What is particular to the harness ejabberd (harness.test.ts covers what both servers share, on the server
// PARLEY_SERVER names): the SCRAM family follows passwordHash, nothing listens beyond our loopback ports,
// the HTTP API does accounts and nothing else, and raw configuration merges as documented.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { ejabberdConfig } from './ejabberd-config.ts';
import type { EjabberdConfigInput } from './ejabberd-config.ts';
import { startEjabberd } from './ejabberd.ts';
import type { EjabberdServer } from './ejabberd.ts';
import { probeDirectTls } from './probe.ts';

/** Plain-TCP stream features of a STARTTLS port (before TLS). */
async function plainFeatures(port: number, domain: string): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  try {
    socket.write(
      `<?xml version='1.0'?><stream:stream to='${domain}' xmlns='jabber:client' ` +
        `xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`,
    );
    let text = '';
    for await (const chunk of socket) {
      text += (chunk as Buffer).toString('utf8');
      if (text.includes('</stream:features>')) return text;
    }
    throw new Error(`closed before features: ${text}`);
  } finally {
    socket.destroy();
  }
}

/** Local addresses ("127.0.0.1:5222") of the TCP sockets process `pid` listens on (/proc/net/tcp{,6}). */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (!local || state !== '0A' || !inode || !inodes.has(inode)) continue; // 0A = LISTEN
      const [hexIp, hexPort] = local.split(':') as [string, string];
      const ip =
        hexIp.length === 8
          ? [3, 2, 1, 0].map((i) => parseInt(hexIp.slice(i * 2, i * 2 + 2), 16)).join('.')
          : `[${hexIp}]`;
      found.push(`${ip}:${parseInt(hexPort, 16)}`);
    }
  }
  return found.sort();
}

describe('harness ejabberd', () => {
  let server: EjabberdServer;

  before(async () => {
    server = await startEjabberd({ passwordHash: 'SHA-1', requireEncryption: false });
  });
  after(() => server?.stop());

  test("passwordHash 'SHA-1' stores SCRAM-SHA-1, so that family (and its -PLUS) is what is offered", async () => {
    const { features } = await probeDirectTls(server.host, server.directTlsPort, server.domain);
    assert.match(features, /<mechanism>SCRAM-SHA-1<\/mechanism>/);
    assert.match(features, /<mechanism>SCRAM-SHA-1-PLUS<\/mechanism>/);
    assert.doesNotMatch(features, /SCRAM-SHA-256/);
    assert.doesNotMatch(features, /DIGEST-MD5|X-OAUTH2/);
  });

  test('requireEncryption false offers STARTTLS without requiring it', async () => {
    const features = await plainFeatures(server.c2sPort, server.domain);
    assert.match(features, /<starttls xmlns=['"]urn:ietf:params:xml:ns:xmpp-tls['"]\s*\/?>/);
    assert.doesNotMatch(features, /<required\s*\/>/);
  });

  test('the VM listens on our three loopback ports only (no epmd, no distribution, no s2s)', () => {
    const pid = Number(readFileSync(server.pidFile, 'utf8').trim());
    const expected = [server.c2sPort, server.directTlsPort, server.apiPort].map((p) => `127.0.0.1:${p}`);
    assert.deepEqual(listeningAddresses(pid), expected.sort());
  });

  test('the VM runs as the ejabberd user, never as root', () => {
    const pid = Number(readFileSync(server.pidFile, 'utf8').trim());
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    const ejabberd = execFileSync('id', ['-u', 'ejabberd']).toString().trim();
    assert.equal(uid, ejabberd);
    assert.notEqual(uid, '0');
  });

  test('the HTTP API registers and unregisters accounts, and refuses every other command', async () => {
    await server.register('gina', 'pw');
    await assert.rejects(server.register('gina', 'other'), /HTTP 409.*already registered/);
    await server.unregister('gina');
    await server.register('gina', 'again'); // gone, so the name is free again
    const response = await fetch(`http://127.0.0.1:${server.apiPort}/api/registered_users`, {
      method: 'POST',
      body: JSON.stringify({ host: server.domain }),
    });
    const body = await response.text();
    assert.notEqual(response.status, 200, body);
    assert.doesNotMatch(body, /gina/);
  });
});

describe('harness ejabberd config', () => {
  const input: EjabberdConfigInput = {
    domain: 'parley.test',
    certFile: '/tmp/x.pem',
    c2sPort: 1,
    directTlsPort: 2,
    apiPort: 3,
    passwordHash: 'SHA-256',
    requireEncryption: true,
    debug: false,
    extraConfig: {},
    extraListeners: [],
  };

  test('extras merge key by key, replace non-objects, and null removes', () => {
    const config = ejabberdConfig({
      ...input,
      extraConfig: {
        modules: { mod_muc: {}, mod_mam: null, mod_roster: { versioning: false } },
        loglevel: 'debug',
      },
    });
    const modules = config.modules as Record<string, unknown>;
    assert.deepEqual(modules.mod_muc, {});
    assert.equal('mod_mam' in modules, false);
    assert.deepEqual(modules.mod_roster, { versioning: false, store_current_id: true });
    assert.ok('mod_carboncopy' in modules, 'the rest of the base set stays');
    assert.equal(config.loglevel, 'debug');
  });

  test('the STARTTLS listener requires TLS unless told otherwise; only loopback is listened on', () => {
    const listeners = (open: boolean) =>
      ejabberdConfig({ ...input, requireEncryption: !open }).listen as Array<Record<string, unknown>>;
    assert.equal(listeners(false)[0]?.starttls_required, true);
    assert.equal(listeners(true)[0]?.starttls_required, false);
    assert.ok(listeners(false).every((l) => l.ip === '127.0.0.1'));
    assert.deepEqual(
      listeners(false).map((l) => l.port),
      [1, 2, 3],
    );
  });

  test('extra listeners come after the harness listeners', () => {
    const service = { port: 4, ip: '127.0.0.1', module: 'ejabberd_service' };
    const config = ejabberdConfig({ ...input, extraListeners: [service] });
    const listen = config.listen as Array<Record<string, unknown>>;
    assert.deepEqual(
      listen.map((l) => l.port),
      [1, 2, 3, 4],
    );
    assert.deepEqual(listen[3], service);
  });
});
