// The fault-injection proxy against a local echo server (pass-through, reset, black hole, delay, refuse, heal,
// backpressure, counters), then against a real Prosody with a real Engine signing in through it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.ts';
import type { ConnectionState, EngineEvent } from '../../shared/contract.ts';
import { startFaultProxy } from './fault-proxy.ts';
import type { FaultProxy } from './fault-proxy.ts';
import { freePort } from './server-launch.ts';
import { serverKind, startServer } from './server.ts';
import type { XmppServer } from './server.ts';

const HOST = '127.0.0.1';
const QUIET_MS = 500; // how long "nothing arrives" is watched for

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

interface EchoServer {
  port: number;
  /** Server-side sockets, in accept order. */
  sockets: net.Socket[];
  /** Per accepted socket: its error code, if it failed. */
  errors: Map<net.Socket, string>;
  /** Bytes received per accepted socket. */
  received: Map<net.Socket, number>;
  close(): Promise<void>;
}

/** Echoes every byte back; remembers its sockets so tests can push, end or inspect them. */
async function startEcho(): Promise<EchoServer> {
  const sockets: net.Socket[] = [];
  const errors = new Map<net.Socket, string>();
  const received = new Map<net.Socket, number>();
  const server = net.createServer((socket) => {
    sockets.push(socket);
    received.set(socket, 0);
    socket.on('error', (error: NodeJS.ErrnoException) => errors.set(socket, error.code ?? error.message));
    socket.on('data', (data: Buffer) => received.set(socket, (received.get(socket) ?? 0) + data.length));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    sockets,
    errors,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Client {
  socket: net.Socket;
  data: Buffer[];
  bytes(): number;
  text(): string;
  error: string | null;
  ended: boolean;
  closed: boolean;
}

/** A client socket that records everything that happens to it. Resolves once connected. */
function connect(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port });
    const client: Client = {
      socket,
      data: [],
      bytes: () => client.data.reduce((sum, chunk) => sum + chunk.length, 0),
      text: () => Buffer.concat(client.data).toString('utf8'),
      error: null,
      ended: false,
      closed: false,
    };
    socket.on('data', (chunk: Buffer) => client.data.push(chunk));
    socket.on('end', () => (client.ended = true));
    socket.on('close', () => (client.closed = true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      client.error = error.code ?? error.message;
      reject(error);
    });
    socket.once('connect', () => resolve(client));
  });
}

/** Connects and waits until the socket errors or closes; returns the error code (null for a clean close). */
function connectExpectingFailure(port: number, timeoutMs = 3000): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the connection neither failed nor closed'));
    }, timeoutMs);
    let code: string | null = null;
    socket.on('error', (error: NodeJS.ErrnoException) => (code = error.code ?? error.message));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function roundTrip(client: Client, message: string, timeoutMs = 3000): Promise<void> {
  const before = client.text().length;
  client.socket.write(message);
  await until(`echo of ${message}`, () => client.text().length >= before + message.length, timeoutMs);
  assert.equal(client.text().slice(before), message);
}

