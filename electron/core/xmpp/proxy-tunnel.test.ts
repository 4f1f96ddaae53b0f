// The tunnel set-up against scripted proxies on loopback (the real ones are in proxy.test.ts): what goes on
// the wire (SOCKS5 DOMAINNAME so the proxy resolves the name; the CONNECT request line and Host), each
// refusal as a clear error, and hostile answers (garbage, an endless header, a huge reply, silence, bytes
// past the answer) ending the attempt within its bound.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { EngineError } from '../errors.ts';
import { openTunnel } from './proxy-tunnel.ts';
import { statusCodeOf } from './proxy-http-connect.ts';
import { socks5ConnectRequest } from './proxy-socks5.ts';

interface Scripted {
  port: number;
  /** Everything the client sent on the last connection. */
  received(): Buffer;
  /** Resolves once the last connection is closed (by either end). */
  closed(): Promise<void>;
}

const servers: net.Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

/** A proxy that runs `script` on each connection: it gets each chunk read and the bytes so far. */
async function scriptedProxy(script: (socket: net.Socket, all: Buffer) => void): Promise<Scripted> {
  let received = Buffer.alloc(0);
  let closed: Promise<void> = Promise.resolve();
  const server = net.createServer((socket) => {
    received = Buffer.alloc(0);
    closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      script(socket, received);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => received,
    closed: () => closed,
  };
}

const target = { host: 'xmpp.example.org', port: 5222 };

/** The SOCKS5 proxy's answers: no-auth chosen, then `reply` to the CONNECT. */
function socksAnswering(reply: number[]): (socket: net.Socket, all: Buffer) => void {
  return (socket, all) => {
    if (all.length === 3) socket.write(Buffer.from([5, 0]));
    else if (all.length > 3) socket.write(Buffer.from(reply));
  };
}

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
  return error;
}

const budget = () => AbortSignal.timeout(5_000);

