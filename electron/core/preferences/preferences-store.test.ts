import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_PREFERENCES, MUTED_FOREVER } from '../../../shared/preferences.ts';
import { Engine } from '../engine.ts';
import { PreferencesStore } from './preferences-store.ts';

async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-prefs-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a first start gets the defaults, and a change survives a restart', async () => {
  await inTempDir(async (dir) => {
    const store = await PreferencesStore.open(dir);
    assert.deepEqual(store.get(), DEFAULT_PREFERENCES);
    await store.set({ appearance: { theme: 'dark' }, privacy: { receipts: false } });
    const again = await PreferencesStore.open(dir);
    assert.equal(again.get().appearance.theme, 'dark');
    assert.equal(again.get().privacy.receipts, false);
    assert.equal(again.get().privacy.readMarkers, true, 'untouched fields keep their values');
  });
});

test('an older or damaged file keeps what is valid and fills in the rest (the migration)', async () => {
  await inTempDir(async (dir) => {
    await writeFile(
      path.join(dir, 'preferences.json'),
      JSON.stringify({
        version: 0,
        preferences: { appearance: { theme: 'dark' }, idle: { awayMinutes: 'soon' } },
        conversations: [{ bogus: true }],
      }),
    );
    const store = await PreferencesStore.open(dir);
    assert.equal(store.get().appearance.theme, 'dark');
    assert.deepEqual(store.get().idle, DEFAULT_PREFERENCES.idle, 'a bad section falls back to its defaults');
    assert.deepEqual(store.state().conversations, []);
    await writeFile(path.join(dir, 'preferences.json'), '{ not json');
    assert.deepEqual((await PreferencesStore.open(dir)).get(), DEFAULT_PREFERENCES);
  });
});

test('an invalid value or an unknown field is refused with its name, and nothing changes', async () => {
  await inTempDir(async (dir) => {
    const store = await PreferencesStore.open(dir);
    await assert.rejects(store.set({ appearance: { theme: 'pink' as never } }), /appearance\.theme/);
    await assert.rejects(store.set({ idle: { awayMinutes: 40, extendedAwayMinutes: 30 } }), /extendedAway/);
    await assert.rejects(store.set({ privacy: { nosuch: true } as never }), /privacy\.nosuch/);
    await assert.rejects(store.set({ nosuch: {} } as never), /nosuch/);
    assert.deepEqual(store.get(), DEFAULT_PREFERENCES);
  });
});

test('conversation settings are kept per conversation, removed when cleared, and bounded', async () => {
  await inTempDir(async (dir) => {
    const store = await PreferencesStore.open(dir);
    const room = { account: 'me@x.org', kind: 'groupchat' as const, peer: 'room@muc.x.org' };
    await store.setConversation({ ...room, mutedUntil: MUTED_FOREVER, roomNotify: 'all' });
    assert.equal((await PreferencesStore.open(dir)).conversation(room)?.roomNotify, 'all');
    await store.setConversation({ ...room, mutedUntil: null, roomNotify: null });
    assert.equal(store.conversation(room), null);
    for (let i = 0; i < 2_010; i++) {
      await store.setConversation({ ...room, peer: `r${i}@muc.x.org`, mutedUntil: 1, roomNotify: null });
    }
    assert.equal(store.state().conversations.length, 2_000);
    assert.equal(store.conversation({ ...room, peer: 'r0@muc.x.org' }), null, 'the oldest went first');
  });
});

test('the engine answers prefs commands and announces each change to every window', async () => {
  await inTempDir(async (dir) => {
    const engine = await Engine.create({ dataDir: dir, batchIntervalMs: 5, appVersion: '1.2.3' });
    const seen: unknown[] = [];
    engine.subscribe((batch) => {
      for (const item of batch) if (item.event === 'prefs.changed') seen.push(item.payload);
    });
    const changed = await engine.invoke('prefs.set', { patch: { chat: { enterToSend: false } } });
    assert.ok(changed.ok && changed.value.preferences.chat.enterToSend === false);
    const refused = await engine.invoke('prefs.set', { patch: { chat: { enterToSend: 'yes' } } });
    assert.ok(!refused.ok && refused.error.code === 'invalid-request');
    const info = await engine.invoke('app.info', {});
    assert.ok(info.ok && info.value.version === '1.2.3' && info.value.dataDir === dir);
    engine.flushEvents();
    assert.equal(seen.length, 1);
    await engine.dispose();
    const onDisk = JSON.parse(await readFile(path.join(dir, 'preferences.json'), 'utf8'));
    assert.equal(onDisk.preferences.chat.enterToSend, false);
  });
});

test('a change that cannot be written changes nothing, and the next one is saved', async () => {
  await inTempDir(async (dir) => {
    const store = await PreferencesStore.open(dir);
    const file = path.join(dir, 'preferences.json');
    const heard: unknown[] = [];
    store.onChange((state) => heard.push(state));
    await mkdir(file); // the rename onto a folder fails (EISDIR), as a full disk or a held file would
    await assert.rejects(store.set({ appearance: { theme: 'dark' } }), /could not be saved/);
    assert.equal(store.get().appearance.theme, 'system', 'nothing changed in memory');
    assert.equal(heard.length, 0, 'nothing was announced');
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
      [],
      'no temp file is left behind',
    );
    await rm(file, { recursive: true });
    await store.set({ appearance: { fontSize: 'large' } });
    assert.equal(JSON.parse(await readFile(file, 'utf8')).preferences.appearance.fontSize, 'large');
    assert.equal(store.get().appearance.theme, 'system');
    assert.equal(heard.length, 1);
  });
});
