// A SecretBackend on Electron's safeStorage: the OS protects the key (Keychain, DPAPI, libsecret/kwallet),
// we keep only ciphertext (base64) in userData/secrets.json. On Linux without a real password store,
// safeStorage would fall back to a hard-coded key ('basic_text'): probe() refuses that, with the reason.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import type { SecretBackend } from '../core/credentials.ts';

export type SafeStorageApi = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

interface SecretsFile {
  version: 1;
  entries: Record<string, string>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function parseSecretsFile(text: string): SecretsFile {
  const empty: SecretsFile = { version: 1, entries: {} };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return empty;
  }
  if (typeof data !== 'object' || data === null) return empty;
  const entries = (data as { entries?: unknown }).entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) return empty;
  const result: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [account, value] of Object.entries(entries)) {
    if (typeof value === 'string' && value.length > 0 && BASE64.test(value)) result[account] = value;
  }
  return { version: 1, entries: result };
}

export class SafeStorageBackend implements SecretBackend {
  readonly name = 'safe-storage' as const;
  readonly #api: SafeStorageApi;
  readonly #file: string;
  readonly #platform: NodeJS.Platform;
  /** Writes are chained so two quick set() calls cannot interleave their read-modify-write. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(api: SafeStorageApi, userDataDir: string, platform: NodeJS.Platform = process.platform) {
    this.#api = api;
    this.#file = path.join(userDataDir, 'secrets.json');
    this.#platform = platform;
  }

  /** Null when usable; otherwise why not, in words a person can act on. */
  async probe(): Promise<string | null> {
    if (this.#platform === 'linux') {
      const store = this.#api.getSelectedStorageBackend();
      if (store === 'basic_text') {
        return 'No system password store (GNOME Keyring or KWallet) was found, so Electron would only obfuscate the password with a fixed key.';
      }
      if (store === 'unknown') {
        return 'The system password store could not be determined yet.';
      }
    }
    try {
      if (!(await this.#api.isAsyncEncryptionAvailable())) {
        return 'The operating system does not offer encryption for stored passwords right now.';
      }
    } catch (error) {
      return `Encrypted storage failed to start: ${error instanceof Error ? error.message : String(error)}`;
    }
    return null;
  }

  async get(account: string): Promise<string | null> {
    const entry = (await this.#read()).entries[account];
    if (entry === undefined) return null;
    const { result, shouldReEncrypt } = await this.#api.decryptStringAsync(Buffer.from(entry, 'base64'));
    if (shouldReEncrypt) await this.set(account, result);
    return result;
  }

  async set(account: string, secret: string): Promise<void> {
    const cipher = await this.#api.encryptStringAsync(secret);
    await this.#update((entries) => {
      entries[account] = cipher.toString('base64');
    });
  }

  async delete(account: string): Promise<void> {
    await this.#update((entries) => {
      delete entries[account];
    });
  }

  async #read(): Promise<SecretsFile> {
    await this.#queue.catch(() => undefined);
    return parseSecretsFile(await readFile(this.#file, 'utf8').catch(() => ''));
  }

  #update(change: (entries: Record<string, string>) => void): Promise<void> {
    const run = this.#queue
      .catch(() => undefined)
      .then(async () => {
        const data = parseSecretsFile(await readFile(this.#file, 'utf8').catch(() => ''));
        change(data.entries);
        await mkdir(path.dirname(this.#file), { recursive: true });
        const temp = `${this.#file}.tmp`;
        await writeFile(temp, JSON.stringify({ version: 1, entries: { ...data.entries } }), {
          encoding: 'utf8',
          mode: 0o600,
        });
        await rename(temp, this.#file);
      });
    this.#queue = run;
    return run;
  }
}
