// The credential store against the real gnome-keyring (via keytar) where a Secret Service is reachable, and its
// fallback rules with small in-test backends. `node scripts/run-tests.ts` provides a throwaway unlocked keyring;
// plain `node --test` without a D-Bus session reports the keychain tests as skipped, with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CredentialStore, KEYCHAIN_SERVICE, keytarBackend } from './credentials.ts';
import type { BackendRecord, SecretBackend, SecretBackendName } from './credentials.ts';
import { keychainSkipReason } from '../../e2e/harness/keychain.ts';

const MODULE_URL = pathToFileURL(
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'credentials.ts'),
).href;

function uniqueJid(): string {
  return `cred-test-${randomBytes(6).toString('hex')}@parley.test`;
}

function uniquePassword(): string {
  return `pw-${randomBytes(12).toString('hex')}-Zürich-密码`;
}

/** A record persisted as JSON in a temp file, so tests can check what is actually written. */
class FileRecord implements BackendRecord {
  readonly file: string;
  #data: Record<string, SecretBackendName>;

  constructor(file: string) {
    this.file = file;
    try {
      this.#data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, SecretBackendName>;
    } catch {
      this.#data = {};
    }
  }

  get(jid: string): SecretBackendName | null {
    return this.#data[jid] ?? null;
  }

  async set(jid: string, backend: SecretBackendName | null): Promise<void> {
    if (backend === null) delete this.#data[jid];
    else this.#data[jid] = backend;
    writeFileSync(this.file, JSON.stringify(this.#data));
  }

  raw(): string {
    return readFileSync(this.file, 'utf8');
  }
}

function tempRecord(t: { after(fn: () => void): void }): FileRecord {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-cred-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return new FileRecord(path.join(dir, 'record.json'));
}

/** An in-memory backend whose availability and failures the test controls, counting every call. */
class FakeBackend implements SecretBackend {
  readonly name: SecretBackendName;
  readonly secrets = new Map<string, string>();
  readonly calls: string[] = [];
  probeReason: string | null = null;
  probeThrows = false;
  setError: string | null = null;
  deleteError: string | null = null;

  constructor(name: SecretBackendName) {
    this.name = name;
  }

  async probe(): Promise<string | null> {
    this.calls.push('probe');
    if (this.probeThrows) throw new Error('probe exploded');
    return this.probeReason;
  }

  async get(account: string): Promise<string | null> {
    this.calls.push(`get ${account}`);
    return this.secrets.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.calls.push(`set ${account}`);
    if (this.setError !== null) throw new Error(this.setError);
    this.secrets.set(account, secret);
  }

  async delete(account: string): Promise<void> {
    this.calls.push(`delete ${account}`);
    if (this.deleteError !== null) throw new Error(this.deleteError);
    this.secrets.delete(account);
  }
}

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs an ES module snippet in a child Node with no D-Bus session (nor any way to autolaunch one). */
function runWithoutDbus(source: string, extraEnv: Record<string, string> = {}): Promise<ChildResult> {
  const env = { ...process.env, ...extraEnv };
  for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR'])
    delete env[name];
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', source],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
          ms: Date.now() - started,
        });
      },
    );
  });
}

