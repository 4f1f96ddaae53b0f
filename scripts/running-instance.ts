// Browser mode's single instance for links: `npm start -- 'xmpp:…'` while Parley already runs on this data
// folder hands the link to that instance and exits, as a second launch of the desktop app does. The running
// instance listens on a local socket (a Unix socket in the data folder; a named pipe on Windows) and names
// it, with a random token, in a file only this user can read; a link is one line of JSON with the token,
// answered with one line. Nothing but 'uri.open' can be asked this way.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MAX_URI_CHARS, parseXmppUri } from '../shared/xmpp-uri.ts';
import type { Engine } from '../electron/core/engine.ts';

const INSTANCE_FILE = 'browser-instance.json';
/** A request line longer than this is no link: the connection is dropped. */
const MAX_LINE_CHARS = MAX_URI_CHARS + 1024;
const ANSWER_WITHIN_MS = 5_000;
/** Links kept until the first page is up: the latest few. */
const MAX_WAITING_LINKS = 5;

export type LinkAnswer = { ok: true } | { ok: false; error: string };
export type OpenLink = (uri: string) => Promise<LinkAnswer>;

interface InstanceRecord {
  pid: number;
  socket: string;
  token: string;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Where the instance of this data folder listens. Unix socket paths are short (sun_path: about 100 bytes, not
 * characters: a folder named in 'é's is twice as long), so a long data folder's socket goes to the temp folder.
 */
export function controlSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  const id = digest(path.resolve(dataDir)).toString('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\parley-${id}`;
  const inData = path.join(dataDir, 'links.sock');
  return Buffer.byteLength(inData) < 100 ? inData : path.join(os.tmpdir(), `parley-${id}.sock`);
}

function readLine(socket: net.Socket, onLine: (line: string) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.setTimeout(ANSWER_WITHIN_MS, () => socket.destroy());
  socket.on('error', () => undefined);
  const onData = (chunk: string): void => {
    buffered += chunk;
    const end = buffered.indexOf('\n');
    if (end < 0) {
      if (buffered.length > MAX_LINE_CHARS) socket.destroy();
      return;
    }
    socket.off('data', onData);
    onLine(buffered.slice(0, end));
  };
  socket.on('data', onData);
}

/** Listens for links from later `npm start` runs; close() stops and removes the socket and the file. */
export async function serveLinks(dataDir: string, open: OpenLink): Promise<{ close(): Promise<void> }> {
  const token = randomBytes(32).toString('base64url');
  const expected = digest(token);
  const socketPath = controlSocketPath(dataDir);
  const answer = async (line: string): Promise<LinkAnswer> => {
    let request: { token?: unknown; uri?: unknown };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      return { ok: false, error: 'not a request' };
    }
    if (typeof request?.token !== 'string' || !timingSafeEqual(digest(request.token), expected))
      return { ok: false, error: 'not allowed' };
    if (typeof request.uri !== 'string') return { ok: false, error: 'no link' };
    return open(request.uri);
  };
  const server = net.createServer((socket) =>
    readLine(socket, (line) => {
      void answer(line).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
    }),
  );
  // A socket file left by an instance that did not stop cleanly would make listen fail.
  if (process.platform !== 'win32') await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  const file = path.join(dataDir, INSTANCE_FILE);
  const record: InstanceRecord = { pid: process.pid, socket: socketPath, token };
  await writeFile(file, JSON.stringify(record), { mode: 0o600 });
  return {
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(file, { force: true });
    },
  };
}

/**
 * Hands a link to the instance running on this data folder: its answer, or null when none runs (no file,
 * or nothing listening any more).
 */
export async function passLinkToRunning(dataDir: string, uri: string): Promise<LinkAnswer | null> {
  let record: InstanceRecord;
  try {
    record = JSON.parse(await readFile(path.join(dataDir, INSTANCE_FILE), 'utf8')) as InstanceRecord;
  } catch {
    return null;
  }
  if (typeof record?.socket !== 'string' || typeof record.token !== 'string') return null;
  return new Promise((resolve) => {
    const socket = net.connect(record.socket);
    socket.once('error', () => resolve(null));
    socket.once('connect', () => {
      socket.write(`${JSON.stringify({ token: record.token, uri })}\n`);
      readLine(socket, (line) => {
        socket.end();
        try {
          resolve(JSON.parse(line) as LinkAnswer);
        } catch {
          resolve({ ok: false, error: 'the running Parley gave no answer' });
        }
      });
    });
    socket.once('close', () => resolve({ ok: false, error: 'the running Parley gave no answer' }));
  });
}

/**
 * The engine as the browser host sees it, and how links are opened: the engine's 'uri.opened' reaches only
 * pages connected then, so a link that comes before any page asked for its first state (Parley was started
 * with the link, no tab is open yet) is checked at once and announced right after that page's first state.
 */
export function linksAfterFirstPage(engine: Engine): { engine: Engine; open: OpenLink } {
  let pageUp = false;
  let waiting: string[] = [];
  const announce = async (uri: string): Promise<LinkAnswer> => {
    const result = await engine.invoke('uri.open', { uri });
    return result.ok ? { ok: true } : { ok: false, error: result.error.message };
  };
  const invoke = async (name: string, payload: unknown) => {
    const result = await engine.invoke(name, payload);
    if (name === 'state.snapshot' && !pageUp) {
      pageUp = true;
      const links = waiting;
      waiting = [];
      // After the page has its answer: the event then lands on a page that knows its accounts.
      setTimeout(() => links.forEach((uri) => void announce(uri)), 0);
    }
    return result;
  };
  const seenByHost = new Proxy(engine, {
    get: (target, property) => {
      if (property === 'invoke') return invoke;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const open: OpenLink = async (uri) => {
    if (pageUp) return announce(uri);
    // Checked now, so a bad link is said to whoever passed it; announced once a page is up.
    const parsed = parseXmppUri(uri);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    waiting = [...waiting, uri].slice(-MAX_WAITING_LINKS);
    return { ok: true };
  };
  return { engine: seenByHost, open };
}
