// Room discovery in browser mode (issue 11 §2 "pick from the service's list"): the join dialog's "Browse
// rooms…" lists the service's rooms that a peer created and configured, with name, description and
// occupant count; the search box filters them by name, address or description; the keyboard moves through
// them and Enter picks one into the address field; joining it works. Light and dark, at 480 px, axe-clean.
import { describe, it } from 'node:test';
import { checkScreen, expect, useBrowserSuite } from './fixture.ts';

const localpart = (jid: string): string => jid.slice(0, jid.indexOf('@'));

describe('browser mode: room directory', () => {
  const suite = useBrowserSuite();

  it('browse, search, pick with the keyboard, join', async () => {
    const account = await suite.account('browser');
    const nick = localpart(account.jid);
    const [ann, bob] = await Promise.all([suite.peer('ann'), suite.peer('bob')]);
    const garden = suite.scenario.room('garden');
    const kitchen = suite.scenario.room('kitchen');
    const attic = suite.scenario.room('attic');
    await ann.createRoom(garden, 'ann', {
      config: {
        'muc#roomconfig_roomname': 'Gardeners',
        'muc#roomconfig_roomdesc': 'Tomatoes, roses and the weather',
        'muc#roomconfig_publicroom': true,
      },
    });
    await bob.joinRoom(garden, 'bob');
    await ann.createRoom(kitchen, 'ann', {
      config: {
        'muc#roomconfig_roomname': 'Kitchen',
        'muc#roomconfig_roomdesc': 'Recipes to share',
        'muc#roomconfig_publicroom': true,
      },
    });
    await ann.createRoom(attic, 'ann', {
      config: { 'muc#roomconfig_roomname': 'Attic', 'muc#roomconfig_publicroom': true },
    });
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;

    await page.getByRole('button', { name: 'Join room…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Join room' });
    await dialog.getByRole('button', { name: 'Browse rooms…' }).click();
    const search = dialog.getByRole('combobox', { name: 'Search rooms' });
    await expect(search).toBeFocused();
    const list = dialog.getByRole('listbox', { name: 'Rooms' });
    const gardenOption = list.getByRole('option', { name: /^Gardeners/ });
    await expect(gardenOption).toContainText('2 people');
    await expect(gardenOption).toContainText('Tomatoes, roses and the weather');
    await expect(gardenOption).toContainText(garden);
    await expect(list.getByRole('option', { name: /^Kitchen/ })).toContainText('Recipes to share');
    await expect(list.getByRole('option', { name: /^Attic/ })).toContainText('1 person');
    await checkScreen(page, 'room-directory-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'room-directory-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Search by description ("recipes"), by address (the kitchen's localpart), then by a name.
    await search.fill('recipes');
    await expect(list.getByRole('option')).toHaveCount(1);
    await expect(list.getByRole('option')).toHaveAccessibleName(/^Kitchen/);
    await search.fill(localpart(kitchen));
    await expect(list.getByRole('option')).toHaveCount(1);
    await search.fill('nothing like this');
    await expect(list).toHaveCount(0);
    await expect(dialog.getByRole('status')).toHaveText('No room matches the search.');

    // Arrow keys move the active option (selected), Enter picks it into the address field.
    await search.fill('');
    await expect(list.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
    const names = await list.getByRole('option').locator('.room-option-name').allTextContents();
    const target = names.indexOf('Gardeners');
    for (let i = 0; i < target; i++) await search.press('ArrowDown');
    await expect(gardenOption).toHaveAttribute('aria-selected', 'true');
    await search.press('Enter');
    await expect(list).toHaveCount(0);
    await expect(dialog.getByLabel('Room address')).toHaveValue(garden);
    await expect(dialog.getByLabel('Nickname')).toBeFocused();

    // 480 px: the dialog and its list fit.
    await page.setViewportSize({ width: 480, height: 820 });
    await dialog.getByRole('button', { name: 'Browse rooms…' }).click();
    await expect(gardenOption).toHaveAttribute('aria-selected', 'true'); // the address picked
    await checkScreen(page, 'room-directory-narrow');
    await gardenOption.click();
    await expect(dialog.getByLabel('Room address')).toHaveValue(garden);
    await page.setViewportSize({ width: 1100, height: 820 });

    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await ann.waitFor(
      'roomPresence',
      (p) => p.room === garden && p.nick === nick && p.presenceType === 'available',
    );
    await expect(page.getByRole('tab', { name: new RegExp(`^${localpart(garden)}`) })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });
});
