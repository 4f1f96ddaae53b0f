// The settings screen in browser mode against the real server (both kinds): opened from the header's
// Settings button and with Ctrl+, ; its sections reached with the arrow keys, each axe-clean; the theme
// (the page's computed background), the text size, Enter to send (Enter is a new line, Ctrl+Enter sends
// to a real slixmpp peer) and emoticons in the composer; a refused idle value with the engine's words;
// everything kept across a restart of the engine and host; a certificate trusted by hand forgotten in
// Advanced. Screenshots light, dark and at 480 px in test-results/screens/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright';
import {
  accountMenuButton,
  checkScreen,
  contactRow,
  expect,
  screenshot,
  startChatSession,
  useBrowserSuite,
} from './fixture.ts';

const SECTIONS = [
  'Accounts',
  'Notifications',
  'Appearance',
  'Privacy',
  'Chat',
  'Idle',
  'Window',
  'Network',
  'Advanced',
];

const settingsDialog = (page: Page) => page.getByRole('dialog', { name: 'Settings' });
const tab = (page: Page, name: string) => settingsDialog(page).getByRole('tab', { name, exact: true });
const pageBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const rootFontSize = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).fontSize);

async function openSection(page: Page, name: string): Promise<void> {
  if (!(await settingsDialog(page).isVisible()))
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await tab(page, name).click();
  await expect(tab(page, name)).toHaveAttribute('aria-selected', 'true');
}

