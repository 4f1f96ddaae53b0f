import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BoundsStore, isOnScreen, parseBoundsFile } from './window-bounds.ts';

const SCREEN = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window bounds store', () => {
  it('ignores corrupt files and malformed entries', () => {
    assert.deepEqual(parseBoundsFile(''), {});
    assert.deepEqual(parseBoundsFile('{not json'), {});
    assert.deepEqual(parseBoundsFile('[1,2,3]'), {});
    assert.deepEqual(parseBoundsFile('null'), {});
    const parsed = parseBoundsFile(
      JSON.stringify({
        main: { x: '10', y: 0, width: 800, height: 600 },
        chat: { x: 1.5, y: 0, width: 800, height: 600 },
        other: { x: 0, y: 0, width: 800, height: 600 },
      }),
    );
    assert.deepEqual(parsed, {});
    assert.deepEqual(parseBoundsFile(JSON.stringify({ main: { x: 0, y: 0, width: 10, height: 10 } })), {});
    assert.deepEqual(parseBoundsFile(JSON.stringify({ main: { x: 0, y: 0, width: 1e9, height: 600 } })), {});
    assert.deepEqual(
      parseBoundsFile(JSON.stringify({ main: { x: 1, y: 2, width: 800, height: 600, extra: 'x' } })),
      {
        main: { x: 1, y: 2, width: 800, height: 600 },
      },
    );
  });

  it('treats bounds off every display as absent', () => {
    assert.equal(isOnScreen({ x: 100, y: 100, width: 800, height: 600 }, SCREEN), true);
    assert.equal(isOnScreen({ x: 5000, y: 100, width: 800, height: 600 }, SCREEN), false);
    assert.equal(
      isOnScreen({ x: -790, y: 100, width: 800, height: 600 }, SCREEN),
      false,
      'only 10 px visible',
    );
    assert.equal(isOnScreen({ x: 100, y: -500, width: 800, height: 600 }, SCREEN), false, 'title bar above');
    assert.equal(
      isOnScreen({ x: 2000, y: 100, width: 800, height: 600 }, [
        ...SCREEN,
        { x: 1920, y: 0, width: 1280, height: 1024 },
      ]),
      true,
      'on a second display',
    );
  });

  it('round-trips through the file and drops what is off-screen now', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-bounds-'));
    try {
      const store = await BoundsStore.open(dir);
      assert.equal(store.get('main', SCREEN), undefined);
      store.set('main', { x: 100, y: 50, width: 1000, height: 700 });
      store.set('chat', { x: 3000, y: 50, width: 400, height: 600 });
      store.set('chat', { x: 0, y: 0, width: 1, height: 1 }); // invalid: ignored
      await store.flush();
      const reopened = await BoundsStore.open(dir);
      assert.deepEqual(reopened.get('main', SCREEN), { x: 100, y: 50, width: 1000, height: 700 });
      assert.equal(reopened.get('chat', SCREEN), undefined, 'the display it was on is gone');
      assert.deepEqual(reopened.get('chat', [{ x: 2560, y: 0, width: 1920, height: 1080 }]), {
        x: 3000,
        y: 50,
        width: 400,
        height: 600,
      });
      await writeFile(path.join(dir, 'window-bounds.json'), '\u0000garbage');
      assert.equal((await BoundsStore.open(dir)).get('main', SCREEN), undefined);
      assert.ok((await readFile(path.join(dir, 'window-bounds.json'), 'utf8')).length > 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
