import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NativeImage } from 'electron';
import { UnreadBadge, unreadDescription, type BadgeDeps } from './badge.ts';

const OVERLAY = { overlay: true } as unknown as NativeImage;

function setup(platform: NodeJS.Platform, withWindow = true) {
  const badgeCounts: number[] = [];
  const overlays: [NativeImage | null, string][] = [];
  const trayCalls: [number, boolean][] = [];
  let windowOpen = withWindow;
  const deps: BadgeDeps = {
    platform,
    setBadgeCount: (count) => {
      badgeCounts.push(count);
      return true;
    },
    overlayTarget: () =>
      windowOpen ? { setOverlayIcon: (image, description) => overlays.push([image, description]) } : null,
    overlayImage: () => OVERLAY,
    tray: { setUnread: (count, offline) => trayCalls.push([count, offline]) },
  };
  return {
    badge: new UnreadBadge(deps),
    badgeCounts,
    overlays,
    trayCalls,
    openWindow: () => (windowOpen = true),
  };
}

describe('UnreadBadge', () => {
  it('macOS and Linux: app.setBadgeCount with the count, 0 clears it; never an overlay', async () => {
    for (const platform of ['darwin', 'linux'] as const) {
      const { badge, badgeCounts, overlays } = setup(platform);
      const handle = badge.handler();
      assert.deepEqual(await handle({ count: 4, offline: false }), { ok: true });
      await handle({ count: 0, offline: false });
      assert.deepEqual(badgeCounts, [4, 0], platform);
      assert.deepEqual(overlays, []);
    }
  });

  it('Windows: the overlay image with a description while unread, removed at zero; no badge count', () => {
    const { badge, badgeCounts, overlays } = setup('win32');
    badge.set(1, false);
    badge.set(12, false);
    badge.set(0, false);
    assert.deepEqual(overlays, [
      [OVERLAY, '1 unread message'],
      [OVERLAY, '12 unread messages'],
      [null, ''],
    ]);
    assert.deepEqual(badgeCounts, []);
  });

  it('Windows: a count that came while no main window was open is shown when apply() runs for a new one', () => {
    const { badge, overlays, openWindow } = setup('win32', false);
    badge.set(5, false);
    assert.deepEqual(overlays, []);
    openWindow();
    badge.apply();
    assert.deepEqual(overlays, [[OVERLAY, '5 unread messages']]);
  });

  it('passes the count and the offline flag to the tray', () => {
    const { badge, trayCalls } = setup('linux');
    badge.set(2, false);
    badge.set(0, true);
    assert.deepEqual(trayCalls, [
      [2, false],
      [0, true],
    ]);
    assert.equal(badge.count, 0);
    assert.equal(badge.offline, true);
    assert.equal(unreadDescription(3), '3 unread messages');
  });
});
