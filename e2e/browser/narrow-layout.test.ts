// The layout at 480 px (a narrow window) and at 1280 px (issue 10). Narrow: one pane at a time, the roster
// or the open chat, with a "← Contacts" way back reached by keyboard; every control inside the window and
// inside its scroll container, never clipped; a bubble's words that fit on a line are never broken; the chat
// title keeps its name. Wide: roster and chat side by side, no way back needed. Light and dark, axe-clean.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import { checkScreen, contactRow, expect, startChatSession, useBrowserSuite } from './fixture.ts';

interface Clipped {
  what: string;
  why: string;
}

/**
 * Every visible control (buttons, fields, tabs, the tree, links) whose box leaves the viewport or one of its
 * clipping ancestors (overflow other than visible), or whose own text overflows it: what it is and why.
 */
function clippedControls(page: Page): Promise<Clipped[]> {
  return page.evaluate(() => {
    const found: Array<{ what: string; why: string }> = [];
    const slack = 1;
    const selector =
      'button, input, select, textarea, a[href], [role="tab"], [role="tree"], [role="treeitem"]';
    for (const el of document.querySelectorAll<HTMLElement>(selector)) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const what = `${el.tagName.toLowerCase()} "${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? ''}"`;
      if (
        box.left < -slack ||
        box.top < -slack ||
        box.right > innerWidth + slack ||
        box.bottom > innerHeight + slack
      )
        found.push({ what, why: `outside the ${innerWidth}x${innerHeight} window: ${JSON.stringify(box)}` });
      for (let up = el.parentElement; up; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const outer = up.getBoundingClientRect();
        const inside =
          box.left >= outer.left - slack &&
          box.right <= outer.right + slack &&
          box.top >= outer.top - slack &&
          box.bottom <= outer.bottom + slack;
        if (!inside) {
          found.push({ what, why: `clipped by ${up.tagName.toLowerCase()}.${up.className}` });
          break;
        }
      }
      // A button's own label cut (ellipsis or overflow), except tabs, whose names may be shortened on purpose.
      if (
        el.tagName === 'BUTTON' &&
        el.getAttribute('role') !== 'tab' &&
        el.scrollWidth > el.clientWidth + slack
      )
        found.push({ what, why: `its text is wider than it (${el.scrollWidth} > ${el.clientWidth})` });
    }
    return found;
  });
}

/** Per word of the bubble holding `text`: how many line boxes it lies on (1 = whole), and the bubble's lines. */
function bubbleLayout(
  page: Page,
  text: string,
): Promise<{ brokenWords: string[]; lines: number; words: number }> {
  return page.evaluate((wanted) => {
    const body = [...document.querySelectorAll<HTMLElement>('.msg-body')].find((b) =>
      b.textContent?.includes(wanted),
    );
    if (!body) throw new Error(`no bubble with "${wanted}"`);
    const brokenWords: string[] = [];
    const lineTops = new Set<number>();
    let words = 0;
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const value = node.nodeValue ?? '';
      for (const match of value.matchAll(/\S+/g)) {
        words++;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const tops = new Set(rects.map((r) => Math.round(r.top)));
        for (const top of tops) lineTops.add(top);
        if (tops.size > 1) brokenWords.push(match[0]);
      }
    }
    return { brokenWords, lines: lineTops.size, words };
  }, text);
}

/** The chat title is not cut: its whole text fits in its box. */
function titleFits(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const h2 = document.querySelector<HTMLElement>('.chat-title h2');
    return !!h2 && h2.scrollWidth <= h2.clientWidth + 1;
  });
}

async function assertNothingClipped(page: Page, screen: string): Promise<void> {
  const clipped = await clippedControls(page);
  assert.deepEqual(clipped, [], `controls clipped on ${screen}`);
}

const SENTENCE = 'Shall we meet at the station tomorrow morning before the early train leaves for the coast?';

