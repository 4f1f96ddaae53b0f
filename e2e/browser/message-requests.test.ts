// Message requests in browser mode: a stranger's messages wait in the "Message requests" area instead of
// opening a chat tab; Read opens the chat, Add to contacts fills in the add dialog, Block (XEP-0191) and
// Dismiss end the request; blocked addresses are listed under them, each with Unblock. Light and dark, at
// 480 px wide, axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkScreen, contactRow, expect, startChatSession, useBrowserSuite } from './fixture.ts';

describe('browser mode: message requests', () => {
  const suite = useBrowserSuite();

  it("a stranger's messages wait as a request; Read, Add to contacts, Dismiss and Block", async () => {
    const { account, page, friends } = await startChatSession(suite, 'mreq', ['Ann']);
    const eve = await suite.peer('eve', { resource: 'x' });
    const zed = await suite.peer('zed', { resource: 'x' });
    await eve.sendMessage(account.jid, 'hello, we met at the conference');
    await eve.sendMessage(account.jid, '<b>not bold</b> second message');

    const area = page.getByRole('region', { name: 'Message requests' });
    const eveRequest = area.getByRole('group', { name: `Message request from ${eve.jid}` });
    await expect(eveRequest).toContainText(`${eve.jid} is not in your contacts and sent 2 messages.`);
    await expect(eveRequest).toContainText('<b>not bold</b> second message');
    // A contact's message still opens its tab; the stranger's did not.
    await friends[0]!.peer.sendMessage(account.jid, 'hi from Ann');
    await expect(page.getByRole('tab', { name: /^Ann/ })).toBeVisible();
    await expect(page.getByRole('tab', { name: new RegExp(eve.jid) })).toHaveCount(0);
    await checkScreen(page, 'message-requests');

    // Read: the chat opens (as a tab) with both messages.
    await eveRequest.getByRole('button', { name: 'Read' }).click();
    const tab = page.getByRole('tab', { name: new RegExp(eve.jid) });
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    const log = page.getByRole('log');
    await expect(log).toContainText('hello, we met at the conference');
    await expect(log).toContainText('<b>not bold</b> second message');

    // Narrow and dark: the request's buttons stay reachable.
    await zed.sendMessage(account.jid, 'z'.repeat(5000));
    const zedRequest = area.getByRole('group', { name: `Message request from ${zed.jid}` });
    await expect(zedRequest).toBeVisible();
    await page.setViewportSize({ width: 480, height: 820 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(zedRequest.getByRole('button', { name: 'Dismiss' })).toBeInViewport();
    const box = await zedRequest.boundingBox();
    assert.ok(box && box.width <= 480, `the request fits the window (${box?.width} px)`);
    await checkScreen(page, 'message-requests-narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1100, height: 820 });

    // Dismiss: zed's request goes.
    await zedRequest.getByRole('button', { name: 'Dismiss' }).click();
    await expect(zedRequest).toHaveCount(0);

    // Add to contacts: the add dialog comes filled in; once added, the request goes.
    await eveRequest.getByRole('button', { name: 'Add to contacts…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Address')).toHaveValue(eve.jid);
    await dialog.getByLabel('Name', { exact: true }).fill('Eve');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(contactRow(page, 'Eve')).toBeVisible();
    await expect(area).toHaveCount(0);

    // Block: a new stranger's request goes, and the server now refuses their messages.
    const mal = await suite.peer('mal', { resource: 'x' });
    await mal.sendMessage(account.jid, 'spam');
    const malRequest = area.getByRole('group', { name: `Message request from ${mal.jid}` });
    await malRequest.getByRole('button', { name: 'Block' }).click();
    await expect(malRequest).toHaveCount(0);
    await expect(page.getByText(`Blocked ${mal.jid}`)).toBeVisible();
    // The server drops what they send now (electron/core/chat/message-requests.test.ts sees its bounce):
    // nothing comes back, not even after a contact's later message has arrived.
    await mal.sendMessage(account.jid, 'more spam');
    await friends[0]!.peer.sendMessage(account.jid, 'sentinel from Ann');
    await page.getByRole('tab', { name: /^Ann/ }).click();
    await expect(page.getByRole('log')).toContainText('sentinel from Ann');
    await expect(malRequest).toHaveCount(0);
    // Mal is listed among the blocked addresses, and is the only one there.
    await expect(area.getByText('Blocked addresses (1)')).toBeVisible();
  });

  it('blocked addresses are listed and unblocked by keyboard; the stranger writes in a request again', async () => {
    const { account, page, friends } = await startChatSession(suite, 'mblk', ['Ann']);
    const mal = await suite.peer('mal', { resource: 'x' });
    const sam = await suite.peer('sam', { resource: 'x' });
    const area = page.getByRole('region', { name: 'Message requests' });
    for (const stranger of [mal, sam]) {
      await stranger.sendMessage(account.jid, `hello from ${stranger.jid}`);
      const request = area.getByRole('group', { name: `Message request from ${stranger.jid}` });
      await request.getByRole('button', { name: 'Block' }).click();
      await expect(request).toHaveCount(0);
    }
    const disclosure = area.getByText('Blocked addresses (2)');
    await expect(disclosure).toBeVisible();
    const unblockMal = area.getByRole('button', { name: `Unblock ${mal.jid}` });
    const unblockSam = area.getByRole('button', { name: `Unblock ${sam.jid}` });
    await expect(unblockMal).toBeHidden();

    // A page loaded afresh asks the engine for the list: both are still there.
    await page.reload();
    await expect(disclosure).toBeVisible();

    // By keyboard: the disclosure opens with Enter, Tab reaches the first Unblock.
    await disclosure.focus();
    await page.keyboard.press('Enter');
    await expect(unblockMal).toBeVisible();
    await expect(unblockSam).toBeVisible();
    await checkScreen(page, 'blocked-addresses');
    await page.setViewportSize({ width: 480, height: 820 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(unblockSam).toBeInViewport();
    const box = await area.boundingBox();
    assert.ok(box && box.width <= 480, `the list fits the window (${box?.width} px)`);
    await checkScreen(page, 'blocked-addresses-narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1100, height: 820 });

    await unblockMal.focus();
    await page.keyboard.press('Enter');
    // Asks nothing; says it is done; focus moves on to the next address.
    await expect(page.getByText(`Unblocked ${mal.jid}`)).toBeVisible();
    await expect(unblockMal).toHaveCount(0);
    await expect(area.getByText('Blocked addresses (1)')).toBeVisible();
    await expect(unblockSam).toBeFocused();

    // The server lets mal through again: their next message is a request. Sam, still blocked, is not.
    await sam.sendMessage(account.jid, 'still blocked');
    await mal.sendMessage(account.jid, 'may I write again?');
    const malRequest = area.getByRole('group', { name: `Message request from ${mal.jid}` });
    await expect(malRequest).toContainText('may I write again?');
    await friends[0]!.peer.sendMessage(account.jid, 'sentinel from Ann');
    await expect(page.getByRole('tab', { name: /^Ann/ })).toBeVisible();
    await expect(area.getByRole('group', { name: `Message request from ${sam.jid}` })).toHaveCount(0);

    // The last one: focus goes back to the disclosure, which leaves once nobody is blocked.
    await unblockSam.click();
    await expect(page.getByText(`Unblocked ${sam.jid}`)).toBeVisible();
    await expect(area.getByText(/Blocked addresses/)).toHaveCount(0);
  });
});
