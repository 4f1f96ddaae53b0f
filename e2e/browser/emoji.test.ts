// Emoji in a message from a real slixmpp peer render in colour where the OS has no emoji font (this machine
// has none: fc-list lists no emoji font): the renderer ships Noto Color Emoji (renderer/emoji-font.ts) and
// lists it last in its fonts, as the fallback (a text font's own emoji, such as DejaVu Sans's monochrome
// faces, come first). Checked on the pixels of the bubble as painted: coloured, where they were empty boxes
// (also when the font had not loaded before the message was laid out: renderer/emoji-font-ready.ts). The
// font comes from the app's origin (the CSP allows nothing else).
import { describe, it } from 'node:test';
import type { Browser } from '@playwright/test';
import assert from 'node:assert/strict';
import { checkScreen, contactRow, expect, startChatSession, useBrowserSuite } from './fixture.ts';

describe('emoji', () => {
  const suite = useBrowserSuite();

  it('a peer’s emoji show in colour, from the font Parley ships', async () => {
    const { page, friends, app, account } = await startChatSession(suite, 'emoji', ['Eve']);
    await contactRow(page, 'Eve').click();
    await friends[0]!.peer.sendMessage(account.jid, 'Party time 😀🎉👍🏽');
    const body = page.getByRole('log').locator('.msg-body', { hasText: 'Party time' });
    await expect(body).toBeVisible();
    const family = await body.evaluate((element) => getComputedStyle(element).fontFamily);
    assert.match(family, /Noto Color Emoji/);
    // The bubble as painted: its screenshot's coloured pixels (tofu boxes and monochrome faces have none).
    const coloured = await colouredPixels(suite.browser, await body.screenshot());
    assert.ok(coloured > 100, `the emoji are painted in colour, not as boxes: ${coloured} coloured pixels`);
    // Loaded up front, before any remote text is laid out (renderer/emoji-font-ready.ts): all 11 pieces.
    const fontRequests = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((url) => /\.woff2?(\?|$)/.test(url)),
    );
    const origin = new URL(app.url).origin;
    assert.equal(fontRequests.length, 11, fontRequests.join(', '));
    assert.ok(
      fontRequests.every((url) => url.startsWith(`${origin}/`)),
      fontRequests.join(', '),
    );
    // Only the woff pieces: the woff2 ones draw nothing in Chromium (renderer/emoji-font.ts).
    assert.ok(
      fontRequests.every((url) => /\.woff(\?|$)/.test(url)),
      fontRequests.join(', '),
    );
    await checkScreen(page, 'emoji-chat');
  });
});

/** Pixels of a PNG whose channels differ by more than 80 (colour, not grey), counted in a blank page. */
async function colouredPixels(browser: Browser, png: Buffer): Promise<number> {
  const blank = await browser.newPage();
  try {
    return await blank.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 80) count++;
      }
      return count;
    }, png.toString('base64'));
  } finally {
    await blank.close();
  }
}
