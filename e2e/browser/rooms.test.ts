// Group chat in browser mode (issue 11 §2), against the real server's MUC service with slixmpp peers: a
// room joined from the sidebar's "Join room…", two peers talking (their nicks shown), ours reflected to
// 'Sent', the occupant list by role, a moderator peer kicking us (the room says so and why); a password
// room asking again after a wrong password; a nick conflict offering the room's suggestion. Light and dark,
// at 480 px (one pane at a time), axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import type { RoomConfig } from '../harness/peer-muc.ts';
import { checkScreen, expect, useBrowserSuite } from './fixture.ts';

const localpart = (jid: string): string => jid.slice(0, jid.indexOf('@'));

async function joinFromDialog(
  page: Page,
  room: string,
  options: { nick?: string; password?: string } = {},
): Promise<void> {
  await page.getByRole('button', { name: 'Join room…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Join room' });
  await dialog.getByLabel('Room address').fill(room);
  if (options.nick !== undefined) await dialog.getByLabel('Nickname').fill(options.nick);
  if (options.password !== undefined) await dialog.getByLabel(/^Password/).fill(options.password);
  await dialog.getByRole('button', { name: 'Join', exact: true }).click();
}

describe('browser mode: rooms', () => {
  const suite = useBrowserSuite();

  it('join from the UI, talk with two peers, occupants by role, kicked by a moderator, join again', async () => {
    const account = await suite.account('roomy');
    const nick = localpart(account.jid);
    const [ann, bob] = await Promise.all([suite.peer('ann'), suite.peer('bob')]);
    const room = suite.scenario.room('den');
    const name = localpart(room);
    await ann.createRoom(room, 'ann', { instant: true });
    await bob.joinRoom(room, 'bob');
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;

    await expect(page.getByRole('region', { name: 'Rooms' })).toContainText('No rooms yet.');
    await page.getByRole('button', { name: 'Join room…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Join room' });
    await expect(dialog.getByLabel('Nickname')).toHaveValue(nick);
    await expect(dialog.getByLabel('Room address')).toBeFocused();
    // Not an address: said before asking the server.
    await dialog.getByLabel('Room address').fill('not a room');
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(dialog.getByRole('alert')).toContainText('Enter a room address like');
    await dialog.getByLabel('Room address').fill(room);
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(dialog).toHaveCount(0);

    const tab = page.getByRole('tab', { name: new RegExp(`^${name}`) });
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    const row = page
      .getByRole('region', { name: 'Rooms' })
      .getByRole('button', { name: new RegExp(`^${name}`) });
    await expect(row).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();

    // The occupant list by role: ann (the owner) moderates; bob and we take part.
    const occupants = page.getByRole('complementary', { name: `Occupants of ${name}` });
    await expect(occupants).toContainText(
      new RegExp(`Moderators \\(1\\)ann.*Participants \\(2\\)bob.*${nick} \\(you\\)`),
    );
    await expect(page.getByText('3 in the room')).toBeVisible();
    // Presence in the room, in words and shape: bob goes away with a status.
    await bob.sendRaw(`<presence to='${room}/bob'><show>away</show><status>at lunch</status></presence>`);
    const bobRow = occupants.locator('.occupant-row[data-nick="bob"]');
    await expect(bobRow).toContainText('Away — at lunch');
    await expect(bobRow.getByRole('img', { name: 'Away' })).toHaveClass(/presence-away/);

    // The peers talk: each line under its sender's nick (a new run per sender).
    await ann.sendGroupchat(room, 'hello from ann');
    await bob.sendGroupchat(room, 'and from bob');
    const log = page.getByRole('log');
    const annLine = log.locator('.msg', { hasText: 'hello from ann' });
    const bobLine = log.locator('.msg', { hasText: 'and from bob' });
    // (Nicks are bidi-isolated with FSI…PDI around them: \W.)
    await expect(annLine.locator('.msg-sender')).toHaveText(/^\W*ann\W*$/);
    await expect(bobLine.locator('.msg-sender')).toHaveText(/^\W*bob\W*$/);

    // Ours: shown once, and 'Sent' once the room reflected it; the peers get it from our nick.
    await page.getByRole('textbox', { name: 'Message' }).fill('hi both');
    await page.keyboard.press('Enter');
    const ours = log.locator('.msg-out', { hasText: 'hi both' });
    await expect(ours.locator('.msg-state')).toHaveText('Sent');
    await expect(ours).toHaveCount(1);
    const heard = await bob.waitFor('groupchat', (e) => e.room === room && e.body === 'hi both');
    assert.equal(heard.nick, nick);
    // Tab completes an occupant's nick at the start of a message.
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('an');
    await composer.press('Tab');
    await expect(composer).toHaveValue('ann: ');
    await expect(composer).toBeFocused();
    await composer.pressSequentially('see you there');
    await composer.press('Enter');
    await ann.waitFor('groupchat', (e) => e.room === room && e.body === 'ann: see you there');

    // A subject set by the moderator shows at the top.
    await ann.setSubject(room, 'Plans for the weekend');
    await expect(page.locator('.room-subject')).toHaveText('Plans for the weekend');
    await checkScreen(page, 'room-light');

    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'room-dark');

    // 480 px: the room takes the window; Occupants shows the list instead of the messages; back again.
    await page.setViewportSize({ width: 480, height: 820 });
    await expect(page.getByRole('button', { name: 'Back to contacts' })).toBeVisible();
    const toggle = page.getByRole('button', { name: `Occupants of ${name}` });
    // A narrow window opens a room with its list shut only when first shown narrow: open it here.
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    await expect(occupants).toBeVisible();
    await expect(log).toBeHidden();
    await checkScreen(page, 'room-narrow-occupants-dark');
    await toggle.click();
    await expect(log).toBeVisible();
    await page.emulateMedia({ colorScheme: 'light' });
    await checkScreen(page, 'room-narrow-light');
    await page.getByRole('button', { name: 'Back to contacts' }).click();
    await expect(row).toBeVisible();
    // Not looking at the room (the sidebar has the window): a line naming us counts unread and as a mention.
    await ann.sendGroupchat(room, `${nick}: are you coming on Saturday?`);
    await bob.sendGroupchat(room, 'I am');
    await expect(row).toHaveAccessibleName(new RegExp(`^${name}\\W+2 unread\\W+1 mention$`));
    await expect(row.locator('.mention-badge')).toContainText('@1');
    await checkScreen(page, 'rooms-sidebar-narrow-unread');
    // Keyboard: the row is reached and opened with Enter; looking at the room reads it.
    await row.focus();
    await page.keyboard.press('Enter');
    await expect(log).toContainText('are you coming on Saturday?');
    // The line naming us is marked in the room; the others are not.
    await expect(log.locator('.msg-mention')).toHaveCount(1);
    await expect(log.locator('.msg-mention')).toContainText('are you coming on Saturday?');
    await checkScreen(page, 'room-narrow-mention');
    await page.setViewportSize({ width: 1100, height: 820 });
    await expect(row).toHaveAccessibleName(name);
    await expect(row.locator('.unread-badge, .mention-badge')).toHaveCount(0);

    // Kicked by the moderator: the room says so and why; no composer; the sidebar says Kicked.
    await ann.kick(room, nick, 'Too many puns');
    const out = page.getByRole('alert').filter({ hasText: 'You were kicked from this room.' });
    await expect(out).toContainText('Reason: Too many puns');
    await expect(page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
    await expect(row).toHaveAccessibleName(new RegExp(`^${name}\\W+Kicked$`));
    await expect(log).toContainText('hi both'); // what was said stays readable
    await checkScreen(page, 'room-kicked');

    // Join again…: the dialog comes filled in with the room and our nick; we are back in, with a composer.
    await page.getByRole('button', { name: 'Join again…' }).click();
    const again = page.getByRole('dialog', { name: 'Join room' });
    await expect(again.getByLabel('Room address')).toHaveValue(room);
    await expect(again.getByLabel('Nickname')).toHaveValue(nick);
    await again.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(again).toHaveCount(0);
    await expect(out).toHaveCount(0);
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
    await expect(row).toHaveAccessibleName(name);
    await ann.waitFor(
      'roomPresence',
      (p) => p.room === room && p.nick === nick && p.presenceType === 'available',
    );

    // Kicked again without a reason, then Close forgets the room.
    await ann.kick(room, nick);
    await expect(page.getByRole('alert').filter({ hasText: 'You were kicked' })).toHaveText(
      /You were kicked from this room\.\s*Join again…$/,
    );
    await page.getByRole('button', { name: `Close ${name}` }).click();
    await expect(row).toHaveCount(0);
    await expect(tab).toHaveCount(0);
  });

  it('a password room asks again after a wrong password; a nick conflict offers the suggestion; a reload finds the rooms again', async () => {
    const account = await suite.account('roompw');
    const nick = localpart(account.jid);
    const [owner, twin] = await Promise.all([suite.peer('owner'), suite.peer('twin')]);
    const locked = suite.scenario.room('vault');
    // Prosody 0.12's form has no passwordprotectedroom field: a secret is what protects its rooms.
    const protect: RoomConfig =
      suite.scenario.server.kind === 'ejabberd' ? { 'muc#roomconfig_passwordprotectedroom': true } : {};
    await owner.createRoom(locked, 'owner', {
      config: { ...protect, 'muc#roomconfig_roomsecret': 'sesame' },
    });
    const crowded = suite.scenario.room('busy');
    await owner.createRoom(crowded, 'owner', { instant: true });
    await twin.joinRoom(crowded, nick); // our default nick is taken there
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;

    // Keyboard only: the sidebar's Join room… opens the dialog, Escape shuts it and gives the focus back.
    const joinButton = page.getByRole('button', { name: 'Join room…' });
    await joinButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Join room' });
    await expect(dialog.getByLabel('Room address')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(joinButton).toBeFocused();

    await joinFromDialog(page, locked);
    const problem = dialog.getByRole('alert');
    await expect(problem).toHaveText('This room needs a password, or the one given was wrong.');
    await expect(dialog.getByLabel(/^Password/)).toBeFocused();
    await expect(dialog.getByLabel(/^Password/)).toHaveAttribute('aria-invalid', 'true');
    await dialog.getByLabel(/^Password/).fill('wrong');
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(dialog.getByRole('button', { name: 'Join', exact: true })).not.toHaveAttribute(
      'aria-disabled',
      'true',
    );
    await expect(problem).toHaveText('This room needs a password, or the one given was wrong.');
    await checkScreen(page, 'room-join-password');
    await dialog.getByLabel(/^Password/).fill('sesame');
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('tab', { name: new RegExp(`^${localpart(locked)}`) })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await owner.waitFor('roomPresence', (p) => p.room === locked && p.nick === nick);

    // The nick is taken: the room's suggestion is offered and works.
    await joinFromDialog(page, crowded);
    await expect(problem).toContainText('Someone in the room already uses that nickname');
    await expect(dialog.getByLabel('Nickname')).toBeFocused();
    const suggestion = dialog.getByRole('button', { name: /^Use “/ });
    await expect(suggestion).toBeVisible();
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'room-join-nick-conflict-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await suggestion.click();
    const offered = await dialog.getByLabel('Nickname').inputValue();
    assert.notEqual(offered, nick);
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await owner.waitFor('roomPresence', (p) => p.room === crowded && p.nick === offered);
    // Both rooms listed in the sidebar, by name.
    const rooms = page.getByRole('region', { name: 'Rooms' }).getByRole('listitem');
    await expect(rooms).toHaveCount(2);

    // A reloaded page finds both rooms and their occupants again (the engine stayed in them).
    // A line before the reload is in the room's history after it.
    await twin.sendGroupchat(crowded, 'said before the reload');
    await expect(page.getByRole('tab', { name: new RegExp(`^${localpart(crowded)}`) })).toBeVisible();
    const commands: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (frame) => commands.push(String(frame.payload))));
    await page.reload();
    await expect(rooms).toHaveCount(2);
    // A line in a room whose tab is not open opens it, as a chat's does; shown, it is the room's view, and
    // its list pages the room's history (muc.history), never a 1:1 page for the room's address.
    const busyName = localpart(crowded);
    await twin.sendGroupchat(crowded, 'welcome back');
    const busyTab = page.getByRole('tab', { name: new RegExp(`^${busyName}`) });
    await busyTab.click();
    await expect(page.getByRole('log')).toContainText('welcome back');
    await expect(page.getByRole('log')).toContainText('said before the reload');
    await expect(page.getByRole('log').locator('.msg-sender').first()).toHaveText(
      new RegExp(`^\\W*${nick}\\W*$`),
    );
    assert.ok(
      commands.some((c) => c.includes('muc.history')),
      "the room's history came from muc.history",
    );
    assert.deepEqual(
      commands.filter((c) => c.includes('chat.history') && c.includes(crowded)),
      [],
      'no chat.history for a room',
    );
    assert.ok(
      commands.some((c) => c.includes('muc.rooms')),
      'the reloaded page asked for the rooms',
    );
    await expect(page.getByRole('complementary', { name: `Occupants of ${busyName}` })).toContainText(
      new RegExp(`Moderators \\(1\\)owner.*Participants \\(2\\).*${offered} \\(you\\)`),
    );
  });
});
