// SCRAM-*-PLUS against the real servers, through the engine (which reports the mechanism): each server
// checks the binding itself and fails the sign-in when it does not match. Prosody 0.12 binds only with
// tls-unique, so it offers -PLUS only on TLS 1.2; ejabberd 23.01 offers -PLUS on every TLS link but binds
// only with tls-unique (the Finished message, even on TLS 1.3 where tls-unique is undefined) and announces
// no XEP-0440 list, so on TLS 1.3 Parley signs in there without a binding (GS2 flag 'n'). Over WebSocket the
// binding is to the HTTPS connection's TLS: Prosody binds it as on TCP; ejabberd 23.01's WebSocket sessions do
// not see that TLS link and offer no -PLUS there.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody } from '../../../e2e/harness/prosody.ts';
import { startEjabberd } from '../../../e2e/harness/ejabberd.ts';
import type { XmppServer } from '../../../e2e/harness/server.ts';
import { Engine } from '../engine.ts';

const PASSWORD = 'correct horse';
const started: XmppServer[] = [];
const dirs: string[] = [];
after(async () => {
  await Promise.all(started.map((server) => server.stop()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function track<T extends XmppServer>(server: Promise<T>): Promise<T> {
  const running = await server;
  started.push(running);
  return running;
}

/** Signs alice in through a fresh engine, over TCP or the server's WebSocket; the mechanism the engine reports. */
async function signInMechanism(
  server: XmppServer,
  transport: 'tcp' | 'websocket' = 'tcp',
): Promise<string | null> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-cb-'));
  dirs.push(dataDir);
  const engine = await Engine.create({ dataDir, extraCertificates: [server.caPem!] });
  try {
    const jid = `alice@${server.domain}`;
    const result = await engine.invoke(
      'account.signIn',
      transport === 'tcp'
        ? { jid, password: PASSWORD, host: server.host, port: server.c2sPort }
        : { jid, password: PASSWORD, transport, websocketUrl: server.websocketUrl! },
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.status, 'online');
    return result.value.mechanism;
  } finally {
    await engine.dispose();
  }
}

const accounts = [{ user: 'alice', password: PASSWORD }];

test('Prosody 0.12 on TLS 1.2 offers -PLUS and signs in bound with tls-unique, SHA-1 and SHA-256', async () => {
  const [sha1, sha256] = await Promise.all([
    track(
      startProsody({ passwordHash: 'SHA-1', certificate: 'ca-signed', tlsProtocol: 'tlsv1_2', accounts }),
    ),
    track(
      startProsody({ passwordHash: 'SHA-256', certificate: 'ca-signed', tlsProtocol: 'tlsv1_2', accounts }),
    ),
  ]);
  assert.equal(await signInMechanism(sha1), 'SCRAM-SHA-1-PLUS');
  assert.equal(await signInMechanism(sha256), 'SCRAM-SHA-256-PLUS');
});

test('ejabberd 23.01: bound with tls-unique on TLS 1.2; on TLS 1.3 (no XEP-0440 list) plain SCRAM', async () => {
  const [tls12, tls13] = await Promise.all([
    track(
      startEjabberd({
        passwordHash: 'SHA-1',
        certificate: 'ca-signed',
        accounts,
        extraConfig: { c2s_protocol_options: ['no_sslv3', 'no_tlsv1', 'no_tlsv1_1', 'no_tlsv1_3'] },
      }),
    ),
    track(startEjabberd({ passwordHash: 'SHA-1', certificate: 'ca-signed', accounts })),
  ]);
  assert.equal(await signInMechanism(tls12), 'SCRAM-SHA-1-PLUS');
  assert.equal(await signInMechanism(tls13), 'SCRAM-SHA-1');
});

test('over WebSocket: Prosody on TLS 1.2 binds to the HTTPS connection; ejabberd 23.01 offers no -PLUS there', async () => {
  const [prosody, ejabberd] = await Promise.all([
    track(
      startProsody({
        passwordHash: 'SHA-256',
        certificate: 'ca-signed',
        tlsProtocol: 'tlsv1_2',
        websocket: true,
        accounts,
      }),
    ),
    track(startEjabberd({ passwordHash: 'SHA-256', certificate: 'ca-signed', websocket: true, accounts })),
  ]);
  assert.equal(await signInMechanism(prosody, 'websocket'), 'SCRAM-SHA-256-PLUS');
  assert.equal(await signInMechanism(ejabberd, 'websocket'), 'SCRAM-SHA-256');
});
