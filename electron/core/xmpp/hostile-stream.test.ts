// A rogue server on loopback that answers our stream header with XML no parser should accept: an unknown
// entity, an illegal character reference, two mismatched closing tags in one read, and more garbage after
// that, and tags ltx reads leniently (an attribute without a value or quotes). Each must end that stream at
// once with a typed error (we answer bad-format), never the process: before the fix, ltx threw out of the
// socket's data callback, a second parser error had no listener left, and a bad tag stalled the stream. And
// stanzas past the per-stanza limits (bytes, depth) end it with policy-violation, at once.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../engine.ts';
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import { STANZA_LIMITS } from './connection.ts';

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
  "id='rogue' from='rogue.test' version='1.0'>";

const crashes: unknown[] = [];
const onCrash = (error: unknown) => void crashes.push(error);
process.on('uncaughtException', onCrash);
const dirs: string[] = [];
after(async () => {
  process.off('uncaughtException', onCrash);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A server that sends `payload` (then, 50 ms later, `later`) on each connection once our stream header arrives. */
async function rogueServer(
  payload: string,
  later = '',
): Promise<{ port: number; received: () => string; close: () => void }> {
  let received = '';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let answered = false;
    socket.on('error', () => undefined);
    socket.on('data', (data) => {
      received += data.toString();
      if (answered || !data.toString().includes('<stream:stream')) return;
      answered = true;
      socket.write(HEADER + payload);
      if (later) setTimeout(() => socket.writable && socket.write(later), 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => received,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** A fresh engine for `run`, disposed after it; `signIn` tries the rogue server and says how long it took. */
const SIGN_IN_BUDGET_MS = 60_000;

async function withEngine(
  port: number,
  run: (signIn: () => Promise<{ error: EngineErrorPayload; ms: number }>) => Promise<void>,
): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-hostile-'));
  dirs.push(dataDir);
  // A sign-in budget far above what these cases take: on a loaded CI machine the 16 MiB one alone (4 million
  // elements parsed before the limit trips) has taken over 5 s, and a timeout would hide what we check.
  const engine = await Engine.create({ dataDir, timeoutMs: SIGN_IN_BUDGET_MS });
  try {
    await run(async () => {
      const started = Date.now();
      const result = await engine.invoke('account.signIn', {
        jid: 'alice@rogue.test',
        password: 'secret-password',
        host: '127.0.0.1',
        port,
      });
      assert.ok(!result.ok, 'the sign-in must fail');
      return { error: result.error, ms: Date.now() - started };
    });
  } finally {
    await engine.dispose();
  }
}

const CASES: Array<[string, string, string?]> = [
  ['an unknown entity', '<stream:features><x>&bogus;</x></stream:features>'],
  ['an illegal character reference', '<stream:features><x>&#0;</x></stream:features>'],
  ['two mismatched closing tags in one read', '<stream:features><x></a></b></stream:features>'],
  ['garbage after the first error, in a later read', '<stream:features>&bogus;', '</c></d>&nope;<<<'],
  // ltx waits for an '=' (or a quote) and reads on: these stalled the stream until the liveness timer.
  ['an attribute without a value', '<stream:features><x foo><y/></x></stream:features>'],
  ['an attribute value without quotes', '<stream:features><x a=b/></stream:features>'],
  ["a '<' in an attribute value", "<stream:features><x a='<y/>'/></stream:features>"],
];

for (const [what, payload, later] of CASES) {
  test(`a stream with ${what} ends that sign-in as bad-format, not the process`, async () => {
    const rogue = await rogueServer(payload, later);
    try {
      await withEngine(rogue.port, async (signIn) => {
        const { error, ms } = await signIn();
        assert.equal(error.code, 'stream-error');
        assert.equal(error.condition, 'bad-format');
        assert.match(error.message, /not well-formed XML/);
        assert.ok(ms < 4_000, 'answered at once, not at the sign-in timeout');
        await new Promise((resolve) => setTimeout(resolve, 150)); // the later garbage has arrived
        assert.match(rogue.received(), /<bad-format/, 'we told the server why');
        assert.doesNotMatch(rogue.received(), /secret-password|<auth/, 'no password went out');
        assert.deepEqual(crashes, []);
        // The engine still works: the same account can try again (and fails the same way).
        assert.equal((await signIn()).error.code, 'stream-error');
      });
    } finally {
      rogue.close();
    }
  });
}

const OVER_LIMITS: Array<[string, string, RegExp]> = [
  [
    'a stanza over the byte limit',
    `<stream:features>${'<x/>'.repeat(STANZA_LIMITS.maxBytes / 4 + 1)}</stream:features>`,
    /larger than 16777216 bytes/,
  ],
  [
    'a stanza over the text limit (sent in 16 KiB pieces by the socket)',
    `<stream:features><x>${'a'.repeat(STANZA_LIMITS.maxText + 1)}</x></stream:features>`,
    /more than 2097152 characters of text/,
  ],
  [
    'elements nested past the depth limit',
    `<stream:features>${'<a>'.repeat(10_000)}`,
    /nested deeper than 64/,
  ],
];

for (const [what, payload, message] of OVER_LIMITS) {
  test(`${what} ends that sign-in as policy-violation`, async () => {
    const rogue = await rogueServer(payload);
    try {
      await withEngine(rogue.port, async (signIn) => {
        const { error, ms } = await signIn();
        assert.equal(error.code, 'stream-error');
        assert.equal(error.condition, 'policy-violation');
        assert.match(error.message, message);
        assert.ok(ms < SIGN_IN_BUDGET_MS / 2, 'answered when the limit tripped, not at the sign-in timeout');
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.match(rogue.received(), /<policy-violation/, 'we told the server why');
        assert.deepEqual(crashes, []);
      });
    } finally {
      rogue.close();
    }
  });
}