describe('browser mode: settings', () => {
  const suite = useBrowserSuite();

  it('opens from the header and with Ctrl+, ; every section by arrow key, axe-clean; theme and text size apply', async () => {
    const account = await suite.account('settings');
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(accountMenuButton(page)).toBeVisible();

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = settingsDialog(page);
    await expect(dialog).toBeVisible();
    await expect(tab(page, 'Accounts')).toBeFocused();
    await expect(dialog.getByRole('listitem', { name: account.jid })).toContainText('Online');
    // Every section with the arrow keys, each checked by axe (light).
    for (const [i, name] of SECTIONS.entries()) {
      if (i > 0) await page.keyboard.press('ArrowDown');
      await expect(tab(page, name)).toBeFocused();
      await expect(tab(page, name)).toHaveAttribute('aria-selected', 'true');
      await expect(dialog.getByRole('tabpanel')).toContainText(name);
      await checkScreen(page, `settings-${name.toLowerCase()}`);
    }
    await page.keyboard.press('ArrowDown'); // wraps to the first
    await expect(tab(page, 'Accounts')).toBeFocused();
    await page.keyboard.press('End');
    await expect(tab(page, 'Advanced')).toBeFocused();
    await expect(dialog).toContainText(/Data folder/);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();

    // By keyboard: Ctrl+, opens it again, at the section last shown.
    await page.keyboard.press('Control+Comma');
    await expect(dialog).toBeVisible();
    await expect(tab(page, 'Advanced')).toHaveAttribute('aria-selected', 'true');

    // Appearance: the chosen theme wins over the OS's; the text size scales the root.
    assert.equal(await pageBackground(page), 'rgb(255, 255, 255)');
    assert.equal(await rootFontSize(page), '14px');
    await openSection(page, 'Appearance');
    await dialog.getByLabel('Theme').selectOption('dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect.poll(() => pageBackground(page)).toBe('rgb(23, 25, 30)');
    await checkScreen(page, 'settings-appearance-dark');
    await dialog.getByLabel('Text size').selectOption('large');
    await expect.poll(() => rootFontSize(page)).toBe('16px');
    await dialog.getByLabel('Text size').selectOption('normal');
    await dialog.getByRole('checkbox', { name: 'Compact contact list' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-compact-roster', 'true');
    await page.setViewportSize({ width: 480, height: 820 });
    await checkScreen(page, 'settings-480-dark');
    await dialog.getByLabel('Theme').selectOption('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => pageBackground(page)).toBe('rgb(255, 255, 255)'); // light, though the OS is dark
    await checkScreen(page, 'settings-480-light');
    await dialog.getByLabel('Theme').selectOption('system');
    await expect.poll(() => pageBackground(page)).toBe('rgb(23, 25, 30)'); // the OS again
    await page.setViewportSize({ width: 1100, height: 720 });
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  it('Enter to send off: Enter is a new line and Ctrl+Enter sends; emoticons become emoji', async () => {
    const { page, friends, account } = await startChatSession(suite, 'enter', ['Eve']);
    const eve = friends[0]!.peer;
    await openSection(page, 'Chat');
    await settingsDialog(page).getByRole('checkbox', { name: 'Enter sends the message' }).click();
    await expect(
      settingsDialog(page).getByRole('checkbox', { name: 'Enter sends the message' }),
    ).not.toBeChecked();
    await page.keyboard.press('Escape');

    await contactRow(page, 'Eve').click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();
    await page.keyboard.type('first line :-) ');
    await page.keyboard.press('Enter');
    await page.keyboard.type('second line');
    await expect(box).toHaveValue('first line 🙂 \nsecond line');
    await page.keyboard.press('Control+Enter');
    const got = await eve.waitFor('message', (m) => m.from.startsWith(account.jid) && m.body !== null);
    assert.equal(got.body, 'first line 🙂 \nsecond line');
    await expect(box).toHaveValue('');
    await screenshot(page, 'settings-enter-to-send-off');
  });

  it('a refused idle value shows why; settings survive a restart; a trusted certificate is forgotten', async () => {
    const account = await suite.account('keep');
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-settings-'));
    try {
      const first = await suite.app({ dataDir, trustServer: false });
      let page = first.page;
      await first.submitSignIn(account, { remember: true });
      const trust = page.getByRole('alertdialog', { name: 'Untrusted certificate' });
      await trust.getByRole('button', { name: 'Trust this certificate' }).click();
      await expect(accountMenuButton(page)).toBeVisible({ timeout: 15_000 });

      await openSection(page, 'Idle');
      const dialog = settingsDialog(page);
      const extended = dialog.getByRole('spinbutton', { name: 'Extended away after' });
      await extended.fill('2'); // before "away after" (5)
      await extended.press('Enter');
      await expect(dialog.getByRole('alert').filter({ hasText: /./ })).toHaveText(
        'Extended away must come after away.',
      );
      await expect(extended).toHaveAttribute('aria-describedby', /.+/);
      await checkScreen(page, 'settings-idle-refused');
      await extended.fill('45');
      await extended.press('Enter');
      await expect(dialog.getByRole('alert').filter({ hasText: /./ })).toHaveCount(0);
      await openSection(page, 'Appearance');
      await dialog.getByLabel('Theme').selectOption('dark');
      await openSection(page, 'Privacy');
      await dialog.getByRole('checkbox', { name: 'Send read markers' }).click();
      await expect(dialog.getByRole('checkbox', { name: 'Send read markers' })).not.toBeChecked();
      await first.stop();

      // A new engine and host over the same data folder: the page starts dark, the choices kept.
      const second = await suite.app({ dataDir, trustServer: false });
      page = second.page;
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
      await expect(accountMenuButton(page)).toBeVisible({ timeout: 15_000 }); // signed in again, pinned
      await openSection(page, 'Privacy');
      await expect(
        settingsDialog(page).getByRole('checkbox', { name: 'Send read markers' }),
      ).not.toBeChecked();
      await openSection(page, 'Idle');
      await expect(settingsDialog(page).getByRole('spinbutton', { name: 'Extended away after' })).toHaveValue(
        '45',
      );

      // Advanced: the certificate trusted at the first sign-in, and Forget.
      await openSection(page, 'Advanced');
      const certificate = settingsDialog(page).getByRole('group', { name: `Certificate of ${account.jid}` });
      await expect(certificate).toContainText(suite.scenario.server.certificate.fingerprint256);
      await checkScreen(page, 'settings-advanced-pinned-dark');
      await certificate.getByRole('button', { name: 'Forget' }).click();
      await expect(certificate).toContainText('No certificate trusted by hand');
      const saved = await second.engine.invoke('account.saved', {});
      assert.ok(saved.ok);
      assert.equal(saved.value.accounts.find((a) => a.jid === account.jid)?.pinnedFingerprint256, null);

      // Network: a proxy for the next connection, kept with the account.
      await openSection(page, 'Network');
      const proxy = settingsDialog(page).getByRole('form', { name: `Proxy for ${account.jid}` });
      await proxy.getByLabel('Proxy').selectOption('socks5');
      await proxy.getByLabel('Host').fill('127.0.0.1');
      await proxy.getByLabel('Port').fill('99999');
      await proxy.getByRole('button', { name: 'Save' }).click();
      await expect(proxy.getByRole('alert')).toHaveText('The port is a number from 1 to 65535.');
      await proxy.getByLabel('Port').fill('1080');
      await proxy.getByRole('button', { name: 'Save' }).click();
      await expect(proxy.getByRole('status')).toHaveText(/Saved/);
      const withProxy = await second.engine.invoke('account.saved', {});
      assert.ok(withProxy.ok);
      assert.deepEqual(withProxy.value.accounts.find((a) => a.jid === account.jid)?.proxy, {
        type: 'socks5',
        host: '127.0.0.1',
        port: 1080,
      });
      await second.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
