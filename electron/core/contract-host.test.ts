import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Engine } from './engine.ts';
import { ContractHost, type ShellHandlers } from './contract-host.ts';
import { EngineError } from './errors.ts';

async function withHost(
  shell: Partial<ShellHandlers>,
  body: (host: ContractHost, engine: Engine) => Promise<void>,
) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-host-'));
  const engine = await Engine.create({ dataDir });
  const refuse = async () => {
    throw new EngineError('not-supported', 'not here');
  };
  const host = new ContractHost(engine, {
    'shell.openExternal': refuse,
    'window.popOut': refuse,
    'window.dock': refuse,
    'shell.notify': refuse,
    'shell.unread': refuse,
    ...shell,
  });
  try {
    await body(host, engine);
  } finally {
    await engine.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('unknown commands and bad payloads are refused before any handler runs', async () => {
  const calls: unknown[] = [];
  await withHost({ 'window.popOut': async (req) => (calls.push(req), { ok: true }) }, async (host) => {
    for (const name of ['nope', 42, null, '__proto__', 'constructor']) {
      const result = await host.handle(name, {});
      assert.ok(!result.ok && result.error.code === 'invalid-request', String(name));
    }
    const bad = await host.handle('window.popOut', { account: 'a@b.c', peer: 'not a jid' });
    assert.ok(!bad.ok && bad.error.code === 'invalid-request');
    const extra = await host.handle('window.popOut', { account: 'a@b.c', peer: 'a@b.c', evil: 1 });
    assert.ok(!extra.ok && extra.error.code === 'invalid-request');
    assert.deepEqual(calls, []);
    const missing = await host.handle('window.popOut', { peer: 'a@b.c' });
    assert.ok(!missing.ok && missing.error.code === 'invalid-request', 'a chat names its account');
    const good = await host.handle('window.popOut', { account: 'a@b.c', peer: 'a@b.c' });
    assert.deepEqual(good, { ok: true, value: { ok: true } });
    assert.deepEqual(calls, [{ account: 'a@b.c', peer: 'a@b.c' }]);
  });
});

test('engine commands go to the engine; shell commands never do', async () => {
  await withHost({}, async (host, engine) => {
    const snapshot = await host.handle('state.snapshot', {});
    assert.ok(snapshot.ok);
    assert.deepEqual((snapshot.value as { accounts: unknown[] }).accounts, [], 'no account yet');
    // The engine itself refuses shell commands (a transport that forgot to route them gets an error).
    const direct = await engine.invoke('window.dock', { account: 'a@b.c', peer: 'a@b.c' });
    assert.ok(!direct.ok && direct.error.code === 'not-supported');
    // A throwing shell handler becomes a typed error, not an exception.
    const refused = await host.handle('shell.openExternal', { url: 'https://example.com' });
    assert.ok(!refused.ok && refused.error.code === 'not-supported');
  });
});
