// A loopback TCP proxy that can break the link between the engine and Prosody on command: reset it, black-hole
// it (drop bytes without FIN or RST), delay it, or refuse new connections as if the server were down.
//
// It is byte-level: it never parses what it forwards, so STARTTLS and direct TLS pass through untouched.
// Listens on 127.0.0.1 only and only forwards to a loopback target.
//
// Semantics, chosen to look like a real network from each endpoint's point of view:
// - reset(): every open connection is closed with a TCP RST towards the client and towards the server.
// - blackHole(): connections open at that moment are dead for good: bytes either way are read and discarded,
//   a FIN or RST from one end is not passed on, and chunks still held back by delay() are lost ("on the
//   wire"). New connections are accepted (the SYN reaches something) but are never connected upstream, and
//   stay dead too. heal() does not revive any of them: after a real partition long enough to notice, both
//   ends would have timed the connection out, so tests must reconnect, which is what the engine has to do.
//   Dead connections end when a test calls reset() or close(), or when the client closes its end.
// - delay(ms): every chunk read from now on, either way, is forwarded no sooner than `ms` after it arrived,
//   and never before a chunk that arrived earlier in the same direction (order is kept when the delay drops).
// - refuse(true): new connections are accepted and reset straight away (RST), so the client sees ECONNRESET.
//   The listener stays bound so the port cannot be taken by someone else in the meantime.
// - heal(): a clean pass-through for new traffic: black hole off, delay 0, refuse off.
//
// Backpressure: each direction keeps at most about HIGH_WATER bytes queued; beyond that the source socket is
// paused until the destination drains, so a slow reader slows the sender instead of filling memory.
import net from 'node:net';

