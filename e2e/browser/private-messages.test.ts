// Conversation kinds in browser mode (issue 11 §1-§2), against the real server's MUC service with slixmpp
// peers: a peer's private message opens its own conversation ("ann (in den)"), we answer and the peer gets
// it through the room, the way back to the room; a private message started from the occupant list's menu;
// a room line found by the sidebar's message search opens the room at that line; a room line the room refused
// (our voice taken) sent again with Retry. Light and dark, at 480 px, axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { checkScreen, expect, useBrowserSuite } from './fixture.ts';

const localpart = (jid: string): string => jid.slice(0, jid.indexOf('@'));

async function joinFromDialog(page: Page, room: string): Promise<void> {
  await page.getByRole('button', { name: 'Join room…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Join room' });
  await dialog.getByLabel('Room address').fill(room);
  await dialog.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

describe('browser mode: private messages and room search', () => {
  const suite = useBrowserSuite();

  it("a peer's private message opens its own conversation; we answer; one started from the occupant menu", async () => {
    const account = await suite.account('pmy');
    const nick = localpart(account.jid);
    const [ann, bob] = await Promise.all([suite.peer('ann'), suite.peer('bob')]);
    const room = suite.scenario.room('den');
    const name = localpart(room);
    await ann.createRoom(room, 'ann', { instant: true });
    await bob.joinRoom(room, 'bob');
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;
    await joinFromDialog(page, room);
    const roomTab = page.getByRole('tab', { name: new RegExp(`^${name}`) });
    await expect(roomTab).toHaveAttribute('aria-selected', 'true');
    await ann.sendGroupchat(room, 'welcome to the den');
    await expect(page.getByRole('log')).toContainText('welcome to the den');

    // Ann writes to us privately: its own tab, named after her and the room, not a chat with the room.
    await ann.sendPrivate(`${room}/${nick}`, 'psst, a secret');
    const pmTab = page.getByRole('tab', { name: new RegExp(`^ann \\(in ${name}\\)`) });
    await expect(pmTab).toBeVisible();
    await expect(pmTab).toHaveAccessibleName(`ann (in ${name}), 1 unread`);
    await expect(page.getByRole('tab')).toHaveCount(2);
    await pmTab.click();
    const header = page.locator('.private-chat-view .chat-header');
    await expect(header.getByRole('heading')).toHaveText(`ann (in ${name})`);
    await expect(header).toContainText('Private message · available');
    const log = page.getByRole('log', { name: `Messages with ann (in ${name})` });
    await expect(log.locator('.msg-in', { hasText: 'psst, a secret' })).toHaveCount(1);
    await expect(log).not.toContainText('welcome to the den');

    const composer = page.getByRole('textbox', { name: 'Message' });
    await expect(composer).toHaveAttribute('placeholder', 'Message ann privately');
    await composer.fill('tell me more');
    await composer.press('Enter');
    const ours = log.locator('.msg-out', { hasText: 'tell me more' });
    await expect(ours.locator('.msg-state')).toHaveText('Sent');
    const got = await ann.waitFor('message', (m) => m.body === 'tell me more', 20_000);
    assert.equal(got.from, `${room}/${nick}`, 'through the room, from our nick');
    assert.equal(got.msgType, 'chat');
    await checkScreen(page, 'private-chat-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'private-chat-dark');

    // The way back to the room.
    await page.getByRole('button', { name: `Back to room ${name}` }).click();
    await expect(roomTab).toHaveAttribute('aria-selected', 'true');

    // A reload: opened again from ann's row in the occupant list, the conversation comes from the history.
    await page.reload();
    await page
      .getByRole('region', { name: 'Rooms' })
      .getByRole('button', { name: new RegExp(`^${name}`) })
      .click();
    const occupants = page.getByRole('complementary', { name: `Occupants of ${name}` });
    await occupants.getByRole('button', { name: 'Actions for ann' }).click();
    await page.getByRole('menuitem', { name: 'Private message' }).click();
    await expect(page.getByRole('tab', { name: new RegExp(`^ann \\(in ${name}\\)`) })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    const again = page.getByRole('log', { name: `Messages with ann (in ${name})` });
    await expect(again.locator('.msg-in', { hasText: 'psst, a secret' })).toHaveCount(1);
    await expect(again.locator('.msg-out', { hasText: 'tell me more' }).locator('.msg-state')).toHaveText(
      'Sent',
    );
    await page.getByRole('button', { name: `Back to room ${name}` }).click();

    // Starting one from the occupant list: bob's row's menu.
    await occupants.getByRole('button', { name: 'Actions for bob' }).click();
    await page.getByRole('menuitem', { name: 'Private message' }).click();
    const bobTab = page.getByRole('tab', { name: new RegExp(`^bob \\(in ${name}\\)`) });
    await expect(bobTab).toHaveAttribute('aria-selected', 'true');
    const toBob = page.getByRole('textbox', { name: 'Message' });
    await expect(toBob).toHaveAttribute('placeholder', 'Message bob privately');
    await expect(toBob).toBeFocused();
    await toBob.fill('hi bob, just us');
    await toBob.press('Enter');
    const heard = await bob.waitFor('message', (m) => m.body === 'hi bob, just us', 20_000);
    assert.equal(heard.from, `${room}/${nick}`);

    // 480 px: the conversation takes the window, and leads back to the contacts.
    await page.setViewportSize({ width: 480, height: 820 });
    await expect(page.getByRole('button', { name: 'Back to contacts' })).toBeVisible();
    await checkScreen(page, 'private-chat-narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await checkScreen(page, 'private-chat-narrow-light');
  });

  it("a room line found by the sidebar's search opens the room at that line", async () => {
    const account = await suite.account('seeker');
    const ann = await suite.peer('ann');
    const room = suite.scenario.room('zoo');
    const name = localpart(room);
    await ann.createRoom(room, 'ann', { instant: true });
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;
    await joinFromDialog(page, room);
    await ann.sendGroupchat(room, 'a quokka was seen near the pond');
    for (let i = 0; i < 40; i++) await ann.sendGroupchat(room, `filler line ${i}`);
    await expect(page.getByRole('log')).toContainText('filler line 39');
    // Away from the room: its tab closed.
    await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
    await page.keyboard.press('Delete');
    await expect(page.getByRole('tab')).toHaveCount(0);

    const search = page.getByRole('combobox', { name: 'Search messages' });
    await search.fill('quokka');
    const hit = page.getByRole('option').filter({ hasText: 'quokka' });
    await expect(hit).toHaveCount(1);
    await expect(hit).toContainText(`ann in ${name}`);
    await checkScreen(page, 'room-search-hit-light');
    await search.press('Enter');
    const roomTab = page.getByRole('tab', { name: new RegExp(`^${name}`) });
    await expect(roomTab).toHaveAttribute('aria-selected', 'true');
    const line = page.getByRole('log').locator('.msg', { hasText: 'a quokka was seen near the pond' });
    await expect(line).toHaveAttribute('aria-current', 'true');
    await expect(line).toBeInViewport();
    await expect(line.locator('.msg-sender')).toHaveText(/^\W*ann\W*$/);
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'room-search-jump-dark');
  });

  it('a room line the room refused says why and has Retry; once we may speak again, Retry sends it once', async () => {
    const account = await suite.account('muted');
    const nick = localpart(account.jid);
    const ann = await suite.peer('ann');
    const room = suite.scenario.room('hush');
    await ann.createRoom(room, 'ann', { instant: true });
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;
    await joinFromDialog(page, room);
    const occupants = page.getByRole('complementary', { name: /^Occupants of/ });
    await expect(occupants).toContainText(nick);
    // The moderator takes our voice: the room refuses our next line.
    await ann.setRole(room, nick, 'visitor');
    await expect(occupants).toContainText(new RegExp(`Visitors \\(1\\)${nick}`));
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('can anyone hear me?');
    await composer.press('Enter');
    const log = page.getByRole('log');
    const line = log.locator('.msg-out', { hasText: 'can anyone hear me?' });
    await expect(line.locator('.msg-error')).toContainText('Not delivered');
    const retry = line.getByRole('button', { name: 'Retry' });
    await expect(retry).toBeVisible();
    await checkScreen(page, 'room-line-failed-light');

    await ann.setRole(room, nick, 'participant');
    await expect(occupants).toContainText(new RegExp(`Participants \\(1\\)${nick}`));
    await retry.click();
    await expect(line.locator('.msg-state')).toHaveText('Sent');
    await expect(line.locator('.msg-error')).toHaveCount(0);
    await expect(log.locator('.msg-out', { hasText: 'can anyone hear me?' })).toHaveCount(1);
    const heard = await ann.waitFor('groupchat', (e) => e.room === room && e.body === 'can anyone hear me?');
    assert.equal(heard.nick, nick);
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'room-line-retried-dark');
  });
});
