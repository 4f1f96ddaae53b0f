// Test kit: a scriptable XMPP-over-WebSocket server on loopback for what a real server will not do on
// purpose: answer <open/> with a <close see-other-uri/>, send a message past the limits, malformed XML or a
// binary frame, refuse the 'xmpp' subprotocol or the upgrade itself. wss:// with a certificate the test
// chooses (or ws://). It records what each connection sent and how it was closed.
import https from 'node:https';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RogueWebSocketOptions {
  /** wss:// with this certificate; absent: ws:// (plain). */
  tls?: { certPem: string; keyPem: string };
  /** Answer the HTTP upgrade with this status instead (e.g. 404). */
  refuseUpgrade?: number;
  /** Agree to no subprotocol even though the client asked for 'xmpp'. */
  noSubprotocol?: boolean;
  /** Called with each message the client sends; answer through `socket`. Default: nothing. */
  onMessage?: (socket: WebSocket, message: string, server: RogueWebSocketServer) => void;
}

export interface RogueWebSocketServer {
  readonly url: string;
  readonly port: number;
  /** WebSocket connections the server accepted (upgrades), and TCP connections it saw at all. */
  readonly upgrades: number;
  readonly connections: number;
  /** Every text message clients sent, in order. */
  readonly received: string[];
  /** The close code of every connection that ended (1000 normal, 1009 too big, 1006 dropped...). */
  readonly closeCodes: number[];
  /** WebSocket pings received. */
  readonly pings: number;
  stop(): Promise<void>;
}

const OPEN_REPLY =
  "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='parley.test' id='rogue' version='1.0' xml:lang='en'/>";

/** Our <open/> answered by the server's, as a reply to send before whatever the test wants. */
export function openReply(): string {
  return OPEN_REPLY;
}

export async function startRogueWebSocket(
  options: RogueWebSocketOptions = {},
): Promise<RogueWebSocketServer> {
  const web = options.tls
    ? https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem })
    : http.createServer();
  let connections = 0;
  web.on('connection', () => connections++);
  const wss = new WebSocketServer({
    server: web,
    path: '/xmpp-websocket',
    maxPayload: 64 * 1024 * 1024,
    handleProtocols: (protocols) => (options.noSubprotocol || !protocols.has('xmpp') ? false : 'xmpp'),
    verifyClient: (_info, done) => (options.refuseUpgrade ? done(false, options.refuseUpgrade) : done(true)),
  });
  let upgrades = 0;
  let pings = 0;
  const received: string[] = [];
  const closeCodes: number[] = [];
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const port = (web.address() as AddressInfo).port;
  const server: RogueWebSocketServer = {
    url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/xmpp-websocket`,
    port,
    get upgrades() {
      return upgrades;
    },
    get connections() {
      return connections;
    },
    get pings() {
      return pings;
    },
    received,
    closeCodes,
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      web.closeAllConnections();
      await new Promise<void>((resolve) => web.close(() => resolve()));
    },
  };
  wss.on('connection', (socket) => {
    upgrades++;
    socket.on('error', () => undefined);
    socket.on('close', (code) => closeCodes.push(code));
    socket.on('ping', () => pings++);
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '[binary]' : String(data);
      received.push(text);
      options.onMessage?.(socket, text, server);
    });
  });
  return server;
}
