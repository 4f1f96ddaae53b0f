// Every window shows every message live (issue 10): a message sent from a popped-out chat is in the main
// window's copy of the chat at once (no history read, no reload), and one sent from the main window reaches
// the pop-outs' stores. The main window leaves a popped-out chat out of its tabs, also when the contact
// writes again, and takes it back as a tab once the pop-out is docked or closed: browser mode hears the
// layout ('window.layout') from its host, as the desktop app hears it from the shell.
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
import type { ChatSession } from './fixture.ts';

const messageRow = (page: Page, name: string, text: string) =>
  page
    .getByRole('log', { name: `Messages with ${name}` })
    .locator('.msg')
    .filter({ hasText: text });

/** Types into the page's message box and sends with Enter. */
async function send(page: Page, body: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(body);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

/** Opens the contact's chat in the main window, then pops it out: the pop-out's page. */
async function popOut({ app, page }: ChatSession, name: string): Promise<Page> {
  await contactRow(page, name).click();
  await expect(page.getByRole('log', { name: `Messages with ${name}` })).toBeVisible();
  const [popup] = await Promise.all([
    app.context.waitForEvent('page'),
    page.getByRole('button', { name: `Pop out chat with ${name}` }).click(),
  ]);
  popup.on('pageerror', (error) => console.error(`[pop-out page error] ${error.message}`));
  await expect(popup.getByRole('log', { name: `Messages with ${name}` })).toBeVisible();
  return popup;
}

/** Counts the 'chat.history' commands a page sends over its bridge (attach before the page loads). */
function countHistoryReads(page: Page): () => number {
  let reads = 0;
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"command":"chat.history"')) reads++;
    }),
  );
  return () => reads;
}

const tab = (page: Page, name: string) =>
  page.getByRole('tablist', { name: 'Open chats' }).getByRole('tab', { name: new RegExp(`^${name}`) });

