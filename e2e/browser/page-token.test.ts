// Browser mode's address carries a window token (#token=…). A page opened without it, with an old one, or
// as a second tab of the printed address shows a page that says what is wrong and what to do: no sign-in
// form that cannot work, no "Starting Parley…" for ever, and no socket knocking at the host for ever.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import { checkScreen, expect, useBrowserSuite, watchPage } from './fixture.ts';

/** Counts the WebSockets a page opens (attach before it loads). */
function countSockets(page: Page): () => number {
  let sockets = 0;
  page.on('websocket', () => sockets++);
  return () => sockets;
}

/** Waits a while and checks the page opened no further socket meanwhile. */
async function staysQuiet(page: Page, sockets: () => number): Promise<void> {
  const seen = sockets();
  await page.waitForTimeout(2_000);
  assert.equal(sockets(), seen, 'the page stopped trying to connect');
}

const signInForm = (page: Page) => page.getByRole('heading', { name: 'Sign in to Parley' });

describe('browser mode: an address without its token', () => {
  const suite = useBrowserSuite();

  it('no token: says the address is incomplete and how to get the right one, and never connects', async () => {
    const app = await suite.app({ open: false });
    const sockets = countSockets(app.page);
    await app.page.goto(new URL(app.url).origin + '/');
    const heading = app.page.getByRole('heading', { name: 'This address is missing its token' });
    await expect(heading).toBeVisible();
    await expect(app.page.getByRole('alert')).toContainText('#token=');
    await expect(app.page.getByRole('alert')).toContainText('Parley is running at');
    await expect(signInForm(app.page)).toHaveCount(0);
    await expect(app.page.getByText('Starting Parley…')).toHaveCount(0);
    await expect(app.page.getByRole('textbox')).toHaveCount(0);
    await staysQuiet(app.page, sockets);
    assert.equal(sockets(), 0, 'without a token there is nothing to connect with');
    await checkScreen(app.page, 'page-token-missing');
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(app.page, 'page-token-missing-dark');
    await app.page.setViewportSize({ width: 480, height: 700 });
    await checkScreen(app.page, 'page-token-missing-480');
  });

  it('a token this host does not know (an earlier start): says the address is out of date, stops at once', async () => {
    const app = await suite.app({ open: false });
    const sockets = countSockets(app.page);
    await app.page.goto(new URL(app.url).origin + '/#token=from-an-earlier-start');
    await expect(app.page.getByRole('heading', { name: 'This address is out of date' })).toBeVisible();
    await expect(signInForm(app.page)).toHaveCount(0);
    await staysQuiet(app.page, sockets);
    assert.equal(sockets(), 1, 'one try, refused, and no more');
  });

  it('the printed address in a second tab: says Parley is open in another tab; Try again works once that one closes', async () => {
    const app = await suite.app();
    await expect(signInForm(app.page)).toBeVisible();
    const second = await app.context.newPage();
    watchPage(second);
    const sockets = countSockets(second);
    await second.goto(app.url);
    await expect(second.getByRole('heading', { name: 'Parley is already open in another tab' })).toBeVisible({
      timeout: 15_000,
    });
    await expect(signInForm(second)).toHaveCount(0);
    await staysQuiet(second, sockets);
    assert.ok(sockets() <= 5, `a few tries, not endless ones (${sockets()})`);
    await checkScreen(second, 'page-token-in-use');
    await second.emulateMedia({ colorScheme: 'dark' });
    await checkScreen(second, 'page-token-in-use-dark');

    // The first tab still works; once it is closed, Try again (by keyboard) lets the second one in.
    await expect(signInForm(app.page)).toBeVisible();
    await app.page.close();
    await second.keyboard.press('Tab');
    const retry = second.getByRole('button', { name: 'Try again' });
    await expect(retry).toBeFocused();
    await second.keyboard.press('Enter');
    await expect(signInForm(second)).toBeVisible();
    await expect(second.getByRole('heading', { name: 'Parley is already open in another tab' })).toHaveCount(
      0,
    );
  });
});
