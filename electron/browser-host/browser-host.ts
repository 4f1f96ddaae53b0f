// Browser mode: where no Electron binary exists, a Node host runs the same engine, serves the same renderer
// on 127.0.0.1 and carries the same contract over a WebSocket. Only this machine can reach it (loopback),
// only pages it served can talk to it (Origin and Host checked), and only with a window token: the one in
// the URL it printed for the main window, or one a connected page asked for when it opened a pop-out
// (window-tokens.ts). A token is kept in the URL hash and sent as the socket's first frame (WireHello), so it
// never appears in a request line or a log; it lets in one page at a time. A socket that does not say hello
// with a token in time is closed; at most MAX_WINDOWS windows exist at once. Which chats are popped out (the
// windows open now that asked for a chat's window) is announced to every page as 'window.layout', as the
// desktop shell does, so the main window leaves those chats out of its tabs and takes them back when they close.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { REFUSED_IN_USE, REFUSED_UNKNOWN_TOKEN } from '../../shared/bridge.ts';
import type { WireHello, WireInvoke, WireMessage, WireWindowRequest } from '../../shared/bridge.ts';
import type { EngineEvent } from '../../shared/contract.ts';
import { isValidJid } from '../../shared/jid.ts';
import { ContractHost, type ShellHandlers } from '../core/contract-host.ts';
import { EngineError } from '../core/errors.ts';
import type { Engine } from '../core/engine.ts';
import { WindowTokens, type WindowChat } from './window-tokens.ts';

export interface BrowserHostOptions {
  engine: Engine;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** For tests; otherwise 32 random bytes. */
  token?: string;
  /** How long a new socket has to send its hello (5 s). */
  helloTimeoutMs?: number;
  /**
   * How long a pop-out that went away without docking (closed, or reloading) still counts as open (3 s):
   * a reload comes back within it, so the main window does not take the chat back as a tab meanwhile.
   */
  releaseGraceMs?: number;
}

/** Windows at once, at most: the main window and its pop-outs. */
export const MAX_WINDOWS = 16;

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.map': 'application/json',
};

/** The same policy the Electron shell sends: scripts and styles from the app only, nothing remote. */
export function contentSecurityPolicy(origin: string): string {
  const wsOrigin = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "media-src 'self'",
    `connect-src 'self' ${wsOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The chat a window request names, if it names a valid one (the page is ours, but the text is still checked). */
function requestedChat(request: WireWindowRequest): WindowChat | undefined {
  const chat: unknown = request.chat;
  if (typeof chat !== 'object' || chat === null) return undefined;
  const { account, peer } = chat as Record<string, unknown>;
  if (typeof account !== 'string' || typeof peer !== 'string') return undefined;
  return isValidJid(account) && isValidJid(peer) ? { account, peer } : undefined;
}

/** Browser mode has no desktop shell: links and pop-outs are the page's own business (window.open). */
const browserShell: ShellHandlers = {
  'shell.openExternal': async () => {
    throw new EngineError('not-supported', 'Open links from the browser itself in browser mode.');
  },
  'window.popOut': async () => {
    throw new EngineError('not-supported', 'The browser opens pop-out chats itself.');
  },
  'window.dock': async () => {
    throw new EngineError('not-supported', 'The browser closes pop-out chats itself.');
  },
  'shell.notify': async () => {
    throw new EngineError('not-supported', 'The page shows notifications itself in browser mode.');
  },
  // The page's title carries the count; a browser has no badge or tray to set.
  'shell.unread': async () => ({ ok: true }) as const,
};

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const rendererDir = await realpath(options.rendererDir);
  const host = new ContractHost(options.engine, browserShell);
  let origin = '';

  async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', origin).pathname);
    const relative = urlPath === '/' ? 'index.html' : urlPath.slice(1);
    const file = path.resolve(rendererDir, relative);
    if (!file.startsWith(rendererDir + path.sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': contentSecurityPolicy(origin),
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  }

  const server = createServer((request, response) => {
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 arrives with a different Host.
    if (
      request.headers.host !== new URL(origin).host ||
      (request.method !== 'GET' && request.method !== 'HEAD')
    ) {
      response.writeHead(request.method === 'GET' ? 403 : 405).end();
      return;
    }
    serveFile(request, response).catch(() => response.writeHead(500).end());
  });

  const sockets = new Set<WebSocket>();
  const windows = new WindowTokens<WebSocket>(token, MAX_WINDOWS);

  const layoutFrame = (): string => {
    const batch: EngineEvent[] = [{ event: 'window.layout', payload: { poppedOut: windows.openChats() } }];
    return JSON.stringify({ type: 'events', batch } satisfies WireMessage);
  };
  let announcedLayout = layoutFrame();
  const graceTimers = new Set<ReturnType<typeof setTimeout>>();
  /** After a window came or went: every page hears a changed layout; a page just let in hears a non-empty one. */
  const announceLayout = (joined: WebSocket | null): void => {
    const frame = layoutFrame();
    const changed = frame !== announcedLayout;
    announcedLayout = frame;
    if (changed) {
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
    } else if (joined && windows.openChats().length > 0) {
      joined.send(frame);
    }
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
  });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin);
    const allowed =
      url.pathname === '/bridge' &&
      url.search === '' &&
      request.headers.host === new URL(origin).host &&
      request.headers.origin === origin;
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      // Not one of ours until its first frame is a hello with the token.
      const deadline = setTimeout(() => ws.close(1008, 'no hello'), options.helloTimeoutMs ?? 5_000);
      ws.on('close', () => {
        clearTimeout(deadline);
        const wasOurs = sockets.delete(ws);
        if (!windows.release(ws) || !wasOurs) return;
        const timer = setTimeout(() => {
          graceTimers.delete(timer);
          announceLayout(null);
        }, options.releaseGraceMs ?? 3_000);
        graceTimers.add(timer);
      });
      ws.on('message', (data) => {
        let message: WireInvoke | WireHello | WireWindowRequest;
        try {
          message = JSON.parse(String(data)) as typeof message;
        } catch {
          ws.close(1003, 'not JSON');
          return;
        }
        if (!sockets.has(ws)) {
          clearTimeout(deadline);
          const claim =
            message?.type === 'hello' && typeof message.token === 'string' && message.token.length <= 256
              ? windows.claim(message.token, ws)
              : 'unknown';
          // 'in-use': that window is open already (the same URL in a second tab, or the page that held it is
          // still leaving during a reload): the page tries again a few times, then says so.
          if (claim === 'ok') {
            sockets.add(ws);
            announceLayout(ws);
          } else ws.close(1008, claim === 'in-use' ? REFUSED_IN_USE : REFUSED_UNKNOWN_TOKEN);
          return;
        }
        if (message?.type === 'window' && typeof message.id === 'number') {
          if (message.closing === true) {
            windows.retire(ws);
            announceLayout(null);
          }
          const token = message.closing === true ? null : windows.mint(requestedChat(message));
          const reply: WireMessage = { type: 'window', id: message.id, token };
          ws.send(JSON.stringify(reply));
          return;
        }
        if (message?.type !== 'invoke' || typeof message.id !== 'number') {
          ws.close(1003, 'not an invoke');
          return;
        }
        void host.handle(message.command, message.payload).then((result) => {
          const reply: WireMessage = { type: 'result', id: message.id, result };
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
        });
      });
    });
  });

  const unsubscribe = options.engine.subscribe((batch: EngineEvent[]) => {
    if (sockets.size === 0) return;
    const text = JSON.stringify({ type: 'events', batch } satisfies WireMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const timer of graceTimers) clearTimeout(timer);
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
