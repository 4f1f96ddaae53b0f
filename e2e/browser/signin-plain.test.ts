// A server that takes only a plain-text password, behind a certificate the user trusts by hand (issue 9):
// Parley refuses to send the password and says why; "Allow a plain-text password" (account.allowPlainPassword)
// then signs in. Against the rogue server, so it is the same on either harness server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startRogueServer, ROGUE_PASSWORD } from '../harness/rogue-server.ts';
import type { XmppServer } from '../harness/server.ts';
import { checkScreen, expect, useBrowserSuite } from './fixture.ts';

describe('browser mode: a plain-text password on a pinned link', () => {
  const suite = useBrowserSuite();

  it('refused until the user allows it for the account; then it signs in', async () => {
    const rogue = await startRogueServer({ mechanisms: ['PLAIN'], roster: '' });
    try {
      const app = await suite.app({ trustServer: false });
      const { page } = app;
      const account = { user: 'alice', password: ROGUE_PASSWORD, jid: `alice@${rogue.domain}` };
      // Only host and port are read from the server here.
      const server = { host: rogue.host, c2sPort: rogue.port } as unknown as XmppServer;
      await app.submitSignIn(account, { server });
      // The rogue CA is not one the engine trusts: the certificate prompt, and the user trusts it.
      await page.getByRole('button', { name: 'Trust this certificate' }).click();
      await expect(page.getByRole('alert')).toContainText('only takes a plain-text password');
      await expect(page.getByRole('alert')).toContainText('Parley did not send it');
      assert.equal(
        rogue.connections.some((c) => c.raw().includes('<auth')),
        false,
        'no password went out',
      );
      await checkScreen(page, 'signin-plain-refused');
      await page.getByRole('button', { name: `Allow a plain-text password for ${account.jid}` }).click();
      await expect(page.getByRole('status', { name: 'Connection' })).toContainText('Online', {
        timeout: 15_000,
      });
      assert.ok(
        rogue.connections.some((c) => /mechanism="PLAIN"/.test(c.raw())),
        'PLAIN once allowed',
      );
    } finally {
      await rogue.close();
    }
  });
});
