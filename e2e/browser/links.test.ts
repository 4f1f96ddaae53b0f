// xmpp: links in browser mode (issue 12 §3), on the suite's real server with slixmpp peers: links in a peer's
// message open Parley's own dialogs pre-filled (add contact, join room; nothing joined), a malformed one is a
// toast saying why; a link from another program (uri.open through the engine) opens the chat with its body
// in the composer, never sent; ?remove asks first (after the open dialog, its Remove inactive for a
// moment); with two accounts the user picks one, unless the
// xmpp://account@host/ form names it. Light, dark and 480 px screenshots of the picker and the
// confirmation; axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { checkScreen, contactRow, expect, startChatSession, useBrowserSuite } from './fixture.ts';

const domainOf = (jid: string): string => jid.slice(jid.indexOf('@') + 1);

async function threeScreens(page: Page, name: string): Promise<void> {
  // The pointer off the buttons: the screens show them at rest.
  await page.mouse.move(0, 0);
  await page.emulateMedia({ colorScheme: 'light' });
  await checkScreen(page, `${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await checkScreen(page, `${name}-dark`);
  await page.setViewportSize({ width: 480, height: 820 });
  await checkScreen(page, `${name}-narrow-dark`);
  await page.setViewportSize({ width: 1100, height: 720 });
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('browser mode: xmpp: links', () => {
  const suite = useBrowserSuite();

  it('links in a message open the pre-filled dialogs, join nothing, and a broken one says why', async () => {
    const { account, app, page, friends } = await startChatSession(suite, 'linker', ['Ann']);
    const ann = friends[0]!.peer;
    const sam = `sam@${domainOf(account.jid)}`;
    const room = suite.scenario.room('lounge');
    await ann.sendMessage(
      account.jid,
      `add xmpp:${sam}?subscribe;name=Sam;group=Pals then xmpp:${room}?join;password=s3cret ` +
        `or xmpp:${sam}?message;body=%FF end`,
    );
    await contactRow(page, 'Ann').click();
    const log = page.getByRole('log');
    await expect(log).toContainText('add xmpp:');

    await log.getByRole('link', { name: `xmpp:${sam}?subscribe;name=Sam;group=Pals` }).click();
    const add = page.getByRole('dialog', { name: 'Add contact' });
    await expect(add.getByLabel('Address')).toHaveValue(sam);
    await expect(add.getByLabel('Name')).toHaveValue('Sam');
    await expect(add.getByLabel('Group')).toHaveValue('Pals');
    await add.getByRole('button', { name: 'Cancel' }).click();
    await expect(add).toHaveCount(0);

    await log.getByRole('link', { name: `xmpp:${room}?join;password=s3cret` }).click();
    const join = page.getByRole('dialog', { name: 'Join room' });
    await expect(join.getByLabel('Room address')).toHaveValue(room);
    await expect(join.getByLabel(/^Password/)).toHaveValue('s3cret');
    await join.getByRole('button', { name: 'Cancel' }).click();
    await expect(join).toHaveCount(0);
    // Not joined: the engine never announced the room, and the list has none.
    assert.equal(
      app.watch.events.some((e) => e.event === 'muc.rooms' && e.payload.rooms.some((r) => r.room === room)),
      false,
    );
    await expect(page.getByRole('region', { name: 'Rooms' })).toContainText('No rooms yet.');

    // ?invite to a room we are not in: the join dialog first (not joined either).
    await ann.sendMessage(account.jid, `come xmpp:${room}?invite;jid=${sam} now`);
    await log.getByRole('link', { name: `xmpp:${room}?invite;jid=${sam}` }).click();
    await expect(join.getByLabel('Room address')).toHaveValue(room);
    await join.getByRole('button', { name: 'Cancel' }).click();
    await expect(join).toHaveCount(0);

    await log.getByRole('link', { name: `xmpp:${sam}?message;body=%FF` }).click();
    await expect(page.getByRole('status', { name: 'Notices' })).toContainText(
      'This xmpp: link cannot be opened. The link has a broken %-escape (not UTF-8).',
    );
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });

  it('a link from another program: the chat with its body unsent, ?remove asks first, the account picked', async () => {
    const { account, app, page, friends } = await startChatSession(suite, 'opener', ['Bea']);
    const bea = friends[0]!.peer;

    const opened = await app.engine.invoke('uri.open', { uri: `xmpp:${bea.jid}?message;body=hi%20Bea` });
    assert.ok(opened.ok);
    await expect(page.getByRole('tab', { name: /^Bea/ })).toHaveAttribute('aria-selected', 'true');
    const composer = page.getByRole('textbox', { name: 'Message' });
    await expect(composer).toHaveValue('hi Bea');
    await expect(composer).toBeFocused();
    // Pre-filled, not sent: nothing went out.
    assert.equal(
      app.watch.events.some(
        (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.direction === 'out'),
      ),
      false,
    );
    await expect(page.getByRole('log').locator('.msg-out')).toHaveCount(0);

    // A refused link answers why, and the page shows nothing for it.
    const refused = await app.engine.invoke('uri.open', { uri: 'xmpp:@nobody' });
    assert.equal(refused.ok ? '' : refused.error.code, 'invalid-request');

    // ?unsubscribe asks first, then stops Bea's presence coming to us.
    await app.engine.invoke('uri.open', { uri: `xmpp:${bea.jid}?unsubscribe` });
    const stop = page.getByRole('alertdialog', { name: 'Stop seeing their presence?' });
    await expect(stop).toContainText(`stop seeing when Bea (${bea.jid}) is online`);
    await stop.getByRole('button', { name: 'Stop seeing' }).click();
    await expect(stop).toHaveCount(0);
    await bea.waitFor('presence', (p) => p.presenceType === 'unsubscribe');

    // A link that comes while another's dialog is open waits for it (a click meant for the first must not
    // land on the second's Remove). Bea's message after it is shown once the page has had the link.
    await app.engine.invoke('uri.open', { uri: `xmpp:${bea.jid}?subscribe;name=Bea` });
    const adding = page.getByRole('dialog', { name: 'Add contact' });
    await expect(adding).toBeVisible();
    await app.engine.invoke('uri.open', { uri: `xmpp:${bea.jid}?remove` });
    await bea.sendMessage(account.jid, 'after the remove link');
    await expect(page.getByRole('log')).toContainText('after the remove link');
    await expect(adding).toBeVisible();
    const confirm = page.getByRole('alertdialog', { name: 'Remove contact' });
    await expect(confirm).toHaveCount(0);
    await adding.getByRole('button', { name: 'Cancel' }).click();

    // ?remove names the contact and waits for the user: Cancel keeps Bea, Remove removes. Remove is
    // inactive (shown so, and announced) for a moment after the dialog appears.
    await expect(confirm).toContainText(`Remove Bea (${bea.jid}) from your contacts?`);
    const remove = confirm.getByRole('button', { name: 'Remove' });
    await expect(remove).toHaveAttribute('aria-disabled', 'true');
    await expect(remove).toBeEnabled();
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await threeScreens(page, 'link-remove');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(contactRow(page, 'Bea')).toBeVisible();
    await app.engine.invoke('uri.open', { uri: `xmpp:${bea.jid}?remove` });
    await remove.click(); // waits until it is active
    await expect(contactRow(page, 'Bea')).toHaveCount(0);

    // Two accounts: a link naming none asks which; the xmpp://account@host/ form does not.
    const second = await suite.account('second');
    await app.signInDirect(second);
    await expect(page.getByRole('button', { name: `Account ${second.jid}`, exact: true })).toBeVisible();
    await app.engine.invoke('uri.open', { uri: `xmpp:${bea.jid}?subscribe;name=Bea` });
    const picker = page.getByRole('dialog', { name: 'Open with which account?' });
    await expect(picker).toContainText(`A link asks to add ${bea.jid} to your contacts.`);
    await expect(picker.getByRole('button', { name: account.jid })).toBeFocused();
    await threeScreens(page, 'link-account-picker');
    await picker.getByRole('button', { name: second.jid }).click();
    const add = page.getByRole('dialog', { name: 'Add contact' });
    await expect(add.getByLabel('Account')).toHaveValue(second.jid);
    await expect(add.getByLabel('Address')).toHaveValue(bea.jid);
    await expect(add.getByLabel('Name')).toHaveValue('Bea');
    await add.getByRole('button', { name: 'Cancel' }).click();

    await app.engine.invoke('uri.open', { uri: `xmpp://${second.jid}/${bea.jid}?message;body=from%20two` });
    await expect(picker).toHaveCount(0);
    await expect(composer).toHaveValue('from two');
    await expect(page.getByRole('tab', { selected: true })).toContainText(second.jid);
  });
});
