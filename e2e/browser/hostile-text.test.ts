// Hostile text in browser mode, sent by real slixmpp peers through Prosody (issue 9): XSS payloads in every
// field the UI shows (message bodies and subjects, a contact's roster name and group, its status text, a
// subscription request's nick and status; the peer's resource, though the UI shows none) stay inert text:
// shown literally, no element made from them, no script run (a payload would set window.__pwned), no request
// to the loopback hook server the payloads point at, and no request leaving the app's origin at all. Bidi
// controls stay inside the name or status that carries them. And layout: a 10,000-letter word and a
// 100,000-character body stay within the bubble and the list (bounding boxes), collapsed behind
// "Show more" and whole when expanded; the hostile chat is kept as screenshots, light and dark, 480 px wide.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from '@playwright/test';
import { checkScreen, contactRow, expect, showsRoster, useBrowserSuite } from './fixture.ts';
import type { ParleyApp } from './fixture.ts';
import { HOSTILE_KINDS, unbreakableWord, xssPayloads } from './hostile-payloads.ts';

/** A loopback HTTP server the payloads point at: any request reaching it means a payload did something. */
async function startHook(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every request the page makes that is not to the app's own origin (the host serving it). */
function offOriginRequests(app: ParleyApp): string[] {
  const origin = new URL(app.url).origin;
  const seen: string[] = [];
  app.context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`)) seen.push(url);
  });
  return seen;
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Elements a payload would have made had it been parsed as HTML (the app itself has one svg icon). */
const MADE_FROM_MARKUP = [
  'img',
  'script',
  'iframe',
  'style',
  'link',
  'math',
  'object',
  'embed',
  'svg:not(.search-icon)',
]
  .map((tag) => `#root ${tag}`)
  .join(', ');

/** Nothing ran and nothing was fetched: the flag is unset, no element made from markup, only allowed links. */
async function expectInert(page: Page, hook: { hits: string[] }, offOrigin: string[]): Promise<void> {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'a payload ran in the page');
  await expect(page.locator(MADE_FROM_MARKUP)).toHaveCount(0);
  const hrefs = await page
    .locator('#root a[href]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  for (const href of hrefs) assert.match(href ?? '', /^(https?|mailto|xmpp):/i, `a link to ${href}`);
  assert.deepEqual(hook.hits, [], 'requests reached the hook server');
  assert.deepEqual(offOrigin, [], 'requests left the app origin');
}

/**
 * Left edges of the characters at `first` and `last` within the element's text: in left-to-right text the
 * first is left of the last; a bidi override leaking into the text reverses them.
 */
async function charEdges(target: Locator, text: string): Promise<{ first: number; last: number }> {
  return target.evaluate((el, wanted) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(wanted);
      if (at < 0) continue;
      const edge = (offset: number): number => {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        return range.getBoundingClientRect().left;
      };
      return { first: edge(at), last: edge(at + wanted.length - 1) };
    }
    throw new Error(`"${wanted}" is not in one text node of the element`);
  }, text);
}

/** The element's box lies within the container's horizontally (1 px for rounding). */
async function expectWithin(inner: Locator, outer: Locator): Promise<void> {
  const a = (await inner.boundingBox())!;
  const b = (await outer.boundingBox())!;
  assert.ok(
    a.x >= b.x - 1 && a.x + a.width <= b.x + b.width + 1,
    `${a.x}+${a.width} not within ${b.x}+${b.width}`,
  );
}

/**
 * The text itself (not just its box: the bubble clips what overflows it) lies within the bubble's content
 * box: a word that did not wrap would run far past its right edge. 8 px of slack: with pre-wrap, a space
 * at the end of a line hangs past the edge (invisible, and about 4 px at this font size).
 */
async function expectTextWithinBubble(bubble: Locator): Promise<void> {
  const { text, box } = await bubble.evaluate((el) => {
    const range = document.createRange();
    const first = el.firstChild!;
    const button = el.querySelector('.msg-more');
    range.setStartBefore(first);
    if (button) range.setEndBefore(button);
    else range.setEndAfter(el.lastChild!);
    const r = range.getBoundingClientRect();
    const b = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return {
      text: { left: r.left, right: r.right },
      box: { left: b.left + parseFloat(style.paddingLeft), right: b.right - parseFloat(style.paddingRight) },
    };
  });
  assert.ok(
    text.left >= box.left - 1 && text.right <= box.right + 8,
    `the text runs from ${text.left} to ${text.right}, outside the bubble's ${box.left} to ${box.right}`,
  );
}