describe('fault proxy against an echo server', () => {
  let echo: EchoServer;
  let proxy: FaultProxy;
  const clients: Client[] = [];
  const open = async (): Promise<Client> => {
    const client = await connect(proxy.port);
    clients.push(client);
    return client;
  };

  before(async () => {
    echo = await startEcho();
  });

  after(async () => {
    await echo?.close();
  });

  // A fresh proxy per test, so counters and modes start clean.
  const withProxy = (name: string, body: () => Promise<void>, timeout = 15_000) =>
    test(name, { timeout }, async () => {
      proxy = await startFaultProxy({ host: HOST, port: echo.port });
      try {
        await body();
      } finally {
        for (const client of clients.splice(0)) client.socket.destroy();
        await proxy.close();
      }
    });

  test('refuses a target that is not on loopback', async () => {
    await assert.rejects(startFaultProxy({ host: '192.0.2.1', port: 5222 }), /not a loopback address/);
  });

  withProxy('passes 10 MB of random data through byte-exact, and counts it', async () => {
    const payload = randomBytes(10 * 1024 * 1024);
    const client = await open();
    assert.equal(proxy.accepted, 1);
    await until('the connection count', () => proxy.connections === 1);
    client.socket.write(payload);
    await until('the whole echo', () => client.bytes() >= payload.length, 20_000);
    const got = Buffer.concat(client.data);
    assert.equal(got.length, payload.length);
    assert.equal(
      createHash('sha256').update(got).digest('hex'),
      createHash('sha256').update(payload).digest('hex'),
    );
    assert.ok(got.equals(payload));
    assert.equal(proxy.bytesUp, payload.length);
    assert.equal(proxy.bytesDown, payload.length);
    assert.equal(proxy.droppedUp + proxy.droppedDown, 0);
  });

  withProxy('passes a FIN through and closes cleanly both ways', async () => {
    const client = await open();
    await roundTrip(client, 'bye');
    client.socket.end();
    await until('the close', () => client.closed);
    assert.equal(client.error, null);
    assert.ok(client.ended);
    await until('the proxy to forget the connection', () => proxy.connections === 0);
  });

  withProxy('a slow reader pushes back on the sender instead of filling the proxy', async () => {
    const client = await open();
    await roundTrip(client, 'ready');
    client.socket.pause();
    const serverSide = echo.sockets.at(-1) as net.Socket;
    serverSide.unpipe(serverSide);
    const total = 32 * 1024 * 1024;
    const block = Buffer.alloc(64 * 1024, 7);
    for (let sent = 0; sent < total; sent += block.length) serverSide.write(block);
    await sleep(QUIET_MS);
    // The proxy holds at most ~1 MB per direction; the rest stays with the sender.
    assert.ok(serverSide.writableLength > 16 * 1024 * 1024, `sender buffered ${serverSide.writableLength}`);
    assert.ok(proxy.bytesDown < total / 2, `forwarded ${proxy.bytesDown}`);
    const before = client.bytes();
    client.socket.resume();
    await until('everything', () => client.bytes() >= before + total, 20_000);
    assert.equal(client.bytes(), total + 'ready'.length);
    assert.equal(proxy.bytesDown, total + 'ready'.length);
  });

  withProxy('reset() gives ECONNRESET on both sides, and new connections still work', async () => {
    const client = await open();
    await roundTrip(client, 'hello');
    const serverSide = echo.sockets.at(-1) as net.Socket;
    proxy.reset();
    await until('the client to fail', () => client.closed);
    assert.equal(client.error, 'ECONNRESET');
    assert.equal(client.ended, false, 'a reset is not a FIN');
    await until('the server side to fail', () => serverSide.destroyed);
    assert.equal(echo.errors.get(serverSide), 'ECONNRESET');
    await until('the connection count', () => proxy.connections === 0);

    const again = await open();
    await roundTrip(again, 'again');
    assert.equal(proxy.accepted, 2);
  });

  withProxy(
    'black hole: nothing either way, no FIN, no RST; heal() serves new connections only',
    async () => {
      const old = await open();
      await roundTrip(old, 'before');
      const serverSide = echo.sockets.at(-1) as net.Socket;
      const upBefore = proxy.bytesUp;
      const downBefore = proxy.bytesDown;
      const receivedBefore = echo.received.get(serverSide);

      proxy.blackHole();
      old.socket.write('into the void');
      serverSide.unpipe(serverSide);
      serverSide.write('from the server');
      serverSide.end(); // its FIN must not reach the client either
      await sleep(QUIET_MS);
      assert.equal(old.text(), 'before');
      assert.equal(old.ended, false, 'no FIN through a black hole');
      assert.equal(old.closed, false);
      assert.equal(old.error, null);
      assert.equal(echo.received.get(serverSide), receivedBefore);
      assert.equal(proxy.bytesUp, upBefore);
      assert.equal(proxy.bytesDown, downBefore);
      assert.equal(proxy.droppedUp, 'into the void'.length);
      assert.equal(proxy.droppedDown, 'from the server'.length);
      assert.equal(proxy.connections, 1, 'the connection stays open');

      // A new connection is accepted but never reaches the server.
      const serversBefore = echo.sockets.length;
      const fresh = await open();
      assert.equal(proxy.accepted, 2);
      fresh.socket.write('anyone?');
      await sleep(QUIET_MS);
      assert.equal(fresh.bytes(), 0);
      assert.equal(fresh.closed, false);
      assert.equal(echo.sockets.length, serversBefore);

      proxy.heal();
      const healed = await open();
      await roundTrip(healed, 'back');
      // Connections from the partition stay dead: their ends would have timed out by now.
      old.socket.write('still there?');
      fresh.socket.write('still there?');
      await sleep(QUIET_MS);
      assert.equal(old.text(), 'before');
      assert.equal(fresh.bytes(), 0);
      assert.equal(proxy.connections, 3);
      // reset() clears the dead ones out.
      proxy.reset();
      await until('every client to be reset', () => clients.every((c) => c.closed));
      assert.ok(clients.every((c) => c.error === 'ECONNRESET'));
    },
  );

  withProxy('black hole loses what delay() was still holding', async () => {
    const client = await open();
    await roundTrip(client, 'x');
    proxy.delay(300);
    client.socket.write('in flight');
    await sleep(50);
    proxy.blackHole();
    await sleep(QUIET_MS);
    assert.equal(client.text(), 'x');
    assert.equal(proxy.droppedUp, 'in flight'.length);
  });

  withProxy('delay() adds at least the delay each way, keeps order, and 0 turns it off', async () => {
    const client = await open();
    await roundTrip(client, 'warm-up');
    const fast = performance.now();
    await roundTrip(client, 'fast');
    const fastMs = performance.now() - fast;

    proxy.delay(150);
    const slow = performance.now();
    await roundTrip(client, 'slow');
    const slowMs = performance.now() - slow;
    assert.ok(slowMs >= 300, `round trip took ${slowMs} ms, expected >= 300 (150 ms each way)`);

    // Order holds across many chunks and a delay that drops mid-stream.
    const before = client.text().length;
    const parts: string[] = [];
    for (let i = 0; i < 200; i++) {
      if (i === 100) proxy.delay(0);
      const part = `<${i}>`;
      parts.push(part);
      client.socket.write(part);
      if (i % 20 === 0) await sleep(5);
    }
    const expected = parts.join('');
    await until('the ordered echo', () => client.text().length >= before + expected.length);
    assert.equal(client.text().slice(before), expected);

    proxy.delay(0);
    const again = performance.now();
    await roundTrip(client, 'fast again');
    const againMs = performance.now() - again;
    assert.ok(againMs < 150, `round trip after delay(0) took ${againMs} ms (no delay: ${fastMs} ms)`);
    assert.throws(() => proxy.delay(-1), RangeError);
  });

  withProxy('refuse(true) resets new connections; refuse(false) lets them through again', async () => {
    const existing = await open();
    await roundTrip(existing, 'kept');
    proxy.refuse(true);
    const code = await connectExpectingFailure(proxy.port);
    assert.equal(code, 'ECONNRESET');
    assert.equal(proxy.accepted, 2);
    await roundTrip(existing, 'existing connections are untouched');
    proxy.refuse(false);
    const client = await open();
    await roundTrip(client, 'welcome back');

    proxy.refuse(true);
    proxy.heal();
    await roundTrip(await open(), 'heal() ends refusal too');
  });

  withProxy('heal() clears the delay', async () => {
    const client = await open();
    proxy.delay(400);
    proxy.heal();
    const start = performance.now();
    await roundTrip(client, 'quick');
    assert.ok(performance.now() - start < 400);
  });
});

