// Sign-in over WebSocket from the UI (browser mode): Advanced → "Connect over WebSocket", a wss:// address
// checked by the form, the account online through the server's WebSocket endpoint, and the form remembering
// the choice after signing out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { checkScreen, escapeRegExp, expect, signOutFromMenu, useBrowserSuite } from './fixture.ts';
import { serverKind, startServer, type XmppServer } from '../harness/server.ts';

describe('browser mode: sign-in over WebSocket', () => {
  const suite = useBrowserSuite();
  // The suite's server has no WebSocket endpoint; this one does (PARLEY_SERVER's kind, like the suite's).
  let server: XmppServer;
  before(async () => {
    server = await startServer(serverKind(), { websocket: true });
  });
  after(() => server?.stop());

  it('Advanced → Connect over WebSocket signs in through the wss:// address, and the form keeps it', async () => {
    const account = { user: `ws-ui-${randomBytes(4).toString('hex')}`, password: 'websocket-ui-password' };
    await server.register(account.user, account.password);
    const jid = `${account.user}@${server.domain}`;
    const app = await suite.app({ trustServer: false, moreServers: [server] });
    const { page } = app;

    await page.getByRole('textbox', { name: 'Address' }).fill(jid);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Advanced' }).click();
    const websocket = page.getByRole('checkbox', {
      name: 'Connect over WebSocket (for networks that allow only HTTPS)',
    });
    await websocket.check();
    await expect(page.getByRole('textbox', { name: 'Host' })).toBeDisabled();
    const address = page.getByRole('textbox', { name: 'WebSocket URL' });
    await address.fill('http://not-a-websocket.example/');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText(/The WebSocket address is a wss:\/\/ URL/);
    await expect(address).toHaveAttribute('aria-invalid', 'true');

    await address.fill(server.websocketUrl!);
    await checkScreen(page, 'signin-websocket');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(
      new RegExp(`^Online as ${escapeRegExp(jid)}/`),
      { timeout: 15_000 },
    );
    const saved = await app.engine.invoke('account.saved', {});
    assert.ok(saved.ok);
    const remembered = saved.value.accounts.find((a) => a.jid === jid);
    assert.equal(remembered?.transport, 'websocket');
    assert.equal(remembered?.websocketUrl, server.websocketUrl);

    await signOutFromMenu(page);
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Address' })).toHaveValue(jid);
    await expect(websocket).toBeChecked();
    await expect(address).toHaveValue(server.websocketUrl!);
  });
});
