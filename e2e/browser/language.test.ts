// The second language (issue 12 §6), in browser mode on each server: with prefs.appearance.language 'de'
// the converted screens (accounts bar, roster, presence, status bar, message requests, add-contact dialog,
// room list, join dialog with the room directory, message search) read German, <html lang> follows, and
// switching back to English re-renders at once without a reload; 'system' follows the browser's language (a de-DE context).
// Screenshots light, dark and 480 px wide in test-results/screens/language-*.png, each axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { checkScreen, expect, startChatSession, useBrowserSuite } from './fixture.ts';

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

/** The main window in German, once the account is online. */
async function showsGermanRoster(page: Page, jid: string): Promise<void> {
  await expect(page.getByRole('status', { name: 'Verbindung' })).toHaveText(
    new RegExp(`^Online als ${jid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`),
    { timeout: 15_000 },
  );
  await expect(page.getByRole('tree', { name: 'Kontakte' })).toBeVisible();
}

describe('browser mode: languages', () => {
  const suite = useBrowserSuite();

  it('German: roster, requests, add-contact, rooms, join dialog and search; back to English without a reload', async () => {
    const { account, app, friends } = await startChatSession(suite, 'sprache', ['Ann'], { openLater: true });
    const { page } = app;
    const set = await app.engine.invoke('prefs.set', { patch: { appearance: { language: 'de' } } });
    assert.ok(set.ok, 'prefs.set');
    const room = suite.scenario.room('stube');
    const owner = await suite.peer('wirt');
    await owner.createRoom(room, 'wirt', { instant: true });
    const eve = await suite.peer('eve', { resource: 'x' });

    await page.goto(app.url);
    await showsGermanRoster(page, account.jid);
    assert.equal(await htmlLang(page), 'de');
    await page.evaluate(() => {
      (window as { notReloaded?: boolean }).notReloaded = true;
    });

    // The roster: its tools, the group, the contact's presence in words, the rooms section.
    const roster = page.getByRole('region', { name: 'Kontaktliste' });
    await expect(roster.getByRole('textbox', { name: 'Kontakte filtern' })).toBeVisible();
    await expect(roster.getByRole('checkbox', { name: 'Offline-Kontakte anzeigen' })).toBeVisible();
    await expect(roster.getByRole('treeitem', { name: 'Friends, 1 von 1 online' })).toBeVisible();
    await expect(roster.getByRole('treeitem', { name: /^Ann, Verfügbar/ })).toBeVisible();
    const rooms = page.getByRole('region', { name: 'Räume' });
    await expect(rooms).toContainText('Noch keine Räume.');
    await expect(page.getByRole('group', { name: 'Ihr Status' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Konto hinzufügen' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Konto', exact: true })).toHaveText('Konto ▾');

    // A stranger writes: the request area, in German, with a plural.
    await eve.sendMessage(account.jid, 'Hallo, wir kennen uns von der Konferenz');
    await eve.sendMessage(account.jid, 'noch eine Nachricht');
    const requests = page.getByRole('region', { name: 'Nachrichtenanfragen' });
    const request = requests.getByRole('group', { name: `Nachrichtenanfrage von ${eve.jid}` });
    await expect(request).toContainText(
      `${eve.jid} ist nicht in Ihren Kontakten und hat 2 Nachrichten gesendet.`,
    );
    for (const name of ['Lesen', 'Zu Kontakten hinzufügen…', 'Blockieren', 'Verwerfen'])
      await expect(request.getByRole('button', { name })).toBeVisible();
    await checkScreen(page, 'language-de-roster-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'language-de-roster-dark');
    await page.setViewportSize({ width: 480, height: 820 });
    await checkScreen(page, 'language-de-roster-480');
    await page.emulateMedia({ colorScheme: 'light' });

    // Add contact: its labels, and the address refused in German before asking the server.
    await roster.getByRole('button', { name: 'Kontakt hinzufügen' }).click();
    const add = page.getByRole('dialog', { name: 'Kontakt hinzufügen' });
    for (const label of ['Adresse', 'Name', 'Gruppe'])
      await expect(add.getByLabel(label, { exact: true })).toBeVisible();
    await add.getByRole('button', { name: 'Hinzufügen' }).click();
    await expect(add.getByRole('alert')).toHaveText('Geben Sie eine Adresse wie name@example.com ein.');
    await checkScreen(page, 'language-de-add-contact-480');
    await add.getByRole('button', { name: 'Abbrechen' }).click();
    await expect(add).toHaveCount(0);
    await page.setViewportSize({ width: 1100, height: 820 });

    // Join room: the dialog and the service's room list (a plural and the service's name).
    await rooms.getByRole('button', { name: 'Raum betreten…' }).click();
    const join = page.getByRole('dialog', { name: 'Raum betreten' });
    await expect(join.getByLabel('Raumadresse')).toBeFocused();
    await expect(join.getByLabel('Spitzname')).toHaveValue(account.jid.slice(0, account.jid.indexOf('@')));
    await join.getByRole('button', { name: 'Räume durchsuchen…' }).click();
    await expect(join.getByRole('status')).toHaveText(/^\d+ (Raum|Räume) auf \S+\.$/);
    await expect(join.getByRole('listbox', { name: 'Räume' })).toBeVisible();
    await checkScreen(page, 'language-de-join-room');
    await page.setViewportSize({ width: 480, height: 820 });
    await checkScreen(page, 'language-de-join-room-480');
    await page.setViewportSize({ width: 1100, height: 820 });

    await join.getByRole('option', { name: new RegExp(room.slice(0, room.indexOf('@'))) }).click();
    await join.getByRole('button', { name: 'Betreten', exact: true }).click();
    await expect(join).toHaveCount(0);
    await expect(
      rooms.getByRole('button', { name: new RegExp(`^${room.slice(0, room.indexOf('@'))}`) }),
    ).toBeVisible();

    // Search: a contact's line found, counted in German.
    await friends[0]!.peer.sendMessage(account.jid, 'Grüße aus Berlin');
    await expect(page.getByRole('tab', { name: /^Ann/ })).toBeVisible();
    const search = page.getByRole('combobox', { name: 'Nachrichten durchsuchen' });
    await search.fill('Berlin');
    await expect(
      page.getByRole('search', { name: 'Nachrichten durchsuchen' }).getByRole('status'),
    ).toHaveText('1 Nachricht');
    await expect(page.getByRole('listbox', { name: 'Nachrichten durchsuchen: Ergebnisse' })).toContainText(
      'Ann',
    );
    await checkScreen(page, 'language-de-search');
    await search.press('Escape');

    // Back to English: at once, in the same page.
    const back = await app.engine.invoke('prefs.set', { patch: { appearance: { language: 'en' } } });
    assert.ok(back.ok, 'prefs.set en');
    await expect(page.getByRole('region', { name: 'Rooms' })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/^Online as /);
    await expect(page.getByRole('button', { name: 'Add contact' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Add account' })).toBeVisible();

    assert.equal(await htmlLang(page), 'en');
    assert.equal(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded), true);
  });

  it("'system' follows the browser's language: a de-DE browser gets German, an en-US one English", async () => {
    const account = await suite.account('system');
    const app = await suite.app({ open: false });
    await app.signInDirect(account);
    const german = await suite.browser.newContext({
      locale: 'de-DE',
      viewport: { width: 1100, height: 720 },
    });
    try {
      const page = await german.newPage();
      await page.goto(app.url);
      await showsGermanRoster(page, account.jid);
      assert.equal(await htmlLang(page), 'de');
      await expect(page.getByRole('region', { name: 'Räume' })).toContainText('Noch keine Räume.');
      await checkScreen(page, 'language-system-de');
    } finally {
      await german.close();
    }
    const english = await suite.browser.newContext({ locale: 'en-US' });
    try {
      const page = await english.newPage();
      await page.goto(app.url);
      await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/^Online as /, {
        timeout: 15_000,
      });
      assert.equal(await htmlLang(page), 'en');
    } finally {
      await english.close();
    }
  });
});
