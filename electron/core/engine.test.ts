// Engine-level features that span modules: remembered passwords and saved accounts, the in-memory chat
// history windows load from, and the rule that a password never reaches disk outside a keychain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serverKind, startServer, type XmppServer } from '../../e2e/harness/server.ts';
import { startSlixmppPeer } from '../../e2e/harness/peer.ts';
import { Engine } from './engine.ts';
import type { SecretBackend } from './credentials.ts';

const PASSWORD = 'pässwörd-that-must-not-leak-7319';
let server: XmppServer;
const dirs: string[] = [];

before(async () => {
  server = await startServer(serverKind(), {
    accounts: [
      { user: 'alice', password: PASSWORD },
      { user: 'bob', password: PASSWORD },
    ],
  });
});

after(async () => {
  await server?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-engine-'));
  dirs.push(dir);
  return dir;
}

/** Every file under `dir`, read as text. */
async function allFiles(dir: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const file = path.join(dir, entry);
    if ((await stat(file)).isFile()) out.push([file, await readFile(file, 'utf8')]);
  }
  return out;
}

/** A secret store kept in this object, standing in for a keychain the test can look into. */
function inMemoryBackend(): SecretBackend & { secrets: Map<string, string> } {
  const secrets = new Map<string, string>();
  return {
    name: 'safe-storage',
    secrets,
    probe: async () => null,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => void secrets.delete(account),
  };
}

/** A new engine over `dir` that trusts the harness server's certificate. */
function openEngine(
  dir: string,
  options: Omit<Parameters<typeof Engine.create>[0], 'dataDir' | 'extraCertificates'>,
) {
  return Engine.create({ dataDir: dir, extraCertificates: [server.certificate.certPem], ...options });
}

const signInRequest = (extra: Record<string, unknown> = {}) => ({
  jid: `alice@${server.domain}`,
  password: PASSWORD,
  host: server.host,
  port: server.c2sPort,
  ...extra,
});

/** Alice's sign-in without a password: the engine must use the one it remembered (or refuse). */
const storedPasswordSignIn = () => ({
  jid: `alice@${server.domain}`,
  host: server.host,
  port: server.c2sPort,
});

test('remember: the password goes to the secret store only, and a later sign-in needs no password', async () => {
  const dir = await dataDir();
  const backend = inMemoryBackend();
  const engine = await openEngine(dir, { secretBackends: [backend] });
  const first = await engine.invoke('account.signIn', signInRequest({ remember: true }));
  assert.ok(first.ok, JSON.stringify(first));
  assert.equal(first.value.passwordStorage, 'safe-storage');
  assert.equal(first.value.passwordWarning, null);
  assert.equal(backend.secrets.get(`alice@${server.domain}`), PASSWORD);
  await engine.invoke('account.signOut', { account: `alice@${server.domain}` });

  const saved = await engine.invoke('account.saved', {});
  assert.ok(saved.ok);
  assert.deepEqual(saved.value, {
    accounts: [
      {
        jid: `alice@${server.domain}`,
        host: server.host,
        port: server.c2sPort,
        directTls: false,
        passwordSaved: true,
        passwordStorage: 'safe-storage',
        keepSignedIn: false, // signed out on purpose: not signed in again at the next start
        proxy: null,
        pinnedFingerprint256: null,
      },
    ],
    lastUsed: `alice@${server.domain}`,
  });
  // A restart of the app: a new engine over the same folder signs in from the store.
  await engine.dispose();
  const reopened = await openEngine(dir, { secretBackends: [backend] });
  const again = await reopened.invoke('account.signIn', storedPasswordSignIn());
  assert.ok(again.ok, JSON.stringify(again));
  for (const [file, text] of await allFiles(dir)) {
    assert.ok(!text.includes(PASSWORD), `password found in ${file}`);
  }

  // Sign out and forget: the stored password and the saved account are gone.
  const forgotten = await reopened.invoke('account.forget', { account: `alice@${server.domain}` });
  assert.ok(forgotten.ok);
  assert.equal(backend.secrets.size, 0);
  const afterForget = await reopened.invoke('account.saved', {});
  assert.ok(afterForget.ok);
  assert.deepEqual(afterForget.value.accounts, []);
  const state = await reopened.invoke('state.snapshot', {});
  assert.ok(state.ok);
  assert.deepEqual(state.value.accounts, [], 'a forgotten account is gone from the snapshot too');
  const noPassword = await reopened.invoke('account.signIn', storedPasswordSignIn());
  assert.ok(!noPassword.ok);
  assert.equal(noPassword.error.code, 'not-found');
  await reopened.dispose();
});