test('a target that is down looks like a reset to the client', { timeout: 10_000 }, async () => {
  const port = await freePort(); // nothing listens here (racy, but only a failure to connect matters)
  const proxy = await startFaultProxy({ host: HOST, port });
  try {
    const code = await connectExpectingFailure(proxy.port);
    assert.equal(code, 'ECONNRESET');
    await until('the connection count', () => proxy.connections === 0);
  } finally {
    await proxy.close();
  }
});

describe('fault proxy between an Engine and a real server', () => {
  const USER = 'alice';
  const PASSWORD = 'alice-password';
  let server: XmppServer;
  let dataDir: string;

  before(async () => {
    server = await startServer(serverKind(), { accounts: [{ user: USER, password: PASSWORD }] });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-fault-proxy-'));
  });

  after(async () => {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** The engine plus every connection.state it emitted. */
  async function engineWithStates() {
    // Not a literal, so this also compiles against an engine without reconnection options; where the engine
    // reconnects on its own, it does so quickly here.
    const options = {
      dataDir,
      extraCertificates: [server.certificate.certPem],
      batchIntervalMs: 1,
      reconnectDelay: { initialMs: 100, maxMs: 500 },
    };
    const engine = await Engine.create(options);
    const states: ConnectionState[] = [];
    const unsubscribe = engine.subscribe((batch: EngineEvent[]) => {
      for (const event of batch) if (event.event === 'connection.state') states.push(event.payload);
    });
    return { engine, states, unsubscribe };
  }

  test(
    'STARTTLS sign-in through the proxy; reset drops it; black hole starves it',
    { timeout: 60_000 },
    async () => {
      const proxy = await startFaultProxy({ host: server.host, port: server.c2sPort });
      const { engine, states, unsubscribe } = await engineWithStates();
      const signIn = () =>
        engine.invoke('account.signIn', {
          jid: `${USER}@${server.domain}`,
          password: PASSWORD,
          host: HOST,
          port: proxy.port,
        });
      /** Online again: by the engine's own reconnection if it has one, else by signing in again. */
      const backOnline = async (since: number) => {
        const last = () => (states.length > since ? states.at(-1)?.status : undefined);
        await until('the engine to settle', () => last() === 'online' || last() === 'offline', 15_000);
        if (last() === 'offline') {
          const again = await signIn();
          assert.ok(again.ok, again.ok ? '' : again.error.message);
        }
        engine.flushEvents();
        assert.equal(states.at(-1)?.status, 'online', JSON.stringify(states.slice(since)));
      };
      try {
        const first = await signIn();
        assert.ok(first.ok, first.ok ? '' : first.error.message);
        assert.equal(first.value.status, 'online');
        assert.equal(first.value.security, 'tls');
        assert.equal(proxy.accepted, 1);
        assert.ok(proxy.bytesUp > 0 && proxy.bytesDown > 0);

        // Reset: the engine notices at once and leaves 'online' with an error (offline, or reconnecting).
        engine.flushEvents();
        let seen = states.length;
        proxy.reset();
        const left = () => states.slice(seen).find((s) => s.status !== 'online');
        await until('the engine to notice the reset', () => left() !== undefined);
        assert.ok(left()?.error, `left online with an error (${left()?.status})`);

        // A new connection through the same proxy works.
        await backOnline(seen);
        assert.ok(proxy.accepted >= 2);
        await until('one open connection', () => proxy.connections === 1);

        // Black hole: an IQ gets no answer, no bytes flow down, the TCP connection stays open.
        engine.flushEvents();
        const down = proxy.bytesDown;
        seen = states.length;
        proxy.blackHole();
        const request = engine.invoke('roster.add', {
          account: `${USER}@${server.domain}`,
          jid: `carol@${server.domain}`,
          name: 'Carol',
        });
        const outcome = await Promise.race([
          request.then(() => 'answered'),
          sleep(3000).then(() => 'silent'),
        ]);
        assert.equal(outcome, 'silent');
        assert.equal(proxy.bytesDown, down);
        assert.ok(proxy.droppedUp > 0, 'the request went into the hole');
        assert.equal(proxy.connections, 1);
        engine.flushEvents();
        assert.equal(states.length, seen, 'no state change: nothing told the engine');
        const snapshot = await engine.invoke('state.snapshot', {});
        assert.ok(snapshot.ok);
        assert.equal(snapshot.value.accounts[0]?.connection.status, 'online');

        // Cut the dead link: the pending IQ fails instead of waiting 30 s, and the engine recovers.
        seen = states.length;
        proxy.heal();
        proxy.reset();
        const failed = await request;
        assert.equal(failed.ok, false);
        await backOnline(seen);
      } finally {
        unsubscribe();
        await engine.dispose();
        await proxy.close();
      }
    },
  );

  test('direct TLS passes through untouched', { timeout: 30_000 }, async () => {
    const proxy = await startFaultProxy({ host: server.host, port: server.directTlsPort });
    const { engine, unsubscribe } = await engineWithStates();
    try {
      const result = await engine.invoke('account.signIn', {
        jid: `${USER}@${server.domain}`,
        password: PASSWORD,
        host: HOST,
        port: proxy.port,
        directTls: true,
      });
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.equal(result.value.security, 'tls');
      assert.ok(proxy.bytesDown > 0);
      const out = await engine.invoke('account.signOut', { account: `${USER}@${server.domain}` });
      assert.ok(out.ok);
      await until('the proxy to see the close', () => proxy.connections === 0);
    } finally {
      unsubscribe();
      await engine.dispose();
      await proxy.close();
    }
  });
});
