// Room invitations in browser mode (issue 11 §1-§3), against the real server's MUC service with slixmpp
// peers: a contact invites us directly and a stranger through their room; both wait as prompts (the
// stranger's marked so), Join (by keyboard) opens the room, Decline with a reason reaches the stranger
// through the room; a room where our nick is taken says so and joins with the room's suggestion. From the
// room header's Invite… dialog we pick a contact by typing (invited directly) and type a stranger's address
// (invited through the room); their decline is a toast. Light and dark, at 480 px, axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomConfig } from '../harness/peer-muc.ts';
import { checkScreen, expect, useBrowserSuite } from './fixture.ts';

const localpart = (jid: string): string => jid.slice(0, jid.indexOf('@'));

describe('browser mode: room invitations', () => {
  const suite = useBrowserSuite();

  it("a prompt per invitation (a stranger's marked): Join by keyboard opens the room, Decline with a reason reaches the inviter; we invite from the room header", async () => {
    const account = await suite.account('invitee');
    const [ann, bea, zed] = await Promise.all([
      suite.peer('ann', { onSubscribe: 'approve', resource: 'peer' }),
      suite.peer('bea', { onSubscribe: 'approve', resource: 'peer' }),
      suite.peer('zed'),
    ]);
    const planning = suite.scenario.room('planning');
    const spam = suite.scenario.room('offers');
    // ejabberd lets only moderators invite through a room unless it allows occupants to.
    await ann.createRoom(
      planning,
      'ann',
      suite.scenario.server.kind === 'ejabberd'
        ? { config: { 'muc#roomconfig_allowinvites': true } }
        : { instant: true },
    );
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

    // A password room, invited to without its password: Join says so, and the join dialog asks for it.
    const vault = suite.scenario.room('vault');
    const protect: RoomConfig =
      suite.scenario.server.kind === 'ejabberd' ? { 'muc#roomconfig_passwordprotectedroom': true } : {};
    await ann.createRoom(vault, 'ann', { config: { ...protect, 'muc#roomconfig_roomsecret': 'sesame' } });
    await ann.inviteDirect(vault, account.jid);
    const toVault = prompts.getByRole('group', { name: `Invitation to ${vault}` });
    await toVault.getByRole('button', { name: 'Join' }).click();
    await expect(toVault.getByRole('alert')).toContainText('This room needs a password');
    await toVault.getByRole('button', { name: 'Join with a password…' }).click();
    const joinDialog = page.getByRole('dialog', { name: 'Join room' });
    await expect(joinDialog.getByLabel('Room address')).toHaveValue(vault);
    await joinDialog.getByLabel(/^Password/).fill('sesame');
    await joinDialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(joinDialog).toHaveCount(0);
    await expect(page.getByRole('tab', { name: new RegExp(`^${localpart(vault)}`) })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(toVault).toHaveCount(0);

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

    // From the room header: pick Bea by typing part of her name; she gets a direct invitation.
    await page.getByRole('button', { name: 'Invite…' }).click();
    const dialog = page.getByRole('dialog', { name: `Invite to ${planning}` });
    await expect(dialog.getByLabel('Find a contact, or type an address')).toBeFocused();
    await page.keyboard.type('be');
    await expect(dialog.getByRole('checkbox')).toHaveCount(1);
    await dialog.getByRole('checkbox', { name: /Bea/ }).check();
    await dialog.getByLabel('Message (optional)').fill('You too');
    await checkScreen(page, 'invite-dialog-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'invite-dialog-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    const invite = await bea.waitFor('invite', (i) => i.room === planning, 20_000);
    assert.deepEqual([invite.kind, invite.reason], ['direct', 'You too']);
    await expect(page.locator('.toasts')).toContainText(`Invited ${bea.jid} to ${planning}.`);

    // A typed address that is no contact: invited through the room; their decline is a toast.
    await page.getByRole('button', { name: 'Invite…' }).click();
    await dialog.getByLabel('Find a contact, or type an address').fill(zed.jid);
    await dialog.getByRole('checkbox', { name: `Invite ${zed.jid}` }).click();
    // Chosen: listed at the top, the field cleared for the next one.
    await expect(dialog.getByRole('checkbox', { name: zed.jid, exact: true })).toBeChecked();
    await expect(dialog.getByLabel('Find a contact, or type an address')).toHaveValue('');
    await expect(dialog.getByLabel('Find a contact, or type an address')).toBeFocused();
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    const relayed = await zed.waitFor('invite', (i) => i.room === planning, 20_000);
    assert.equal(relayed.kind, 'mediated');
    await zed.declineInvitation(planning, relayed.from ?? account.jid, 'Busy today');
    await expect(page.locator('.toasts')).toContainText(`${zed.jid} declined your invitation to ${planning}`);
    await expect(page.locator('.toasts')).toContainText('Busy today');
    await page.setViewportSize({ width: 480, height: 820 });
    await checkScreen(page, 'invitation-declined-narrow');
  });
});
