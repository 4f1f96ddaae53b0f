// Room invitations in browser mode (issue 11 §1-§3), against the real server's MUC service with slixmpp
// peers: a contact invites us directly and a stranger through their room; both wait as prompts (the
// stranger's marked so), Join (by keyboard) opens the room, Decline with a reason reaches the stranger
// through the room; a room where our nick is taken says so and joins with the room's suggestion. Light and dark, at 480 px, axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkScreen, expect, useBrowserSuite } from './fixture.ts';

const localpart = (jid: string): string => jid.slice(0, jid.indexOf('@'));

describe('browser mode: room invitations', () => {
  const suite = useBrowserSuite();

  it("a prompt per invitation (a stranger's marked): Join by keyboard opens the room, Decline with a reason reaches the inviter", async () => {
    const account = await suite.account('invitee');
    const [ann, bea, zed] = await Promise.all([
      suite.peer('ann', { onSubscribe: 'approve', resource: 'peer' }),
      suite.peer('bea', { onSubscribe: 'approve', resource: 'peer' }),
      suite.peer('zed'),
    ]);
    const planning = suite.scenario.room('planning');
    const spam = suite.scenario.room('offers');
    await ann.createRoom(planning, 'ann', { instant: true });
    await zed.createRoom(spam, 'zed', { instant: true });
    const app = await suite.app();
    await app.signInDirect(account);
    await app.befriend(ann, { name: 'Ann' });
    await app.befriend(bea, { name: 'Bea' });
    const { page } = app;

    await ann.inviteDirect(planning, account.jid, { reason: 'Weekly planning, join us' });
    await zed.inviteMediated(spam, account.jid, 'Great offers inside');
    const prompts = page.getByRole('region', { name: 'Room invitations' });
    const fromAnn = prompts.getByRole('group', { name: `Invitation to ${planning}` });
    const fromZed = prompts.getByRole('group', { name: `Invitation to ${spam}` });
    // A contact by their roster name, with the address.
    await expect(fromAnn).toContainText(`Ann (${ann.jid}) invites you to ${planning}`);
    await expect(fromAnn).toContainText('“Weekly planning, join us”');
    await expect(fromAnn.locator('.invitation-stranger')).toHaveCount(0);
    // A stranger's, marked: by address (ejabberd), or as hidden by the room (Prosody gives only a nick).
    await expect(fromZed).toContainText(
      suite.scenario.server.kind === 'prosody' ? 'The room hides who this is' : 'Not in your contacts',
    );
    await expect(fromZed).toContainText('“Great offers inside”');
    // Not a message request: the room's relayed invitation is not a stranger's chat.
    await expect(page.getByRole('region', { name: 'Message requests' })).toHaveCount(0);
    await checkScreen(page, 'invitations-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'invitations-dark');
    await page.setViewportSize({ width: 480, height: 820 });
    await checkScreen(page, 'invitations-narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1100, height: 820 });

    // Decline the stranger's, with a reason: it goes back through the room.
    await fromZed.getByRole('button', { name: 'Decline' }).click();
    const why = fromZed.getByLabel(/^Why/);
    await expect(why).toBeFocused();
    // Escape changes one's mind: back to the buttons, the focus on Decline.
    await page.keyboard.press('Escape');
    await expect(fromZed.getByRole('button', { name: 'Decline' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(why).toBeFocused();
    await why.fill('No thanks');
    await checkScreen(page, 'invitations-declining');
    await page.keyboard.press('Enter');
    const declined = await zed.waitFor('inviteDeclined', (d) => d.room === spam, 20_000);
    assert.equal(declined.reason, 'No thanks');
    await expect(fromZed).toHaveCount(0);

    // A room where our nick is taken: the refusal in words, the room's suggestion ready to use.
    const nick = localpart(account.jid);
    const crowded = suite.scenario.room('crowded');
    await bea.createRoom(crowded, nick, { instant: true });
    await bea.inviteMediated(crowded, account.jid);
    const fromBea = prompts.getByRole('group', { name: `Invitation to ${crowded}` });
    await fromBea.getByRole('button', { name: 'Join' }).click();
    await expect(fromBea.getByRole('alert')).toContainText('Someone in the room already uses that nickname');
    const other = fromBea.getByLabel('Nickname');
    await expect(other).not.toHaveValue('');
    const suggested = await other.inputValue();
    await checkScreen(page, 'invitation-nick-conflict');
    await fromBea.getByRole('button', { name: `Join as ${suggested}` }).click();
    await expect(page.getByRole('tab', { name: new RegExp(`^${localpart(crowded)}`) })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await bea.waitFor('roomPresence', (p) => p.room === crowded && p.nick === suggested, 20_000);
    await expect(fromBea).toHaveCount(0);

    // Join by keyboard: the room opens, the prompt goes.
    await fromAnn.getByRole('button', { name: 'Join' }).focus();
    await page.keyboard.press('Enter');
    const name = localpart(planning);
    await expect(page.getByRole('tab', { name: new RegExp(`^${name}`) })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
    await ann.waitFor(
      'roomPresence',
      (p) => p.room === planning && p.nick === localpart(account.jid),
      20_000,
    );
    await expect(prompts).toHaveCount(0);

    await page.setViewportSize({ width: 480, height: 820 });
    await checkScreen(page, 'invitation-declined-narrow');
  });
});
