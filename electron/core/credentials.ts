// Where the account password lives between runs (README: Security): the OS keychain through keytar,
// or (from the Electron glue) safeStorage, or memory for this run only. Passwords never leave this module
// except as the return value of recall(): never in the record, warnings, errors or logs.
//
// Rules, after Element Desktop's secret store:
// - remember() writes to the first backend whose probe passes. Landing anywhere lower than the first backend
//   is reported in `warning` with the reason each higher backend gave: never a silent downgrade.
// - recall() reads only from the backend recorded for that account. If that backend is unavailable now,
//   it returns null and says why in lastWarning; it never tries another store.
import { bareJid } from '../../shared/jid.ts';
import type { SavedConnection } from './settings-store.ts';

export type SecretBackendName = 'keychain' | 'safe-storage';

export interface SecretBackend {
  readonly name: SecretBackendName;
  /** null when usable now; otherwise a human reason ("No Secret Service is running (D-Bus org.freedesktop.secrets)"). Bounded: resolves within ~3 s. */
  probe(): Promise<string | null>;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

export interface BackendRecord {
  get(jid: string): SecretBackendName | null;
  set(jid: string, backend: SecretBackendName | null): Promise<void>;
}

export type CredentialStorage = SecretBackendName | 'memory';

/** The keychain entry's service name; the account is the bare JID. */
export const KEYCHAIN_SERVICE = 'Parley';

const LABELS: Record<SecretBackendName, string> = {
  keychain: 'the system keychain',
  'safe-storage': 'encrypted app storage',
};

/** Only the keytar functions we use (the package is CommonJS; its namespace is the default export). */
interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** An account name no valid JID can be (':' is not allowed in a domain): looked up only to probe. */
const PROBE_ACCOUNT = 'parley:keychain-probe';

class TimeoutError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new TimeoutError(`${what} did not answer within ${ms / 1000} s`)),
      ms,
    );
    timer.unref?.();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().replace(/\s+/g, ' ').slice(0, 300) || 'unknown error';
}

/** Turns libsecret / D-Bus failures into a sentence a user can act on. */
function explainKeychainError(error: unknown): string {
  const text = messageOf(error);
  if (error instanceof TimeoutError) return text;
  if (
    /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect|dbus-launch/i.test(text)
  ) {
    return `No D-Bus session bus is reachable, so no Secret Service can be used (${text})`;
  }
  if (
    /org\.freedesktop\.secrets|ServiceUnknown|was not provided by any \.service files|Name.*not activatable/i.test(
      text,
    )
  ) {
    return `No Secret Service is running (D-Bus org.freedesktop.secrets): ${text}`;
  }
  if (/locked|dismissed|cancel/i.test(text)) return `The keychain is locked (${text})`;
  return `The keychain failed: ${text}`;
}

/**
 * The OS keychain through keytar: libsecret (Secret Service over D-Bus) on Linux, Keychain on macOS,
 * Credential Vault on Windows. Service "Parley", account = bare JID. keytar is loaded on first use; if it
 * cannot load, probe() says why. Every call is bounded (libsecret can hang with no keyring behind D-Bus);
 * while an earlier call is still hanging, the backend reports itself unavailable rather than stacking calls.
 */
