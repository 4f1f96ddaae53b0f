// Forms and the messages people read, in browser mode (issue 10): the composer's length limit (a counter
// near it, Send refused past it, nothing cut), addresses too long or our own (sign-in and add contact), focus
// and Escape in the add-contact dialog after a server error, and notices that leave on time across screens.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import { ADDRESS_TOO_LONG } from '../../shared/jid.ts';
import { checkScreen, contactRow, expect, startChatSession, useBrowserSuite } from './fixture.ts';

/** Light and dark, at 480 px wide (then back to the suite's size). */
async function checkBothSchemes(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 480, height: 800 });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await checkScreen(page, `${name}-480-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: null });
  if (size) await page.setViewportSize(size);
}

describe('browser mode: forms and messages', () => {
  const suite = useBrowserSuite();

  it('the composer counts down from 90,000 characters, refuses past 100,000 and never cuts the text', async () => {
    const { page, friends } = await startChatSession(suite, 'long', ['Lena']);
    const lena = friends[0]!.peer;
    await contactRow(page, 'Lena').click();
    const box = page.getByRole('textbox', { name: 'Message' });
    const send = page.getByRole('button', { name: 'Send' });
    // The counter (a polite live region in the composer); the textarea is described by it.
    const count = page.locator('form.composer').getByRole('status');
    const log = page.getByRole('log', { name: 'Messages with Lena' });

    await box.fill('y'.repeat(89_999));
    await expect(count).toHaveText('');
    await box.press('End');
    await box.press('z');
    await expect(count).toHaveText('10,000 characters left');
    await expect(count).toHaveAttribute('aria-live', 'polite');
    await expect(send).toBeEnabled();

    // Past the limit: every character kept, Send off, the counter says by how much; Enter sends nothing.
    const over = `${'x'.repeat(100_000)}TAIL`;
    await box.fill(over);
    await expect.poll(() => box.evaluate((el: HTMLTextAreaElement) => el.value.length)).toBe(100_004);
    await expect(count).toHaveText('4 characters too long (limit 100,000)');
    await expect(send).toBeDisabled();
    await expect(box).toHaveAttribute('aria-invalid', 'true');
    await expect(box).toHaveAccessibleDescription('4 characters too long (limit 100,000)');
    await box.press('Enter');
    await page.waitForTimeout(300); // a send would have to start within this; nothing may arrive
    assert.equal(await box.evaluate((el: HTMLTextAreaElement) => el.value), over);
    await expect(log.locator('.msg')).toHaveCount(0);
    await checkBothSchemes(page, 'composer-too-long');

    // Four characters fewer: at the limit, it sends, whole.
    await box.press('End');
    for (let i = 0; i < 4; i++) await box.press('Backspace');
    await expect(count).toHaveText('0 characters left');
    await expect(send).toBeEnabled();
    await send.click();
    const got = await lena.waitFor('message', (m) => m.body !== null && m.body.length > 1_000, 15_000);
    assert.equal(got.body, 'x'.repeat(100_000));
    await expect(box).toHaveValue('');
    await expect(count).toHaveText('');
    assert.ok(
      !lena.events.some((e) => e.type === 'message' && e.body?.includes('TAIL')),
      'the over-long text was never sent',
    );
  });

  it('a 3,000-character address is called too long (sign-in and add contact); adding yourself says why', async () => {
    const me = await suite.account('self');
    const app = await suite.app();
    const { page } = app;
    const long = `${'a'.repeat(3_000)}@${suite.scenario.server.domain}`;

    // Sign-in: the form says what is wrong and keeps the focus on the address.
    const signInAddress = page.getByRole('textbox', { name: 'Address' });
    await signInAddress.fill(long);
    await page.getByLabel('Password', { exact: true }).fill('whatever');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText(ADDRESS_TOO_LONG);
    await expect(page.getByRole('alert')).not.toContainText('name@example.com');
    await checkBothSchemes(page, 'signin-address-too-long');

    await app.signInDirect(me);
    await page.getByRole('button', { name: 'Add contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add contact' });
    const address = dialog.getByRole('textbox', { name: 'Address' });
    await address.fill(long);
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog.getByRole('alert')).toHaveText(ADDRESS_TOO_LONG);
    await expect(address).toHaveAttribute('aria-invalid', 'true');
    await expect(address).toBeFocused();

    // Our own address, typed in another case: refused here, before the server (ejabberd would add it).
    await address.fill(me.jid.toUpperCase());
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog.getByRole('alert')).toHaveText(
      'That is your own address: you cannot add yourself as a contact.',
    );
    await expect(address).toBeFocused();
    await checkBothSchemes(page, 'add-contact-own-address');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();

    // The engine refuses it too, and nothing reached the roster.
    const direct = await app.engine.invoke('roster.add', { account: me.jid, jid: me.jid, subscribe: true });
    assert.equal(!direct.ok && direct.error.code, 'invalid-request');
    const snap = await app.engine.invoke('state.snapshot', {});
    assert.ok(snap.ok);
    assert.deepEqual(snap.value.accounts.find((a) => a.account === me.jid)?.roster, []);
    await expect(page.getByText('No contacts yet.')).toBeVisible();
  });

  it('after a server error the add-contact dialog keeps the focus, Tab stays inside and Escape closes it', async () => {
    const me = await suite.account('refused');
    const app = await suite.app();
    const { page } = app;
    await app.signInDirect(me);
    const opener = page.getByRole('button', { name: 'Add contact' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Add contact' });
    const focusInDialog = () => dialog.evaluate((el) => el.contains(document.activeElement));

    // A private-use letter: valid to our form, refused as malformed by Prosody and ejabberd alike.
    await dialog.getByRole('textbox', { name: 'Address' }).fill(`\uE000x@${suite.scenario.server.domain}`);
    const add = dialog.getByRole('button', { name: 'Add' });
    await add.focus();
    await page.keyboard.press('Enter');
    await expect(dialog.getByRole('alert')).toContainText('malformed');
    await expect(add).toBeFocused();
    assert.equal(await focusInDialog(), true);
    await checkBothSchemes(page, 'add-contact-server-error');

    // Tab and Shift+Tab go round the dialog's controls only.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      assert.equal(await focusInDialog(), true, `Tab ${i + 1}`);
    }
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Shift+Tab');
      assert.equal(await focusInDialog(), true, `Shift+Tab ${i + 1}`);
    }
    // Focus dropped to the page (as a control that goes away leaves it): Tab brings it back, Escape still closes.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    assert.equal(await focusInDialog(), false);
    await page.keyboard.press('Tab');
    assert.equal(await focusInDialog(), true);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();
    const snap = await app.engine.invoke('state.snapshot', {});
    assert.ok(snap.ok);
    assert.deepEqual(snap.value.accounts.find((a) => a.account === me.jid)?.roster, []);
  });

  it('a notice leaves 8 seconds after it came, even when the screen changed meanwhile', async () => {
    const me = await suite.account('notice');
    const friend = await suite.peer('noticed', { onSubscribe: 'ignore' });
    const app = await suite.app();
    const { page } = app;
    await app.signInDirect(me);
    // The page's clock is ours from here: time runs as usual until we move it on.
    await page.clock.install();
    await page.getByRole('button', { name: 'Add contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add contact' });
    await dialog.getByRole('textbox', { name: 'Address' }).fill(friend.jid);
    await dialog.getByRole('button', { name: 'Add' }).click();
    const notice = page
      .getByRole('status', { name: 'Notices' })
      .getByRole('listitem')
      .filter({ hasText: `Asked ${friend.jid} to share their presence.` });
    await expect(notice).toBeVisible();

    await page.clock.fastForward(5_000);
    await expect(notice).toBeVisible();
    // Another screen (signed out: the sign-in form), with its own notices list: the notice is still there...
    const signedOut = await app.engine.invoke('account.signOut', { account: me.jid });
    assert.ok(signedOut.ok);
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    await expect(notice).toBeVisible();
    // ...and goes once 8 seconds have passed since it came, not 8 seconds after the screen changed.
    await page.clock.fastForward(3_500);
    await expect(notice).toBeHidden({ timeout: 1_000 });
  });

  it('Approve and add… by keyboard alone: the dialog, filled in, approves and adds with the chosen name and group', async () => {
    const me = await suite.account('keys');
    const [ivy, jay] = await Promise.all([
      suite.peer('ivy', { onSubscribe: 'ignore' }),
      suite.peer('jay', { onSubscribe: 'ignore' }),
    ]);
    const app = await suite.app();
    const { page } = app;
    await app.signInDirect(me);
    await ivy.sendRaw(
      `<presence to="${me.jid}" type="subscribe"><nick xmlns="http://jabber.org/protocol/nick">Ivy</nick></presence>`,
    );
    await jay.subscribe(me.jid);
    const request = page
      .getByRole('region', { name: 'Subscription requests' })
      .getByRole('group', { name: `Request from ${ivy.jid}` });
    const fromJay = page.getByRole('group', { name: `Request from ${jay.jid}` });
    await expect(fromJay).toBeVisible();
    const button = request.getByRole('button', { name: 'Approve and add…' });
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Approve and add contact' });
    const name = dialog.getByRole('textbox', { name: 'Name' });
    await expect(name).toBeFocused();
    await expect(name).toHaveValue('Ivy');
    await checkBothSchemes(page, 'approve-and-add');

    await page.keyboard.type(' Lee');
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('textbox', { name: 'Group' })).toBeFocused();
    await page.keyboard.type('Garden');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    // The answered request is gone; the next one has the focus, to go on from.
    await expect(
      page
        .getByRole('group', { name: `Request from ${jay.jid}` })
        .getByRole('button', { name: 'Approve', exact: true }),
    ).toBeFocused();
    await ivy.waitFor('presence', (e) => e.presenceType === 'subscribed' && e.from.startsWith(me.jid));
    await ivy.waitFor('presence', (e) => e.presenceType === 'subscribe' && e.from.startsWith(me.jid));
    await expect(request).toBeHidden();
    await expect(contactRow(page, 'Ivy Lee')).toHaveAccessibleName('Ivy Lee, Offline, waiting for approval');
    await expect(page.getByRole('status', { name: 'Notices' })).toContainText(
      `Approved ${ivy.jid} and asked them to share their presence.`,
    );
  });
});
