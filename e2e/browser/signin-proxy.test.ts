// Sign-in through a proxy from the UI (browser mode): Advanced → Proxy SOCKS5 with its host and port, the
// form refusing a missing port on that field, the account online through a real SOCKS5 proxy (microsocks),
// and the form filled from the saved account after signing out. Light, dark and 480 px, axe-clean.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkScreen, escapeRegExp, expect, signOutFromMenu, useBrowserSuite } from './fixture.ts';
import { startSocks5Proxy, type HarnessProxy } from '../harness/proxies.ts';

describe('browser mode: sign-in through a proxy', () => {
  const suite = useBrowserSuite();
  let proxy: HarnessProxy;
  before(async () => {
    proxy = await startSocks5Proxy();
  });
  after(() => proxy?.stop());

  it('Advanced → Proxy: SOCKS5 signs in through it, and the form keeps it', async () => {
    const account = await suite.account('proxy-ui');
    const server = suite.scenario.server;
    const app = await suite.app();
    const { page } = app;

    await page.getByRole('textbox', { name: 'Address' }).fill(account.jid);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Advanced' }).click();
    await page.getByRole('textbox', { name: 'Host', exact: true }).fill(server.host);
    await page.getByRole('spinbutton', { name: 'Port', exact: true }).fill(String(server.c2sPort));
    const kind = page.getByRole('combobox', { name: 'Proxy' });
    await expect(kind).toHaveValue('none');
    await kind.selectOption('socks5');
    await page.getByRole('textbox', { name: 'Proxy host' }).fill(proxy.settings.host);
    const port = page.getByRole('spinbutton', { name: 'Proxy port' });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('The proxy port is a number from 1 to 65535.');
    await expect(port).toHaveAttribute('aria-invalid', 'true');
    await expect(port).toBeFocused();
    await port.fill(String(proxy.settings.port));
    await checkScreen(page, 'signin-proxy');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'signin-proxy-dark');
    await page.setViewportSize({ width: 480, height: 900 });
    await checkScreen(page, 'signin-proxy-480');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Sign in' }).click();
    const status = page.getByRole('status', { name: 'Connection' });
    await expect(status).toHaveText(new RegExp(`^Online as ${escapeRegExp(account.jid)}/`), {
      timeout: 15_000,
    });
    const saved = await app.engine.invoke('account.saved', {});
    assert.ok(saved.ok);
    assert.deepEqual(saved.value.accounts.find((a) => a.jid === account.jid)?.proxy, proxy.settings);

    await signOutFromMenu(page);
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Address' })).toHaveValue(account.jid);
    await expect(kind).toHaveValue('socks5');
    await expect(page.getByRole('textbox', { name: 'Proxy host' })).toHaveValue(proxy.settings.host);
    await expect(port).toHaveValue(String(proxy.settings.port));
    // WebSocket has no proxy: the fields are off while it is chosen.
    await page.getByRole('checkbox', { name: /Connect over WebSocket/ }).check();
    await expect(kind).toBeDisabled();
  });
});
