// Converse.js (a second real XMPP client, written by no one here) in Debian's Chromium, signed in to a
// harness server over its WebSocket endpoint (RFC 7395). A loopback HTTP server hands out one page that
// loads Converse's prebuilt dist from node_modules; a tiny Converse plugin exposes its own API
// (`_converse.api`) and a bounded log of the stanzas it sent and received, so tests drive Converse through
// its API (chats, messages, contacts) instead of clicking through its UI, and read the wire to see which
// acknowledgements it really sent. The WebSocket is wss with the harness certificate, which Chromium trusts
// by its public key (--ignore-certificate-errors-spki-list) and for the harness domain only.
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { initializeConverse } from './converse-probe.ts';
import type { ConverseContact, ConverseMessage, ConverseRoomJoin, WireDirection } from './converse-probe.ts';
import { WEBSOCKET_PATH } from './ejabberd-config.ts';
import type { XmppServer } from './server.ts';

export type { ConverseContact, ConverseMessage, ConverseRoomJoin, WireDirection } from './converse-probe.ts';

const DIST_DIR = path.dirname(fileURLToPath(import.meta.resolve('converse.js/dist/converse.min.js')));
const WAIT_MS = 10_000;
const POLL_MS = 50;
/** Stanzas kept in the probe's wire log (the newest). */
const WIRE_LIMIT = 2000;

/**
 * The server's WebSocket endpoint (started with `websocket: true`) by its domain, which Chromium maps to
 * loopback, so the certificate's name is checked too.
 */
export function converseWebsocketUrl(server: XmppServer): string {
  if (server.httpsPort === undefined) {
    throw new Error('the server has no WebSocket endpoint: start it with { websocket: true }');
  }
  return `wss://${server.domain}:${server.httpsPort}${WEBSOCKET_PATH}`;
}

/** base64(SHA-256(SubjectPublicKeyInfo)): the form Chromium's SPKI allow-list takes. */
export function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export interface ConverseAccount {
  /** Bare JID. */
  jid: string;
  password: string;
}

export interface ConverseClient {
  /** Bare JID Converse signed in as. */
  readonly jid: string;
  /** Full JID (the resource is 'converse'). */
  readonly fullJid: string;
  readonly page: Page;
  /** Opens (and shows) the chat with `peer`, as clicking on them would. */
  openChat(peer: string): Promise<void>;
  /** Sends `body` to `peer` as Converse's composer does; the chat is made (hidden) if needed. Returns its msgid. */
  send(peer: string, body: string): Promise<string>;
  /** Corrects our message `msgid` to `body` (XEP-0308), as Converse's edit action does. */
  correct(peer: string, msgid: string, body: string): Promise<void>;
  /** The messages of the chat with `peer` (none if there is no such chat yet), oldest first. */
  messages(peer: string): Promise<ConverseMessage[]>;
  /** Polls messages(peer) until `predicate` holds; rejects with what was seen after `timeoutMs`. */
  waitForMessages(
    peer: string,
    predicate: (messages: ConverseMessage[]) => boolean,
    timeoutMs?: number,
  ): Promise<ConverseMessage[]>;
  /** The roster entry for `peer`, or null. */
  contact(peer: string): Promise<ConverseContact | null>;
  waitForContact(
    peer: string,
    predicate: (c: ConverseContact) => boolean,
    timeoutMs?: number,
  ): Promise<ConverseContact>;
  /** Adds `peer` to the roster and asks for their presence (Converse's "Add a contact"). */
  addContact(peer: string, nickname: string): Promise<void>;
  /** Approves `peer`'s subscription request and asks for theirs back. */
  acceptRequest(peer: string): Promise<void>;
  /**
   * How many stanzas on Converse's wire (sent 'out' or received 'in') carry a child `localName` in namespace
   * `ns`, with attribute id = `id` when given.
   */
  wireCount(direction: WireDirection, ns: string, localName: string, id?: string): Promise<number>;
  waitForWire(
    direction: WireDirection,
    ns: string,
    localName: string,
    id?: string,
    timeoutMs?: number,
  ): Promise<void>;
  /** Opens a room and waits until Converse is in it with `occupants` occupants (see ConverseProbe). */
  joinRoomTimed(room: string, nick: string, occupants: number, timeoutMs?: number): Promise<ConverseRoomJoin>;
  close(): Promise<void>;
}

export interface ConverseBrowser {
  /** A fresh browser context (its own storage) with Converse signed in as `account`. */
  open(account: ConverseAccount): Promise<ConverseClient>;
  close(): Promise<void>;
}

