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
  /** The running page's address, for a later run to point at. */
  page?: string;
}

/** Another Parley listens on this data folder's socket: a second run must not take its links over. */
export class AlreadyRunningError extends Error {
  /** The running Parley's page address, when its instance file names it. */
  readonly page: string | null;
  constructor(page: string | null) {
    super('Parley already runs on this data folder.');
    this.page = page;
  }
}

/** Whether something answers on the socket (a left-over socket file of a crashed run does not). */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.setTimeout(ANSWER_WITHIN_MS, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function readRecord(dataDir: string): Promise<InstanceRecord | null> {
  try {
    const record = JSON.parse(await readFile(path.join(dataDir, INSTANCE_FILE), 'utf8')) as InstanceRecord;
    return typeof record?.socket === 'string' && typeof record.token === 'string' ? record : null;
  } catch {
    return null;
  }
}

/** The Parley running on this data folder (its page address, when known), or null when none answers. */
export async function findRunning(dataDir: string): Promise<{ page: string | null } | null> {
  if (!(await answers(controlSocketPath(dataDir)))) return null;
  const page = (await readRecord(dataDir))?.page;
  return { page: typeof page === 'string' ? page : null };
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

/**
 * Listens for links from later `npm start` runs; close() stops and removes the socket and the file. Throws
 * AlreadyRunningError when another Parley serves this data folder (its socket and file are left alone).
 */
export async function serveLinks(
  dataDir: string,
  open: OpenLink,
  page?: string,
): Promise<{ close(): Promise<void> }> {
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
  const running = await findRunning(dataDir);
  if (running) throw new AlreadyRunningError(running.page);
  // A socket file left by an instance that did not stop cleanly would make listen fail.
  if (process.platform !== 'win32') await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  const file = path.join(dataDir, INSTANCE_FILE);
  const record: InstanceRecord = { pid: process.pid, socket: socketPath, token, page };
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
  const record = await readRecord(dataDir);
  if (!record) return null;
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
