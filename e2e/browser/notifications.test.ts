// Desktop notifications in browser mode (issue 12 §1), against the real server with slixmpp peers and
// Chromium with the notifications permission granted. An init script wraps window.Notification so that every
// real instance the page makes is recorded (the real constructor still runs). A message in a chat that is
// not on screen notifies with the sender's name and text, and its click opens that chat; none for the chat
// being looked at in the focused page, none in Do not disturb, none for a muted chat (muted from the chat
// header's menu: screenshots light, dark, 480 px, axe); "New message" with the text setting off; a room
// line notifies only when it mentions us; a subscription request notifies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import {
  checkScreen,
  contactRow,
  expect,
  showsRoster,
  startChatSession,
  useBrowserSuite,
} from './fixture.ts';
import type { Friend } from './fixture.ts';

interface Recorded {
  title: string;
  body: string;
  tag: string;
}

declare global {
  interface Window {
    __notifications?: Array<Recorded & { instance: Notification }>;
  }
}

/** Records each Notification the page makes, keeping the real constructor and its statics. */
function recordNotifications(): void {
  const Real = window.Notification;
  const made: Array<Recorded & { instance: Notification }> = [];
  window.__notifications = made;
  class Recording extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      made.push({ title, body: options?.body ?? '', tag: options?.tag ?? '', instance: this });
    }
  }
  Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
  Object.defineProperty(Recording, 'requestPermission', { value: Real.requestPermission.bind(Real) });
  window.Notification = Recording as typeof Notification;
}

const recorded = (page: Page): Promise<Recorded[]> =>
  page.evaluate(() => (window.__notifications ?? []).map(({ title, body, tag }) => ({ title, body, tag })));

/** The chat tab of `name` has `count` unread: the page has handled the message (and its notification). */
async function unread(page: Page, name: string, count: number): Promise<void> {
  await expect(
    page.getByRole('tablist', { name: 'Open chats' }).getByRole('tab', { name: new RegExp(`^${name}`) }),
  ).toHaveAccessibleName(`${name}, ${count} unread`);
}

