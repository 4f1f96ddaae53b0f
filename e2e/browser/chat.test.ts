// Chat and presence in browser mode, as a user sees them, checked against what a slixmpp peer receives:
// own presence and status, messages both ways (Enter, Shift+Enter, markup shown as text, links), unread
// counts on tabs and roster rows, a popped-out chat window kept in sync with the engine, and the dark theme.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import {
  accountMenuButton,
  checkScreen,
  contactRow,
  expect,
  startChatSession,
  useBrowserSuite,
} from './fixture.ts';
import type { Friend } from './fixture.ts';
import type { ScenarioAccount } from '../harness/scenario.ts';

/** The chat message row in a log holding `text`. */
const messageRow = (log: ReturnType<Page['getByRole']>, text: string) =>
  log.locator('.msg').filter({ hasText: text });

/** Types into the message box and sends with Enter; waits until the peer has it. */
async function sendAndDeliver(
  page: Page,
  friend: Friend,
  account: ScenarioAccount,
  body: string,
): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(body);
  await box.press('Enter');
  await expect(box).toHaveValue('');
  const got = await friend.peer.waitFor('message', (m) => m.body === body);
  assert.equal(got.from.split('/')[0], account.jid);
  assert.equal(got.msgType, 'chat');
}

describe('browser mode: chat and presence', () => {
  const suite = useBrowserSuite();

  it('own presence and status reach a contact', async () => {
    const { account, page, friends } = await startChatSession(suite, 'presence', ['Pia']);
    const pia = friends[0]!.peer;
    const fromUs = (p: { from: string }): boolean => p.from.split('/')[0] === account.jid;

    const picker = page.getByRole('combobox', { name: 'Presence' });
    await expect(picker).toHaveValue('available');
    await picker.selectOption({ label: 'Away' });
    await expect(picker).toHaveValue('away');
    await pia.waitFor('presence', (p) => fromUs(p) && p.presenceType === 'available' && p.show === 'away');

    const status = page.getByRole('textbox', { name: 'Status' });
    await status.fill('At lunch');
    await status.press('Enter');
    const away = await pia.waitFor(
      'presence',
      (p) => fromUs(p) && p.show === 'away' && p.status === 'At lunch',
    );
    assert.equal(away.presenceType, 'available');
    const own = page.getByRole('group', { name: 'Your presence' });
    await expect(own.getByRole('img', { name: 'Away' })).toBeVisible();
    await expect(status).toHaveValue('At lunch');

    await picker.selectOption({ label: 'Do not disturb' });
    await expect(picker).toHaveValue('dnd');
    const dnd = await pia.waitFor('presence', (p) => fromUs(p) && p.show === 'dnd');
    assert.equal(dnd.status, 'At lunch', 'the status message is kept when only the availability changes');
    await expect(own.getByRole('img', { name: 'Do not disturb' })).toBeVisible();
    await expect(status).toHaveValue('At lunch');
    await checkScreen(page, 'chat-own-presence');
  });

  it('messages both ways: Enter sends, Shift+Enter is a new line, markup stays text, links are links', async () => {
    const { account, page, friends } = await startChatSession(suite, 'talk', ['Alice']);
    const alice = friends[0]!;

    // Keyboard: into the tree, down to the contact, Enter opens the chat with the message box focused.
    const tree = page.getByRole('tree', { name: 'Contacts' });
    await tree.focus();
    await page.keyboard.press('ArrowDown');
    await expect(contactRow(page, 'Alice')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    const tab = page.getByRole('tablist', { name: 'Open chats' }).getByRole('tab', { name: 'Alice' });
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    const log = page.getByRole('log', { name: 'Messages with Alice' });
    await expect(log).toBeVisible();
    const box = page.getByRole('textbox', { name: 'Message' });
    await expect(box).toBeFocused();
    await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();

    await sendAndDeliver(page, alice, account, 'Hello Alice');
    const hello = messageRow(log, 'Hello Alice');
    await expect(hello).toBeVisible();
    await expect(hello.locator('.msg-sender')).toHaveText('You');

    // Shift+Enter adds a line instead of sending.
    await box.pressSequentially('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    await expect(box).toHaveValue('first line\nsecond line');
    await box.press('Enter');
    await alice.peer.waitFor('message', (m) => m.body === 'first line\nsecond line');
    await expect(box).toHaveValue('');
    await expect(messageRow(log, 'second line')).toContainText('first line');

    // From the peer: shown with the sender's name and a time.
    await alice.peer.sendMessage(account.jid, 'Hi there, how are you?');
    const reply = messageRow(log, 'Hi there, how are you?');
    await expect(reply).toBeVisible();
    await expect(reply.locator('.msg-sender')).toHaveText('Alice');
    await expect(reply.locator('time')).toHaveText(/\d{1,2}[:.]\d{2}/);
    await expect(reply.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);

    // Markup in a body is text: no element made from it, no script run.
    const markup = '<b>bold</b><img src=x onerror="window.__pwned=1">';
    await alice.peer.sendMessage(account.jid, markup);
    await expect(log.getByText(markup, { exact: true })).toBeVisible();
    await expect(log.locator('b')).toHaveCount(0);
    await expect(log.locator('img')).toHaveCount(0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);

    // A URL becomes a link (not followed here).
    await alice.peer.sendMessage(account.jid, 'look at https://example.com/x please');
    const link = log.getByRole('link', { name: 'https://example.com/x' });
    await expect(link).toBeVisible();
    await expect(link).toHaveAttribute('href', 'https://example.com/x');
    await expect(messageRow(log, 'look at')).toContainText('look at https://example.com/x please');

    // Nothing was unread: the chat was open and shown the whole time.
    await expect(tab).toHaveAccessibleName('Alice');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    await checkScreen(page, 'chat-messages');
  });

  it('a message for a chat that is not shown is counted unread until it is opened', async () => {
    const { account, page, friends } = await startChatSession(suite, 'unread', ['Bea', 'Carl']);
    const [bea, carl] = friends as [Friend, Friend];
    const tabs = page.getByRole('tablist', { name: 'Open chats' });

    // Bea's chat through the contact's menu, then Carl's by clicking his row: Carl's is the one shown.
    await contactRow(page, 'Bea').click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Actions for Bea' });
    await menu.getByRole('menuitem', { name: 'Open chat' }).click();
    await expect(page.getByRole('log', { name: 'Messages with Bea' })).toBeVisible();
    await contactRow(page, 'Carl').click();
    await expect(tabs.getByRole('tab', { name: 'Carl' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('log', { name: 'Messages with Carl' })).toBeVisible();

    await bea.peer.sendMessage(account.jid, 'Are you there?');
    await bea.peer.sendMessage(account.jid, 'Ping');
    const beaTab = tabs.getByRole('tab', { name: /^Bea/ });
    await expect(beaTab).toHaveAccessibleName('Bea, 2 unread');
    await expect(beaTab).toHaveText(/Bea\s*2/);
    await expect(contactRow(page, 'Bea')).toHaveAccessibleName(/, 2 unread$/);
    await expect(page).toHaveTitle('(2) Parley');
    // Carl's shown chat counts nothing.
    await carl.peer.sendMessage(account.jid, 'Seen at once');
    await expect(
      messageRow(page.getByRole('log', { name: 'Messages with Carl' }), 'Seen at once'),
    ).toBeVisible();
    await expect(tabs.getByRole('tab', { name: 'Carl' })).toHaveAccessibleName('Carl');
    await expect(contactRow(page, 'Carl')).not.toHaveAccessibleName(/unread/);
    await checkScreen(page, 'chat-unread');

    await beaTab.click();
    const beaLog = page.getByRole('log', { name: 'Messages with Bea' });
    await expect(messageRow(beaLog, 'Ping')).toBeVisible();
    await expect(beaLog.getByRole('separator', { name: 'New messages' })).toBeVisible();
    await expect(beaTab).toHaveAccessibleName('Bea');
    await expect(beaTab.locator('.unread-badge')).toHaveCount(0);
    await expect(contactRow(page, 'Bea')).not.toHaveAccessibleName(/unread/);
    await expect(page).toHaveTitle('Parley');
  });

  it('a popped-out chat shows only that chat, stays in sync both ways, and Dock closes it', async () => {
    const { account, app, page, friends } = await startChatSession(suite, 'popout', ['Dora']);
    const dora = friends[0]!;
    await contactRow(page, 'Dora').click();
    await expect(page.getByRole('log', { name: 'Messages with Dora' })).toBeVisible();
    await sendAndDeliver(page, dora, account, 'Before the pop-out');

    const [popup] = await Promise.all([
      app.context.waitForEvent('page'),
      page.getByRole('button', { name: 'Pop out chat with Dora' }).click(),
    ]);
    popup.on('pageerror', (error) => console.error(`[pop-out page error] ${error.message}`));
    const popLog = popup.getByRole('log', { name: 'Messages with Dora' });
    await expect(popLog).toBeVisible();
    const hash = new URLSearchParams(new URL(popup.url()).hash.slice(1));
    assert.equal(hash.get('view'), 'chat');
    assert.equal(hash.get('account'), account.jid);
    assert.equal(hash.get('peer'), dora.peer.jid);
    const mainToken = new URLSearchParams(new URL(app.url).hash.slice(1)).get('token');
    assert.ok(
      hash.get('token') && hash.get('token') !== mainToken,
      'the pop-out has a window token of its own',
    );
    await expect(popup.getByRole('button', { name: 'Dock chat with Dora' })).toBeVisible();
    await expect(popup.getByRole('tree', { name: 'Contacts' })).toHaveCount(0);
    await expect(popup.getByRole('tablist')).toHaveCount(0);
    await expect(popup.getByRole('button', { name: 'Pop out chat with Dora' })).toHaveCount(0);
    // The earlier message came with the history, once.
    await expect(popLog.getByText('Before the pop-out', { exact: true })).toHaveCount(1);
    // The main window no longer shows the chat as a tab.
    await expect(page.getByRole('tab', { name: /^Dora/ })).toHaveCount(0);

    const incoming = 'Hello from Dora to the pop-out';
    await dora.peer.sendMessage(account.jid, incoming);
    await expect(messageRow(popLog, incoming)).toBeVisible();
    await expect(messageRow(popLog, incoming).locator('.msg-sender')).toHaveText('Dora');
    await expect(popLog.getByText(incoming, { exact: true })).toHaveCount(1);
    const history = await app.engine.invoke('chat.history', { account: account.jid, peer: dora.peer.jid });
    assert.ok(history.ok, 'chat.history answers');
    assert.equal(history.value.messages.filter((m) => m.body === incoming).length, 1);

    const box = popup.getByRole('textbox', { name: 'Message' });
    await box.fill('Sent from the pop-out');
    await box.press('Enter');
    await expect(box).toHaveValue('');
    const got = await dora.peer.waitFor('message', (m) => m.body === 'Sent from the pop-out');
    assert.equal(got.from.split('/')[0], account.jid);
    await expect(messageRow(popLog, 'Sent from the pop-out').locator('.msg-sender')).toHaveText('You');
    await checkScreen(popup, 'chat-popout');

    await Promise.all([
      popup.waitForEvent('close'),
      popup.getByRole('button', { name: 'Dock chat with Dora' }).click(),
    ]);
    assert.ok(popup.isClosed());
    assert.deepEqual(
      app.context.pages().map((p) => p.url()),
      [app.url],
      'only the main window is left',
    );
    await expect(accountMenuButton(page)).toBeVisible();
  });

  it('follows a dark colour scheme with a chat open, and passes axe there', async () => {
    const { account, page, friends } = await startChatSession(suite, 'dark', ['Eve']);
    const eve = friends[0]!;
    await contactRow(page, 'Eve').click();
    const log = page.getByRole('log', { name: 'Messages with Eve' });
    await expect(log).toBeVisible();
    await sendAndDeliver(page, eve, account, 'Is it dark yet?');
    await eve.peer.sendMessage(account.jid, 'Yes, see https://example.com/night');
    await expect(log.getByRole('link', { name: 'https://example.com/night' })).toBeVisible();

    const background = (): Promise<string> =>
      page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.ok(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches));
    await expect.poll(background).not.toBe(light);
    await checkScreen(page, 'main-dark');
  });
});
