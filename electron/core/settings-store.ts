// Per-install settings on disk (the user-data folder): the stable resource, and per account the pinned
// certificate, the last own presence and the roster cache for roster versioning. Never a password.
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Contact, OwnShow, ProxySettings, Transport } from '../../shared/contract.ts';

export interface AccountSettings {
  pinnedFingerprint256: string | null;
  /** The pinned certificate over which the user allowed a plain-text password (SASL PLAIN); null: none. */
  plainPasswordAllowedFor: string | null;
  lastPresence: { show: OwnShow; status: string | null; priority: number } | null;
  /** How this account connects (shown in the sign-in form next time). */
  connection: SavedConnection | null;
  /** Which store holds its remembered password (never the password itself). */
  passwordBackend: 'keychain' | 'safe-storage' | null;
  /** Signed in when the app last ran and not signed out since: signed in again at start. */
  keepSignedIn: boolean;
  /**
   * Message requests the user dismissed: stranger's bare JID -> when (ms). Their older messages are not a
   * request again at the next start; a newer one is. Bounded (chat/request-memory.ts).
   */
  dismissedRequests: Record<string, number>;
  /** The XEP-0048 bookmarks an older client left were published as XEP-0402 items (done once). */
  legacyBookmarksMigrated: boolean;
}

/** How an account signed in last; files from before WebSocket lack the last two (TCP, then). */
export interface SavedConnection {
  host: string | null;
  port: number | null;
  directTls: boolean;
  transport?: Transport;
  /** The WebSocket URL given; null when it was discovered (XEP-0156) at each sign-in. */
  websocketUrl?: string | null;
  /** The proxy TCP goes through; absent in files from before proxies (none). */
  proxy?: ProxySettings | null;
}

interface SettingsFile {
  version: 1;
  /** Stable per-install resource, so servers and contacts see one device, not a new one per sign-in. */
  resource: string;
  accounts: Record<string, AccountSettings>;
  lastUsed?: string | null;
}

export interface RosterCache {
  version: string;
  contacts: Contact[];
}

const DEFAULT_ACCOUNT: AccountSettings = {
  pinnedFingerprint256: null,
  plainPasswordAllowedFor: null,
  lastPresence: null,
  connection: null,
  passwordBackend: null,
  keepSignedIn: false,
  dismissedRequests: {},
  legacyBookmarksMigrated: false,
};

/** Writes through a temp file and a rename, so a crash never leaves a half-written file. */
async function writeAtomic(file: string, data: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, data, { mode: 0o600 });
  await rename(temp, file);
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null; // missing or corrupt: start fresh rather than refuse to start
  }
}

/** A plain-text password may go over this account's link only while the certificate it was allowed for is pinned. */
export function plainPasswordAllowed(settings: AccountSettings): boolean {
  return (
    settings.pinnedFingerprint256 !== null &&
    settings.plainPasswordAllowedFor === settings.pinnedFingerprint256
  );
}

export class SettingsStore {
  readonly #dir: string;
  #data: SettingsFile;
  #writing: Promise<void> = Promise.resolve();

  private constructor(dir: string, data: SettingsFile) {
    this.#dir = dir;
    this.#data = data;
  }

  static async open(dir: string): Promise<SettingsStore> {
    await mkdir(path.join(dir, 'roster-cache'), { recursive: true, mode: 0o700 });
    const found = await readJson<SettingsFile>(path.join(dir, 'settings.json'));
    const data: SettingsFile =
      found && found.version === 1 && typeof found.resource === 'string'
        ? { ...found, accounts: found.accounts ?? {} }
        : { version: 1, resource: `parley-${randomBytes(4).toString('hex')}`, accounts: {} };
    const store = new SettingsStore(dir, data);
    if (!found) await store.#save();
    return store;
  }

  get resource(): string {
    return this.#data.resource;
  }

  account(jid: string): AccountSettings {
    return { ...DEFAULT_ACCOUNT, ...this.#data.accounts[jid] };
  }

  /** Accounts this install has signed in to, most recent first is not tracked; `lastUsed` is. */
  accounts(): Array<[string, AccountSettings]> {
    return Object.keys(this.#data.accounts).map((jid) => [jid, this.account(jid)]);
  }

  get lastUsed(): string | null {
    return this.#data.lastUsed ?? null;
  }

  async setLastUsed(jid: string | null): Promise<void> {
    this.#data = { ...this.#data, lastUsed: jid };
    await this.#save();
  }

  async removeAccount(jid: string): Promise<void> {
    const accounts = { ...this.#data.accounts };
    delete accounts[jid];
    this.#data = {
      ...this.#data,
      accounts,
      lastUsed: this.#data.lastUsed === jid ? null : (this.#data.lastUsed ?? null),
    };
    await this.#save();
    await rm(this.#rosterFile(jid), { force: true });
  }

  async updateAccount(jid: string, patch: Partial<AccountSettings>): Promise<void> {
    this.#data = {
      ...this.#data,
      accounts: { ...this.#data.accounts, [jid]: { ...this.account(jid), ...patch } },
    };
    await this.#save();
  }

  #rosterFile(jid: string): string {
    return path.join(
      this.#dir,
      'roster-cache',
      `${createHash('sha256').update(jid).digest('hex').slice(0, 32)}.json`,
    );
  }

  async readRoster(jid: string): Promise<RosterCache | null> {
    const cache = await readJson<RosterCache>(this.#rosterFile(jid));
    return cache && typeof cache.version === 'string' && Array.isArray(cache.contacts) ? cache : null;
  }

  async writeRoster(jid: string, cache: RosterCache): Promise<void> {
    await writeAtomic(this.#rosterFile(jid), JSON.stringify(cache));
  }

  /** Serialised so two quick updates cannot interleave their renames. */
  #save(): Promise<void> {
    const snapshot = JSON.stringify(this.#data, null, 2);
    this.#writing = this.#writing.then(() => writeAtomic(path.join(this.#dir, 'settings.json'), snapshot));
    return this.#writing;
  }
}