/** Polls `read` until `predicate` holds. */
async function pollUntil<T>(
  read: () => Promise<T>,
  predicate: (value: T) => boolean,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (predicate(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(value)}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Converse (Parley interop)</title>
<link rel="stylesheet" href="/dist/converse.min.css">
<script type="module" src="/dist/converse.min.js"></script>
</head>
<body class="reset"></body>
</html>
`;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
};

/** The page and Converse's dist, on loopback only; nothing outside the dist folder is served. */
async function startPageServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (pathname === '/') return send(200, 'text/html; charset=utf-8', PAGE);
    if (!pathname.startsWith('/dist/')) return send(404, 'text/plain', 'not found');
    const file = path.resolve(DIST_DIR, decodeURIComponent(pathname.slice('/dist/'.length)));
    if (!file.startsWith(DIST_DIR + path.sep)) return send(404, 'text/plain', 'not found');
    readFile(file).then(
      (body) => send(200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', body),
      () => send(404, 'text/plain', 'not found'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One Chromium for Converse users of `server` (started with `websocket: true`). Chromium resolves the
 * server's domain to loopback and trusts the server's certificate by its key, nothing else.
 * `trustedCertPem`: trust this certificate's key instead (the harness test shows TLS stays verified).
 */
export async function startConverseBrowser(
  server: XmppServer,
  options: { trustedCertPem?: string; extraArgs?: readonly string[] } = {},
): Promise<ConverseBrowser> {
  const websocketUrl = converseWebsocketUrl(server);
  const trustedCertPem = options.trustedCertPem ?? server.certificate.certPem;
  const pages = await startPageServer();
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        ...CHROMIUM_ARGS,
        `--host-resolver-rules=MAP ${server.domain} 127.0.0.1`,
        `--ignore-certificate-errors-spki-list=${spkiHash(trustedCertPem)}`,
        ...(options.extraArgs ?? []),
      ],
    });
  } catch (error) {
    await pages.stop();
    throw error;
  }

  const open = async (account: ConverseAccount): Promise<ConverseClient> => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[converse page error] ${error.message}`));
    const fullJid = `${account.jid}/converse`;
    try {
      await page.goto(pages.url);
      await page.waitForFunction(() => window.converse !== undefined, null, { timeout: WAIT_MS });
      await page.evaluate(initializeConverse, {
        wireLimit: WIRE_LIMIT,
        settings: {
          websocket_url: websocketUrl,
          jid: fullJid,
          password: account.password,
          auto_login: true,
          view_mode: 'fullscreen',
          discover_connection_methods: false,
          auto_reconnect: false,
          reuse_scram_keys: false,
          i18n: 'en',
          assets_path: '/dist',
          loglevel: 'warn',
          play_sounds: false,
          show_desktop_notifications: false,
          allow_non_roster_messaging: true,
        },
      });
      const outcome = await page
        .waitForFunction(
          () => (window.parleyProbe?.connected ? 'connected' : (window.parleyProbe?.failure ?? false)),
          null,
          { timeout: WAIT_MS },
        )
        .then(
          (handle) => handle.jsonValue(),
          () => 'no answer in time',
        );
      if (outcome !== 'connected') {
        throw new Error(`Converse did not sign in as ${fullJid} over ${websocketUrl}: ${outcome}`);
      }
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }

    const client: ConverseClient = {
      jid: account.jid,
      fullJid,
      page,
      openChat: (peer) => page.evaluate((p) => window.parleyProbe!.openChat(p), peer),
      send: (peer, body) => page.evaluate(([p, b]) => window.parleyProbe!.send(p, b), [peer, body] as const),
      correct: (peer, msgid, body) =>
        page.evaluate(([p, m, b]) => window.parleyProbe!.correct(p, m, b), [peer, msgid, body] as const),
      messages: (peer) => page.evaluate((p) => window.parleyProbe!.messages(p), peer),
      waitForMessages: (peer, predicate, timeoutMs = WAIT_MS) =>
        pollUntil(() => client.messages(peer), predicate, `Converse's messages with ${peer}`, timeoutMs),
      contact: (peer) => page.evaluate((p) => window.parleyProbe!.contact(p), peer),
      waitForContact: async (peer, predicate, timeoutMs = WAIT_MS) =>
        (await pollUntil(
          () => client.contact(peer),
          (c) => c !== null && predicate(c),
          `Converse's contact ${peer}`,
          timeoutMs,
        ))!,
      addContact: (peer, nickname) =>
        page.evaluate(([p, n]) => window.parleyProbe!.addContact(p, n), [peer, nickname] as const),
      acceptRequest: (peer) => page.evaluate((p) => window.parleyProbe!.acceptRequest(p), peer),
      wireCount: (direction, ns, localName, id) =>
        page.evaluate(([d, n, l, i]) => window.parleyProbe!.wireCount(d, n, l, i), [
          direction,
          ns,
          localName,
          id ?? null,
        ] as const),
      waitForWire: async (direction, ns, localName, id, timeoutMs = WAIT_MS) => {
        await pollUntil(
          () => client.wireCount(direction, ns, localName, id),
          (n) => n > 0,
          `a stanza ${direction === 'out' ? 'sent' : 'received'} by Converse with <${localName} xmlns="${ns}"${id ? ` id="${id}"` : ''}>`,
          timeoutMs,
        );
      },
      joinRoomTimed: (room, nick, occupants, timeoutMs = 120_000) =>
        page.evaluate(([r, n, o, t]) => window.parleyProbe!.joinRoomTimed(r, n, o, t), [
          room,
          nick,
          occupants,
          timeoutMs,
        ] as const),
      close: () => context.close().catch(() => undefined),
    };
    return client;
  };

  return {
    open,
    async close() {
      await browser.close().catch(() => undefined);
      await pages.stop();
    },
  };
}