test('a remembered password goes only to the endpoint it was saved for; other settings need it typed again', async () => {
  const backend = inMemoryBackend();
  const engine = await openEngine(await dataDir(), { secretBackends: [backend] });
  try {
    assert.ok((await engine.invoke('account.signIn', signInRequest({ remember: true }))).ok);
    await engine.invoke('account.signOut', { account: `alice@${server.domain}` });
    // Somewhere else listening: a sign-in that recalled the password must never reach it.
    const elsewhere = net.createServer((socket) => socket.destroy());
    let reached = 0;
    elsewhere.on('connection', () => reached++);
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const otherPort = (elsewhere.address() as net.AddressInfo).port;
    try {
      for (const change of [
        { port: otherPort },
        { host: 'localhost' },
        { directTls: true },
        { allowInsecure: true },
        { host: undefined, port: undefined },
        // The same server over WebSocket is another endpoint too (and never contacted without the password).
        {
          host: undefined,
          port: undefined,
          transport: 'websocket',
          websocketUrl: `wss://127.0.0.1:${otherPort}/xmpp-websocket`,
        },
      ]) {
        const refused = await engine.invoke('account.signIn', { ...storedPasswordSignIn(), ...change });
        assert.ok(!refused.ok, JSON.stringify(change));
        assert.equal(refused.error.code, 'not-found');
        assert.match(refused.error.message, /only sent to the server it was saved for/);
      }
      assert.equal(reached, 0, 'nothing connected to the other endpoint');
    } finally {
      elsewhere.close();
    }
    // With the saved settings it signs in from the store.
    assert.ok((await engine.invoke('account.signIn', storedPasswordSignIn())).ok);
  } finally {
    await engine.dispose();
  }
});

test('no secret store answers: the password is kept for this run only, and the user is told why', async () => {
  const dir = await dataDir();
  const broken: SecretBackend = {
    name: 'keychain',
    probe: async () => 'No Secret Service is running',
    get: async () => null,
    set: async () => {
      throw new Error('unreachable');
    },
    delete: async () => undefined,
  };
  const engine = await openEngine(dir, { secretBackends: [broken] });
  const result = await engine.invoke('account.signIn', signInRequest({ remember: true }));
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.value.passwordStorage, 'memory');
  assert.match(result.value.passwordWarning ?? '', /Secret Service/);
  assert.ok(!(result.value.passwordWarning ?? '').includes(PASSWORD));
  await engine.invoke('account.signOut', { account: `alice@${server.domain}` });
  // Still usable within this run...
  const again = await engine.invoke('account.signIn', storedPasswordSignIn());
  assert.ok(again.ok, JSON.stringify(again));
  await engine.dispose();
  // ...but never written anywhere.
  for (const [file, text] of await allFiles(dir))
    assert.ok(!text.includes(PASSWORD), `password found in ${file}`);
});

test('remember: false forgets a stored password', async () => {
  const dir = await dataDir();
  const backend = inMemoryBackend();
  const engine = await openEngine(dir, { secretBackends: [backend] });
  assert.ok((await engine.invoke('account.signIn', signInRequest({ remember: true }))).ok);
  await engine.invoke('account.signOut', { account: `alice@${server.domain}` });
  assert.equal(backend.secrets.size, 1);
  assert.ok((await engine.invoke('account.signIn', signInRequest({ remember: false }))).ok);
  assert.equal(backend.secrets.size, 0);
  await engine.dispose();
});

test('chat.history gives a newly opened window the conversation so far from the store, with failures, paged by seq', async () => {
  const dir = await dataDir();
  const engine = await openEngine(dir, { batchIntervalMs: 1 });
  assert.ok((await engine.invoke('account.signIn', signInRequest())).ok);
  const bob = await startSlixmppPeer({
    jid: `bob@${server.domain}`,
    password: PASSWORD,
    host: server.host,
    port: server.c2sPort,
    caPem: server.certificate.certPem,
  });
  try {
    const bobJid = `bob@${server.domain}`;
    const alice = `alice@${server.domain}`;
    const sent = [];
    for (let i = 0; i < 5; i++) {
      const result = await engine.invoke('chat.send', { account: alice, to: bobJid, body: `out ${i}` });
      assert.ok(result.ok);
      sent.push(result.value);
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct timestamps
    }
    await bob.sendMessage(`alice@${server.domain}`, 'in 0');
    const nobody = await engine.invoke('chat.send', {
      account: alice,
      to: `nobody@${server.domain}`,
      body: 'lost',
    });
    assert.ok(nobody.ok);
    const deadline = Date.now() + 5000;
    let history;
    for (;;) {
      const h = await engine.invoke('chat.history', { account: alice, peer: bobJid });
      const f = await engine.invoke('chat.history', { account: alice, peer: `nobody@${server.domain}` });
      assert.ok(h.ok && f.ok);
      if (h.value.messages.length === 6 && f.value.failures.length === 1) {
        history = h.value;
        assert.equal(f.value.failures[0]!.id, nobody.value.id);
        assert.equal(f.value.failures[0]!.error.condition, 'service-unavailable');
        break;
      }
      assert.ok(
        Date.now() < deadline,
        `history incomplete: ${JSON.stringify(h.value.messages.map((m) => m.body))}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(
      history.messages.map((m) => [m.direction, m.body]),
      [
        ['out', 'out 0'],
        ['out', 'out 1'],
        ['out', 'out 2'],
        ['out', 'out 3'],
        ['out', 'out 4'],
        ['in', 'in 0'],
      ],
    );
    assert.equal(history.complete, true);
    // Paging back: the two messages before out 3.
    const page = await engine.invoke('chat.history', {
      account: alice,
      peer: bobJid,
      beforeSeq: sent[3]!.seq,
      limit: 2,
    });
    assert.ok(page.ok);
    assert.deepEqual(
      page.value.messages.map((m) => m.body),
      ['out 1', 'out 2'],
    );
    assert.equal(page.value.complete, false);
  } finally {
    await bob.stop();
    await engine.dispose();
  }
});
