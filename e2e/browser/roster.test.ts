// Roster in browser mode: groups with presence, collapse/expand, filter and "Show offline contacts"; adding a
// contact (validation, waiting for approval, then their presence); renaming through the context menu; and
// inbound subscription requests answered from the banner (Approve and add…, which asks for a name and group
// first, and Deny), each checked on both sides.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from '@playwright/test';
import type { ParleyApp } from './fixture.ts';
import { accountMenuButton, checkScreen, contactRow, expect, useBrowserSuite } from './fixture.ts';
import type { ScenarioAccount } from '../harness/scenario.ts';

/** A group header row, e.g. "Friends, 1 of 1 online". */
const groupRow = (page: Page, group: string) =>
  page
    .getByRole('tree', { name: 'Contacts' })
    .getByRole('treeitem', { name: new RegExp(`^${group}, \\d+ of \\d+ online$`) });

/**
 * The tree's rows, in order, are exactly these: [accessible name, aria-level] (level 1 = group header).
 * Retries until the page agrees, like any web-first assertion.
 */
async function expectRows(page: Page, rows: Array<[name: string | RegExp, level: 1 | 2]>): Promise<void> {
  const items = page.getByRole('tree', { name: 'Contacts' }).getByRole('treeitem');
  await expect(items).toHaveCount(rows.length);
  for (const [i, [name, level]] of rows.entries()) {
    await expect(items.nth(i)).toHaveAccessibleName(name);
    await expect(items.nth(i)).toHaveAttribute('aria-level', String(level));
  }
}

/**
 * checkScreen for each named screen, with failures (axe violations) held until done(): the rest of the
 * scenario still runs and reports, and the test still fails on every bad screen, all listed at the end.
 */
function screenChecks() {
  const failures: Error[] = [];
  return {
    async check(page: Page, name: string): Promise<void> {
      try {
        await checkScreen(page, name);
      } catch (error) {
        failures.push(error as Error);
      }
    },
    done(): void {
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) {
        throw new AggregateError(failures, failures.map((f) => f.message.split('\n')[0]).join('; '));
      }
    },
  };
}

/** Nothing is drawn over the middle of this element, so a click there reaches it. */
async function expectUncovered(target: Locator): Promise<void> {
  const cover = await target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top && (top === el || el.contains(top)) ? null : (top?.outerHTML.slice(0, 160) ?? '(nothing)');
  });
  assert.equal(cover, null, `${String(target)} is covered by ${cover}`);
}

/** A signed-in app showing the main window. */
async function signedIn(suite: ReturnType<typeof useBrowserSuite>, prefix: string) {
  const me: ScenarioAccount = await suite.account(prefix);
  const app: ParleyApp = await suite.app();
  await app.signInDirect(me);
  await expect(accountMenuButton(app.page)).toBeVisible();
  return { me, app, page: app.page };
}

