// The occupant list of a room joined from the page comes from the engine's events alone: the page does not
// ask for it again ('muc.occupants', which for 5,000 occupants is their whole list encoded and parsed a
// second time while the first copy arrives). After a reload, with no events to bring it, the page asks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expect, useBrowserSuite } from './fixture.ts';

const localpart = (jid: string): string => jid.slice(0, jid.indexOf('@'));

describe('browser mode: a room’s occupants, asked for once', () => {
  const suite = useBrowserSuite();

  it('joined from the dialog: listed from the events; reloaded: asked for', async () => {
    const account = await suite.account('oncer');
    const nick = localpart(account.jid);
    const ann = await suite.peer('ann');
    const room = suite.scenario.room('once');
    await ann.createRoom(room, 'ann', { instant: true });
    const app = await suite.app();
    await app.signInDirect(account);
    const { page } = app;
    const sent: string[] = [];
    const watch = (): void => {
      page.on('websocket', (ws) => ws.on('framesent', (frame) => sent.push(String(frame.payload))));
    };
    watch();
    // The bridge socket opened before the watch: its frames are seen through the page's own WebSocket.
    await page.evaluate(() => {
      const send = WebSocket.prototype.send;
      const seen: string[] = [];
      (window as unknown as { __sent: string[] }).__sent = seen;
      WebSocket.prototype.send = function (this: WebSocket, data) {
        if (typeof data === 'string') seen.push(data);
        send.call(this, data);
      };
    });

    await page.getByRole('button', { name: 'Join room…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Join room' });
    await dialog.getByLabel('Room address').fill(room);
    await dialog.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    const occupants = page.getByRole('complementary', { name: `Occupants of ${localpart(room)}` });
    await expect(occupants).toContainText(new RegExp(`Moderators \\(1\\)ann.*Participants \\(1\\)${nick}`));
    // Past the time the view would wait for the events before asking.
    await page.waitForTimeout(2_500);
    const asked = await page.evaluate(() =>
      (window as unknown as { __sent: string[] }).__sent.filter((s) => s.includes('"muc.occupants"')),
    );
    assert.ok(
      (await page.evaluate(() => (window as unknown as { __sent: string[] }).__sent.length)) > 0,
      'the page’s sends were seen',
    );
    assert.deepEqual(asked, [], 'no muc.occupants after a join from the page');

    await page.reload();
    await page
      .getByRole('region', { name: 'Rooms' })
      .getByRole('button', { name: new RegExp(`^${localpart(room)}`) })
      .click();
    await expect(occupants).toContainText(new RegExp(`Moderators \\(1\\)ann.*Participants \\(1\\)${nick}`));
    assert.ok(
      sent.some((s) => s.includes('"muc.occupants"')),
      'after a reload the page asked for the list',
    );
  });
});