export interface FaultProxy {
  /** Listen port on 127.0.0.1 (clients connect here). */
  readonly port: number;
  /** Currently open client connections (dead, black-holed ones included until they close). */
  readonly connections: number;
  /** Client connections accepted since start (refused ones included). */
  readonly accepted: number;
  /** Destroys every open connection with a TCP RST on both sides. New connections still work. */
  reset(): void;
  /** From now on, open and new connections pass nothing either way and send no FIN/RST. Ends with heal(). */
  blackHole(): void;
  /** Adds latency (ms) to every chunk in both directions, preserving order. 0 = none. */
  delay(ms: number): void;
  /** While on, new connections are accepted and immediately reset (RST): the server looks down. */
  refuse(on: boolean): void;
  /** Clean pass-through for new traffic (no black hole, no delay, no refusal). Dead connections stay dead. */
  heal(): void;
  /** Bytes forwarded client -> server. */
  readonly bytesUp: number;
  /** Bytes forwarded server -> client. */
  readonly bytesDown: number;
  /** Bytes read client -> server and thrown away (black hole, or lost in flight). */
  readonly droppedUp: number;
  /** Bytes read server -> client and thrown away (black hole, or lost in flight). */
  readonly droppedDown: number;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

const LISTEN_HOST = '127.0.0.1';
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

interface Chunk {
  data: Buffer;
  due: number;
}

interface Direction {
  from: net.Socket;
  to: net.Socket;
  up: boolean;
  queue: Chunk[];
  queuedBytes: number;
  lastDue: number;
  timer: NodeJS.Timeout | null;
  waitingDrain: boolean;
  pausedByUs: boolean;
  sourceEnded: boolean;
  finSent: boolean;
}

interface Link {
  client: net.Socket;
  server: net.Socket | null;
  dead: boolean;
  up: Direction | null;
  down: Direction | null;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return net.isIPv4(host) && host.startsWith('127.');
}

function destroyed(socket: net.Socket): boolean {
  return socket.destroyed;
}

function hardReset(socket: net.Socket | null): void {
  if (!socket || destroyed(socket)) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  if (!isLoopback(target.host)) {
    throw new Error(`fault proxy: target ${target.host} is not a loopback address`);
  }
  const links = new Set<Link>();
  /** Every socket of ours still open (both ends, dead links and refused ones included), for close(). */
  const sockets = new Set<net.Socket>();
  const own = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  let accepted = 0;
  let open = 0;
  let bytesUp = 0;
  let bytesDown = 0;
  let droppedUp = 0;
  let droppedDown = 0;
  let blackHoled = false;
  let refusing = false;
  let delayMs = 0;

  const drop = (up: boolean, bytes: number) => {
    if (up) droppedUp += bytes;
    else droppedDown += bytes;
  };

  const stopTimer = (dir: Direction) => {
    if (dir.timer) clearTimeout(dir.timer);
    dir.timer = null;
  };

  /** Kills a link for good: what is queued is lost, sources keep being read and discarded. */
  const kill = (link: Link) => {
    if (link.dead) return;
    link.dead = true;
    for (const dir of [link.up, link.down]) {
      if (!dir) continue;
      stopTimer(dir);
      drop(dir.up, dir.queuedBytes);
      dir.queue = [];
      dir.queuedBytes = 0;
      if (dir.pausedByUs) {
        dir.pausedByUs = false;
        dir.from.resume();
      }
    }
  };

  const pump = (link: Link, dir: Direction) => {
    if (link.dead || dir.waitingDrain) return;
    while (dir.queue.length > 0) {
      const head = dir.queue[0] as Chunk;
      const wait = head.due - performance.now();
      if (wait > 0) {
        if (!dir.timer) {
          dir.timer = setTimeout(() => {
            dir.timer = null;
            pump(link, dir);
          }, Math.ceil(wait));
        }
        break;
      }
      dir.queue.shift();
      dir.queuedBytes -= head.data.length;
      if (destroyed(dir.to) || dir.to.writableEnded) {
        drop(dir.up, head.data.length);
        continue;
      }
      if (dir.up) bytesUp += head.data.length;
      else bytesDown += head.data.length;
      if (!dir.to.write(head.data)) {
        dir.waitingDrain = true;
        dir.to.once('drain', () => {
          dir.waitingDrain = false;
          pump(link, dir);
        });
        break;
      }
    }
    if (dir.pausedByUs && dir.queuedBytes <= LOW_WATER && !dir.waitingDrain) {
      dir.pausedByUs = false;
      dir.from.resume();
    }
    if (dir.queue.length === 0 && dir.sourceEnded && !dir.finSent && !dir.waitingDrain) {
      dir.finSent = true;
      if (!destroyed(dir.to)) dir.to.end();
    }
  };

  const direction = (from: net.Socket, to: net.Socket, up: boolean): Direction => ({
    from,
    to,
    up,
    queue: [],
    queuedBytes: 0,
    lastDue: 0,
    timer: null,
    waitingDrain: false,
    pausedByUs: false,
    sourceEnded: false,
    finSent: false,
  });

  const wire = (link: Link, dir: Direction) => {
    dir.from.on('data', (data: Buffer) => {
      if (link.dead) {
        drop(dir.up, data.length);
        return;
      }
      const due = Math.max(performance.now() + delayMs, dir.lastDue);
      dir.lastDue = due;
      dir.queue.push({ data, due });
      dir.queuedBytes += data.length;
      if (dir.queuedBytes >= HIGH_WATER && !dir.pausedByUs) {
        dir.pausedByUs = true;
        dir.from.pause();
      }
      pump(link, dir);
    });
    dir.from.on('end', () => {
      if (link.dead) return; // no FIN through a black hole
      dir.sourceEnded = true;
      pump(link, dir);
    });
  };

  /** One side closed. Pass an abortive close on as RST; after a clean one, the other side just finishes. */
  const onClose = (link: Link, side: net.Socket, hadError: boolean) => {
    if (link.dead) return;
    const other = side === link.client ? link.server : link.client;
    if (!other || destroyed(other)) return;
    if (hadError) {
      kill(link);
      hardReset(other);
      return;
    }
    // Nothing more can reach `side`: drop what was still queued for it.
    const towardSide = side === link.client ? link.down : link.up;
    if (towardSide) {
      stopTimer(towardSide);
      drop(towardSide.up, towardSide.queuedBytes);
      towardSide.queue = [];
      towardSide.queuedBytes = 0;
    }
    // A clean close normally follows its FIN, already on its way; if it closed without one, send it now.
    const fromSide = side === link.client ? link.up : link.down;
    if (fromSide && !fromSide.sourceEnded) {
      fromSide.sourceEnded = true;
      pump(link, fromSide);
    }
  };

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    accepted += 1;
    own(client);
    client.on('error', () => undefined);
    if (refusing) {
      hardReset(client);
      return;
    }
    open += 1;
    const link: Link = { client, server: null, dead: false, up: null, down: null };
    links.add(link);
    client.once('close', (hadError) => {
      open -= 1;
      onClose(link, client, hadError);
      if (!link.server || destroyed(link.server)) links.delete(link);
    });
    if (blackHoled) {
      link.dead = true;
      client.on('data', (data: Buffer) => drop(true, data.length));
      return;
    }
    const upstream = net.connect({
      host: target.host,
      port: target.port,
      allowHalfOpen: true,
      noDelay: true,
    });
    link.server = upstream;
    own(upstream);
    upstream.on('error', () => undefined);
    upstream.once('close', (hadError) => {
      onClose(link, upstream, hadError);
      if (destroyed(client)) links.delete(link);
    });
    link.up = direction(client, upstream, true);
    link.down = direction(upstream, client, false);
    wire(link, link.up);
    wire(link, link.down);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LISTEN_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('fault proxy: could not read the bound port');
  const port = address.port;

  return {
    port,
    get connections() {
      return open;
    },
    get accepted() {
      return accepted;
    },
    get bytesUp() {
      return bytesUp;
    },
    get bytesDown() {
      return bytesDown;
    },
    get droppedUp() {
      return droppedUp;
    },
    get droppedDown() {
      return droppedDown;
    },
    reset() {
      for (const link of [...links]) {
        kill(link);
        hardReset(link.client);
        hardReset(link.server);
        links.delete(link);
      }
    },
    blackHole() {
      blackHoled = true;
      for (const link of links) kill(link);
    },
    delay(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`fault proxy: bad delay ${ms}`);
      delayMs = ms;
    },
    refuse(on: boolean) {
      refusing = on;
    },
    heal() {
      blackHoled = false;
      refusing = false;
      delayMs = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const link of links) kill(link);
        links.clear();
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        server.close(() => resolve());
      });
    },
  };
}