describe('browser mode: roster', () => {
  const suite = useBrowserSuite();

  it('shows contacts under their groups with presence; collapse, filter and hide offline', async () => {
    const screens = screenChecks();
    const { app, page } = await signedIn(suite, 'groups');
    const [alice, bob, carol] = await Promise.all([
      suite.peer('friend', { onSubscribe: 'approve' }),
      suite.peer('colleague', { onSubscribe: 'approve' }),
      suite.peer('gone', { onSubscribe: 'approve' }),
    ]);
    await app.befriend(alice, { name: 'Alice', group: 'Friends' });
    await app.befriend(bob, { name: 'Bob', group: 'Work' });
    await app.befriend(carol, { name: 'Carol', group: 'Work' });
    await alice.setPresence('away', 'Back at five');
    await carol.stop();

    const tree = page.getByRole('tree', { name: 'Contacts' });
    // Groups in name order, online members first, presence (and status or address) in each row's name.
    await expectRows(page, [
      ['Friends, 1 of 1 online', 1],
      ['Alice, Away, Back at five', 2],
      ['Work, 1 of 2 online', 1],
      [`Bob, Available, ${bob.jid}`, 2],
      [`Carol, Offline, ${carol.jid}`, 2],
    ]);
    await expect(groupRow(page, 'Friends')).toHaveAttribute('aria-expanded', 'true');
    await expect(groupRow(page, 'Work')).toHaveAttribute('aria-expanded', 'true');
    await screens.check(page, 'roster-groups');

    // Collapse "Friends" with a click, expand it again from the keyboard (Right on the group row).
    const friends = groupRow(page, 'Friends');
    await friends.click();
    await expect(friends).toHaveAttribute('aria-expanded', 'false');
    await expect(contactRow(page, 'Alice')).toBeHidden();
    await expect(contactRow(page, 'Bob')).toBeVisible();
    await expect(tree).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(friends).toHaveAttribute('aria-expanded', 'true');
    await expect(contactRow(page, 'Alice')).toHaveAccessibleName('Alice, Away, Back at five');
    // Left on the group row collapses it too; Enter toggles it back.
    await page.keyboard.press('ArrowLeft');
    await expect(contactRow(page, 'Alice')).toBeHidden();
    await page.keyboard.press('Enter');
    await expect(contactRow(page, 'Alice')).toBeVisible();

    // Shift+F10 on the active contact opens its menu.
    await page.keyboard.press('ArrowDown');
    await expect(contactRow(page, 'Alice')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'Actions for Alice' });
    await expect(menu).toBeVisible();
    await expect(menu.getByRole('menuitem')).toHaveText([
      'Open chat',
      'Rename…',
      'Edit groups…',
      'Request subscription again',
      'Remove…',
    ]);
    await expect(menu.getByRole('menuitem', { name: 'Open chat' })).toBeFocused();
    await screens.check(page, 'roster-context-menu');
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(tree).toBeFocused();

    // The filter narrows to the matching contact (and its group).
    const filter = page.getByRole('textbox', { name: 'Filter contacts' });
    await filter.fill('bob');
    await expectRows(page, [
      ['Work, 1 of 1 online', 1],
      [/^Bob, Available/, 2],
    ]);
    await filter.fill('nobody-matches-this');
    await expect(page.getByText('No contacts match.')).toBeVisible();
    await expect(tree.getByRole('treeitem')).toHaveCount(0);
    await filter.fill('');
    await expect(contactRow(page, 'Carol')).toBeVisible();

    // Hiding offline contacts drops Carol but keeps her in Work's count.
    const showOffline = page.getByRole('checkbox', { name: 'Show offline contacts' });
    await expect(showOffline).toBeChecked();
    await showOffline.uncheck();
    await expect(contactRow(page, 'Carol')).toBeHidden();
    await expectRows(page, [
      ['Friends, 1 of 1 online', 1],
      [/^Alice, Away/, 2],
      ['Work, 1 of 2 online', 1],
      [/^Bob, Available/, 2],
    ]);
    await showOffline.check();
    await expect(contactRow(page, 'Carol')).toHaveAccessibleName(`Carol, Offline, ${carol.jid}`);
    screens.done();
  });

  it('adds a contact: rejects a bad address, waits for approval, then shows their presence', async () => {
    const screens = screenChecks();
    const { me, page } = await signedIn(suite, 'adder');
    const dana = await suite.peer('dana', { onSubscribe: 'ignore' });

    await page.getByRole('button', { name: 'Add contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add contact' });
    await expect(dialog).toBeVisible();
    const address = dialog.getByRole('textbox', { name: 'Address' });
    await expect(address).toBeFocused();

    await address.fill('not a jid');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog.getByRole('alert')).toHaveText('Enter an address like name@example.com.');
    await expect(address).toHaveAttribute('aria-invalid', 'true');
    await expect(address).toBeFocused();
    await expect(dialog).toBeVisible();
    await screens.check(page, 'add-contact-dialog');

    await address.fill(dana.jid);
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Dana');
    await dialog.getByRole('textbox', { name: 'Group' }).fill('Friends');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status', { name: 'Notices' })).toContainText(
      `Asked ${dana.jid} to share their presence.`,
    );

    const row = contactRow(page, 'Dana');
    await expect(row).toHaveAccessibleName('Dana, Offline, waiting for approval');
    await expect(groupRow(page, 'Friends')).toHaveAccessibleName('Friends, 0 of 1 online');
    const asked = await dana.waitFor('presence', (e) => e.presenceType === 'subscribe');
    assert.equal(asked.from.split('/')[0], me.jid);

    // Dana approves: the waiting text goes, her presence (sent on approval) and then her changes show.
    await dana.approve(me.jid);
    await expect(row).toHaveAccessibleName(`Dana, Available, ${dana.jid}`);
    await dana.setPresence('dnd', 'In a meeting');
    await expect(row).toHaveAccessibleName('Dana, Do not disturb, In a meeting');
    await expect(groupRow(page, 'Friends')).toHaveAccessibleName('Friends, 1 of 1 online');
    screens.done();
  });

  it('renames a contact from its context menu', async () => {
    const { me, app, page } = await signedIn(suite, 'renamer');
    const erin = await suite.peer('erin', { onSubscribe: 'approve' });
    await app.befriend(erin, { name: 'Erin', group: 'Friends' });

    const row = contactRow(page, 'Erin');
    await expect(row).toBeVisible();
    await row.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Actions for Erin' });
    await menu.getByRole('menuitem', { name: 'Rename…' }).click();
    await expect(menu).toBeHidden();

    const dialog = page.getByRole('dialog', { name: `Rename ${erin.jid}` });
    const name = dialog.getByRole('textbox', { name: 'Name' });
    await expect(name).toHaveValue('Erin');
    await expect(name).toBeFocused();
    await name.fill('Erin from accounting');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();

    await expect(contactRow(page, 'Erin from accounting')).toHaveAccessibleName(
      `Erin from accounting, Available, ${erin.jid}`,
    );
    await expect(contactRow(page, 'Erin')).toBeHidden();
    const snap = await app.engine.invoke('state.snapshot', {});
    assert.ok(snap.ok);
    const contact = snap.value.accounts
      .find((a) => a.account === me.jid)
      ?.roster.find((c) => c.jid === erin.jid);
    assert.equal(contact?.name, 'Erin from accounting');
    assert.deepEqual(contact?.groups, ['Friends']);
  });

  it('answers inbound requests from the banner: Approve and add… (name and group asked first), Deny', async () => {
    const screens = screenChecks();
    const { me, app, page } = await signedIn(suite, 'asked');
    const [frank, grace, hal] = await Promise.all([
      suite.peer('frank', { onSubscribe: 'ignore' }),
      suite.peer('grace', { onSubscribe: 'ignore' }),
      suite.peer('hal', { onSubscribe: 'approve' }),
    ]);
    // A group of ours already exists: the dialog offers it.
    await app.befriend(hal, { name: 'Hal', group: 'Poker night' });
    // Frank sends his nick with the request (XEP-0172); it becomes the suggested name.
    await frank.sendRaw(
      `<presence to="${me.jid}" type="subscribe"><nick xmlns="http://jabber.org/protocol/nick">Frank N.</nick></presence>`,
    );
    await grace.subscribe(me.jid);

    const banner = page.getByRole('region', { name: 'Subscription requests' });
    const fromFrank = banner.getByRole('group', { name: `Request from ${frank.jid}` });
    const fromGrace = banner.getByRole('group', { name: `Request from ${grace.jid}` });
    await expect(fromFrank).toBeVisible();
    await expect(fromGrace).toBeVisible();
    await expect(fromFrank).toContainText(`Frank N. (${frank.jid}) wants to see when you are online.`);
    await expect(fromFrank.getByRole('button', { name: 'Approve', exact: true })).toBeVisible();
    await screens.check(page, 'subscription-requests');

    // Approve and add…: nothing is sent yet; a dialog asks for the name (his nick) and the group.
    await fromFrank.getByRole('button', { name: 'Approve and add…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve and add contact' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('textbox', { name: 'Address' })).toHaveValue(frank.jid);
    await expect(dialog.getByRole('textbox', { name: 'Address' })).toHaveAttribute('readonly', '');
    const name = dialog
      .getByRole('combobox', { name: 'Name' })
      .or(dialog.getByRole('textbox', { name: 'Name' }));
    await expect(name).toHaveValue('Frank N.');
    await expect(name).toBeFocused();
    const group = dialog.getByRole('combobox', { name: 'Group' });
    await expect(group).toBeVisible();
    assert.deepEqual(
      await dialog
        .locator('datalist option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
      ['Poker night'],
    );
    await screens.check(page, 'approve-and-add-dialog');
    assert.equal(
      frank.events.some((e) => e.type === 'presence' && e.presenceType === 'subscribed'),
      false,
      'opening the dialog approves nothing',
    );

    await name.fill('Frank');
    await group.fill('Poker night');
    await dialog.getByRole('button', { name: 'Approve and add' }).click();
    await expect(dialog).toBeHidden();
    // Frank gets our approval and our own request; his entry goes, Grace's stays.
    await frank.waitFor('presence', (e) => e.presenceType === 'subscribed' && e.from.startsWith(me.jid));
    await frank.waitFor('presence', (e) => e.presenceType === 'subscribe' && e.from.startsWith(me.jid));
    await expect(fromFrank).toBeHidden();
    await expect(fromGrace).toBeVisible();
    await expect(contactRow(page, 'Frank')).toHaveAccessibleName('Frank, Offline, waiting for approval');
    await expect(groupRow(page, 'Poker night')).toHaveAccessibleName(/^Poker night, \d+ of 2 online$/);
    const snap = await app.engine.invoke('state.snapshot', {});
    assert.ok(snap.ok);
    const added = snap.value.accounts
      .find((a) => a.account === me.jid)
      ?.roster.find((c) => c.jid === frank.jid);
    assert.equal(added?.name, 'Frank');
    assert.deepEqual(added?.groups, ['Poker night']);
    // Once Frank approves in turn, his presence shows.
    await frank.approve(me.jid);
    await expect(contactRow(page, 'Frank')).toHaveAccessibleName(`Frank, Available, ${frank.jid}`);

    // That approval shows a notice; it must not cover Grace's request (a user could not press its buttons).
    await expect(page.getByRole('status', { name: 'Notices' })).toContainText(
      `${frank.jid} approved your request`,
    );
    for (const button of await fromGrace.getByRole('button').all()) await expectUncovered(button);

    // Deny: Grace is told no, the banner empties and she is not added.
    await fromGrace.getByRole('button', { name: 'Deny' }).click();
    await grace.waitFor('presence', (e) => e.presenceType === 'unsubscribed' && e.from.startsWith(me.jid));
    await expect(fromGrace).toBeHidden();
    await expect(banner).toBeHidden();
    await expect(contactRow(page, grace.jid)).toBeHidden();
    assert.equal(
      grace.events.some((e) => e.type === 'presence' && e.presenceType === 'subscribed'),
      false,
      'Grace must not be approved',
    );
    screens.done();
  });
});