export function keytarBackend(options: { timeoutMs?: number } = {}): SecretBackend {
  const timeoutMs = options.timeoutMs ?? 3000;
  let loading: Promise<Keytar> | null = null;
  let pending = 0; // keytar calls that timed out and have not settled yet

  function load(): Promise<Keytar> {
    loading ??= import('keytar').then((mod) => {
      const api = ((mod as { default?: unknown }).default ?? mod) as Partial<Keytar>;
      if (typeof api.getPassword !== 'function' || typeof api.setPassword !== 'function') {
        throw new Error('the keytar module has no getPassword/setPassword');
      }
      return api as Keytar;
    });
    return loading;
  }

  async function call<T>(what: string, run: (keytar: Keytar) => Promise<T>): Promise<T> {
    if (pending > 0)
      throw new TimeoutError(
        `The keychain has not answered an earlier request for over ${timeoutMs / 1000} s`,
      );
    const keytar = await load();
    const work = run(keytar);
    try {
      return await withTimeout(work, timeoutMs, `The keychain (asked to ${what})`);
    } catch (error) {
      if (error instanceof TimeoutError) {
        pending += 1;
        const settle = (): void => {
          pending -= 1;
        };
        work.then(settle, settle);
      }
      throw error;
    }
  }

  return {
    name: 'keychain',
    async probe() {
      try {
        await load();
      } catch (error) {
        return `The keychain module (keytar) cannot be loaded: ${messageOf(error)}`;
      }
      try {
        // A lookup that really goes over D-Bus to the Secret Service (and asks nothing of the user's secrets).
        await call('probe', (keytar) => keytar.getPassword(KEYCHAIN_SERVICE, PROBE_ACCOUNT));
        return null;
      } catch (error) {
        return explainKeychainError(error);
      }
    },
    async get(account) {
      return call('read', (keytar) => keytar.getPassword(KEYCHAIN_SERVICE, account));
    },
    async set(account, secret) {
      await call('write', (keytar) => keytar.setPassword(KEYCHAIN_SERVICE, account, secret));
    },
    async delete(account) {
      await call('delete', (keytar) => keytar.deletePassword(KEYCHAIN_SERVICE, account));
    },
  };
}

/** Belt and braces: whatever a backend put in an error message, the secret itself never goes further. */
function redact(text: string, secret: string | null): string {
  if (!secret) return text;
  return text.split(secret).join('[redacted]');
}

/** The account key: the normalized bare JID (throws JidError on an invalid address; the message names no secret). */
function accountKey(jid: string): string {
  return bareJid(jid);
}

export class CredentialStore {
  readonly #backends: readonly SecretBackend[];
  readonly #record: BackendRecord;
  readonly #memory = new Map<string, string>();
  #lastWarning: string | null = null;

  constructor(backends: readonly SecretBackend[] /* in preference order */, record: BackendRecord) {
    const names = new Set<SecretBackendName>();
    for (const backend of backends) {
      if (names.has(backend.name)) throw new Error(`Two secret backends are named "${backend.name}"`);
      names.add(backend.name);
    }
    this.#backends = [...backends];
    this.#record = record;
  }

  /** The last warning from remember(), recall() or forget(); null when the last of those went as asked. */
  get lastWarning(): string | null {
    return this.#lastWarning;
  }

  /** Stores the password in the first backend whose probe() passes; if none, keeps it in memory for this run. */
  async remember(
    jid: string,
    password: string,
  ): Promise<{ storage: CredentialStorage; warning: string | null /* why memory, human */ }> {
    const account = accountKey(jid);
    if (password.length === 0) throw new Error('An empty password cannot be remembered');
    const previous = this.#record.get(account);
    const skipped: string[] = [];

    for (const backend of this.#backends) {
      const reason = await this.#probe(backend, password);
      if (reason !== null) {
        skipped.push(`${LABELS[backend.name]} is unavailable: ${reason}`);
        continue;
      }
      try {
        await backend.set(account, password);
      } catch (error) {
        skipped.push(`${LABELS[backend.name]} could not save it: ${redact(messageOf(error), password)}`);
        continue;
      }
      await this.#record.set(account, backend.name);
      this.#memory.delete(account);
      if (previous !== null && previous !== backend.name) {
        // The old copy elsewhere is stale now; remove it so only the recorded backend holds a password.
        await this.#deleteQuietly(previous, account);
      }
      const warning =
        skipped.length === 0
          ? null
          : `Your password was saved in ${LABELS[backend.name]} instead: ${skipped.join('; ')}.`;
      this.#lastWarning = warning;
      return { storage: backend.name, warning };
    }

    this.#memory.set(account, password);
    await this.#record.set(account, null);
    const why = this.#backends.length === 0 ? 'no secure storage is configured' : skipped.join('; ');
    const warning = `Your password is kept in memory for this session only and you will be asked again next time: ${why}.`;
    this.#lastWarning = warning;
    return { storage: 'memory', warning };
  }

