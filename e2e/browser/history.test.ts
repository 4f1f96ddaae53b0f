// Message history in browser mode, as a user sees it, against the engine's SQLite history and a slixmpp peer:
// paging back through 150 messages (each shown once, in order), searching one chat and jumping to an old
// message (highlighted, in view; live messages wait; "Show newer messages" and "Jump to latest"), searching
// every chat from the roster pane, hostile markup in a search snippet staying text, and XEP-0333 displayed
// markers sent only for the chat being looked at.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator } from '@playwright/test';
import {
  checkScreen,
  contactRow,
  expect,
  ownBareJid,
  showsRoster,
  startChatSession,
  useBrowserSuite,
} from './fixture.ts';
import type { Friend, ParleyApp } from './fixture.ts';
import type { PeerEvent, SlixmppPeer } from '../harness/peer.ts';

/** The message row whose body is exactly `text`. */
const messageRow = (log: Locator, text: string) =>
  log.locator('.msg').filter({ has: log.page().locator('.msg-body').getByText(text, { exact: true }) });

/** Waits until the engine's history of the chat with `peer` holds at least `count` messages. */
async function waitStored(app: ParleyApp, peer: string, count: number): Promise<void> {
  const account = await ownBareJid(app.engine);
  await expect
    .poll(
      async () => {
        const page = await app.engine.invoke('chat.history', { account, peer, limit: 500 });
        return page.ok ? page.value.messages.length : -1;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
}

/** Sends from our side through the engine (not the UI), in order. */
async function sendFromUs(app: ParleyApp, to: string, bodies: string[]): Promise<void> {
  const account = await ownBareJid(app.engine);
  for (const body of bodies) {
    const sent = await app.engine.invoke('chat.send', { account, to, body });
    if (!sent.ok) throw new Error(`chat.send: ${sent.error.message}`);
  }
}

/**
 * Every message body of a (virtualized) log from top to bottom: scrolls through it collecting rows by their
 * list index, so a message shown twice shows up twice.
 */
async function readWholeLog(log: Locator): Promise<string[]> {
  return log.evaluate(async (el) => {
    const byIndex = new Map<number, string>();
    const frames = (): Promise<void> =>
      new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
    const collect = (): void => {
      for (const item of el.querySelectorAll('.message-item')) {
        const body = item.querySelector('.msg-body');
        if (body) byIndex.set(Number(item.getAttribute('data-index')), body.textContent ?? '');
      }
    };
    el.scrollTop = 0;
    await frames();
    collect();
    for (let guard = 0; guard < 500 && el.scrollTop + el.clientHeight < el.scrollHeight - 1; guard++) {
      el.scrollTop += Math.max(50, el.clientHeight / 2);
      await frames();
      collect();
    }
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text);
  });
}

const range = (from: number, to: number, prefix: string): string[] =>
  Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

/** Displayed markers (XEP-0333) a peer has received so far. */
const displayedMarkers = (peer: SlixmppPeer): string[] =>
  peer.events.flatMap((e: PeerEvent) => (e.type === 'marker' && e.kind === 'displayed' ? [e.id ?? ''] : []));

describe('browser mode: message history, search and displayed markers', () => {
  const suite = useBrowserSuite();

  it('scrolling back pages through 150 messages: each shown once, in order, the view keeping its place', async () => {
    const { account, app, friends } = await startChatSession(suite, 'pages', ['Ada'], { openLater: true });
    const ada = friends[0]!;
    // 100 from Ada, then 50 from us: more than one page, both directions.
    await ada.peer.sendMany(account.jid, 100, 'msg ');
    await waitStored(app, ada.peer.jid, 100);
    await sendFromUs(app, ada.peer.jid, range(100, 150, 'msg '));
    await waitStored(app, ada.peer.jid, 150);

    await app.open();
    const { page } = app;
    await showsRoster(page, ['Ada']);
    await contactRow(page, 'Ada').click();
    const log = page.getByRole('log', { name: 'Messages with Ada' });
    await expect(messageRow(log, 'msg 149')).toBeInViewport();
    await expect(messageRow(log, 'msg 149').locator('.msg-state')).toHaveText(/Sent|Delivered|Read/);
    // Only the newest page is there: older messages need paging.
    await expect(messageRow(log, 'msg 99')).toHaveCount(0);
    const earlier = page.getByRole('button', { name: 'Load earlier messages' });
    await expect(earlier).toBeVisible();

    // Scrolling to the top loads the page before; the message that was at the top stays in view.
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(messageRow(log, 'msg 99')).toBeAttached();
    await expect(messageRow(log, 'msg 100')).toBeInViewport();
    await expect(messageRow(log, 'msg 49')).toHaveCount(0);
    await checkScreen(page, 'history-paged');

    // The button does the same (the view keeps its place again). Scrolling to the top until the last request
    // finds nothing older, here or in the server archive: then the button goes.
    const loading = page.getByText('Loading history…');
    await expect(earlier).toBeEnabled();
    await earlier.click();
    await expect(messageRow(log, 'msg 100')).toBeInViewport();
    await expect
      .poll(
        async () => {
          await log.evaluate((el) => el.scrollTo({ top: 0 }));
          return (await earlier.count()) + (await loading.count());
        },
        { timeout: 20_000 },
      )
      .toBe(0);
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(messageRow(log, 'msg 0')).toBeInViewport();

    assert.deepEqual(await readWholeLog(log), range(0, 150, 'msg '));
  });

  it('chat search: Ctrl+F finds an old message, Enter jumps to it highlighted; newer pages, live messages, Jump to latest', async () => {
    const { account, app, friends } = await startChatSession(suite, 'jump', ['Bo'], { openLater: true });
    const bo = friends[0]!;
    await bo.peer.sendMessage(account.jid, 'The treasure is buried under the old oak');
    await waitStored(app, bo.peer.jid, 1);
    await bo.peer.sendMany(account.jid, 120, 'filler ');
    await waitStored(app, bo.peer.jid, 121);

    await app.open();
    const { page } = app;
    await showsRoster(page, ['Bo']);
    await contactRow(page, 'Bo').click();
    const log = page.getByRole('log', { name: 'Messages with Bo' });
    await expect(messageRow(log, 'filler 119')).toBeInViewport();

    // Ctrl+F opens this chat's search box (the Search button says it is open).
    await page.keyboard.press('Control+f');
    const box = page.getByRole('combobox', { name: 'Search messages with Bo' });
    await expect(box).toBeFocused();
    await expect(page.getByRole('button', { name: 'Search messages with Bo' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    await box.fill('no such word anywhere');
    await expect(page.getByRole('status').filter({ hasText: 'No messages match' })).toBeVisible();
    await box.fill('treasure');
    const results = page.getByRole('listbox', { name: 'Search messages with Bo: results' });
    const hit = results.getByRole('option');
    await expect(hit).toHaveCount(1);
    await expect(hit).toContainText('The treasure is buried under the old oak');
    await expect(hit.locator('mark')).toHaveText('treasure');
    await expect(hit).toHaveAttribute('aria-selected', 'true');
    await expect(box).toHaveAttribute('aria-expanded', 'true');
    await checkScreen(page, 'history-chat-search');

    await box.press('Enter');
    const treasure = messageRow(log, 'The treasure is buried under the old oak');
    await expect(treasure).toBeInViewport();
    await expect(treasure).toHaveClass(/msg-highlight/);
    await expect(treasure).toHaveAttribute('aria-current', 'true');
    await expect(results).toBeHidden();
    // The list now holds the messages around it, not the newest ones.
    await expect(messageRow(log, 'filler 119')).toHaveCount(0);
    const newer = page.getByRole('button', { name: 'Show newer messages' });
    const latest = page.getByRole('button', { name: /^Jump to latest/ });
    await expect(newer).toBeVisible();
    await expect(latest).toBeVisible();
    await checkScreen(page, 'history-jumped');
    // The highlight fades after a few seconds; the message stays.
    await expect(treasure).not.toHaveClass(/msg-highlight/, { timeout: 15_000 });
    await expect(treasure).not.toHaveAttribute('aria-current', 'true');

    // A message arriving now is not put after the gap; the button says it is waiting.
    await bo.peer.sendMessage(account.jid, 'Live while you read old messages');
    await app.watch.waitFor(
      (e) =>
        e.event === 'chat.messages' &&
        e.payload.messages.some((m) => m.body === 'Live while you read old messages'),
    );
    await expect(latest).toHaveText('Jump to latest (1 new)');
    await expect(messageRow(log, 'Live while you read old messages')).toHaveCount(0);
    // The chat is being looked at: nothing unread.
    await expect(page.getByRole('tab', { name: /^Bo/ })).toHaveAccessibleName('Bo');

    // Paging forward adds the next messages below, still short of the newest.
    await newer.click();
    await expect(page.getByText('Loading newer messages…')).toHaveCount(0);
    await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(messageRow(log, 'filler 74')).toBeInViewport();
    await expect(newer).toBeVisible();
    await expect(messageRow(log, 'Live while you read old messages')).toHaveCount(0);

    await latest.click();
    await expect(messageRow(log, 'Live while you read old messages')).toBeInViewport();
    await expect(newer).toHaveCount(0);
    await expect(latest).toHaveCount(0);
    // Back at the newest: live messages are appended again.
    await bo.peer.sendMessage(account.jid, 'And one more at the end');
    await expect(messageRow(log, 'And one more at the end')).toBeInViewport();

    // Jump again, then write: the newest messages come back first, with the new one at the bottom.
    await box.click();
    await expect(hit).toHaveCount(1);
    await box.press('Enter');
    await expect(treasure).toBeInViewport();
    await expect(latest).toBeVisible();
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Found it, thanks!');
    await composer.press('Enter');
    await expect(composer).toHaveValue('');
    await bo.peer.waitFor('message', (m) => m.body === 'Found it, thanks!');
    await expect(messageRow(log, 'Found it, thanks!')).toBeInViewport();
    await expect(latest).toHaveCount(0);
    await expect(messageRow(log, 'And one more at the end')).toBeAttached();

    // Escape closes the search box; the Search button opens it again.
    await box.focus();
    await box.press('Escape');
    await expect(box).toHaveCount(0);
    await page.getByRole('button', { name: 'Search messages with Bo' }).click();
    await expect(page.getByRole('combobox', { name: 'Search messages with Bo' })).toBeFocused();
  });

  it('global search finds messages in two chats, with names, and opens the right one at the message', async () => {
    const { account, app, page, friends } = await startChatSession(suite, 'global', ['Cy', 'Di']);
    const [cy, di] = friends as [Friend, Friend];
    await cy.peer.sendMessage(account.jid, 'Rendezvous at the north gate at noon');
    await cy.peer.sendMessage(account.jid, 'Bring the map');
    // Cy's arrive first (two peers' messages could otherwise cross): the newest hit is Di's.
    await app.watch.waitFor(
      (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'Bring the map'),
    );
    await di.peer.sendMessage(account.jid, 'The rendezvous moved to the river bank');
    await di.peer.sendMessage(account.jid, 'See you there');
    const tabs = page.getByRole('tablist', { name: 'Open chats' });
    await expect(tabs.getByRole('tab')).toHaveCount(2);

    const box = page.getByRole('combobox', { name: 'Search messages' });
    await expect(page.getByRole('search', { name: 'Search messages' })).toBeVisible();
    await box.click();
    await box.pressSequentially('rendez');
    const results = page.getByRole('listbox', { name: 'Search messages: results' });
    const hits = results.getByRole('option');
    await expect(hits).toHaveCount(2);
    // Newest first, each with the chat's name and a time.
    await expect(hits.nth(0).locator('.search-hit-who')).toHaveText('Di');
    await expect(hits.nth(0)).toContainText('The rendezvous moved to the river bank');
    await expect(hits.nth(1).locator('.search-hit-who')).toHaveText('Cy');
    await expect(hits.nth(1)).toContainText('Rendezvous at the north gate at noon');
    await expect(hits.nth(0).locator('time')).toHaveText(/\d{1,2}[:.]\d{2}/);
    await expect(hits.nth(1).locator('mark')).toHaveText('Rendezvous');
    await checkScreen(page, 'history-global-search');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'history-global-search-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Keyboard: down to Cy's hit, Enter opens Cy's chat at that message.
    await box.press('ArrowDown');
    await expect(hits.nth(1)).toHaveAttribute('aria-selected', 'true');
    await expect(box).toHaveAttribute('aria-activedescendant', (await hits.nth(1).getAttribute('id'))!);
    await box.press('Enter');
    await expect(tabs.getByRole('tab', { name: 'Cy' })).toHaveAttribute('aria-selected', 'true');
    const cyLog = page.getByRole('log', { name: 'Messages with Cy' });
    const cyHit = messageRow(cyLog, 'Rendezvous at the north gate at noon');
    await expect(cyHit).toBeInViewport();
    await expect(cyHit).toHaveAttribute('aria-current', 'true');
    await expect(results).toBeHidden();

    // Mouse: open the list again and click Di's hit.
    await box.click();
    await expect(hits).toHaveCount(2);
    await hits.nth(0).click();
    await expect(tabs.getByRole('tab', { name: 'Di' })).toHaveAttribute('aria-selected', 'true');
    const diHit = messageRow(
      page.getByRole('log', { name: 'Messages with Di' }),
      'The rendezvous moved to the river bank',
    );
    await expect(diHit).toBeInViewport();
    await expect(diHit).toHaveClass(/msg-highlight/);

    // Escape closes the list, a second Escape clears the box.
    await box.click();
    await expect(results).toBeVisible();
    await box.press('Escape');
    await expect(results).toBeHidden();
    await box.press('Escape');
    await expect(box).toHaveValue('');
  });

  it('a hostile body found by search is shown as text in the snippet', async () => {
    const { account, page, friends } = await startChatSession(suite, 'hostile', ['Eve']);
    const eve = friends[0]!;
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    const img = '<img src=x onerror="window.__pwned=1;alert(1)">';
    await eve.peer.sendMessage(account.jid, `${img} findme`);
    await eve.peer.sendMessage(account.jid, '<b>bold</b></mark><script>window.__pwned=2</script> findme too');
    await expect(page.getByRole('tab', { name: /^Eve/ })).toBeVisible();

    const box = page.getByRole('combobox', { name: 'Search messages' });
    await box.fill('findme');
    const results = page.getByRole('listbox', { name: 'Search messages: results' });
    await expect(results.getByRole('option')).toHaveCount(2);
    await expect(results).toContainText(`${img} findme`);
    await expect(results).toContainText('<b>bold</b></mark><script>window.__pwned=2</script>');
    await expect(results.locator('img, b, script')).toHaveCount(0);
    await expect(results.locator('mark')).toHaveText(['findme', 'findme']);
    await checkScreen(page, 'history-hostile-snippet');

    await box.press('Enter');
    const log = page.getByRole('log', { name: 'Messages with Eve' });
    await expect(
      log.getByText('<b>bold</b></mark><script>window.__pwned=2</script> findme too'),
    ).toBeVisible();
    await expect(log.locator('img, b, script')).toHaveCount(0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(dialogs, 0);
  });

  it('displayed markers go out only for the chat being looked at, for its newest message', async () => {
    const { account, page, friends } = await startChatSession(suite, 'markers', ['Fay', 'Gil']);
    const [fay] = friends as [Friend, Friend];
    const tabs = page.getByRole('tablist', { name: 'Open chats' });
    await contactRow(page, 'Gil').click();
    await expect(page.getByRole('log', { name: 'Messages with Gil' })).toBeVisible();

    // Fay writes while Gil's chat is shown: her tab opens in the background, unread, and nothing is marked.
    await fay.peer.sendMessage(account.jid, 'First from Fay', { id: 'fay-1', markable: true });
    await fay.peer.sendMessage(account.jid, 'Second from Fay', { id: 'fay-2', markable: true });
    const fayTab = tabs.getByRole('tab', { name: /^Fay/ });
    await expect(fayTab).toHaveAccessibleName('Fay, 2 unread');
    await page.waitForTimeout(1500);
    assert.deepEqual(displayedMarkers(fay.peer), [], 'no displayed marker while the chat is hidden');

    // Opening her chat marks the newest message, once.
    await fayTab.click();
    const fayLog = page.getByRole('log', { name: 'Messages with Fay' });
    await expect(messageRow(fayLog, 'Second from Fay')).toBeVisible();
    const marked = await fay.peer.waitFor('marker', (m) => m.kind === 'displayed');
    assert.equal(marked.id, 'fay-2');
    assert.equal(marked.from.split('/')[0], account.jid);

    // A message arriving while her chat is shown is marked at once.
    await fay.peer.sendMessage(account.jid, 'Third from Fay', { id: 'fay-3', markable: true });
    await expect(messageRow(fayLog, 'Third from Fay')).toBeVisible();
    const again = await fay.peer.waitFor('marker', (m) => m.kind === 'displayed');
    assert.equal(again.id, 'fay-3');

    // Back to Gil's chat: Fay's next message waits until her chat is shown again.
    await tabs.getByRole('tab', { name: 'Gil' }).click();
    await fay.peer.sendMessage(account.jid, 'Fourth from Fay', { id: 'fay-4', markable: true });
    await expect(fayTab).toHaveAccessibleName('Fay, 1 unread');
    await page.waitForTimeout(1500);
    assert.deepEqual(displayedMarkers(fay.peer), ['fay-2', 'fay-3']);
    await fayTab.click();
    const last = await fay.peer.waitFor('marker', (m) => m.kind === 'displayed');
    assert.equal(last.id, 'fay-4');
    await page.waitForTimeout(500);
    assert.deepEqual(displayedMarkers(fay.peer), ['fay-2', 'fay-3', 'fay-4'], 'each message marked once');
    await checkScreen(page, 'history-markers');
  });

  it("the OS saying the network is back ('online') asks the engine to reconnect now", async () => {
    const { app, page } = await startChatSession(suite, 'online', []);
    const asked: string[] = [];
    const invoke = app.engine.invoke.bind(app.engine);
    app.engine.invoke = ((command: string, payload: unknown) => {
      asked.push(command);
      return invoke(command, payload);
    }) as typeof app.engine.invoke;
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(() => asked.filter((c) => c === 'connection.retryNow').length).toBe(1);
  });
});
