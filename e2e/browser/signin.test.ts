// Sign-in screen in browser mode: the untrusted-certificate prompt (Cancel, then Trust), a wrong password,
// and remember password → sign out → saved account → Forget (checked against the real keychain).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYCHAIN_SERVICE } from '../../electron/core/credentials.ts';
import {
  accountMenuButton,
  checkScreen,
  escapeRegExp,
  expect,
  signOutFromMenu,
  useBrowserSuite,
} from './fixture.ts';
import { startFaultProxy } from '../harness/fault-proxy.ts';
import type { XmppServer } from '../harness/server.ts';
import { keychainSkipReason } from '../harness/keychain.ts';

const keychainSkip = await keychainSkipReason();

describe('browser mode: sign-in', () => {
  const suite = useBrowserSuite();

  it('shows an untrusted certificate with its facts; Cancel stays on sign-in, Trust signs in', async () => {
    const account = await suite.account('cert');
    const app = await suite.app({ trustServer: false });
    const { page } = app;
    await checkScreen(page, 'signin');

    await app.submitSignIn(account);
    const dialog = page.getByRole('alertdialog', { name: 'Untrusted certificate' });
    await expect(dialog).toBeVisible();
    const fact = (term: string) =>
      dialog.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
    await expect(fact('Subject')).toContainText(suite.scenario.server.domain);
    await expect(fact('Issuer')).not.toBeEmpty();
    await expect(fact('Valid from')).not.toBeEmpty();
    await expect(fact('Valid until')).not.toBeEmpty();
    await expect(fact('SHA-256 fingerprint')).toHaveText(suite.scenario.server.certificate.fingerprint256);
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await checkScreen(page, 'certificate-dialog');

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('alert')).toHaveText(/certificate is not trusted/);
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    await expect(accountMenuButton(page)).toBeHidden();

    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(
      new RegExp(`^Online as ${escapeRegExp(account.jid)}/`),
      { timeout: 15_000 },
    );
    await expect(accountMenuButton(page)).toBeVisible();
    await expect(page.getByText('No contacts yet.')).toBeVisible();
    await checkScreen(page, 'main-empty');
  });

  it('a wrong password says so in one plain sentence (no raw server text) and keeps the form, password included', async () => {
    const account = await suite.account('wrong');
    const app = await suite.app();
    const { page } = app;
    await app.submitSignIn(account, { password: 'not-the-password' });

    await expect(page.getByRole('alert')).toContainText('Wrong password. Check it and try again.', {
      timeout: 15_000,
    });
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    await expect(page.getByRole('textbox', { name: 'Address' })).toHaveValue(account.jid);
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('not-the-password');
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/^Offline/);
    // One plain sentence: neither the server's own SASL text nor our wrapper of it reaches the page.
    for (const raw of [/The server said/i, /Invalid username or password/i, /not-authorized/i]) {
      await expect(page.locator('body')).not.toContainText(raw);
    }
    await checkScreen(page, 'signin-error');
  });

  it('signing in again shows the cached roster while connecting; a failure then brings the form back saying why', async (t) => {
    const account = await suite.account('cached');
    const app = await suite.app();
    const { page } = app;
    const server = suite.scenario.server;
    const friend = `friend-${account.user}@${server.domain}`;
    await app.signIn(account);
    const added = await app.engine.invoke('roster.add', {
      account: account.jid,
      jid: friend,
      name: 'Cached Friend',
    });
    assert.ok(added.ok);
    const row = page.getByRole('treeitem', { name: /Cached Friend/ });
    await expect(row).toBeVisible();
    await signOutFromMenu(page);
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();

    // A slow link (every chunk held 300 ms): the sign-in takes seconds, the cached roster shows meanwhile.
    const proxy = await startFaultProxy({ host: server.host, port: server.c2sPort });
    t.after(() => proxy.close());
    proxy.delay(300);
    const slow = { ...server, c2sPort: proxy.port } as XmppServer;
    await app.submitSignIn(account, { password: 'not-the-password', server: slow });
    await expect(row).toBeVisible();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/^Connecting/);
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeHidden();
    await expect(
      page.getByRole('img', { name: 'Not connected yet: Available once signed in' }),
    ).toBeVisible();
    await checkScreen(page, 'main-connecting-cached');
    // The server refuses the password: back to the form, which says why and keeps the address.
    await expect(page.getByRole('alert')).toContainText('Wrong password. Check it and try again.', {
      timeout: 20_000,
    });
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Address' })).toHaveValue(account.jid);
    await expect(row).toBeHidden();

    proxy.delay(0);
    await app.signIn(account);
    await expect(row).toBeVisible();
  });

  it(
    'remember password, sign out, sign in from the saved account, then Forget removes it from the keychain',
    { skip: keychainSkip },
    async (t) => {
      const keytar = (await import('keytar')).default;
      const account = await suite.account('remember');
      t.after(() => keytar.deletePassword(KEYCHAIN_SERVICE, account.jid).then(() => undefined));
      const app = await suite.app();
      const { page } = app;

      await app.signIn(account, { remember: true });
      // The engine stores the password once the sign-in command completes, which can be a moment after the
      // page shows 'Online' (the state event and the command's answer cross): wait for it.
      await expect.poll(() => keytar.getPassword(KEYCHAIN_SERVICE, account.jid)).toBe(account.password);

      await signOutFromMenu(page);
      await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
      const savedList = page.getByRole('region', { name: 'Saved accounts' });
      const saved = savedList.getByRole('button', { name: `${account.jid} · password remembered` });
      await expect(saved).toBeVisible();
      await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
      await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('placeholder', 'Remembered');
      await checkScreen(page, 'signin-saved-account');

      // The remembered password signs in without typing it.
      await saved.click();
      await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(
        new RegExp(`^Online as ${escapeRegExp(account.jid)}/`),
        { timeout: 15_000 },
      );
      await signOutFromMenu(page);
      await expect(saved).toBeVisible();

      await savedList.getByRole('button', { name: `Forget ${account.jid}` }).click();
      await expect(saved).toBeHidden();
      await expect(page.getByRole('region', { name: 'Saved accounts' })).toBeHidden();
      assert.equal(await keytar.getPassword(KEYCHAIN_SERVICE, account.jid), null);
      const listed = await app.engine.invoke('account.saved', {});
      assert.ok(listed.ok);
      assert.deepEqual(
        listed.value.accounts.map((a) => a.jid),
        [],
      );
    },
  );
});
