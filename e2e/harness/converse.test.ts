// The Converse harness itself: Converse signs in over the server's WebSocket only when Chromium trusts that
// server's certificate (TLS stays verified: trusting another key gets nowhere), and a failed sign-in says why
// instead of timing out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { selfSigned } from './certs.ts';
import { NS_BIND } from '../../electron/core/xmpp/ns.ts';
import { startConverseBrowser } from './converse.ts';
import type { ConverseBrowser } from './converse.ts';
import { useServerScenario } from './scenario.ts';

describe('Converse harness', () => {
  const browsers: ConverseBrowser[] = [];
  after(async () => {
    for (const b of browsers) await b.close();
  });
  const scenario = useServerScenario({ websocket: true });

  const browser = async (trustedCertPem?: string): Promise<ConverseBrowser> => {
    const b = await startConverseBrowser(scenario.server, { trustedCertPem });
    browsers.push(b);
    return b;
  };
  /** One Chromium trusting the server's own certificate, for the tests that need no other. */
  let trusting: ConverseBrowser;
  before(async () => {
    trusting = await browser();
  });

  test('signs in over wss and binds a resource', async () => {
    const account = await scenario.account('conv-ok');
    const converse = await trusting.open(account);
    assert.equal(converse.fullJid, `${account.jid}/converse`);
    assert.equal(await converse.wireCount('out', NS_BIND, 'bind'), 1);
    await converse.close();
  });

  test('a wrong password fails with the reason', async () => {
    const account = await scenario.account('conv-bad');
    await assert.rejects(trusting.open({ ...account, password: 'not-the-password' }), /AUTHFAIL/);
  });

  test("trusting another certificate's key does not reach the server: TLS stays verified", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-other-cert-'));
    try {
      const other = await selfSigned(dir, 'other', scenario.server.domain);
      const account = await scenario.account('conv-tls');
      await assert.rejects(
        (await browser(other.certPem)).open(account),
        /did not sign in.*(CONNFAIL|DISCONNECTED)/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
