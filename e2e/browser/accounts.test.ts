// Several accounts signed in at once, in browser mode, against two real Prosody servers and slixmpp peers:
// each peer's message lands under the account it was sent to, a reply goes out from the account its chat
// belongs to, one server restarting leaves the other account chatting, one account's sign-out or wrong
// password never disturbs the other, Remove forgets an account, and 'account.restore' signs the remembered
// accounts in again at the next start.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { KEYCHAIN_SERVICE } from '../../electron/core/credentials.ts';
import { useServerScenario } from '../harness/scenario.ts';
import type { ScenarioAccount } from '../harness/scenario.ts';
import type { SlixmppPeer } from '../harness/peer.ts';
import {
  accountMenuButton,
  checkScreen,
  escapeRegExp,
  expect,
  screenshot,
  signOutFromMenu,
  useBrowserSuite,
} from './fixture.ts';
import type { ParleyApp } from './fixture.ts';
import { keychainSkipReason } from '../harness/keychain.ts';

const keychainSkip = await keychainSkipReason();

/** An account's entry in the accounts strip. */
const card = (page: Page, account: string): Locator =>
  page.getByRole('group', { name: `Account ${account}`, exact: true });

/** The roster row of a contact on one account (its name ends with the account when there are several). */
const rowOn = (page: Page, name: string, account: string): Locator =>
  page.getByRole('tree', { name: 'Contacts' }).getByRole('treeitem', {
    name: new RegExp(`^${escapeRegExp(name)},.*, on ${escapeRegExp(account)}$`),
  });

const messageRow = (log: Locator, text: string): Locator =>
  log.locator('.msg').filter({ has: log.page().locator('.msg-body').getByText(text, { exact: true }) });

/** Types a message into the shown chat and sends it; waits until `peer` has it, from `account`. */
async function reply(page: Page, peer: SlixmppPeer, account: string, body: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(body);
  await box.press('Enter');
  await expect(box).toHaveValue('');
  const got = await peer.waitFor('message', (m) => m.body === body, 20_000);
  assert.equal(got.from.split('/')[0], account, `"${body}" went out from ${account}`);
}