describe('SOCKS5 tunnel', () => {
  test('asks for no authentication, then CONNECT by name (DOMAINNAME), so the proxy resolves it', async () => {
    const proxy = await scriptedProxy(socksAnswering([5, 0, 0, 1, 127, 0, 0, 1, 0x14, 0x66]));
    const socket = await openTunnel(
      { type: 'socks5', host: '127.0.0.1', port: proxy.port },
      target,
      budget(),
    );
    socket.destroy();
    const name = Buffer.from(target.host, 'ascii');
    const expected = Buffer.concat([
      Buffer.from([5, 1, 0]),
      Buffer.from([5, 1, 0, 3, name.length]),
      name,
      Buffer.from([0x14, 0x66]),
    ]);
    assert.deepEqual(proxy.received(), expected);
  });

  test('an internationalised name goes in its ASCII form; one that could break the request is refused', async () => {
    const proxy = await scriptedProxy(socksAnswering([5, 0, 0, 1, 127, 0, 0, 1, 0x14, 0x66]));
    const socks = { type: 'socks5' as const, host: '127.0.0.1', port: proxy.port };
    const socket = await openTunnel(socks, { host: 'bücher.example', port: 5222 }, budget());
    socket.destroy();
    assert.equal(
      proxy
        .received()
        .subarray(8, 8 + 21)
        .toString('latin1'),
      'xn--bcher-kva.example',
    );
    for (const host of ['xmpp.example\r\nX-Evil: 1', 'a b.example']) {
      const refused = await failure(openTunnel({ ...socks, type: 'http' }, { host, port: 5222 }, budget()));
      assert.equal(refused.code, 'invalid-request', host);
    }
  });

  test('an IPv4 literal goes as an IPv4 address', () => {
    assert.deepEqual(
      socks5ConnectRequest('10.1.2.3', 5223),
      Buffer.from([5, 1, 0, 1, 10, 1, 2, 3, 0x14, 0x67]),
    );
  });

  test('bytes the tunnel carries after the reply pass both ways', async () => {
    const proxy = await scriptedProxy((socket, all) => {
      if (all.length === 3) socket.write(Buffer.from([5, 0]));
      else if (all.length === 3 + 7 + target.host.length)
        socket.write(Buffer.from([5, 0, 0, 3, 1, 0x61, 0, 1]));
      else socket.write(all.subarray(3 + 7 + target.host.length)); // echo what follows
    });
    const socket = await openTunnel(
      { type: 'socks5', host: '127.0.0.1', port: proxy.port },
      target,
      budget(),
    );
    const echoed = new Promise<string>((resolve) =>
      socket.once('data', (d: Buffer) => resolve(d.toString())),
    );
    socket.write('<stream>');
    assert.equal(await echoed, '<stream>');
    socket.destroy();
  });

  test('each refusal in words, naming the proxy', async () => {
    for (const [code, words] of [
      [1, 'general failure'],
      [2, 'connection not allowed by its rules'],
      [4, 'host unreachable'],
      [5, 'connection refused by the server'],
    ] as const) {
      const proxy = await scriptedProxy(socksAnswering([5, code, 0, 1, 0, 0, 0, 0, 0, 0]));
      const error = await failure(
        openTunnel({ type: 'socks5', host: '127.0.0.1', port: proxy.port }, target, budget()),
      );
      assert.equal(error.code, 'unreachable');
      assert.equal(
        error.message,
        `The proxy at 127.0.0.1:${proxy.port} refused: ${words} (for xmpp.example.org:5222).`,
      );
    }
  });

  test('a proxy that wants a password, or is not SOCKS5 at all', async () => {
    const wantsPassword = await scriptedProxy((socket) => socket.write(Buffer.from([5, 0xff])));
    const refused = await failure(
      openTunnel({ type: 'socks5', host: '127.0.0.1', port: wantsPassword.port }, target, budget()),
    );
    assert.match(refused.message, /wants a password \(not supported\)/);
    const web = await scriptedProxy((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const garbage = await failure(
      openTunnel({ type: 'socks5', host: '127.0.0.1', port: web.port }, target, budget()),
    );
    assert.equal(garbage.code, 'unreachable');
    assert.equal(garbage.message, `The proxy at 127.0.0.1:${web.port} is not a SOCKS5 proxy.`);
  });
});

describe('HTTP CONNECT tunnel', () => {
  const http = (port: number) => ({ type: 'http' as const, host: '127.0.0.1', port });

  test('sends CONNECT host:port with a Host header; a 2xx is the tunnel', async () => {
    const proxy = await scriptedProxy((socket, all) => {
      if (all.includes('\r\n\r\n')) socket.write('HTTP/1.1 200 Connection established\r\nVia: x\r\n\r\n');
    });
    const socket = await openTunnel(http(proxy.port), target, budget());
    socket.destroy();
    assert.equal(
      proxy.received().toString('latin1'),
      'CONNECT xmpp.example.org:5222 HTTP/1.1\r\nHost: xmpp.example.org:5222\r\n\r\n',
    );
  });

  test('407: the proxy wants a password; another status: its status line, made printable', async () => {
    const auth = await scriptedProxy((s) => s.write('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'));
    const needsPassword = await failure(openTunnel(http(auth.port), target, budget()));
    assert.equal(
      needsPassword.message,
      `The proxy at 127.0.0.1:${auth.port} wants a password (not supported).`,
    );
    const busy = await scriptedProxy((s) => s.write('HTTP/1.0 503 Gone\x1b[31m fishing\r\n\r\n'));
    const refused = await failure(openTunnel(http(busy.port), target, budget()));
    assert.equal(refused.code, 'unreachable');
    assert.equal(
      refused.message,
      `The proxy at 127.0.0.1:${busy.port} refused the connection to xmpp.example.org:5222: HTTP/1.0 503 Gone?[31m fishing.`,
    );
  });

  test('an endless header ends the attempt at 8 kB, and the socket is closed', async () => {
    const proxy = await scriptedProxy((socket) => {
      socket.write('HTTP/1.1 200 OK\r\n');
      const drip = setInterval(() => {
        if (socket.destroyed) clearInterval(drip);
        else socket.write(`X-Filler: ${'a'.repeat(1000)}\r\n`);
      }, 1);
    });
    const error = await failure(openTunnel(http(proxy.port), target, budget()));
    assert.equal(error.message, `The proxy at 127.0.0.1:${proxy.port} answered with more than 8192 bytes.`);
    await proxy.closed();
  });

  test('a huge reply at once, an answer that is not HTTP, and bytes past the answer', async () => {
    const huge = await scriptedProxy((s) =>
      s.write(`HTTP/1.1 200 OK\r\nX: ${'b'.repeat(1_000_000)}\r\n\r\n`),
    );
    assert.match(
      (await failure(openTunnel(http(huge.port), target, budget()))).message,
      /more than 8192 bytes/,
    );
    const notHttp = await scriptedProxy((s) => s.write('SSH-2.0-OpenSSH\r\n\r\n'));
    assert.match(
      (await failure(openTunnel(http(notHttp.port), target, budget()))).message,
      /did not answer in HTTP/,
    );
    const chatty = await scriptedProxy((s) => s.write('HTTP/1.1 200 OK\r\n\r\n<stream:stream>'));
    assert.match(
      (await failure(openTunnel(http(chatty.port), target, budget()))).message,
      /sent data before the server was asked anything/,
    );
    const hangsUp = await scriptedProxy((s) => s.end('HTTP/1.1 200 OK\r\n'));
    assert.match(
      (await failure(openTunnel(http(hangsUp.port), target, budget()))).message,
      /closed the connection/,
    );
  });

  test('status lines', () => {
    assert.equal(statusCodeOf('HTTP/1.1 200 Connection established'), 200);
    assert.equal(statusCodeOf('HTTP/1.0 407'), 407);
    assert.equal(statusCodeOf('HTTP/2 200'), null);
    assert.equal(statusCodeOf('HTTP/1.1 20x OK'), null);
    assert.equal(statusCodeOf('HTTP/1.1 2000 OK'), null);
    assert.equal(statusCodeOf(''), null);
  });
});

describe('giving up', () => {
  test('a silent proxy: timeout when the budget runs out; a sign-out: its own error', async () => {
    const silent = await scriptedProxy(() => undefined);
    const proxy = { type: 'http' as const, host: '127.0.0.1', port: silent.port };
    const timedOut = await failure(openTunnel(proxy, target, AbortSignal.timeout(200)));
    assert.equal(timedOut.code, 'timeout');
    assert.equal(
      timedOut.message,
      `The proxy at 127.0.0.1:${silent.port} did not open the connection in time.`,
    );
    await silent.closed();
    const signOut = new AbortController();
    const pending = failure(openTunnel(proxy, target, signOut.signal));
    setTimeout(() => signOut.abort(new EngineError('not-connected', 'Signed out while signing in.')), 50);
    assert.equal((await pending).message, 'Signed out while signing in.');
  });

  test('a proxy name that does not resolve: dns-failed naming it', async () => {
    const error = await failure(
      openTunnel({ type: 'socks5', host: 'no-such-proxy.invalid', port: 1080 }, target, budget()),
    );
    assert.equal(error.code, 'dns-failed');
    assert.equal(error.message, 'The proxy no-such-proxy.invalid could not be found (DNS).');
  });
});
