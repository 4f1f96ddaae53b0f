// "Offline" in the presence picker is a presence, not a sign-out (issue 10): in browser mode against the real
// server, the roster and the chat stay on screen, history still reads, a message written meanwhile waits and
// goes out once back, choosing Available goes online again without the password, other accounts are not
// touched, a restart keeps the choice, and signing out is its own action in the account menu. The status
// field always shows the status we really have, also after signing in again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import {
  accountMenuButton,
  checkScreen,
  contactRow,
  escapeRegExp,
  expect,
  signOutFromMenu,
  startChatSession,
  useBrowserSuite,
} from './fixture.ts';
import type { ParleyApp } from './fixture.ts';
import { KEYCHAIN_SERVICE } from '../../electron/core/credentials.ts';
import { keychainSkipReason } from '../harness/keychain.ts';

const keychainSkip = await keychainSkipReason();

const picker = (page: Page, account?: string) =>
  page.getByRole('combobox', { name: account ? `Presence for ${account}` : 'Presence', exact: true });
const statusField = (page: Page, account?: string) =>
  page.getByRole('textbox', { name: account ? `Status for ${account}` : 'Status', exact: true });
const connection = (page: Page) => page.getByRole('status', { name: 'Connection' });

describe('browser mode: Offline keeps the account', () => {
  const suite = useBrowserSuite();

  it('Offline keeps the roster and the chat, history still reads, Available goes online again', async () => {
    const { account, app, friends } = await startChatSession(suite, 'away', ['Olga'], { openLater: true });
    const olga = friends[0]!.peer;
    const fromUs = (p: { from: string }): boolean => p.from.split('/')[0] === account.jid;
    // Written before the page opens: the page can only read it through the history.
    await olga.sendMessage(account.jid, 'Written before you looked');
    await app.watch.waitFor(
      (e) =>
        e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'Written before you looked'),
    );
    await app.open();
    const { page } = app;
    await expect(contactRow(page, 'Olga')).toHaveAccessibleName(/^Olga, Available/);

    const engineAt = app.watch.events.length;
    await picker(page).selectOption({ label: 'Offline' });
    await olga.waitFor('presence', (p) => fromUs(p) && p.presenceType === 'unavailable');
    const peerAt = olga.events.length;
    await expect(connection(page)).toHaveText('Offline: choose a presence to go online again');
    // Still the main window: roster (Olga offline now), picker and account menu; no sign-in form.
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeHidden();
    await expect(picker(page)).toHaveValue('offline');
    await expect(
      page.getByRole('group', { name: 'Your presence' }).getByRole('img', { name: 'Offline' }),
    ).toBeVisible();
    await expect(contactRow(page, 'Olga')).toHaveAccessibleName(/^Olga, Offline/);
    await expect(accountMenuButton(page)).toBeVisible();

    // The chat opens from the roster, and its history reads from this machine.
    await contactRow(page, 'Olga').click();
    const log = page.getByRole('log', { name: 'Messages with Olga' });
    await expect(log.getByText('Written before you looked', { exact: true })).toBeVisible();
    await expect(page.getByRole('note').filter({ hasText: 'is offline' })).toHaveText(
      new RegExp(`is offline: messages go out once you choose a presence again\\.$`),
    );
    // Written while offline: it waits in the outbox.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Written while offline');
    await box.press('Enter');
    await expect(log.getByText('Written while offline', { exact: true })).toBeVisible();
    await checkScreen(page, 'offline-kept');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'offline-kept-dark');
    await page.setViewportSize({ width: 480, height: 760 });
    await expect(picker(page)).toBeInViewport();
    await checkScreen(page, 'offline-kept-narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1100, height: 720 });
    // Nothing went online by itself meanwhile (the engine's first reconnect would have been due after 1 s).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expect(connection(page)).toHaveText('Offline: choose a presence to go online again');
    assert.deepEqual(
      olga.events
        .slice(peerAt)
        .filter((e) => e.type === 'presence' && fromUs(e) && e.presenceType === 'available'),
      [],
    );
    assert.deepEqual(
      app.watch.events
        .slice(engineAt)
        .flatMap((e) => (e.event === 'connection.state' ? [e.payload.status] : [])),
      ['paused'],
    );

    // Back with the keyboard, without typing the password: the contact sees us, the waiting message goes.
    await picker(page).focus();
    await picker(page).selectOption({ label: 'Available' });
    await expect(connection(page)).toHaveText(new RegExp(`^Online as ${escapeRegExp(account.jid)}/`), {
      timeout: 15_000,
    });
    await olga.waitFor('presence', (p) => fromUs(p) && p.presenceType === 'available');
    await olga.waitFor('message', (m) => m.body === 'Written while offline', 15_000);
    await expect(contactRow(page, 'Olga')).toHaveAccessibleName(/^Olga, Available/);
    await expect(page.getByRole('note').filter({ hasText: 'is offline' })).toHaveCount(0);
    await olga.sendMessage(account.jid, 'Welcome back');
    await expect(log.getByText('Welcome back', { exact: true })).toBeVisible();
  });

  it('the account menu signs out, by keyboard; after signing in again the status field shows our status', async () => {
    const account = await suite.account('menu');
    const app = await suite.app();
    const { page } = app;
    await app.signIn(account);
    await picker(page).selectOption({ label: 'Away' });
    await statusField(page).fill('At lunch');
    await statusField(page).press('Enter');
    await expect
      .poll(() => ownPresence(app.engine, account.jid))
      .toEqual({ show: 'away', status: 'At lunch' });

    // A menu button: Enter opens it on its first item, Escape gives focus back, the arrows move.
    const menuButton = accountMenuButton(page);
    await menuButton.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'Account', exact: true });
    await expect(menu.getByRole('menuitem', { name: 'Sign out' })).toBeFocused();
    await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
    await checkScreen(page, 'account-menu');
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(menuButton).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: 'Sign out' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: 'Remove…' })).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();

    // Signed in again: the presence and the status we had, both in the picker and for real.
    await app.signIn(account);
    await expect(picker(page)).toHaveValue('away');
    await expect(statusField(page)).toHaveValue('At lunch');
    assert.deepEqual(await ownPresence(app.engine, account.jid), { show: 'away', status: 'At lunch' });

    // Offline, then signed out while offline: signing in again is Available, and the old status is gone
    // from the field as it is from our presence.
    await picker(page).selectOption({ label: 'Offline' });
    await expect(connection(page)).toHaveText('Offline: choose a presence to go online again');
    await expect(statusField(page)).toHaveValue('At lunch');
    await signOutFromMenu(page);
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    await app.signIn(account);
    await expect(picker(page)).toHaveValue('available');
    assert.deepEqual(await ownPresence(app.engine, account.jid), { show: 'available', status: null });
    await expect(statusField(page)).toHaveValue('');
  });

  it('Offline on one account leaves the other online; each card has its own menu', async () => {
    const [a, b] = await Promise.all([suite.account('firsta'), suite.account('secondb')]);
    const app = await suite.app();
    const { page } = app;
    await app.signIn(a);
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    await app.submitSignIn(b);
    const card = (jid: string) => page.getByRole('group', { name: `Account ${jid}`, exact: true });
    await expect(card(b.jid)).toContainText('Online', { timeout: 15_000 });

    await picker(page, a.jid).selectOption({ label: 'Offline' });
    await expect(card(a.jid)).toContainText('Offline');
    await expect(card(b.jid)).toContainText('Online');
    await expect(connection(page)).toHaveText(`1 of 2 accounts online · ${a.jid}: Offline`);
    await expect(picker(page, a.jid)).toHaveValue('offline');
    // Still listed in the roster, with its contacts' place kept.
    const tree = page.getByRole('tree', { name: 'Contacts' });
    await expect(tree.getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(a.jid)},`) })).toBeVisible();
    await checkScreen(page, 'offline-one-of-two');

    await picker(page, a.jid).selectOption({ label: 'Available' });
    await expect(connection(page)).toHaveText('All 2 accounts online', { timeout: 15_000 });

    await signOutFromMenu(page, b.jid);
    await expect(card(b.jid)).toContainText('Signed out');
    await expect(card(a.jid)).toContainText('Online');
    await accountMenuButton(page, b.jid).click();
    const menu = page.getByRole('menu', { name: `Account ${b.jid}`, exact: true });
    await expect(menu.getByRole('menuitem')).toHaveText(['Sign in', 'Remove…']);
    await page.keyboard.press('Escape');
  });

  it(
    'a restart after Offline comes back offline with the roster, and Available signs in with the kept password',
    { skip: keychainSkip },
    async (t) => {
      const keytar = (await import('keytar')).default;
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-offline-restart-'));
      t.after(() => rm(dataDir, { recursive: true, force: true }));
      const account = await suite.account('rest');
      t.after(() => keytar.deletePassword(KEYCHAIN_SERVICE, account.jid).then(() => undefined));
      const pia = await suite.peer('pia', { onSubscribe: 'approve', resource: 'peer' });
      const first = await suite.app({ dataDir });
      await first.signIn(account, { remember: true });
      await expect.poll(() => keytar.getPassword(KEYCHAIN_SERVICE, account.jid)).toBe(account.password);
      await first.befriend(pia, { name: 'Pia', group: 'Friends' });
      await picker(first.page).selectOption({ label: 'Offline' });
      await expect(connection(first.page)).toHaveText('Offline: choose a presence to go online again');
      await first.stop();

      const peerAt = pia.events.length;
      const again = await suite.app({ dataDir });
      const { page } = again;
      await expect(contactRow(page, 'Pia')).toHaveAccessibleName(/^Pia, Offline/);
      await expect(picker(page)).toHaveValue('offline');
      await expect(connection(page)).toHaveText('Offline: choose a presence to go online again');
      await checkScreen(page, 'offline-after-restart');
      const fromUs = (p: { from: string }): boolean => p.from.split('/')[0] === account.jid;
      assert.deepEqual(
        pia.events
          .slice(peerAt)
          .filter((e) => e.type === 'presence' && fromUs(e) && e.presenceType === 'available'),
        [],
        'the restart sent no presence',
      );
      await picker(page).selectOption({ label: 'Available' });
      await expect(connection(page)).toHaveText(new RegExp(`^Online as ${escapeRegExp(account.jid)}/`), {
        timeout: 15_000,
      });
      await pia.waitFor('presence', (p) => fromUs(p) && p.presenceType === 'available');
      await expect(contactRow(page, 'Pia')).toHaveAccessibleName(/^Pia, Available/);
    },
  );
});

/** Our own presence on `account` as the engine has it (show and status). */
async function ownPresence(engine: ParleyApp['engine'], account: string) {
  const snap = await engine.invoke('state.snapshot', {});
  assert.ok(snap.ok);
  const own = snap.value.accounts.find((s) => s.account === account)?.ownPresence;
  return own ? { show: own.show, status: own.status } : null;
}
