import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SafeStorageBackend, type SafeStorageApi } from './safe-storage-backend.ts';

type Store = ReturnType<SafeStorageApi['getSelectedStorageBackend']>;

/** Reversible "encryption" standing in for the OS: enough to see that no plaintext reaches the file. */
function fakeSafeStorage(options: { store?: Store; available?: boolean; reEncrypt?: boolean } = {}) {
  const calls = { encrypt: 0 };
  const api: SafeStorageApi = {
    getSelectedStorageBackend: () => options.store ?? 'gnome_libsecret',
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    encryptStringAsync: async (text) => {
      calls.encrypt += 1;
      return Buffer.from(`enc:${Buffer.from(text).toString('hex')}`);
    },
    decryptStringAsync: async (buffer) => ({
      result: Buffer.from(buffer.toString().replace(/^enc:/, ''), 'hex').toString(),
      shouldReEncrypt: options.reEncrypt ?? false,
    }),
  };
  return { api, calls };
}

async function withDir(run: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-safe-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('SafeStorageBackend', () => {
  it('probe fails on Linux with basic_text or unknown, with a reason', async () => {
    for (const store of ['basic_text', 'unknown'] as const) {
      const backend = new SafeStorageBackend(fakeSafeStorage({ store }).api, '/nonexistent', 'linux');
      const reason = await backend.probe();
      assert.equal(typeof reason, 'string', store);
      assert.ok((reason ?? '').length > 10);
    }
    const ok = new SafeStorageBackend(fakeSafeStorage({ store: 'kwallet6' }).api, '/nonexistent', 'linux');
    assert.equal(await ok.probe(), null);
  });

  it('probe ignores the Linux store name elsewhere but fails when encryption is unavailable', async () => {
    const mac = new SafeStorageBackend(fakeSafeStorage({ store: 'unknown' }).api, '/nonexistent', 'darwin');
    assert.equal(await mac.probe(), null);
    const off = new SafeStorageBackend(fakeSafeStorage({ available: false }).api, '/nonexistent', 'win32');
    assert.match((await off.probe()) ?? '', /encryption/);
  });

  it('stores only base64 ciphertext, reads it back, deletes it', async () => {
    await withDir(async (dir) => {
      const backend = new SafeStorageBackend(fakeSafeStorage().api, dir, 'linux');
      assert.equal(backend.name, 'safe-storage');
      assert.equal(await backend.get('alice@example.org'), null);
      await Promise.all([
        backend.set('alice@example.org', 'hunter2'),
        backend.set('bob@example.org', 'pw-b'),
      ]);
      const file = path.join(dir, 'secrets.json');
      const text = await readFile(file, 'utf8');
      assert.doesNotMatch(text, /hunter2/);
      const data = JSON.parse(text) as { entries: Record<string, string> };
      assert.match(data.entries['alice@example.org'] ?? '', /^[A-Za-z0-9+/]+=*$/);
      if (process.platform !== 'win32') assert.equal((await stat(file)).mode & 0o077, 0);
      assert.equal(await backend.get('alice@example.org'), 'hunter2');
      assert.equal(await backend.get('bob@example.org'), 'pw-b');
      await backend.delete('alice@example.org');
      assert.equal(await backend.get('alice@example.org'), null);
      assert.equal(await backend.get('bob@example.org'), 'pw-b');
    });
  });

  it('re-encrypts when the OS says the key rotated', async () => {
    await withDir(async (dir) => {
      const { api, calls } = fakeSafeStorage({ reEncrypt: true });
      const backend = new SafeStorageBackend(api, dir, 'darwin');
      await backend.set('a@example.org', 'pw');
      assert.equal(await backend.get('a@example.org'), 'pw');
      assert.equal(calls.encrypt, 2);
    });
  });
});