  /** The remembered password, or null. Memory first, then ONLY the backend recorded for the account. */
  async recall(jid: string): Promise<string | null> {
    this.#lastWarning = null;
    const account = accountKey(jid);
    const inMemory = this.#memory.get(account);
    if (inMemory !== undefined) return inMemory;

    const recorded = this.#record.get(account);
    if (recorded === null) return null;
    const backend = this.#backends.find((b) => b.name === recorded);
    const where = LABELS[recorded];
    if (!backend) {
      this.#lastWarning = `Your saved password is in ${where}, which this build cannot use.`;
      return null;
    }
    const reason = await this.#probe(backend, null);
    if (reason !== null) {
      this.#lastWarning = `Your saved password is in ${where}, which is unavailable: ${reason}.`;
      return null;
    }
    let secret: string | null;
    try {
      secret = await backend.get(account);
    } catch (error) {
      // Cannot redact a secret we never received; backends do not echo secrets into read errors.
      this.#lastWarning = `Your saved password could not be read from ${where}: ${messageOf(error)}.`;
      return null;
    }
    if (secret === null) {
      this.#lastWarning = `No saved password was found in ${where}; it may have been removed there.`;
      return null;
    }
    return secret;
  }

  /** Deletes from memory and from every backend (best effort) and clears the record. */
  async forget(jid: string): Promise<void> {
    const account = accountKey(jid);
    const secret = this.#memory.get(account) ?? null;
    this.#memory.delete(account);
    const recorded = this.#record.get(account);
    const failures: string[] = [];
    for (const backend of this.#backends) {
      try {
        await backend.delete(account);
      } catch (error) {
        // Only worth a warning where we know a password was stored.
        if (backend.name === recorded)
          failures.push(`${LABELS[backend.name]}: ${redact(messageOf(error), secret)}`);
      }
    }
    await this.#record.set(account, null);
    this.#lastWarning =
      failures.length === 0 ? null : `The saved password could not be removed from ${failures.join('; ')}.`;
  }

  storageOf(jid: string): CredentialStorage | 'none' {
    const account = accountKey(jid);
    if (this.#memory.has(account)) return 'memory';
    return this.#record.get(account) ?? 'none';
  }

  /** probe() that never throws and never leaks: a throwing probe counts as a failed one. */
  async #probe(backend: SecretBackend, secret: string | null): Promise<string | null> {
    try {
      const reason = await backend.probe();
      return reason === null ? null : redact(reason, secret);
    } catch (error) {
      return redact(`its check failed (${messageOf(error)})`, secret);
    }
  }

  async #deleteQuietly(name: SecretBackendName, account: string): Promise<void> {
    const backend = this.#backends.find((b) => b.name === name);
    if (!backend) return;
    try {
      await backend.delete(account);
    } catch {
      // best effort: the record no longer points there, so it will never be read
    }
  }
}

/**
 * Whether a remembered password may go with this sign-in: only to the host, port and TLS mode it was saved
 * with, over the same transport and WebSocket URL (or discovery), and never with the insecure switch.
 * Anything else needs it typed again (a form or a link could otherwise send it to any server). The proxy
 * may differ: the password goes inside TLS to the same server, verified for the account's domain, whatever
 * relays the bytes (and a link that says so cannot make it go anywhere else).
 */
export function mayRecallFor(
  saved: SavedConnection | null,
  request: {
    host?: string;
    port?: number;
    directTls?: boolean;
    allowInsecure?: boolean;
    transport?: 'tcp' | 'websocket';
    websocketUrl?: string;
  },
): boolean {
  const settings = saved ?? { host: null, port: null, directTls: false };
  return (
    (request.host ?? null) === settings.host &&
    (request.port ?? null) === settings.port &&
    (request.directTls ?? false) === settings.directTls &&
    (request.transport ?? 'tcp') === (settings.transport ?? 'tcp') &&
    (request.websocketUrl ?? null) === (settings.websocketUrl ?? null) &&
    request.allowInsecure !== true
  );
}
