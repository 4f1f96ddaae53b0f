import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { Engine } from '../core/engine.ts';
import { MAX_WINDOWS, startBrowserHost, type BrowserHost } from './browser-host.ts';
import type { WireMessage } from '../../shared/bridge.ts';
import { freePort } from '../../e2e/harness/prosody.ts';

let dir: string;
let engine: Engine;
let host: BrowserHost;
let origin: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-host-'));
  await mkdir(path.join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Parley</title>');
  await writeFile(path.join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the renderer');
  engine = await Engine.create({ dataDir: path.join(dir, 'data'), batchIntervalMs: 1 });
  host = await startBrowserHost({ engine, rendererDir: path.join(dir, 'renderer'), helloTimeoutMs: 300 });
  origin = `http://127.0.0.1:${host.port}`;
});

after(async () => {
  await host?.close();
  await engine?.dispose();
  await rm(dir, { recursive: true, force: true });
});

function get(pathname: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: pathname, method, headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

function connect(url: string, wsOrigin = origin): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin: wsOrigin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** A socket of ours: connected, and its hello with the token sent as the first frame. */
async function openBridge(token = host.token): Promise<WebSocket> {
  const ws = await connect(`ws://127.0.0.1:${host.port}/bridge`);
  ws.send(JSON.stringify({ type: 'hello', token }));
  return ws;
}

const closeCode = (ws: WebSocket) =>
  new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

test('prints a loopback URL whose token lives in the hash', () => {
  assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
});

test('serves the renderer with a strict CSP and refuses anything outside it', async () => {
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.match(String(index.headers['content-type']), /text\/html/);
  const csp = String(index.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const script = await get('/assets/app.js');
  assert.equal(script.status, 200);
  assert.match(String(script.headers['content-type']), /javascript/);
  for (const escape of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
  ]) {
    const response = await get(escape);
    assert.notEqual(response.status, 200, escape);
    assert.doesNotMatch(response.body, /outside the renderer/, escape);
  }
  assert.equal((await get('/nope.js')).status, 404);
  assert.equal(
    (await get('/', { host: 'evil.example:80' })).status,
    403,
    'DNS rebinding: foreign Host refused',
  );
  assert.equal((await get('/', {}, 'POST')).status, 405);
});

test('the bridge needs our Origin and Host, then the token in its first frame (never in the URL)', async () => {
  const base = `ws://127.0.0.1:${host.port}/bridge`;
  await assert.rejects(connect(`${base}?token=${host.token}`), /403/, 'a token in the URL is refused');
  await assert.rejects(connect(base, 'http://evil.example'), /403/);
  // A wrong token, an invoke before the hello, or no hello at all: closed, nothing answered.
  const wrong = await openBridge('wrong');
  assert.equal(await closeCode(wrong), 1008);
  const early = await connect(base);
  const answers: string[] = [];
  early.on('message', (data) => answers.push(String(data)));
  early.send(JSON.stringify({ type: 'invoke', id: 1, command: 'state.snapshot', payload: {} }));
  assert.equal(await closeCode(early), 1008);
  assert.deepEqual(answers, []);
  const silent = await connect(base);
  assert.equal(await closeCode(silent), 1008, 'no hello within the deadline');
  // The right one works.
  const ws = await openBridge();
  const reply = new Promise<WireMessage>((resolve) =>
    ws.once('message', (d) => resolve(JSON.parse(String(d)))),
  );
  ws.send(JSON.stringify({ type: 'invoke', id: 2, command: 'state.snapshot', payload: {} }));
  assert.equal((await reply).type, 'result');
  ws.close();
});

test(`at most ${MAX_WINDOWS} pages at once: one more is closed`, async () => {
  const open = await Promise.all(Array.from({ length: MAX_WINDOWS }, () => openBridge()));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const extra = await openBridge();
  assert.equal(await closeCode(extra), 1008);
  for (const ws of open) ws.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  (await openBridge()).close();
});

test('invokes commands over the bridge and pushes event batches to every page', async () => {
  const ws = await openBridge();
  const other = await openBridge();
  const received: WireMessage[] = [];
  const otherReceived: WireMessage[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data)) as WireMessage));
  other.on('message', (data) => otherReceived.push(JSON.parse(String(data)) as WireMessage));
  ws.send(JSON.stringify({ type: 'invoke', id: 7, command: 'state.snapshot', payload: {} }));
  ws.send(
    JSON.stringify({
      type: 'invoke',
      id: 8,
      command: 'window.popOut',
      payload: { account: 'a@b.c', peer: 'a@b.c' },
    }),
  );
  // A sign-in to a closed port: fails fast and emits connection.state events.
  const port = await freePort();
  ws.send(
    JSON.stringify({
      type: 'invoke',
      id: 9,
      command: 'account.signIn',
      payload: { jid: 'a@b.c', password: 'x', host: '127.0.0.1', port },
    }),
  );
  const deadline = Date.now() + 5000;
  while (
    Date.now() < deadline &&
    (received.filter((m) => m.type === 'result').length < 3 || otherReceived.length === 0)
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const results = new Map(received.flatMap((m) => (m.type === 'result' ? [[m.id, m.result] as const] : [])));
  assert.equal(results.get(7)?.ok, true);
  const popOut = results.get(8);
  assert.ok(popOut && !popOut.ok && popOut.error.code === 'not-supported');
  const signIn = results.get(9);
  assert.ok(signIn && !signIn.ok && signIn.error.code === 'unreachable');
  const events = otherReceived.flatMap((m) => (m.type === 'events' ? m.batch : []));
  assert.ok(
    events.some((e) => e.event === 'connection.state'),
    'the other page got the events too',
  );
  ws.close();
  other.close();
});

test('garbage on the bridge closes that socket only', async () => {
  const ws = await openBridge();
  const closed = closeCode(ws);
  ws.send('this is not json');
  assert.equal(await closed, 1003);
  const again = await openBridge();
  again.close();
});
