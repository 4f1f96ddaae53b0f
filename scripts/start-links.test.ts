// `npm start -- 'xmpp:…'` in browser mode, as real processes: started with a link, Parley announces it once a
// page is up; a second run with a link hands it to the running one and exits 0; a link the parser refuses
// exits 1 with the reason; once the first Parley stopped, its instance file is gone (a later run starts anew);
// a data folder with a long (in bytes) name still gets a socket that listens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { EngineEvent } from '../shared/contract.ts';
import type { WireMessage } from '../shared/bridge.ts';
import { controlSocketPath, passLinkToRunning, serveLinks } from './running-instance.ts';

const repo = path.resolve(import.meta.dirname, '..');

function start(dataDir: string, link?: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [path.join(repo, 'scripts', 'start.ts'), ...(link ? [link] : [])], {
    cwd: repo,
    env: { ...process.env, PARLEY_DATA_DIR: dataDir, PARLEY_PORT: '0', PARLEY_BROWSER_MODE: '1' },
  });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  return { child, output: () => output };
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
}

async function addressOf(run: ReturnType<typeof start>): Promise<URL> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const found = /Parley is running at (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(run.output());
    if (found) return new URL(found[1]!);
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no address:\n${run.output()}`);
}

/** Connects as the page does (hello with the token), asks for its first state, and collects the links. */
async function connectPage(url: URL): Promise<{ links: string[]; close(): void }> {
  const socket = new WebSocket(`ws://${url.host}/bridge`, { headers: { origin: url.origin } });
  const links: string[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as WireMessage;
    if (message.type !== 'events') return;
    for (const event of message.batch as EngineEvent[])
      if (event.event === 'uri.opened') for (const uri of event.payload.uris) links.push(uri.jid);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'hello', token: url.hash.replace('#token=', '') }));
  socket.send(JSON.stringify({ type: 'invoke', id: 1, command: 'state.snapshot', payload: {} }));
  return { links, close: () => socket.close() };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out: ${what}`);
}

test('npm start with a link: opened once the page is up, later links go to the running Parley', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-links-start-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const first = start(dataDir, 'xmpp:first@example.com?message;body=one');
  t.after(() => void first.child.kill('SIGTERM'));
  const url = await addressOf(first);

  // No page was open when it started: the link waits for the first one.
  const page = await connectPage(url);
  t.after(() => page.close());
  await until(() => page.links.includes('first@example.com'), 'the start link reaches the page');

  const second = start(dataDir, 'xmpp:second@example.com?join');
  assert.equal(await exited(second.child), 0, second.output());
  assert.match(second.output(), /passed to the Parley already running/);
  assert.doesNotMatch(second.output(), /Parley is running at/);
  await until(() => page.links.includes('second@example.com'), 'the passed link reaches the page');

  const refused = start(dataDir, 'xmpp:third@example.com?message;body=%FF');
  assert.equal(await exited(refused.child), 1, refused.output());
  assert.match(refused.output(), /refused the link: The link has a broken %-escape/);
  assert.deepEqual(page.links, ['first@example.com', 'second@example.com']);

  first.child.kill('SIGTERM');
  await exited(first.child);
  await assert.rejects(access(path.join(dataDir, 'browser-instance.json')));
});

test('a data folder whose socket path is short in characters but long in bytes still serves links', async (t) => {
  // 45 'é' (2 bytes each in UTF-8): a 65-character, 110-byte socket path, past sun_path's size.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `zzr-${'é'.repeat(45)}-`));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const socket = controlSocketPath(dataDir);
  assert.ok(Buffer.byteLength(socket) < 100, socket);
  assert.equal(controlSocketPath('/tmp/short'), '/tmp/short/links.sock');
  const opened: string[] = [];
  const served = await serveLinks(dataDir, async (uri) => (opened.push(uri), { ok: true }));
  t.after(() => served.close());
  assert.deepEqual(await passLinkToRunning(dataDir, 'xmpp:a@example.com'), { ok: true });
  assert.deepEqual(opened, ['xmpp:a@example.com']);
});

test('a second npm start without a link leaves the running Parley its links and points at its page', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-links-twice-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const first = start(dataDir);
  t.after(() => void first.child.kill('SIGTERM'));
  const url = await addressOf(first);
  const instanceFile = await readFile(path.join(dataDir, 'browser-instance.json'), 'utf8');

  const second = start(dataDir);
  assert.equal(await exited(second.child), 1, second.output());
  assert.match(second.output(), /Parley already runs on this data folder at http:\/\/127\.0\.0\.1:/);
  assert.ok(second.output().includes(url.href), second.output());
  assert.doesNotMatch(second.output(), /Parley is running at/);
  assert.equal(await readFile(path.join(dataDir, 'browser-instance.json'), 'utf8'), instanceFile);

  // The first one still takes links from later runs.
  const page = await connectPage(url);
  t.after(() => page.close());
  const third = start(dataDir, 'xmpp:still@example.com');
  assert.equal(await exited(third.child), 0, third.output());
  await until(() => page.links.includes('still@example.com'), 'the link reaches the first Parley');
});

test('a socket file left by a Parley that did not stop cleanly is taken over', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-links-stale-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  await writeFile(controlSocketPath(dataDir), '');
  const served = await serveLinks(dataDir, async () => ({ ok: true }));
  t.after(() => served.close());
  assert.deepEqual(await passLinkToRunning(dataDir, 'xmpp:a@example.com'), { ok: true });
});