async function expectNoSidewaysOverflow(log: Locator): Promise<void> {
  const { scroll, client } = await log.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  assert.ok(scroll <= client, `the message list overflows sideways: ${scroll} > ${client}`);
}

describe('browser mode: hostile text stays text, and long text stays in its bubble', () => {
  const suite = useBrowserSuite();
  let hook: Awaited<ReturnType<typeof startHook>>;
  before(async () => {
    hook = await startHook();
  });
  after(() => hook.close());

  it('XSS payloads in bodies, subjects, names, groups, status texts and request nicks are shown as text and do nothing', async () => {
    const payloads = xssPayloads(hook.url);
    const name = `<img src=x onerror="window.__pwned=true;fetch('${hook.url}/name')">`;
    const group = `"><svg onload="window.__pwned=true">`;
    const status = `<script>window.__pwned=true</script> \u202Eback soon`;
    const nick = `\u202E<b onmouseover=window.__pwned=true>nick</b>`;
    const account = await suite.account('victim');
    const [mallory, eve] = await Promise.all([
      suite.peer('mallory', {
        onSubscribe: 'approve',
        resource: `"><img src=x onerror=window.__pwned=true>`,
      }),
      suite.peer('eve', { onSubscribe: 'ignore' }),
    ]);
    const app = await suite.app();
    const offOrigin = offOriginRequests(app);
    const { page } = app;
    await app.signInDirect(account);
    await app.befriend(mallory, { name, group });
    await mallory.setPresence('away', status);

    // The roster: name, group and status as text.
    await showsRoster(page, []);
    const row = contactRow(page, name);
    await expect(row).toHaveAccessibleName(new RegExp(`, Away, `));
    await expect(row.locator('.contact-name')).toHaveText(name);
    await expect(row.locator('.contact-status')).toHaveText(`Away · ${status}`);
    await expect(page.getByRole('treeitem', { name: `${group}, 1 of 1 online` })).toBeVisible();

    // The chat: header, then every payload as a body, one with a subject.
    await row.click();
    const log = page.getByRole('log', { name: `Messages with ${name}` });
    await expect(log).toBeVisible();
    await expect(page.locator('.chat-title h2')).toHaveText(name);
    const subtitle = page.locator('.chat-subtitle');
    await expect(subtitle).toContainText(status);
    // The status's override stays in the status: the address after it still reads left to right.
    const address = await charEdges(subtitle, mallory.jid);
    assert.ok(address.first < address.last, 'the address after the status is reversed');

    for (const body of payloads) await mallory.sendMessage(account.jid, body);
    await mallory.sendMessage(account.jid, 'with a subject', { subject: payloads[0] });
    await expect(log.locator('.msg-body').filter({ hasText: 'with a subject' })).toBeVisible();
    const shown = await log.locator('.msg-body').allTextContents();
    for (const body of payloads) assert.ok(shown.includes(body), `body not shown as text: ${body}`);
    await expect(log.locator('.msg-subject')).toHaveText(payloads[0]!);
    // Links are found in text (never in markup): the xmpp: URL is one, opened only through the shell.
    await expect(log.getByRole('link', { name: /^xmpp:evil@example\.com\?message;body=/ })).toBeVisible();
    // A link reads in its URL's real order: the override in it is not shown (nor could it reorder it).
    const spoof = 'https://evil.example/\u202Emoc.elgoog';
    await mallory.sendMessage(account.jid, `see ${spoof} now`);
    const spoofLink = log.getByRole('link', { name: 'https://evil.example/moc.elgoog', exact: true });
    await expect(spoofLink).toHaveText('https://evil.example/moc.elgoog');
    const linkEdges = await charEdges(spoofLink, 'https://evil.example/moc.elgoog');
    assert.ok(linkEdges.first < linkEdges.last, 'the link text is reversed');

    // A request whose nick and status are payloads; the nick's override must not reverse the sentence.
    const raw =
      `<presence to="${account.jid}" type="subscribe">` +
      `<nick xmlns="http://jabber.org/protocol/nick">${escapeXml(nick)}</nick>` +
      `<status>${escapeXml(payloads[2]!)}</status></presence>`;
    await eve.sendRaw(raw);
    const request = page.getByRole('group', { name: `Request from ${eve.jid}` });
    await expect(request).toContainText(`${nick} (${eve.jid}) wants to see when you are online.`);
    await expect(request.locator('.request-status')).toContainText(`“${payloads[2]}”`);
    const sentence = await charEdges(request.locator('.request-text'), 'wants to see when you are online.');
    assert.ok(sentence.first < sentence.last, 'the sentence after the nick is reversed');

    // Hover and scroll over everything (a mouseover or onload payload would fire now if it were markup).
    await request.hover();
    await log.hover();
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expectInert(page, hook, offOrigin);
    await checkScreen(page, 'hostile-xss');
    await expectInert(page, hook, offOrigin);
  });

  it('a 10,000-letter word and a 100,000-character body stay within the bubble; Show more shows all of them', async () => {
    const account = await suite.account('reader');
    const peer = await suite.peer('wordy', { onSubscribe: 'approve', resource: 'peer' });
    const app = await suite.app();
    const offOrigin = offOriginRequests(app);
    const { page } = app;
    await app.signInDirect(account);
    await app.befriend(peer, { name: 'Wordy' });
    await showsRoster(page, ['Wordy']);
    await contactRow(page, 'Wordy').click();
    const log = page.getByRole('log', { name: 'Messages with Wordy' });
    await expect(log).toBeVisible();

    const word = unbreakableWord(10_000);
    const huge = HOSTILE_KINDS['body-100k']();
    for (const body of [
      HOSTILE_KINDS.zalgo(),
      HOSTILE_KINDS.bidi(),
      HOSTILE_KINDS.emoji(),
      huge,
      word,
      'the last one',
    ]) {
      await peer.sendMessage(account.jid, body);
    }
    await expect(log.locator('.msg-body').getByText('the last one', { exact: true })).toBeVisible();

    // Collapsed: the word's preview and a button saying how long it is, inside the list.
    const wordRow = log.locator('.msg').filter({ hasText: word.slice(0, 200) });
    const more = wordRow.getByRole('button', { name: 'Show more (10,000 characters)' });
    await expect(more).toBeVisible();
    await expect(more).toHaveAttribute('aria-expanded', 'false');
    const bubble = wordRow.locator('.msg-body');
    await expectWithin(bubble, log);
    await expectTextWithinBubble(bubble);
    await expectNoSidewaysOverflow(log);
    const collapsedHeight = (await bubble.boundingBox())!.height;

    // Expanded: every letter is there, still within the bubble, which is within the list.
    await more.click();
    const less = wordRow.getByRole('button', { name: 'Show less' });
    await expect(less).toHaveAttribute('aria-expanded', 'true');
    await expect(less).toBeFocused();
    await expect.poll(() => bubble.evaluate((el) => el.textContent!.replace('Show less', ''))).toBe(word);
    await expectWithin(bubble, log);
    await expectTextWithinBubble(bubble);
    await expectNoSidewaysOverflow(log);
    assert.ok((await bubble.boundingBox())!.height > collapsedHeight * 3, 'the expanded word is taller');
    await less.click();
    await expect(wordRow.getByRole('button', { name: 'Show more (10,000 characters)' })).toBeVisible();

    // The 100,000-character body, expanded: all of it in the page, laid out within the list's width.
    const hugeRow = log.locator('.msg').filter({ hasText: huge.slice(0, 200) });
    await hugeRow.getByRole('button', { name: /^Show more \(100,000 characters\)$/ }).click();
    const hugeBubble = hugeRow.locator('.msg-body');
    await expect
      .poll(() => hugeBubble.evaluate((el) => el.textContent!.replace('Show less', '').length))
      .toBe(huge.length);
    await expectWithin(hugeBubble, log);
    await expectTextWithinBubble(hugeBubble);
    await expectNoSidewaysOverflow(log);
    await hugeRow.getByRole('button', { name: 'Show less' }).click();

    // What a user sees, at 480 px, light and dark: the oldest hostile bodies (zalgo, bidi, emoji) and the
    // newest (the collapsed 100,000 characters and word). The approval notice is dismissed first.
    const notices = page.getByRole('button', { name: 'Dismiss notice' });
    while ((await notices.count()) > 0) await notices.first().click();
    await page.setViewportSize({ width: 480, height: 900 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [end, top] of [
        ['oldest', 0],
        ['newest', Number.MAX_SAFE_INTEGER],
      ] as const) {
        await log.evaluate((el, y) => el.scrollTo({ top: y }), top);
        await expectNoSidewaysOverflow(log);
        await checkScreen(page, `hostile-chat-480-${scheme}-${end}`);
      }
    }
    await expectInert(page, hook, offOrigin);
  });
});