/** The JSON object a child printed on its last line. */
function lastJson<T>(result: ChildResult): T {
  assert.equal(result.code, 0, `child failed: ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T;
}

/** The in-child fake safe-storage and record, as source text. */
const CHILD_PRELUDE = `
import { CredentialStore, keytarBackend } from ${JSON.stringify(MODULE_URL)};
const recordData = JSON.parse(process.env.RECORD_JSON ?? '{}');
const record = {
  get: (jid) => recordData[jid] ?? null,
  async set(jid, backend) { if (backend === null) delete recordData[jid]; else recordData[jid] = backend; },
};
const safeCalls = [];
const safeSecrets = new Map(JSON.parse(process.env.SAFE_JSON ?? '[]'));
const safeStorage = {
  name: 'safe-storage',
  async probe() { safeCalls.push('probe'); return null; },
  async get(a) { safeCalls.push('get'); return safeSecrets.get(a) ?? null; },
  async set(a, s) { safeCalls.push('set'); safeSecrets.set(a, s); },
  async delete(a) { safeCalls.push('delete'); safeSecrets.delete(a); },
};
`;

const keychainSkip = await keychainSkipReason();
const keytar = (await import('keytar')).default;

// ---- the real keychain -------------------------------------------------------------------------------------

/**
 * A fresh account whose keychain entry is deleted after the test, and a store over the real keychain with a
 * fake safe-storage below it and a temp-file record.
 */
function keychainStore(t: { after(fn: () => void | Promise<void>): void }) {
  const jid = uniqueJid();
  const password = uniquePassword();
  t.after(async () => {
    await keytar.deletePassword(KEYCHAIN_SERVICE, jid);
  });
  const record = tempRecord(t);
  const safe = new FakeBackend('safe-storage');
  const store = new CredentialStore([keytarBackend(), safe], record);
  return { jid, password, record, safe, store };
}

test(
  'keychain: remember stores in the real keychain, readable by a fresh store and by keytar; forget deletes it',
  { skip: keychainSkip },
  async (t) => {
    const { jid, password, record, safe, store } = keychainStore(t);

    const result = await store.remember(jid, password);
    assert.deepEqual(result, { storage: 'keychain', warning: null });
    assert.equal(store.storageOf(jid), 'keychain');
    assert.deepEqual(safe.calls, [], 'a lower backend is not touched when the keychain works');

    assert.equal(
      await keytar.getPassword(KEYCHAIN_SERVICE, jid),
      password,
      'keytar sees service "Parley", account = jid',
    );

    const fresh = new CredentialStore([keytarBackend(), safe], new FileRecord(record.file));
    assert.equal(fresh.storageOf(jid), 'keychain');
    assert.equal(await fresh.recall(jid), password);
    assert.equal(fresh.lastWarning, null);

    const raw = record.raw();
    assert.ok(raw.includes(jid) && raw.includes('keychain'), `record is ${raw}`);
    assert.ok(!raw.includes(password), 'the record never holds the password');

    await fresh.forget(jid);
    assert.equal(fresh.lastWarning, null);
    assert.equal(await keytar.getPassword(KEYCHAIN_SERVICE, jid), null);
    assert.equal(fresh.storageOf(jid), 'none');
    assert.ok(!new FileRecord(record.file).raw().includes(jid), 'record entry cleared');
    assert.equal(await new CredentialStore([keytarBackend()], new FileRecord(record.file)).recall(jid), null);
  },
);

test(
  'keychain: recall reads only the keychain even when another backend holds something for the account',
  { skip: keychainSkip },
  async (t) => {
    const { jid, password, record, safe, store } = keychainStore(t);
    assert.equal((await store.remember(jid, 'first-password')).storage, 'keychain');
    assert.equal((await store.remember(jid, password)).storage, 'keychain', 'remember again overwrites');
    safe.secrets.set(jid, 'stale-other-store');

    const fresh = new CredentialStore([keytarBackend(), safe], new FileRecord(record.file));
    assert.equal(await fresh.recall(jid), password);
    assert.ok(!safe.calls.some((c) => c.startsWith('get')), 'safe-storage never read');
  },
);

test(
  'keychain: keytarBackend probe answers quickly when the Secret Service is up',
  { skip: keychainSkip },
  async () => {
    const started = Date.now();
    assert.equal(await keytarBackend().probe(), null);
    assert.ok(Date.now() - started < 3000);
  },
);

// ---- the real keytar backend with no D-Bus (child process) --------------------------------------------------

test('no D-Bus: the keytar probe fails within its bound and says why', async () => {
  const result = await runWithoutDbus(`
    import { keytarBackend } from ${JSON.stringify(MODULE_URL)};
    const started = Date.now();
    const reason = await keytarBackend().probe();
    console.log(JSON.stringify({ reason, ms: Date.now() - started }));
  `);
  const { reason, ms } = lastJson<{ reason: string | null; ms: number }>(result);
  assert.equal(typeof reason, 'string', 'probe must fail without a session bus');
  assert.match(reason ?? '', /D-Bus|Secret Service|keychain/);
  assert.ok(ms < 4000, `probe took ${ms} ms`);
});

test('no D-Bus: remember falls to the next backend with a warning, and to memory when there is none', async () => {
  const password = uniquePassword();
  const result = await runWithoutDbus(
    `${CHILD_PRELUDE}
    const jid = ${JSON.stringify(uniqueJid())};
    const password = process.env.TEST_PASSWORD;
    const two = new CredentialStore([keytarBackend(), safeStorage], record);
    const first = await two.remember(jid, password);
    const firstStorageOf = two.storageOf(jid);
    const back = await new CredentialStore([keytarBackend(), safeStorage], record).recall(jid);
    const one = new CredentialStore([keytarBackend()], record);
    const second = await one.remember(jid, password);
    console.log(JSON.stringify({ first, firstStorageOf, backOk: back === password, second,
      secondStorageOf: one.storageOf(jid), memOk: (await one.recall(jid)) === password,
      lastWarning: one.lastWarning, record: recordData }));
  `,
    { TEST_PASSWORD: password },
  );
  const out = lastJson<{
    first: { storage: string; warning: string | null };
    firstStorageOf: string;
    backOk: boolean;
    second: { storage: string; warning: string | null };
    secondStorageOf: string;
    memOk: boolean;
    lastWarning: string | null;
    record: Record<string, string>;
  }>(result);
  assert.equal(out.first.storage, 'safe-storage');
  assert.equal(out.firstStorageOf, 'safe-storage');
  assert.ok(out.backOk, 'readable back from safe-storage (recorded there)');
  assert.match(out.first.warning ?? '', /encrypted app storage instead/);
  assert.match(out.first.warning ?? '', /system keychain is unavailable: .*D-Bus/);
  assert.equal(out.second.storage, 'memory');
  assert.equal(out.secondStorageOf, 'memory');
  assert.ok(out.memOk);
  assert.match(out.second.warning ?? '', /memory for this session only.*system keychain is unavailable/);
  assert.deepEqual(out.record, {}, 'memory leaves nothing recorded');
  for (const text of [out.first.warning, out.second.warning, out.lastWarning, result.stdout, result.stderr]) {
    assert.ok(!(text ?? '').includes(password), 'no password in warnings or output');
  }
});

test('no D-Bus: a password recorded in the keychain is NOT read from another backend (null + lastWarning)', async () => {
  const jid = uniqueJid();
  const other = uniquePassword();
  const env = {
    RECORD_JSON: JSON.stringify({ [jid]: 'keychain' }),
    SAFE_JSON: JSON.stringify([[jid, other]]),
  };
  const result = await runWithoutDbus(
    `${CHILD_PRELUDE}
    const store = new CredentialStore([keytarBackend(), safeStorage], record);
    const value = await store.recall(${JSON.stringify(jid)});
    console.log(JSON.stringify({ value, lastWarning: store.lastWarning, storageOf: store.storageOf(${JSON.stringify(jid)}), safeCalls }));
  `,
    env,
  );
  const out = lastJson<{
    value: string | null;
    lastWarning: string | null;
    storageOf: string;
    safeCalls: string[];
  }>(result);
  assert.equal(out.value, null);
  assert.equal(out.storageOf, 'keychain');
  assert.match(
    out.lastWarning ?? '',
    /saved password is in the system keychain, which is unavailable: .*D-Bus/,
  );
  assert.ok(
    !out.safeCalls.includes('get'),
    `safe-storage must not be read; calls: ${out.safeCalls.join(',')}`,
  );
  assert.ok(!(out.lastWarning ?? '').includes(other));
});

// ---- fallback order and recall rules (in-test backends) ------------------------------------------------------

test('order: the first backend whose probe passes wins; lower ones are untouched', async (t) => {
  const a = new FakeBackend('keychain');
  const b = new FakeBackend('safe-storage');
  const store = new CredentialStore([a, b], tempRecord(t));
  const jid = uniqueJid();
  assert.deepEqual(await store.remember(jid, 'secret-1'), { storage: 'keychain', warning: null });
  assert.deepEqual(b.calls, []);
  assert.equal(store.lastWarning, null);
});

test('order: failed probes and failed writes fall through, each reason in the warning; none left -> memory', async (t) => {
  const record = tempRecord(t);
  const a = new FakeBackend('keychain');
  const b = new FakeBackend('safe-storage');
  a.probeReason = 'No Secret Service is running (D-Bus org.freedesktop.secrets)';
  const store = new CredentialStore([a, b], record);
  const jid = uniqueJid();
  const password = uniquePassword();

  const first = await store.remember(jid, password);
  assert.equal(first.storage, 'safe-storage');
  assert.match(first.warning ?? '', /No Secret Service is running/);
  assert.equal(store.lastWarning, first.warning);
  assert.deepEqual(a.calls, ['probe'], 'nothing written to a backend whose probe failed');
  assert.equal(record.get(jid), 'safe-storage');

  b.setError = `disk full while writing ${password}`; // a careless backend echoing the secret
  const second = await store.remember(jid, password);
  assert.equal(second.storage, 'memory');
  assert.match(second.warning ?? '', /memory for this session only/);
  assert.match(
    second.warning ?? '',
    /No Secret Service is running.*encrypted app storage could not save it: disk full/,
  );
  assert.ok(!(second.warning ?? '').includes(password), 'secret redacted from the warning');
  assert.equal(store.storageOf(jid), 'memory');
  assert.equal(record.get(jid), null, 'record cleared: the stored copy is no longer the password');
  assert.equal(await store.recall(jid), password, 'memory first');
  assert.equal(
    await new CredentialStore([a, b], new FileRecord(record.file)).recall(jid),
    null,
    'memory is per run',
  );
  assert.ok(!record.raw().includes(password));
});

test('order: a probe that throws counts as unavailable; no backends at all -> memory with a warning', async (t) => {
  const a = new FakeBackend('keychain');
  a.probeThrows = true;
  const b = new FakeBackend('safe-storage');
  const store = new CredentialStore([a, b], tempRecord(t));
  const jid = uniqueJid();
  const r = await store.remember(jid, 'pw-abc');
  assert.equal(r.storage, 'safe-storage');
  assert.match(r.warning ?? '', /probe exploded/);

  const none = new CredentialStore([], tempRecord(t));
  const m = await none.remember(jid, 'pw-abc');
  assert.equal(m.storage, 'memory');
  assert.match(m.warning ?? '', /no secure storage is configured/);
});

test('recall: reads only the recorded backend; if it is down -> null + lastWarning, never another store', async (t) => {
  const record = tempRecord(t);
  const a = new FakeBackend('keychain');
  const b = new FakeBackend('safe-storage');
  const jid = uniqueJid();
  const password = uniquePassword();
  await new CredentialStore([a, b], record).remember(jid, password);
  b.secrets.set(jid, 'other-store-secret');

  a.probeReason = 'The keychain is locked';
  const store = new CredentialStore([a, b], new FileRecord(record.file));
  assert.equal(await store.recall(jid), null);
  assert.match(store.lastWarning ?? '', /system keychain, which is unavailable: The keychain is locked/);
  assert.ok(!b.calls.some((c) => c.startsWith('get')), 'safe-storage not read');
  assert.equal(store.storageOf(jid), 'keychain', 'the record is kept for when the keychain is back');

  a.probeReason = null;
  assert.equal(await store.recall(jid), password);
  assert.equal(store.lastWarning, null);

  const keychainMissing = new CredentialStore([b], new FileRecord(record.file));
  assert.equal(await keychainMissing.recall(jid), null);
  assert.match(keychainMissing.lastWarning ?? '', /cannot use/);

  a.secrets.delete(jid);
  assert.equal(await store.recall(jid), null);
  assert.match(store.lastWarning ?? '', /No saved password was found/);
  assert.equal(await new CredentialStore([a, b], tempRecord(t)).recall(jid), null, 'unknown account');
});

test('remember: moving up to a better backend removes the stale copy from the old one', async (t) => {
  const record = tempRecord(t);
  const a = new FakeBackend('keychain');
  const b = new FakeBackend('safe-storage');
  const jid = uniqueJid();
  a.probeReason = 'down';
  await new CredentialStore([a, b], record).remember(jid, 'old');
  assert.equal(b.secrets.get(jid), 'old');
  a.probeReason = null;
  const r = await new CredentialStore([a, b], new FileRecord(record.file)).remember(jid, 'new');
  assert.deepEqual(r, { storage: 'keychain', warning: null });
  assert.equal(b.secrets.has(jid), false);
  assert.equal(new FileRecord(record.file).get(jid), 'keychain');
});

test('forget: clears memory, every backend and the record; a failure where it was stored is reported', async (t) => {
  const record = tempRecord(t);
  const a = new FakeBackend('keychain');
  const b = new FakeBackend('safe-storage');
  const jid = uniqueJid();
  const password = uniquePassword();
  const store = new CredentialStore([a, b], record);
  await store.remember(jid, password);
  b.secrets.set(jid, 'x');
  await store.forget(jid);
  assert.equal(a.secrets.has(jid), false);
  assert.equal(b.secrets.has(jid), false);
  assert.equal(store.storageOf(jid), 'none');
  assert.equal(store.lastWarning, null);

  await store.remember(jid, password);
  a.deleteError = 'keychain went away';
  b.deleteError = 'nothing there';
  await store.forget(jid);
  assert.equal(store.storageOf(jid), 'none');
  assert.match(store.lastWarning ?? '', /could not be removed from the system keychain: keychain went away/);
  assert.ok(!(store.lastWarning ?? '').includes('nothing there'), 'only the recorded store matters');

  a.probeReason = 'down';
  b.probeReason = 'down';
  await store.remember(jid, password);
  assert.equal(store.storageOf(jid), 'memory');
  await store.forget(jid);
  assert.equal(store.storageOf(jid), 'none');
  assert.equal(await store.recall(jid), null);
});

test('accounts are keyed by normalized bare JID; invalid input is refused without echoing the password', async (t) => {
  const a = new FakeBackend('keychain');
  const store = new CredentialStore([a], tempRecord(t));
  await store.remember('Alice@Example.COM/laptop', 'pw-1');
  assert.equal(store.storageOf('alice@example.com'), 'keychain');
  assert.equal(await store.recall('alice@example.com/phone'), 'pw-1');
  await assert.rejects(
    store.remember('not a jid@@', 'pw-secret-xyz'),
    (e: Error) => !e.message.includes('pw-secret-xyz'),
  );
  await assert.rejects(store.remember('bob@example.com', ''), /empty password/);
  assert.throws(
    () => new CredentialStore([a, new FakeBackend('keychain')], tempRecord(t)),
    /Two secret backends/,
  );
});