describe('browser mode: narrow and wide windows', () => {
  const suite = useBrowserSuite();

  it('at 480 px: one pane at a time, a keyboard way back, nothing clipped, words kept whole', async () => {
    const { account, app, page, friends } = await startChatSession(suite, 'narrow', ['Isabella']);
    const isa = friends[0]!;
    await page.setViewportSize({ width: 480, height: 760 });
    const tree = page.getByRole('tree', { name: 'Contacts' });
    const chats = page.getByRole('region', { name: 'Chats' });
    const back = page.getByRole('button', { name: 'Back to contacts' });

    // The roster alone, the whole width.
    await expect(tree).toBeVisible();
    await expect(chats).toBeHidden();
    const rosterBox = await page.getByRole('region', { name: 'Roster' }).boundingBox();
    assert.ok(rosterBox && rosterBox.width >= 470, `the roster takes the width (${rosterBox?.width})`);
    await assertNothingClipped(page, 'the roster at 480 px');
    await checkScreen(page, 'narrow-480-roster');

    // Keyboard: into the tree, down to the contact, Enter: the chat alone, its composer focused.
    await tree.focus();
    await page.keyboard.press('ArrowDown');
    await expect(contactRow(page, 'Isabella')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    const log = page.getByRole('log', { name: 'Messages with Isabella' });
    await expect(log).toBeVisible();
    await expect(tree).toBeHidden();
    const box = page.getByRole('textbox', { name: 'Message' });
    await expect(box).toBeFocused();
    await box.fill(SENTENCE);
    await box.press('Enter');
    await isa.peer.waitFor('message', (m) => m.body === SENTENCE);
    await isa.peer.sendMessage(account.jid, `Yes! ${SENTENCE}`);
    await expect(log.locator('.msg').filter({ hasText: `Yes! ${SENTENCE}` })).toBeVisible();

    for (const text of [SENTENCE, `Yes! ${SENTENCE}`]) {
      const layout = await bubbleLayout(page, text);
      assert.deepEqual(layout.brokenWords, [], `words broken in "${text}"`);
      assert.ok(layout.lines >= 1 && layout.lines <= 4, `${layout.lines} lines for ${layout.words} words`);
    }
    assert.ok(await titleFits(page), 'the chat title is shown whole');
    await expect(back).toBeVisible();
    await assertNothingClipped(page, 'the chat at 480 px');
    await checkScreen(page, 'narrow-480-chat');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'narrow-480-chat-dark');

    // The way back, by keyboard from the composer: Shift+Tab reaches it.
    await box.focus();
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Shift+Tab');
      reached = await back.evaluate((el) => el === document.activeElement);
    }
    assert.ok(reached, '"← Contacts" is reached by keyboard');
    await page.keyboard.press('Enter');
    await expect(tree).toBeVisible();
    await expect(chats).toBeHidden();
    await expect(tree).toBeFocused();
    await assertNothingClipped(page, 'the roster again (dark)');
    await checkScreen(page, 'narrow-480-roster-dark');

    // A message from the contact while the roster is shown does not pull the chat over it; opening the
    // contact again shows the chat, still open as a tab.
    await isa.peer.sendMessage(account.jid, 'Hello again');
    await expect(contactRow(page, 'Isabella')).toHaveAccessibleName(/1 unread/);
    await expect(tree).toBeVisible();
    await contactRow(page, 'Isabella').click();
    await expect(log.locator('.msg').filter({ hasText: 'Hello again' })).toBeVisible();
    await expect(tree).toBeHidden();

    // Popped out: the pop-out at 480 px has nothing clipped either; this window shows the roster again.
    const [popup] = await Promise.all([
      app.context.waitForEvent('page'),
      page.getByRole('button', { name: 'Pop out chat with Isabella' }).click(),
    ]);
    await popup.setViewportSize({ width: 480, height: 760 });
    await expect(popup.getByRole('log', { name: 'Messages with Isabella' })).toBeVisible();
    await expect(popup.getByRole('button', { name: 'Back to contacts' })).toHaveCount(0);
    assert.ok(await titleFits(popup), 'the pop-out title is shown whole');
    await assertNothingClipped(popup, 'the pop-out at 480 px');
    await checkScreen(popup, 'narrow-480-popout');
    await expect(tree).toBeVisible();
    await expect(chats).toBeHidden();
  });

  it('at 1280 px: roster and chat side by side, no way back shown, nothing clipped', async () => {
    const { page, friends } = await startChatSession(suite, 'wide', ['Jon']);
    await page.setViewportSize({ width: 1280, height: 800 });
    await contactRow(page, 'Jon').click();
    const log = page.getByRole('log', { name: 'Messages with Jon' });
    await expect(log).toBeVisible();
    await page.getByRole('textbox', { name: 'Message' }).fill(SENTENCE);
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await friends[0]!.peer.waitFor('message', (m) => m.body === SENTENCE);
    await expect(page.getByRole('tree', { name: 'Contacts' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Back to contacts' })).toBeHidden();
    await checkScreen(page, 'wide-1280-chat');
    const layout = await bubbleLayout(page, SENTENCE);
    assert.deepEqual(layout.brokenWords, []);
    // A bubble is at most 720 px wide: the sentence takes two lines there, never more.
    assert.ok(layout.lines <= 2, `lines at most 720 px long: ${JSON.stringify(layout)}`);
    assert.ok(await titleFits(page));
    await assertNothingClipped(page, 'the main window at 1280 px');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(page, 'wide-1280-chat-dark');
  });
});