describe('browser mode: notifications', () => {
  const suite = useBrowserSuite();

  it('a background chat notifies and its click opens it; none on screen, in Do not disturb, muted; New message', async () => {
    const session = await startChatSession(suite, 'notify', ['Alice', 'Bob', 'Cleo'], { openLater: true });
    const { app, account, page } = session;
    const [alice, bob, cleo] = session.friends as [Friend, Friend, Friend];
    await app.context.grantPermissions(['notifications'], { origin: new URL(app.url).origin });
    await page.addInitScript(recordNotifications);
    await app.open();
    await showsRoster(page, ['Alice', 'Bob', 'Cleo']);
    assert.equal(await page.evaluate(() => Notification.permission), 'granted');
    assert.equal(await page.evaluate(() => document.hasFocus()), true, 'the page is focused');

    // Bob's chat is the one on screen; Alice writes in the background.
    await contactRow(page, 'Bob').click();
    await expect(page.getByRole('log', { name: 'Messages with Bob' })).toBeVisible();
    await alice.peer.sendMessage(account.jid, 'Lunch at one?\nThe usual place.');
    await unread(page, 'Alice', 1);
    assert.deepEqual(await recorded(page), [
      {
        title: 'Alice',
        body: 'Lunch at one? The usual place.',
        tag: `${account.jid} chat ${alice.peer.jid}`,
      },
    ]);

    // Bob's own chat is on screen in the focused page: no notification.
    await bob.peer.sendMessage(account.jid, 'seen right away');
    await expect(
      page.getByRole('log', { name: 'Messages with Bob' }).getByText('seen right away'),
    ).toBeVisible();
    assert.equal((await recorded(page)).length, 1);

    // Its click opens Alice's chat.
    await page.evaluate(() => window.__notifications![0]!.instance.dispatchEvent(new Event('click')));
    await expect(
      page.getByRole('tablist', { name: 'Open chats' }).getByRole('tab', { name: /^Alice/ }),
    ).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('log', { name: 'Messages with Alice' })).toBeVisible();

    // Do not disturb: nothing. Back online: Cleo notifies again.
    const busy = await app.engine.invoke('presence.set', { account: account.jid, show: 'dnd' });
    assert.ok(busy.ok);
    await cleo.peer.sendMessage(account.jid, 'while busy');
    await unread(page, 'Cleo', 1);
    assert.equal((await recorded(page)).length, 1, 'nothing in Do not disturb');
    const back = await app.engine.invoke('presence.set', { account: account.jid, show: 'available' });
    assert.ok(back.ok);
    await cleo.peer.sendMessage(account.jid, 'now free?');
    await unread(page, 'Cleo', 2);
    assert.deepEqual((await recorded(page)).at(-1), {
      title: 'Cleo',
      body: 'now free?',
      tag: `${account.jid} chat ${cleo.peer.jid}`,
    });

    // Mute Bob for an hour from his chat's header (the menu: light, dark, 480 px, axe).
    await contactRow(page, 'Bob').click();
    const menuButton = page.getByRole('button', { name: /^Mute(d,)? notifications for Bob$/ });
    await menuButton.click();
    const menu = page.getByRole('menu', { name: 'Notifications for Bob' });
    await expect(menu.getByRole('menuitem')).toHaveText([
      'Mute for 1 hour',
      'Mute for 8 hours',
      'Mute until I turn it back on',
    ]);
    await expect(menu.getByRole('menuitem', { name: 'Mute for 1 hour' })).toBeFocused();
    await checkScreen(page, 'notify-menu-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'notify-menu-dark');
    await page.keyboard.press('Escape');
    await expect(menuButton).toBeFocused();
    await page.setViewportSize({ width: 480, height: 820 });
    await menuButton.click();
    await checkScreen(page, 'notify-menu-narrow-dark');
    await menu.getByRole('menuitem', { name: 'Mute for 1 hour' }).click();
    await expect(page.locator('.chat-header').getByRole('img', { name: /^Muted until / })).toBeVisible();
    await expect(menuButton).toHaveText(/Muted/);
    await page.setViewportSize({ width: 1100, height: 720 });
    await page.emulateMedia({ colorScheme: 'light' });
    await checkScreen(page, 'notify-muted-chat');

    // Muted: Bob writes while Alice's chat is shown, and nothing notifies.
    await page
      .getByRole('tablist', { name: 'Open chats' })
      .getByRole('tab', { name: /^Alice/ })
      .click();
    await bob.peer.sendMessage(account.jid, 'muted words');
    await unread(page, 'Bob', 1);
    assert.equal((await recorded(page)).length, 2, 'nothing for a muted chat');

    // The text setting off: "New message" instead of the words.
    const hidden = await app.engine.invoke('prefs.set', { patch: { notifications: { showText: false } } });
    assert.ok(hidden.ok);
    await cleo.peer.sendMessage(account.jid, 'a secret');
    await unread(page, 'Cleo', 3);
    assert.deepEqual((await recorded(page)).at(-1), {
      title: 'Cleo',
      body: 'New message',
      tag: `${account.jid} chat ${cleo.peer.jid}`,
    });
  });

  it('a room line notifies only when it mentions us (or every line, set in the Room menu); a contact request notifies', async () => {
    const session = await startChatSession(suite, 'roomnote', ['Dana'], { openLater: true });
    const { app, account, page } = session;
    const [dana] = session.friends as [Friend];
    await app.context.grantPermissions(['notifications'], { origin: new URL(app.url).origin });
    await page.addInitScript(recordNotifications);
    await app.open();
    await showsRoster(page, ['Dana']);

    const ann = await suite.peer('ann');
    const room = suite.scenario.room('cafe');
    await ann.createRoom(room, 'ann', { instant: true });
    const joined = await app.engine.invoke('muc.join', { account: account.jid, room, nick: 'zed' });
    assert.ok(joined.ok, joined.ok ? '' : joined.error.message);
    await expect(
      page
        .getByRole('region', { name: 'Rooms' })
        .getByRole('button', { name: new RegExp(`^${localName(room)}`) }),
    ).toBeVisible();
    // Dana's chat is the one shown; the room talks in the background.
    await contactRow(page, 'Dana').click();
    await expect(page.getByRole('log', { name: 'Messages with Dana' })).toBeVisible();

    await ann.sendGroupchat(room, 'just chatting');
    await unread(page, localName(room), 1);
    assert.deepEqual(await recorded(page), [], 'a room line without a mention does not notify');
    await ann.sendGroupchat(room, 'zed: are you coming?');
    await unread(page, localName(room), 2);
    assert.deepEqual(await recorded(page), [
      {
        title: `ann in ${localName(room)}`,
        body: 'zed: are you coming?',
        tag: `${account.jid} groupchat ${room}`,
      },
    ]);
    // Its click opens the room.
    await page.evaluate(() => window.__notifications![0]!.instance.dispatchEvent(new Event('click')));
    await expect(page.getByRole('tab', { name: new RegExp(`^${localName(room)}`) })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    // The Room menu sets this room to every message: a plain line notifies now.
    const roomMenu = page.getByRole('button', { name: `Room menu of ${localName(room)}` });
    await roomMenu.click();
    const items = page.getByRole('menu', { name: `Room menu of ${localName(room)}` }).getByRole('menuitem');
    await expect(items.filter({ hasText: /^Notify me/ })).toHaveText([
      'Notify me: every message',
      'Notify me: mentions and replies ✓',
      'Notify me: nothing',
    ]);
    await checkScreen(page, 'notify-room-menu');
    await items.filter({ hasText: 'Notify me: every message' }).click();
    await contactRow(page, 'Dana').click();
    await expect(page.getByRole('log', { name: 'Messages with Dana' })).toBeVisible();
    await ann.sendGroupchat(room, 'plain again');
    await expect.poll(async () => (await recorded(page)).at(-1)?.body).toBe('plain again');

    // A stranger asks to see our presence: a contact request notifies too.
    const eve = await suite.peer('eve');
    await eve.subscribe(account.jid);
    await expect(page.getByRole('region', { name: 'Subscription requests' })).toContainText(eve.jid);
    await expect.poll(async () => (await recorded(page)).length).toBe(3);
    assert.deepEqual((await recorded(page))[2], {
      title: `Contact request from ${eve.jid}`,
      body: 'Wants to see when you are online.',
      tag: `request ${account.jid} chat ${eve.jid}`,
    });
    await dana.peer.sendMessage(account.jid, 'on screen');
    await expect(page.getByRole('log', { name: 'Messages with Dana' }).getByText('on screen')).toBeVisible();
    assert.equal((await recorded(page)).length, 3);
  });
});

function localName(jid: string): string {
  return jid.slice(0, jid.indexOf('@'));
}
