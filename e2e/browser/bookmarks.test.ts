// Bookmarks in browser mode (issue 11 §2, §3): a room joined with "Bookmark and join at sign-in" is joined
// again by itself after signing out and in (the peer in the room sees us come back) and listed; "Join at
// sign-in" in the room's header turned off, the next sign-in leaves it out (a row that says Bookmarked);
// the row's star un-bookmarks it. A bookmarked room we are not in is a row that joins on Enter; turned on
// in its header, the room is joined at the next sign-in. Light and dark, at 480 px, axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomConfig } from '../harness/peer-muc.ts';
import { checkScreen, expect, signOutFromMenu, useBrowserSuite } from './fixture.ts';

const localpart = (jid: string): string => jid.slice(0, jid.indexOf('@'));

describe('browser mode: bookmarks', () => {
  const suite = useBrowserSuite();

  it('bookmark and join at sign-in: back in the room after signing out and in; turned off in the header, it stays out', async () => {
    const account = await suite.account('bmark');
    const nick = localpart(account.jid);
    const ann = await suite.peer('ann');
    const room = suite.scenario.room('club');
    const name = localpart(room);
    await ann.createRoom(room, 'ann', { instant: true });
    const app = await suite.app();
    await app.signIn(account);
    const { page } = app;
    const region = page.getByRole('region', { name: 'Rooms' });

    await page.getByRole('button', { name: 'Join room…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Join room' });
    const keep = dialog.getByRole('checkbox', { name: 'Bookmark and join at sign-in' });
    await expect(keep).not.toBeChecked();
    await dialog.getByLabel('Room address').fill(room);
    await keep.check();
    await checkScreen(page, 'bookmark-join-dialog');
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    // (Each waitFor takes the first presence no earlier one took: this one is the join from the dialog.)
    await ann.waitFor(
      'roomPresence',
      (p) => p.room === room && p.nick === nick && p.presenceType === 'available',
    );
    const star = region.getByRole('button', { name: `Bookmark ${name}` });
    await expect(star).toHaveAttribute('aria-pressed', 'true');
    const listed = await app.engine.invoke('bookmarks.list', { account: account.jid });
    assert.ok(listed.ok);
    assert.deepEqual(
      listed.value.bookmarks.map((b) => [b.room, b.nick, b.autojoin]),
      [[room, nick, true]],
    );

    // Signed out and in again: the room is joined by itself and listed (no tab opened for it).
    await signOutFromMenu(page);
    await ann.waitFor(
      'roomPresence',
      (p) => p.room === room && p.nick === nick && p.presenceType === 'unavailable',
    );
    await app.signIn(account);
    await ann.waitFor(
      'roomPresence',
      (p) => p.room === room && p.nick === nick && p.presenceType === 'available',
    );
    const row = region.getByRole('button', { name: new RegExp(`^${name}`) });
    await expect(row).toHaveAccessibleName(name); // joined: no status words
    await expect(star).toHaveAttribute('aria-pressed', 'true');
    await checkScreen(page, 'bookmark-autojoined-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'bookmark-autojoined-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The room's header: bookmarked, joined at sign-in; turned off there, the server's bookmark says so.
    await row.click();
    const header = page.locator('.room-view .chat-header');
    await expect(header.getByRole('button', { name: 'Bookmark', exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    const atSignIn = header.getByRole('checkbox', { name: 'Join at sign-in' });
    await expect(atSignIn).toBeChecked();
    await page.setViewportSize({ width: 480, height: 820 });
    await checkScreen(page, 'bookmark-header-narrow-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'bookmark-header-narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1100, height: 820 });
    await atSignIn.click();
    await expect(atSignIn).not.toBeChecked();
    await expect
      .poll(async () => {
        const now = await app.engine.invoke('bookmarks.list', { account: account.jid });
        return now.ok ? now.value.bookmarks.map((b) => [b.room, b.autojoin]) : null;
      })
      .toEqual([[room, false]]);

    // Signed out and in: the room is not joined, and its row says it is bookmarked.
    await signOutFromMenu(page);
    await ann.waitFor(
      'roomPresence',
      (p) => p.room === room && p.nick === nick && p.presenceType === 'unavailable',
    );
    const seen = ann.events.length;
    await app.signIn(account);
    await expect
      .poll(async () => {
        const now = await app.engine.invoke('bookmarks.list', { account: account.jid });
        return now.ok ? now.value.storage : 'failed';
      })
      .not.toBe('not-loaded');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // an autojoin would have gone out by now
    const rooms = await app.engine.invoke('muc.rooms', { account: account.jid });
    assert.ok(rooms.ok);
    assert.deepEqual(rooms.value.rooms, [], 'not joined again');
    assert.ok(
      !ann.events
        .slice(seen)
        .some((e) => e.type === 'roomPresence' && e.nick === nick && e.presenceType === 'available'),
    );
    await expect(row).toHaveAccessibleName(new RegExp(`^${name}\\W+Bookmarked$`));

    // The star un-bookmarks (keyboard): the server forgets it, and the row goes.
    await star.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => {
        const now = await app.engine.invoke('bookmarks.list', { account: account.jid });
        return now.ok ? now.value.bookmarks.length : -1;
      })
      .toBe(0);
    await expect(row).toHaveCount(0);
  });

  it('a bookmarked room we are not in is listed, joins on Enter, and says why when it cannot', async () => {
    const account = await suite.account('bmrow');
    const nick = localpart(account.jid);
    const owner = await suite.peer('owner');
    const [open, locked] = [suite.scenario.room('lounge'), suite.scenario.room('safe')];
    await owner.createRoom(open, 'owner', { instant: true });
    const protect: RoomConfig =
      suite.scenario.server.kind === 'ejabberd' ? { 'muc#roomconfig_passwordprotectedroom': true } : {};
    await owner.createRoom(locked, 'owner', {
      config: { ...protect, 'muc#roomconfig_roomsecret': 'sesame' },
    });
    const app = await suite.app();
    await app.signIn(account);
    const { page } = app;
    for (const [room, autojoin] of [
      [open, false],
      [locked, true],
    ] as const) {
      const set = await app.engine.invoke('bookmarks.set', {
        account: account.jid,
        room,
        name: room === open ? 'The Lounge' : 'The Safe',
        autojoin,
      });
      assert.ok(set.ok, JSON.stringify(set));
    }
    // Signed in again: the safe's autojoin is refused (no password kept); the lounge waits to be joined.
    await signOutFromMenu(page);
    await app.signIn(account);
    const region = page.getByRole('region', { name: 'Rooms' });
    const lounge = region.getByRole('button', { name: /^The Lounge/ });
    const safe = region.getByRole('button', { name: /^The Safe/ });
    await expect(lounge).toHaveAccessibleName(/^The Lounge\W+Bookmarked$/);
    await expect(safe).toHaveAccessibleName(/^The Safe\W+Could not join: .*password/i);
    await checkScreen(page, 'bookmark-rows-light');
    await page.setViewportSize({ width: 480, height: 820 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'bookmark-rows-narrow-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1100, height: 820 });

    await lounge.focus();
    await page.keyboard.press('Enter');
    await owner.waitFor(
      'roomPresence',
      (p) => p.room === open && p.nick === nick && p.presenceType === 'available',
    );
    await expect(page.getByRole('tab', { name: new RegExp(`^${localpart(open)}`) })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    // Its header turns on "Join at sign-in" (checked at the next sign-in, at the end).
    const atSignIn = page
      .locator('.room-view .chat-header')
      .getByRole('checkbox', { name: 'Join at sign-in' });
    await expect(atSignIn).not.toBeChecked();
    await atSignIn.press('Space');
    await expect(atSignIn).toBeChecked();

    // The safe refuses again: the join dialog opens on it, asking for the password, and then it works.
    await safe.click();
    const dialog = page.getByRole('dialog', { name: 'Join room' });
    await expect(dialog.getByLabel('Room address')).toHaveValue(locked);
    await expect(dialog.getByRole('alert')).toHaveText(
      'This room needs a password, or the one given was wrong.',
    );
    await expect(dialog.getByRole('checkbox', { name: 'Bookmark and join at sign-in' })).toBeChecked();
    await dialog.getByLabel(/^Password/).fill('sesame');
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await owner.waitFor(
      'roomPresence',
      (p) => p.room === locked && p.nick === nick && p.presenceType === 'available',
    );
    const kept = await app.engine.invoke('bookmarks.list', { account: account.jid });
    assert.ok(kept.ok);
    assert.deepEqual(
      kept.value.bookmarks.find((b) => b.room === locked),
      { room: locked, name: 'The Safe', nick, autojoin: true, hasPassword: true, joinError: null },
      'the password that worked is kept with the bookmark',
    );
    assert.equal(kept.value.bookmarks.find((b) => b.room === open)?.autojoin, true);

    // Signed out and in: the lounge, turned on in its header, is joined by itself.
    await signOutFromMenu(page);
    await owner.waitFor(
      'roomPresence',
      (p) => p.room === open && p.nick === nick && p.presenceType === 'unavailable',
    );
    await app.signIn(account);
    await owner.waitFor(
      'roomPresence',
      (p) => p.room === open && p.nick === nick && p.presenceType === 'available',
    );
  });
});
