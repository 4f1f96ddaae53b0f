// Moderation and ownership in browser mode (issue 11 §2), on the real server's MUC service with slixmpp
// peers: the owner (us) changes the subject from the Room menu, changes the room's settings through the
// data form (the peer's disco#info shows the new title), takes a peer's voice from the occupant menu (a
// right-click) and grants it back when he asks (a voice request), kicks another with a reason (the "⋯" button), bans the first by keyboard (Shift+F10), finds
// the ban in "Members and bans…" and lifts it, changes nick, and destroys the room with a reason the peer is
// told. Light and dark, 480 px, axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { checkScreen, expect, useBrowserSuite } from './fixture.ts';

const localpart = (jid: string): string => jid.slice(0, jid.indexOf('@'));

async function roomMenu(page: Page, name: string, item: string): Promise<void> {
  await page.getByRole('button', { name: `Room menu of ${name}` }).click();
  await page
    .getByRole('menu', { name: `Room menu of ${name}` })
    .getByRole('menuitem', { name: item })
    .click();
}

describe('browser mode: room moderation and ownership', () => {
  const suite = useBrowserSuite();

  it('the owner: subject, settings, voice, kick, ban and unban, nick, destroy', async () => {
    const account = await suite.account('owner');
    const [bob, carol] = await Promise.all([suite.peer('bob'), suite.peer('carol')]);
    const room = suite.scenario.room('hall');
    const name = localpart(room);
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;

    // Created from the UI (an instant room): we own it.
    await page.getByRole('button', { name: 'Join room…' }).click();
    const join = page.getByRole('dialog', { name: 'Join room' });
    await join.getByLabel('Room address').fill(room);
    await join.getByLabel('Nickname').fill('boss');
    await join.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(join).toHaveCount(0);
    await bob.joinRoom(room, 'bob');
    await carol.joinRoom(room, 'carol');
    const occupants = page.getByRole('complementary', { name: `Occupants of ${name}` });
    await expect(occupants).toContainText(/Participants \(2\)bob.*carol/);

    // The subject, from the Room menu.
    await roomMenu(page, name, 'Change subject…');
    const subjectDialog = page.getByRole('dialog', { name: `Subject of ${name}` });
    await subjectDialog.getByLabel('Subject').fill('Rules: be kind');
    await subjectDialog.getByRole('button', { name: 'Change subject' }).click();
    await expect(subjectDialog).toHaveCount(0);
    await expect(page.locator('.room-subject')).toHaveText('Rules: be kind');
    const seen = await bob.waitFor('subject', (s) => s.room === room && s.subject === 'Rules: be kind');
    assert.equal(seen.nick, 'boss');

    // Settings: the room's own form, a changed title sent back.
    await roomMenu(page, name, 'Room settings…');
    const settings = page.getByRole('dialog', { name: `Settings of ${name}` });
    const title = settings.getByRole('textbox', { name: /^(Room )?title$/i });
    await expect(title).toBeVisible();
    await title.fill('The Great Hall');
    await checkScreen(page, 'room-admin-settings-light');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect(settings).toHaveCount(0);
    const info = await carol.discoInfo(room);
    assert.ok(
      info.identities.some((i) => i.name === 'The Great Hall'),
      'the room has the new title',
    );

    // Voice taken from bob: a right-click on his row.
    await occupants.locator('.occupant-row[data-nick="bob"]').click({ button: 'right' });
    const bobMenu = page.getByRole('menu', { name: 'Actions for bob' });
    await expect(bobMenu.getByRole('menuitem', { name: 'Private message' })).toBeFocused();
    await expect(bobMenu.getByRole('menuitem')).toHaveText([
      'Private message',
      'Kick…',
      'Revoke voice…',
      'Make moderator…',
      'Make member…',
      'Ban…',
      'Make admin…',
      'Make owner…',
    ]);
    await checkScreen(page, 'room-admin-occupant-menu-light');
    await bobMenu.getByRole('menuitem', { name: 'Revoke voice…' }).click();
    const mute = page.getByRole('dialog', { name: 'Revoke voice: bob' });
    await mute.getByLabel('Reason (optional)').fill('cool down');
    await mute.getByRole('button', { name: 'Revoke voice' }).click();
    await expect(mute).toHaveCount(0);
    const muted = await bob.waitFor('roomPresence', (p) => p.nick === 'bob' && p.role === 'visitor');
    assert.equal(muted.reason, 'cool down');
    await expect(occupants).toContainText(/Visitors \(1\)bob/);

    // bob asks for voice back (XEP-0045 §7.13): the prompt under the header grants it.
    await bob.sendRaw(
      `<message to='${room}'><x xmlns='jabber:x:data' type='submit'>` +
        `<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#request</value></field>` +
        `<field var='muc#role'><value>participant</value></field></x></message>`,
    );
    const voice = page.getByRole('region', { name: 'Voice requests' });
    await expect(voice).toContainText('bob asks for voice');
    await checkScreen(page, 'room-admin-voice-request-light');
    await voice.getByRole('button', { name: 'Grant voice to bob' }).click();
    await bob.waitFor('roomPresence', (p) => p.nick === 'bob' && p.role === 'participant');
    await expect(voice).toHaveCount(0);

    // The arrow keys move between the occupants' buttons.
    await occupants.getByRole('button', { name: 'Actions for bob' }).focus();
    await page.keyboard.press('ArrowDown');
    await expect(occupants.getByRole('button', { name: 'Actions for carol' })).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(occupants.getByRole('button', { name: 'Actions for bob' })).toBeFocused();

    // carol kicked with a reason, through the row's "⋯" button.
    await occupants.getByRole('button', { name: 'Actions for carol' }).click();
    await page
      .getByRole('menu', { name: 'Actions for carol' })
      .getByRole('menuitem', { name: 'Kick…' })
      .click();
    const kick = page.getByRole('dialog', { name: 'Kick: carol' });
    await kick.getByLabel('Reason (optional)').fill('off topic');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'room-admin-kick-dark');
    await kick.getByRole('button', { name: 'Kick' }).click();
    await expect(kick).toHaveCount(0);
    const kicked = await carol.waitFor(
      'roomPresence',
      (p) => p.room === room && p.nick === 'carol' && p.presenceType === 'unavailable',
    );
    assert.ok(kicked.statusCodes.includes(307));
    assert.equal(kicked.reason, 'off topic');
    await expect(occupants.locator('.occupant-row[data-nick="carol"]')).toHaveCount(0);
    // Focus goes back to the list (carol's row, where the menu came from, is gone).
    await expect(occupants.getByRole('region', { name: /^Occupants, / })).toBeFocused();

    // bob banned by keyboard: his "⋯" button, Shift+F10.
    const bobMore = occupants.getByRole('button', { name: 'Actions for bob' });
    await bobMore.focus();
    await expect(bobMore).toBeVisible();
    await page.keyboard.press('Shift+F10');
    const bobMenuAgain = page.getByRole('menu', { name: 'Actions for bob' });
    await expect(bobMenuAgain.getByRole('menuitem', { name: 'Revoke voice…' })).toBeVisible();
    await bobMenuAgain.getByRole('menuitem', { name: 'Ban…' }).focus();
    await page.keyboard.press('Enter');
    const ban = page.getByRole('dialog', { name: 'Ban: bob' });
    await expect(ban.getByLabel('Reason (optional)')).toBeFocused();
    await page.keyboard.type('spam');
    await page.keyboard.press('Enter');
    await expect(ban).toHaveCount(0);
    const banned = await bob.waitFor(
      'roomPresence',
      (p) => p.room === room && p.nick === 'bob' && p.presenceType === 'unavailable',
    );
    assert.ok(banned.statusCodes.includes(301));
    await expect(bobMore).toHaveCount(0);

    // The ban list has bob; Unban lifts it, and he may join again.
    await page.setViewportSize({ width: 480, height: 820 });
    await roomMenu(page, name, 'Members and bans…');
    const lists = page.getByRole('dialog', { name: `Members and bans of ${name}` });
    await lists.getByRole('button', { name: 'Banned' }).click();
    const bare = bob.jid.split('/')[0]!;
    await expect(lists.getByRole('list', { name: 'Banned' })).toContainText(bare);
    await checkScreen(page, 'room-admin-bans-narrow-dark');
    await lists.getByRole('button', { name: `Unban ${bare}` }).click();
    await expect(lists.getByRole('list', { name: 'Banned' })).toContainText('Nobody.');
    await lists.getByRole('button', { name: 'Close' }).click();
    await bob.joinRoom(room, 'bob');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1100, height: 820 });

    // Our nick, from the Room menu; a taken one is said in words.
    await roomMenu(page, name, 'Change nickname…');
    const nickDialog = page.getByRole('dialog', { name: `Your nickname in ${name}` });
    await nickDialog.getByLabel('Nickname').fill('bob');
    await nickDialog.getByRole('button', { name: 'Change nickname' }).click();
    await expect(nickDialog.getByRole('alert')).toContainText(
      'Someone in the room already uses that nickname.',
    );
    await nickDialog.getByLabel('Nickname').fill('chair');
    await nickDialog.getByRole('button', { name: 'Change nickname' }).click();
    await expect(nickDialog).toHaveCount(0);
    await expect(page.getByText('you are chair')).toBeVisible();
    await bob.waitFor('roomPresence', (p) => p.nick === 'chair' && p.presenceType === 'available');

    // Destroyed with a reason and a new venue: bob is told; our view says so.
    const venue = suite.scenario.room('annex');
    await roomMenu(page, name, 'Destroy room…');
    const destroy = page.getByRole('alertdialog', { name: `Destroy ${name}?` });
    await destroy.getByLabel(/^Reason/).fill('moving on');
    await destroy.getByLabel(/^New room/).fill(venue);
    await checkScreen(page, 'room-admin-destroy-light');
    await destroy.getByRole('button', { name: 'Destroy room' }).click();
    await expect(destroy).toHaveCount(0);
    const told = await bob.waitFor('roomPresence', (p) => p.room === room && p.destroy !== null);
    assert.deepEqual(told.destroy, { reason: 'moving on', jid: venue });
    await expect(page.locator('.room-out')).toContainText('Reason: moving on');
  });

  it('a participant sees no moderator actions; a room we create to configure opens its settings', async () => {
    const account = await suite.account('member');
    const owner = await suite.peer('host');
    const room = suite.scenario.room('club');
    const name = localpart(room);
    await owner.createRoom(room, 'host', { instant: true });
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;
    await page.getByRole('button', { name: 'Join room…' }).click();
    const join = page.getByRole('dialog', { name: 'Join room' });
    await join.getByLabel('Room address').fill(room);
    await join.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(join).toHaveCount(0);

    const occupants = page.getByRole('complementary', { name: `Occupants of ${name}` });
    await occupants.getByRole('button', { name: 'Actions for host' }).click();
    const menu = page.getByRole('menu', { name: 'Actions for host' });
    await expect(menu.getByRole('menuitem')).toHaveText(['Private message']);
    await page.keyboard.press('Escape');
    await expect(occupants.getByRole('button', { name: 'Actions for host' })).toBeFocused();
    await page.getByRole('button', { name: `Room menu of ${name}` }).click();
    // No moderator or owner actions; the notification items every occupant has (issue 12 §1).
    await expect(page.getByRole('menu', { name: `Room menu of ${name}` }).getByRole('menuitem')).toHaveText([
      'Change subject…',
      'Change nickname…',
      'Mute for 1 hour',
      'Mute for 8 hours',
      'Mute until I turn it back on',
      'Notify me: every message',
      'Notify me: mentions and replies ✓',
      'Notify me: nothing',
    ]);
    await page.keyboard.press('Escape');

    // Voice taken by the host: the Room menu offers to ask for it back.
    await owner.setRole(room, localpart(account.jid), 'visitor');
    await expect(occupants).toContainText(/Visitors \(1\)/);
    await page.getByRole('button', { name: `Room menu of ${name}` }).click();
    await page.getByRole('menuitem', { name: 'Request voice' }).click();
    await expect(page.getByText(`Asked the moderators of ${name} for voice.`)).toBeVisible();
    await owner.setRole(room, localpart(account.jid), 'participant');
    await expect(occupants).toContainText(/Participants \(1\)/);

    // The room may refuse a participant's subject (Prosody does by default; ejabberd allows it).
    await roomMenu(page, name, 'Change subject…');
    const subject = page.getByRole('dialog', { name: `Subject of ${name}` });
    await subject.getByLabel('Subject').fill('mine now');
    await subject.getByRole('button', { name: 'Change subject' }).click();
    if (suite.scenario.server.kind === 'prosody') {
      await expect(subject.getByRole('alert')).toHaveText(
        'You are not allowed to change the subject in this room.',
      );
      await checkScreen(page, 'room-admin-refused-light');
      await subject.getByRole('button', { name: 'Cancel' }).click();
    } else {
      await expect(subject).toHaveCount(0);
      await expect(page.locator('.room-subject')).toHaveText('mine now');
    }

    // A room created from the join dialog to be set up first: its settings open by themselves; Cancel
    // keeps the defaults and the room opens to others.
    const fresh = suite.scenario.room('fresh');
    await page.getByRole('button', { name: 'Join room…' }).click();
    await join.getByLabel('Room address').fill(fresh);
    await join.getByLabel('Nickname').fill('maker');
    const setUp = join.getByRole('checkbox', {
      name: 'If the room is new, set it up before others can join',
    });
    await expect(setUp).not.toBeChecked();
    await setUp.check();
    await checkScreen(page, 'room-admin-join-configured-light');
    await join.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(join).toHaveCount(0);
    const made = await app.engine.invoke('muc.rooms', { account: account.jid });
    assert.ok(made.ok);
    assert.equal(made.value.rooms.find((r) => r.room === fresh)?.unconfigured, true, 'created to configure');
    if (suite.scenario.server.kind === 'prosody') {
      // Prosody keeps the new room locked until its owner configures it.
      await assert.rejects(owner.joinRoom(fresh, 'host'), /item-not-found/);
    }
    const settings = page.getByRole('dialog', { name: `Settings of ${localpart(fresh)}` });
    await expect(settings).toContainText('You created this room.');
    await expect(settings.getByRole('button', { name: 'Save settings' })).toBeVisible();
    await checkScreen(page, 'room-admin-fresh-settings-light');
    await settings.getByRole('button', { name: 'Cancel' }).click();
    await expect(settings).toHaveCount(0);
    const joined = await owner.joinRoom(fresh, 'host');
    assert.ok(joined.statusCodes.includes(110), 'the room is open to others');
  });
});