describe('browser mode: several accounts', () => {
  const suite = useBrowserSuite();
  // A second server, so that one account's server can restart while the other's stays up.
  const second = useServerScenario({ domain: 'second.test' });

  /** Signs in `first` through the form, then adds `other` (on the second server) through "Add account". */
  async function twoAccounts(prefix: string): Promise<{
    app: ParleyApp;
    page: Page;
    a: ScenarioAccount;
    b: ScenarioAccount;
  }> {
    const a = await suite.account(`${prefix}a`);
    const b = await second.account(`${prefix}b`);
    const app = await suite.app({ moreServers: [second.server] });
    const { page } = app;
    await app.signIn(a);
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Add an account' })).toBeVisible();
    await app.submitSignIn(b, { server: second.server });
    await expect(card(page, b.jid)).toContainText('Online', { timeout: 15_000 });
    await expect(card(page, a.jid)).toContainText('Online');
    return { app, page, a, b };
  }

  it('two accounts: messages land under their account, replies go out from it, a server restart and a sign-out leave the other', async () => {
    const { app, page, a, b } = await twoAccounts('two');
    const [pat, quinnAccount] = await Promise.all([
      suite.peer('pat', { onSubscribe: 'approve', resource: 'peer' }),
      second.account('quinn'),
    ]);
    let quinn = await second.peer(quinnAccount, { onSubscribe: 'approve', resource: 'peer' });
    await app.befriend(pat, { name: 'Pat', group: 'Friends', account: a.jid });
    await app.befriend(quinn, { name: 'Quinn', group: 'Friends', account: b.jid });

    // The roster groups by account: an account row above each account's groups and contacts.
    const tree = page.getByRole('tree', { name: 'Contacts' });
    const accountRow = (account: string) =>
      tree.getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(account)}, \\d+ of \\d+ online$`) });
    await expect(accountRow(a.jid)).toHaveAttribute('aria-level', '1');
    await expect(accountRow(b.jid)).toHaveAttribute('aria-level', '1');
    await expect(rowOn(page, 'Pat', a.jid)).toHaveAttribute('aria-level', '3');
    await expect(rowOn(page, 'Quinn', b.jid)).toHaveAccessibleName(
      `Quinn, Available, ${quinn.jid}, on ${b.jid}`,
    );
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('All 2 accounts online');
    // Collapsing one account hides only its contacts.
    await accountRow(b.jid).click();
    await expect(accountRow(b.jid)).toHaveAttribute('aria-expanded', 'false');
    await expect(rowOn(page, 'Quinn', b.jid)).toBeHidden();
    await expect(rowOn(page, 'Pat', a.jid)).toBeVisible();
    await page.keyboard.press('ArrowRight');
    await expect(rowOn(page, 'Quinn', b.jid)).toBeVisible();
    await checkScreen(page, 'accounts-two');

    // A peer writes to each account: each message opens its own chat, on its own account.
    await pat.sendMessage(a.jid, 'Hello A, this is Pat');
    await quinn.sendMessage(b.jid, 'Hello B, this is Quinn');
    const tabs = page.getByRole('tablist', { name: 'Open chats' });
    const patTab = tabs.getByRole('tab', { name: new RegExp(`^Pat on ${escapeRegExp(a.jid)}`) });
    const quinnTab = tabs.getByRole('tab', { name: new RegExp(`^Quinn on ${escapeRegExp(b.jid)}`) });
    await expect(patTab).toBeVisible();
    await expect(quinnTab).toBeVisible();
    await expect(patTab).toContainText(`on ${a.jid}`);

    await quinnTab.click();
    const quinnLog = page.getByRole('log', { name: `Messages with Quinn on ${b.jid}` });
    await expect(messageRow(quinnLog, 'Hello B, this is Quinn')).toBeVisible();
    await expect(messageRow(quinnLog, 'Hello A, this is Pat')).toHaveCount(0);
    await expect(page.locator('.chat-account')).toHaveText(`on ${b.jid}`);
    await reply(page, quinn, b.jid, 'Hi Quinn, from B');

    await patTab.click();
    const patLog = page.getByRole('log', { name: `Messages with Pat on ${a.jid}` });
    await expect(messageRow(patLog, 'Hello A, this is Pat')).toBeVisible();
    await expect(messageRow(patLog, 'Hello B, this is Quinn')).toHaveCount(0);
    await reply(page, pat, a.jid, 'Hi Pat, from A');
    await checkScreen(page, 'accounts-chat');

    // Search covers both accounts, each hit naming its account.
    const search = page.getByRole('combobox', { name: 'Search messages', exact: true });
    await search.fill('this is');
    const hits = page.getByRole('listbox', { name: 'Search messages: results' }).getByRole('option');
    await expect(hits).toHaveCount(2);
    await expect(hits.filter({ hasText: 'Quinn' }).locator('.search-hit-account')).toHaveText(`on ${b.jid}`);
    await expect(hits.filter({ hasText: 'Pat' }).locator('.search-hit-account')).toHaveText(`on ${a.jid}`);
    await checkScreen(page, 'accounts-search');
    await search.press('Escape');
    await search.press('Escape');

    // B's server restarts: B reconnects on its own while A keeps chatting.
    await second.server.restart();
    await expect(card(page, b.jid)).toContainText(/Reconnecting|Connecting|Offline/, { timeout: 15_000 });
    await expect(card(page, a.jid)).toContainText('Online');
    await pat.sendMessage(a.jid, 'Still there, A?');
    await expect(messageRow(patLog, 'Still there, A?')).toBeVisible();
    await reply(page, pat, a.jid, 'Yes, A is fine');
    await expect(card(page, b.jid)).toContainText('Online', { timeout: 60_000 });
    // The restart dropped the peer's own session too: it comes back and writes to B again.
    await quinn.stop();
    quinn = await second.peer(quinnAccount, { onSubscribe: 'approve', resource: 'peer2' });
    await quinn.sendMessage(b.jid, 'Back after the restart');
    await quinnTab.click();
    await expect(messageRow(quinnLog, 'Back after the restart')).toBeVisible({ timeout: 15_000 });
    await reply(page, quinn, b.jid, 'Welcome back, from B');

    // Sign B out: A stays signed in and chatting; B's chats stay, its contacts leave the roster.
    await signOutFromMenu(page, b.jid);
    await expect(card(page, b.jid)).toContainText('Signed out');
    await expect(card(page, b.jid).getByRole('button', { name: `Sign in ${b.jid}` })).toBeVisible();
    await expect(card(page, a.jid)).toContainText('Online');
    await expect(accountRow(b.jid)).toHaveCount(0);
    await expect(tree.getByRole('treeitem', { name: /^Quinn,/ })).toHaveCount(0);
    await expect(quinnTab).toBeVisible();
    await patTab.click();
    await pat.sendMessage(a.jid, 'Is B gone?');
    await expect(messageRow(patLog, 'Is B gone?')).toBeVisible();
    await reply(page, pat, a.jid, 'Only B, A is here');
    await checkScreen(page, 'accounts-one-signed-out');

    // Narrow and dark: still usable, still axe-clean.
    await page.setViewportSize({ width: 480, height: 820 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(card(page, a.jid)).toBeVisible();
    await checkScreen(page, 'accounts-narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1100, height: 720 });

    // Remove B: asked first; then its card, chats and tabs go, and the window looks as with one account.
    await accountMenuButton(page, b.jid).click();
    await page
      .getByRole('menu', { name: `Account ${b.jid}`, exact: true })
      .getByRole('menuitem', { name: 'Remove…' })
      .click();
    const confirm = page.getByRole('alertdialog', { name: 'Remove account' });
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await checkScreen(page, 'accounts-remove-dialog');
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(confirm).toBeHidden();
    await expect(card(page, b.jid)).toHaveCount(0);
    await expect(quinnTab).toHaveCount(0);
    await screenshot(page, 'accounts-after-remove');
    await expect(tabs.getByRole('tab')).toHaveText(['Pat']);
    await expect(tabs.getByRole('tab', { name: 'Pat', exact: true })).toBeVisible();
    await expect(accountMenuButton(page)).toBeVisible();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(
      new RegExp(`^Online as ${escapeRegExp(a.jid)}/`),
    );
    const listed = await app.engine.invoke('account.saved', {});
    assert.ok(listed.ok);
    assert.deepEqual(
      listed.value.accounts.map((s) => s.jid),
      [a.jid],
    );
  });

  it('a wrong password or an unreachable server for a new account leaves the signed-in one alone', async () => {
    const a = await suite.account('steady');
    const b = await second.account('broken');
    const app = await suite.app({ moreServers: [second.server] });
    const { page } = app;
    await app.signIn(a);
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    await app.submitSignIn(b, { server: second.server, password: 'not-the-password' });
    await expect(page.getByRole('alert')).toContainText('Wrong password. Check it and try again.', {
      timeout: 15_000,
    });
    await expect(page.getByRole('heading', { name: 'Add an account' })).toBeVisible();
    await checkScreen(page, 'accounts-add-error');
    const snap = await app.engine.invoke('state.snapshot', {});
    assert.ok(snap.ok);
    assert.equal(snap.value.accounts.find((s) => s.account === a.jid)?.connection.status, 'online');

    // Unreachable: a port nobody listens on.
    await page.getByRole('spinbutton', { name: 'Port' }).fill('1');
    await page.getByLabel('Password', { exact: true }).fill(b.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('Could not reach the server', { timeout: 20_000 });

    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(accountMenuButton(page)).toBeVisible();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(
      new RegExp(`^Online as ${escapeRegExp(a.jid)}/`),
    );
  });

  it(
    'remembered accounts are signed in again at the next start (account.restore), one failing alone',
    { skip: keychainSkip },
    async (t) => {
      const keytar = (await import('keytar')).default;
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-restore-'));
      t.after(() => rm(dataDir, { recursive: true, force: true }));
      const a = await suite.account('again');
      const b = await second.account('again');
      t.after(async () => {
        await keytar.deletePassword(KEYCHAIN_SERVICE, a.jid);
        await keytar.deletePassword(KEYCHAIN_SERVICE, b.jid);
      });
      const first = await suite.app({ moreServers: [second.server], dataDir });
      await first.signIn(a, { remember: true });
      await first.page.getByRole('button', { name: 'Add account', exact: true }).click();
      await first.submitSignIn(b, { server: second.server, remember: true });
      await expect(card(first.page, b.jid)).toContainText('Online', { timeout: 15_000 });
      await first.stop();

      // B's password changes meanwhile: A comes back, B says why it did not.
      await second.server.unregister(b.user);
      await second.server.register(b.user, 'a-new-password');
      const again = await suite.app({ moreServers: [second.server], dataDir });
      const { page } = again;
      await expect(card(page, a.jid)).toContainText('Online', { timeout: 20_000 });
      await expect(card(page, b.jid)).toContainText(/Offline: /, { timeout: 20_000 });
      await expect(page.getByRole('status', { name: 'Notices' })).toContainText(`Could not sign in ${b.jid}`);
      await checkScreen(page, 'accounts-restored');
    },
  );
});
