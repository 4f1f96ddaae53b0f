// Auto-away in browser mode (issue 12 §4), against the real server with a slixmpp contact: with the away
// threshold at 1 minute, the page's clock run past it (Playwright's clock: the page's timers and Date, not
// the engine's) makes the page report its idle time, the contact sees us away and the presence picker says
// so; one mouse move and the contact sees us available again, without waiting for the next report.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import { checkScreen, expect, showsRoster, startChatSession, useBrowserSuite } from './fixture.ts';

const picker = (page: Page) => page.getByRole('combobox', { name: 'Presence', exact: true });

describe('browser mode: auto-away from page activity', () => {
  const suite = useBrowserSuite();

  it('a minute without input: the contact sees away; a mouse move: available again', async () => {
    const { account, app, friends } = await startChatSession(suite, 'idler', ['Olga'], { openLater: true });
    const olga = friends[0]!.peer;
    const fromUs = (p: { from: string }): boolean => p.from.split('/')[0] === account.jid;
    const prefs = await app.engine.invoke('prefs.set', { patch: { idle: { awayMinutes: 1 } } });
    assert.equal(prefs.ok && prefs.value.preferences.idle.awayMinutes, 1);

    const { page } = app;
    await page.clock.install();
    await app.open();
    await showsRoster(page, ['Olga']);
    await expect(picker(page)).toHaveValue('available');

    const before = olga.events.length;
    await page.clock.fastForward('01:05');
    const away = await olga.waitFor('presence', (p) => fromUs(p) && p.show === 'away');
    assert.equal(away.presenceType, 'available');
    assert.ok(olga.events.indexOf(away) >= before);
    await expect(picker(page)).toHaveValue('away');
    await checkScreen(page, 'idle-away');

    await page.mouse.move(200, 200);
    await page.mouse.move(240, 260);
    const awayAt = olga.events.indexOf(away);
    await olga.waitFor(
      'presence',
      (p) =>
        olga.events.indexOf(p) > awayAt && fromUs(p) && p.presenceType === 'available' && p.show === null,
    );
    await expect(picker(page)).toHaveValue('available');
  });
});
