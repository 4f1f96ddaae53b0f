// Several accounts in one engine, against a real Prosody: each has its own runtime, so messages land under
// the account they were sent to, a reply goes out from the account named, one account signing out (or
// failing to sign in) leaves the other online, and accounts signed in when the app quit are signed in again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serverKind, startServer, type XmppServer } from '../../e2e/harness/server.ts';
import { startSlixmppPeer, type SlixmppPeer } from '../../e2e/harness/peer.ts';
import type { ChatMessage, EngineEvent } from '../../shared/contract.ts';
import { Engine } from './engine.ts';
import type { SecretBackend } from './credentials.ts';

const PASSWORD = 'several-accounts-8812';
let server: XmppServer;
const cleanup: Array<() => Promise<unknown>> = [];

before(async () => {
  server = await startServer(serverKind(), {
    accounts: ['work', 'home', 'carol'].map((user) => ({ user, password: PASSWORD })),
  });
});

after(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await server?.stop();
});

const jid = (user: string) => `${user}@${server.domain}`;
const request = (user: string, extra: Record<string, unknown> = {}) => ({
  jid: jid(user),
  password: PASSWORD,
  host: server.host,
  port: server.c2sPort,
  ...extra,
});

async function openEngine(dir?: string, secretBackends: SecretBackend[] = []) {
  const dataDir = dir ?? (await mkdtemp(path.join(os.tmpdir(), 'parley-accounts-')));
  if (!dir) cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const engine = await Engine.create({
    dataDir,
    extraCertificates: [server.certificate.certPem],
    batchIntervalMs: 5,
    secretBackends,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((batch) => events.push(...batch));
  return { engine, events, dataDir };
}

async function until(what: string, predicate: () => boolean, engine: Engine, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    engine.flushEvents();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const messagesOf = (events: EngineEvent[]): ChatMessage[] =>
  events.flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages : []));

async function peer(user: string): Promise<SlixmppPeer> {
  const p = await startSlixmppPeer({
    jid: jid(user),
    password: PASSWORD,
    host: server.host,
    port: server.c2sPort,
    caPem: server.certificate.certPem,
  });
  cleanup.push(() => p.stop());
  return p;
}

test('two accounts at once: each message lands under its account, replies go out from the right JID', async () => {
  const { engine, events } = await openEngine();
  cleanup.push(() => engine.dispose());
  const work = await engine.invoke('account.signIn', request('work'));
  const home = await engine.invoke('account.signIn', request('home'));
  assert.ok(work.ok && home.ok, JSON.stringify([work, home]));
  assert.deepEqual([work.value.account, home.value.account], [jid('work'), jid('home')]);
  const twice = await engine.invoke('account.signIn', request('work'));
  assert.equal(twice.ok ? 'ok' : twice.error.code, 'already-connected');

  const carol = await peer('carol');
  await carol.sendMessage(jid('work'), 'to work');
  await carol.sendMessage(jid('home'), 'to home');
  await until('both messages', () => messagesOf(events).length >= 2, engine);
  const byBody = new Map(messagesOf(events).map((m) => [m.body, m]));
  assert.deepEqual(
    [byBody.get('to work')?.account, byBody.get('to home')?.account],
    [jid('work'), jid('home')],
  );
  assert.equal(byBody.get('to work')?.kind, 'chat');

  // The same contact's chat on two accounts is two conversations, each with its own history.
  for (const account of [jid('work'), jid('home')]) {
    const page = await engine.invoke('chat.history', { account, peer: jid('carol') });
    assert.ok(page.ok);
    assert.deepEqual(
      page.value.messages.map((m) => [m.account, m.body]),
      [[account, account === jid('work') ? 'to work' : 'to home']],
    );
  }

  const reply = await engine.invoke('chat.send', {
    account: jid('home'),
    to: jid('carol'),
    body: 'from home',
  });
  assert.ok(reply.ok);
  const got = await carol.waitFor('message', (m) => m.body === 'from home');
  assert.equal(got.from?.split('/')[0], jid('home'), 'the reply comes from the account the chat belongs to');

  // Search covers every account; each hit names its account.
  const hits = await engine.invoke('chat.search', { query: 'to' });
  assert.ok(hits.ok);
  assert.deepEqual(hits.value.hits.map((h) => h.message.account).sort(), [jid('home'), jid('work')]);
  const one = await engine.invoke('chat.search', { query: 'to', account: jid('work') });
  assert.ok(one.ok);
  assert.deepEqual(
    one.value.hits.map((h) => h.message.body),
    ['to work'],
  );

  // One signs out: the other stays online and keeps chatting.
  assert.ok((await engine.invoke('account.signOut', { account: jid('work') })).ok);
  const snap = await engine.invoke('state.snapshot', {});
  assert.ok(snap.ok);
  const status = new Map(snap.value.accounts.map((a) => [a.account, a.connection.status]));
  assert.deepEqual([status.get(jid('work')), status.get(jid('home'))], ['offline', 'online']);
  const offline = await engine.invoke('chat.send', { account: jid('work'), to: jid('carol'), body: 'x' });
  assert.equal(offline.ok ? 'ok' : offline.error.code, 'not-connected');
  await carol.sendMessage(jid('home'), 'still there?');
  await until('home still receives', () => messagesOf(events).some((m) => m.body === 'still there?'), engine);
});

test("one account's failure (wrong password, unreachable server) never disturbs another", async () => {
  const { engine, events } = await openEngine();
  cleanup.push(() => engine.dispose());
  assert.ok((await engine.invoke('account.signIn', request('work'))).ok);
  const [wrong, unreachable] = await Promise.all([
    engine.invoke('account.signIn', request('home', { password: 'not it' })),
    engine.invoke('account.signIn', request('carol', { port: 1 })),
  ]);
  assert.equal(wrong.ok ? 'ok' : wrong.error.code, 'auth-failed');
  assert.equal(unreachable.ok ? 'ok' : unreachable.error.code, 'unreachable');
  engine.flushEvents();
  const states = events.flatMap((e) => (e.event === 'connection.state' ? [e.payload] : []));
  assert.equal(states.filter((s) => s.account === jid('work')).at(-1)?.status, 'online');
  assert.equal(states.filter((s) => s.account === jid('home')).at(-1)?.error?.code, 'auth-failed');
  const carol = await peer('carol');
  await carol.sendMessage(jid('work'), 'unaffected');
  await until('work still receives', () => messagesOf(events).some((m) => m.body === 'unaffected'), engine);
});

test('accounts signed in when the app quit are signed in again at start; one signed out on purpose is not', async () => {
  const secrets = new Map<string, string>();
  const backend: SecretBackend = {
    name: 'safe-storage',
    probe: async () => null,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => void secrets.delete(account),
  };
  const first = await openEngine(undefined, [backend]);
  for (const user of ['work', 'home']) {
    assert.ok((await first.engine.invoke('account.signIn', request(user, { remember: true }))).ok);
  }
  assert.ok((await first.engine.invoke('account.signOut', { account: jid('home') })).ok);
  await first.engine.dispose(); // the app quits with work signed in

  const second = await openEngine(first.dataDir, [backend]);
  cleanup.push(() => second.engine.dispose());
  const saved = await second.engine.invoke('account.saved', {});
  assert.ok(saved.ok);
  assert.deepEqual(saved.value.accounts.map((a) => [a.jid, a.keepSignedIn]).sort(), [
    [jid('home'), false],
    [jid('work'), true],
  ]);
  const restored = await second.engine.invoke('account.restore', {});
  assert.ok(restored.ok);
  assert.deepEqual(restored.value.results, [{ account: jid('work'), error: null }]);
  const snap = await second.engine.invoke('state.snapshot', {});
  assert.ok(snap.ok);
  const status = new Map(snap.value.accounts.map((a) => [a.account, a.connection.status]));
  assert.deepEqual([status.get(jid('work')), status.get(jid('home'))], ['online', 'offline']);
});