describe('browser mode: every window shows every message live', () => {
  const suite = useBrowserSuite();

  it('a message sent from a pop-out is in the main window live, both for a chat sent to first here and one sent to first there', async () => {
    const session = await startChatSession(suite, 'popsync', ['Fay', 'Gus'], { openLater: true });
    const { app, page, friends } = session;
    const [fay, gus] = [friends[0]!, friends[1]!];
    const historyReads = countHistoryReads(page);
    await app.open();
    await showsRoster(page, ['Fay', 'Gus']);

    // Gus's chat stays a tab here; Fay's goes to its own window.
    await contactRow(page, 'Gus').click();
    await expect(page.getByRole('log', { name: 'Messages with Gus' })).toBeVisible();
    const popup = await popOut(session, 'Fay');
    await expect(tab(page, 'Fay')).toHaveCount(0);

    // Pop-out -> main window.
    await send(popup, 'Written in the pop-out');
    await fay.peer.waitFor('message', (m) => m.body === 'Written in the pop-out');
    await expect(messageRow(popup, 'Fay', 'Written in the pop-out')).toHaveCount(1);
    const readsBeforeDock = historyReads();
    await Promise.all([
      popup.waitForEvent('close'),
      popup.getByRole('button', { name: 'Dock chat with Fay' }).click(),
    ]);
    await expect(tab(page, 'Fay')).toHaveAttribute('aria-selected', 'true');
    await expect(messageRow(page, 'Fay', 'Written in the pop-out')).toHaveCount(1);
    assert.equal(historyReads(), readsBeforeDock, 'the main window had the message live, not from a re-read');

    // Main window -> the other windows: a line sent to Gus's tab here is in the engine's events every page
    // hears; Gus's chat popped out afterwards shows it once, and what its window sends comes back here.
    await tab(page, 'Gus').click();
    await send(page, 'Written in the main window');
    await gus.peer.waitFor('message', (m) => m.body === 'Written in the main window');
    await expect(messageRow(page, 'Gus', 'Written in the main window')).toHaveCount(1);
    const gusPopup = await popOut(session, 'Gus');
    await expect(messageRow(gusPopup, 'Gus', 'Written in the main window')).toHaveCount(1);
    await send(gusPopup, 'Gus, from the pop-out');
    await gus.peer.waitFor('message', (m) => m.body === 'Gus, from the pop-out');
    await checkScreen(gusPopup, 'popout-sync-gus');
    const readsBeforeClose = historyReads();
    await gusPopup.close();
    await expect(tab(page, 'Gus')).toHaveAttribute('aria-selected', 'true');
    await expect(messageRow(page, 'Gus', 'Gus, from the pop-out')).toHaveCount(1);
    await expect(messageRow(page, 'Gus', 'Written in the main window')).toHaveCount(1);
    assert.equal(historyReads(), readsBeforeClose);
  });

  it('the main window drops a popped-out chat and keeps it dropped when the contact writes; docking brings it back', async () => {
    const session = await startChatSession(suite, 'poplayout', ['Hal']);
    const { account, page, friends } = session;
    const hal = friends[0]!;
    const popup = await popOut(session, 'Hal');
    await expect(tab(page, 'Hal')).toHaveCount(0);
    await expect(page.getByText('Choose a contact or a room to start a chat.')).toBeVisible();

    await hal.peer.sendMessage(account.jid, 'Are you in the other window?');
    await expect(messageRow(popup, 'Hal', 'Are you in the other window?')).toBeVisible();
    await hal.peer.sendMessage(account.jid, 'Still there?');
    await expect(messageRow(popup, 'Hal', 'Still there?')).toBeVisible();
    // The main window heard both (the engine's events reach every page) and opened no tab for them, nor
    // counted them unread: the chat is read in its own window.
    await expect(tab(page, 'Hal')).toHaveCount(0);
    await expect(page.getByRole('tablist', { name: 'Open chats' })).toHaveCount(0);
    await expect(contactRow(page, 'Hal')).not.toHaveAccessibleName(/unread/);
    // Choosing Hal here brings the pop-out forward (headless pages each keep their focus, so that is not
    // seen here) instead of opening a second copy of the chat.
    await contactRow(page, 'Hal').click();
    await expect(contactRow(page, 'Hal')).toHaveAttribute('aria-selected', 'true');
    await expect(tab(page, 'Hal')).toHaveCount(0);
    await checkScreen(page, 'popout-sync-main-without-tab');

    await Promise.all([
      popup.waitForEvent('close'),
      popup.getByRole('button', { name: 'Dock chat with Hal' }).click(),
    ]);
    await expect(tab(page, 'Hal')).toHaveAttribute('aria-selected', 'true');
    await expect(messageRow(page, 'Hal', 'Still there?')).toBeVisible();
    await expect(messageRow(page, 'Hal', 'Are you in the other window?')).toHaveCount(1);

    // Popped out again and reloaded: the main window never takes the chat back meanwhile (a reload comes
    // back within the host's grace). Then closed by the browser (not Dock): the tab comes back all the same.
    const again = await popOut(session, 'Hal');
    await expect(tab(page, 'Hal')).toHaveCount(0);
    await page.evaluate(() => {
      const seen = (): boolean =>
        [...document.querySelectorAll('[role="tab"]')].some((t) => t.textContent?.startsWith('Hal'));
      new MutationObserver(() => {
        if (seen()) document.body.dataset.halTabSeen = 'yes';
      }).observe(document.body, { childList: true, subtree: true });
    });
    await again.reload();
    await expect(again.getByRole('log', { name: 'Messages with Hal' })).toBeVisible();
    await hal.peer.sendMessage(account.jid, 'After the reload');
    await expect(messageRow(again, 'Hal', 'After the reload')).toBeVisible();
    await page.waitForTimeout(3_500); // past the host's grace: had the reload handed the chat back, it shows
    assert.equal(await page.evaluate(() => document.body.dataset.halTabSeen), undefined);
    await expect(tab(page, 'Hal')).toHaveCount(0);
    await hal.peer.sendMessage(account.jid, 'Third time');
    await expect(messageRow(again, 'Hal', 'Third time')).toBeVisible();
    await expect(tab(page, 'Hal')).toHaveCount(0);
    await again.close();
    await expect(tab(page, 'Hal')).toHaveAttribute('aria-selected', 'true');
    await expect(messageRow(page, 'Hal', 'Third time')).toHaveCount(1);
  });
});
