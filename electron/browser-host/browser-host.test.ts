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
/** The main window, open for the whole file: the other pages use tokens it asked for. */
let main: WebSocket;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-host-'));
  await mkdir(path.join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Parley</title>');
  await writeFile(path.join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the renderer');
  engine = await Engine.create({ dataDir: path.join(dir, 'data'), batchIntervalMs: 1 });
  host = await startBrowserHost({
    engine,
    rendererDir: path.join(dir, 'renderer'),
    helloTimeoutMs: 300,
    // Long enough that a reopen on a loaded machine still lands inside it (300 ms flaked there).
    releaseGraceMs: 1_500,
  });
  origin = `http://127.0.0.1:${host.port}`;
  main = await openBridge();
});

after(async () => {
  main?.close();
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

/** Asks the host, on an accepted socket (the main window's by default), for a new window's token. */
let nextWindowRequest = 1;
async function windowToken(ws: WebSocket = main): Promise<string | null> {
  const id = nextWindowRequest++;
  const reply = new Promise<WireMessage>((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as WireMessage;
      if (message.type === 'window' && message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
  });
  ws.send(JSON.stringify({ type: 'window', id }));
  const message = await reply;
  return message.type === 'window' ? message.token : null;
}

/** A page in a window of its own (a pop-out): a fresh window token, then its hello. */
async function openWindow(): Promise<WebSocket> {
  const token = await windowToken();
  assert.ok(token, 'the host gave a window token');
  return openBridge(token);
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
  const ws = await openWindow();
  const reply = new Promise<WireMessage>((resolve) =>
    ws.once('message', (d) => resolve(JSON.parse(String(d)))),
  );
  ws.send(JSON.stringify({ type: 'invoke', id: 2, command: 'state.snapshot', payload: {} }));
  assert.equal((await reply).type, 'result');
  ws.close();
});

test(`one page per window token; pop-outs get their own; at most ${MAX_WINDOWS} windows`, async () => {
  // The printed URL opened in a second tab (or a copied link) is refused while the main window is open.
  const second = await openBridge();
  assert.equal(await closeCode(second), 1008);
  const pops: WebSocket[] = [];
  const tokens: string[] = [];
  for (;;) {
    const token = await windowToken();
    if (token === null) break;
    assert.notEqual(token, host.token);
    tokens.push(token);
    pops.push(await openBridge(token));
    await new Promise((resolve) => setTimeout(resolve, 5)); // its hello is in before the next request
  }
  assert.equal(pops.length + 1, MAX_WINDOWS, 'the main window and its pop-outs, no more');
  assert.ok(pops.every((ws) => ws.readyState === WebSocket.OPEN));
  const intruder = await openBridge(tokens[0]);
  assert.equal(await closeCode(intruder), 1008, "a pop-out's token lets in only its own window");
  // A pop-out that reloads comes back with its token.
  pops[0]!.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const reloaded = await openBridge(tokens[0]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(reloaded.readyState, WebSocket.OPEN);
  for (const ws of [reloaded, ...pops]) ws.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  (await openWindow()).close();
});

test('invokes commands over the bridge and pushes event batches to every page', async () => {
  const ws = await openWindow();
  const other = await openWindow();
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

/** A pop-out's token for `chat`, asked for by the main window. */
async function windowTokenFor(chat: { account: string; peer: string }): Promise<string> {
  const id = nextWindowRequest++;
  const minted = new Promise<string | null>((resolve) =>
    main.once('message', (d) => {
      const m = JSON.parse(String(d)) as WireMessage;
      resolve(m.type === 'window' && m.id === id ? m.token : null);
    }),
  );
  main.send(JSON.stringify({ type: 'window', id, chat }));
  const token = await minted;
  assert.ok(token, 'the host gave a window token');
  return token;
}

/** The next 'window.layout' a socket hears: the chats popped out. */
function nextLayout(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as WireMessage;
      const layout = message.type === 'events' && message.batch.find((e) => e.event === 'window.layout');
      if (!layout) return;
      ws.off('message', onMessage);
      resolve(layout.payload);
    };
    ws.on('message', onMessage);
  });
}

test("every page hears which chats are popped out: when a chat's window opens, and when it closes", async () => {
  const chat = { account: 'me@example.com', peer: 'fay@example.com' };
  const token = await windowTokenFor(chat);
  const opened = nextLayout(main);
  const pop = await openBridge(token);
  assert.deepEqual(await opened, { poppedOut: [chat] });
  // A page let in later (a reloaded main window) hears the current layout at once.
  const later = await openWindow();
  assert.deepEqual(await nextLayout(later), { poppedOut: [chat] });
  // A reload (back within the grace) changes nothing for the other pages.
  const heard: unknown[] = [];
  const listen = (data: WebSocket.RawData) => {
    const message = JSON.parse(String(data)) as WireMessage;
    if (message.type === 'events') heard.push(...message.batch.filter((e) => e.event === 'window.layout'));
  };
  main.on('message', listen);
  pop.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const reloaded = await openBridge(token);
  await new Promise((resolve) => setTimeout(resolve, 1_800)); // past the grace: nothing was held back
  main.off('message', listen);
  assert.deepEqual(heard, [], 'a reloading pop-out does not hand its chat back');
  // Docked: its window says so before it closes, and every page hears the chat is back.
  const docked = nextLayout(main);
  reloaded.send(JSON.stringify({ type: 'window', id: nextWindowRequest++, closing: true }));
  assert.deepEqual(await docked, { poppedOut: [] });
  reloaded.close();
  // Closed without docking: heard once the grace is over.
  const again = await windowTokenFor(chat);
  const reopened = nextLayout(main);
  const pop2 = await openBridge(again);
  assert.deepEqual(await reopened, { poppedOut: [chat] });
  const closed = nextLayout(main);
  pop2.close();
  assert.deepEqual(await closed, { poppedOut: [] });
  later.close();
});

test('garbage on the bridge closes that socket only', async () => {
  const ws = await openWindow();
  const closed = closeCode(ws);
  ws.send('this is not json');
  assert.equal(await closed, 1003);
  const again = await openWindow();
  again.close();
});
