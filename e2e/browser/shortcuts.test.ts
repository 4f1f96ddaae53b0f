// Keyboard shortcuts in browser mode (issue 12 §5), against the real server with slixmpp peers: Ctrl+K's
// quick switcher finding a contact and opening its chat, Alt+Down / Alt+Up through the chats with unread
// messages, the tab chords, close and new chat, Ctrl+, asking for settings, the shortcuts help and the
// About dialog (version from the engine, a dependency's credit). Light and dark, at 480 px, axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import {
  accountMenuButton,
  checkScreen,
  contactRow,
  expect,
  screenshot,
  startChatSession,
  useBrowserSuite,
} from './fixture.ts';

const chatTab = (page: Page, name: string) =>
  page.getByRole('tablist', { name: 'Open chats' }).getByRole('tab', { name: new RegExp(`^${name}`) });

/** The sign-in's notices (contacts approving) would sit over the dialogs in the screenshots. */
async function clearNotices(page: Page): Promise<void> {
  const dismiss = page.getByRole('button', { name: 'Dismiss notice' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
}

async function openWithSwitcher(page: Page, typed: string, option: string): Promise<void> {
  await page.keyboard.press('Control+k');
  const dialog = page.getByRole('dialog', { name: 'Go to' });
  const field = dialog.getByRole('combobox', { name: 'Contact, room or account' });
  await expect(field).toBeFocused();
  await field.pressSequentially(typed);
  await expect(dialog.getByRole('option', { selected: true })).toContainText(option);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
}

describe('browser mode: keyboard shortcuts, quick switcher, About', () => {
  const suite = useBrowserSuite();

  it('Ctrl+K finds a contact and Enter opens its chat; Ctrl+, settings; F1 help; About', async () => {
    const { app, page } = await startChatSession(suite, 'keys', ['Alice', 'Bruno', 'Émilie']);
    await clearNotices(page);

    // The switcher: the field has the focus, every contact is listed, typing narrows (diacritics folded).
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Go to' });
    const field = dialog.getByRole('combobox', { name: 'Contact, room or account' });
    await expect(field).toBeFocused();
    const options = dialog.getByRole('listbox', { name: 'Matches' }).getByRole('option');
    await expect(options.filter({ hasText: 'Bruno' })).toHaveCount(1);
    await field.pressSequentially('emi');
    await expect(options).toHaveCount(1);
    await expect(options.first()).toContainText('Émilie');
    await field.fill('');
    await field.pressSequentially('al');
    await expect(dialog.getByRole('option', { selected: true })).toContainText('Alice');
    await expect(field).toHaveAttribute('aria-activedescendant', /.+/);
    await checkScreen(page, 'shortcuts-switcher');
    // Down and Up move the active option, the field keeps the focus.
    await field.fill('');
    await page.keyboard.press('ArrowDown');
    await expect(dialog.getByRole('option', { selected: true })).toContainText('Bruno');
    await page.keyboard.press('ArrowUp');
    await expect(dialog.getByRole('option', { selected: true })).toContainText('Alice');
    await expect(field).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);

    // F1: the help lists the keys, and which need the desktop app.
    await page.keyboard.press('F1');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const keys of ['Ctrl+K', 'Ctrl+Tab', 'Alt+Down', 'Alt+Up', 'Ctrl+W', 'Ctrl+N', 'Ctrl+,', 'Esc']) {
      await expect(
        help.locator('kbd', { hasText: new RegExp(`^${keys.replace(/[+]/g, '\\+')}$`) }),
      ).toHaveCount(1);
    }
    await expect(help.getByRole('row', { name: /Close the chat/ })).toContainText(
      'Ctrl+W only in the desktop app',
    );
    await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
    await checkScreen(page, 'shortcuts-help');
    await page.keyboard.press('Escape');
    await expect(help).toHaveCount(0);
    await page.keyboard.press('Control+/');
    await expect(help).toBeVisible();
    await help.getByRole('button', { name: 'Close' }).click();

    // About, from the help (the desktop app's Help menu sends 'shell.menu' about): the engine's version
    // and the credits.
    await page.keyboard.press('F1');
    await help.getByRole('button', { name: 'About Parley' }).click();
    await expect(help).toHaveCount(0);
    const about = page.getByRole('dialog', { name: 'About Parley' });
    const info = await app.engine.invoke('app.info', {});
    assert.ok(info.ok);
    await expect(about.locator('dd').first()).toHaveText(info.value.version);
    const credits = about.getByRole('list', { name: /open-source packages/ });
    await expect(credits.getByRole('listitem').filter({ hasText: /^zod \d+\.\d+\.\d+ · MIT$/ })).toHaveCount(
      1,
    );
    await checkScreen(page, 'about');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'about-dark');
    await page.keyboard.press('Escape');
    await expect(about).toHaveCount(0);
    await page.keyboard.press('Control+k');
    await expect(page.getByRole('dialog', { name: 'Go to' })).toBeVisible();
    await checkScreen(page, 'shortcuts-switcher-dark');
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await checkScreen(page, 'shortcuts-help-dark');
    await page.keyboard.press('Escape');

    // A narrow window: the switcher and the help fit.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 480, height: 720 });
    await page.keyboard.press('Control+k');
    await expect(page.getByRole('dialog', { name: 'Go to' })).toBeVisible();
    await checkScreen(page, 'shortcuts-switcher-480');
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await checkScreen(page, 'shortcuts-help-480');
    await help.getByRole('button', { name: 'About Parley' }).click();
    await expect(about).toBeVisible();
    await checkScreen(page, 'about-480');
    await page.keyboard.press('Escape');
    await expect(about).toHaveCount(0);
    // A window too short for the whole list: the option the arrows reach is scrolled into view.
    await page.setViewportSize({ width: 480, height: 300 });
    await page.keyboard.press('Control+k');
    const short = page.getByRole('dialog', { name: 'Go to' });
    await page.keyboard.press('ArrowUp');
    const last = short.getByRole('option', { selected: true });
    await expect(last).toContainText('Account');
    await expect(last).toBeInViewport({ ratio: 0.9 });
    await screenshot(page, 'shortcuts-switcher-short');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 480, height: 720 });

    // Enter on a match opens its chat with the message box focused.
    await openWithSwitcher(page, 'ali', 'Alice');
    await expect(chatTab(page, 'Alice')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
    // Ctrl+, from inside the message box: the settings screen.
    await page.keyboard.press('Control+,');
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await expect(settings).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(settings).toHaveCount(0);
  });

  it('Alt+Down and Alt+Up go through the unread chats; tab chords; close and new chat', async () => {
    const { account, page, friends } = await startChatSession(suite, 'unread', ['Alma', 'Bea', 'Cyd']);
    const [alma, bea, cyd] = friends.map((f) => f.peer);
    await openWithSwitcher(page, 'alma', 'Alma');
    await expect(chatTab(page, 'Alma')).toHaveAttribute('aria-selected', 'true');

    // Cyd, then Bea write while Alma's chat is shown: their chats open as tabs behind it, in that order.
    await cyd!.sendMessage(account.jid, 'from cyd');
    await expect(chatTab(page, 'Cyd')).toHaveAccessibleName(/1 unread/);
    await bea!.sendMessage(account.jid, 'from bea');
    await expect(chatTab(page, 'Bea')).toHaveAccessibleName(/1 unread/);
    await expect(contactRow(page, 'Bea')).toHaveAccessibleName(/1 unread/);

    // In tab order: Cyd, then Bea; each read as it is shown.
    await page.keyboard.press('Alt+ArrowDown');
    await expect(chatTab(page, 'Cyd')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('log', { name: 'Messages with Cyd' })).toContainText('from cyd');
    await page.keyboard.press('Alt+ArrowDown');
    await expect(chatTab(page, 'Bea')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('log', { name: 'Messages with Bea' })).toContainText('from bea');
    await expect(chatTab(page, 'Cyd')).toHaveAccessibleName(/^Cyd$/);

    // Alma writes: Alt+Up goes back past Cyd (read now) to her.
    await alma!.sendMessage(account.jid, 'from alma');
    await expect(chatTab(page, 'Alma')).toHaveAccessibleName(/1 unread/);
    // While a dialog is open the keys are its own: no chat changes behind it.
    await page.keyboard.press('Control+k');
    const switcher = page.getByRole('dialog', { name: 'Go to' });
    await expect(switcher).toBeVisible();
    await page.keyboard.press('Alt+ArrowUp');
    await page.keyboard.press('Escape');
    await expect(switcher).toHaveCount(0);
    await expect(chatTab(page, 'Bea')).toHaveAttribute('aria-selected', 'true');
    await expect(chatTab(page, 'Alma')).toHaveAccessibleName(/1 unread/);
    await page.keyboard.press('Alt+ArrowUp');
    await expect(chatTab(page, 'Alma')).toHaveAttribute('aria-selected', 'true');
    await expect(chatTab(page, 'Alma')).toHaveAccessibleName(/^Alma$/);
    // Nothing unread is left: Alt+Down stays.
    await page.keyboard.press('Alt+ArrowDown');
    await expect(chatTab(page, 'Alma')).toHaveAttribute('aria-selected', 'true');

    // The tabs (Alma, Cyd, Bea): Ctrl+Tab, which a test can send to a page, and the Alt chords a person can.
    await page.keyboard.press('Control+Tab');
    await expect(chatTab(page, 'Cyd')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Control+Shift+Tab');
    await expect(chatTab(page, 'Alma')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Alt+PageUp');
    await expect(chatTab(page, 'Bea')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Alt+PageDown');
    await expect(chatTab(page, 'Alma')).toHaveAttribute('aria-selected', 'true');

    // Close the chat (the browser's own Ctrl+W would close the page: its Alt chord here).
    await page.keyboard.press('Alt+Shift+W');
    await expect(chatTab(page, 'Alma')).toHaveCount(0);
    await expect(chatTab(page, 'Cyd')).toHaveAttribute('aria-selected', 'true');

    // New chat: the add-contact form.
    await page.keyboard.press('Alt+Shift+N');
    const add = page.getByRole('dialog', { name: 'Add contact' });
    await expect(add).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(add).toHaveCount(0);

    // Typing is left alone: plain keys in the message box are text, not shortcuts.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.focus();
    await box.pressSequentially('k, w/n');
    await expect(box).toHaveValue('k, w/n');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });

  it('the switcher finds joined rooms, bookmarks and accounts', async () => {
    const account = await suite.account('places');
    const ann = await suite.peer('ann');
    const den = suite.scenario.room('den');
    const cafe = suite.scenario.room('cafe');
    await ann.createRoom(den, 'ann', { instant: true });
    await ann.createRoom(cafe, 'ann', { instant: true });
    const app = await suite.app();
    await app.signInDirect(account);
    const { page, engine } = app;
    const joined = await engine.invoke('muc.join', { account: account.jid, room: den, nick: 'me' });
    assert.ok(joined.ok);
    const marked = await engine.invoke('bookmarks.set', {
      account: account.jid,
      room: cafe,
      name: 'Café Crème',
      autojoin: false,
    });
    assert.ok(marked.ok);
    const rooms = page.getByRole('region', { name: 'Rooms' });
    await expect(rooms.locator('[data-room]', { hasText: 'Café Crème' })).toBeVisible();
    await expect(rooms.getByRole('button', { name: /^den/ })).toBeVisible();

    // A joined room: its tab opens.
    await openWithSwitcher(page, 'den', 'den');
    await expect(page.getByRole('tab', { name: /^den/ })).toHaveAttribute('aria-selected', 'true');

    // A bookmark, found with its accents left out: Enter joins it and shows it.
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Go to' });
    await dialog.getByRole('combobox').pressSequentially('creme');
    await expect(dialog.getByRole('option', { selected: true })).toContainText('Café CrèmeBookmarked room');
    await page.keyboard.press('Enter');
    // The tab opens once the join succeeded (bookmarks.join answered the room).
    await expect(page.getByRole('tab', { name: /^cafe/ })).toHaveAttribute('aria-selected', 'true');
    await expect(rooms.locator(`.room-row-bookmark[data-room="${cafe}"]`)).toHaveCount(0);
    const localpart = account.jid.slice(0, account.jid.indexOf('@'));

    // An account: its account menu button takes the focus.
    await openWithSwitcher(page, localpart, 'Account');
    await expect(accountMenuButton(page)).toBeFocused();
  });
});
