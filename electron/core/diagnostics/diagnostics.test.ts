// The diagnostics log against a real server: off (the default), a sign-in and a message write nothing; on
// (switched while the engine runs), a sign-in writes its endpoint, TLS, SASL, binding, stream management and
// state lines, an iq error its namespace and condition, and never the password or a message body, even one
// carrying a marker; off again, nothing more. A server restart logs the drop, the reconnect and the fresh
// session; a rogue server's malformed XML, the parser error. The cap rotates the file to one older generation.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { xml } from '@xmpp/xml';
import type { XmppSession } from '../xmpp/session.ts';
import { openRawSession } from '../../../e2e/harness/raw-session.ts';
import { sleep, uid, useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { PreferencesStore } from '../preferences/preferences-store.ts';
import { DiagnosticsLog, formatLine } from './diagnostics-log.ts';
import { endpointFields } from './diagnostic-fields.ts';
import { Engine } from '../engine.ts';

const WAIT_MS = 10_000;
const FLUSH_MS = 100;
const ROGUE_HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
  "id='rogue' from='rogue.test' version='1.0'>";

const readLog = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '');

/** The log's text once it holds a line matching `pattern` (the log writes in batches). */
async function logWith(file: string, pattern: RegExp): Promise<string> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const text = await readLog(file);
    if (pattern.test(text) || Date.now() > until) return text;
    await sleep(50);
  }
}

describe(`diagnostics log against ${serverKind()}`, () => {
  const sessions: XmppSession[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const scenario = useServerScenario();

  test('off writes nothing; on, a sign-in writes its connection lines and no secret or body', async () => {
    const [a, b] = await Promise.all([scenario.account('diag-a'), scenario.account('diag-b')]);
    const bob = await openRawSession(scenario.server, b, 'raw');
    sessions.push(bob.session);
    await bob.session.send(xml('presence'));
    const alice = await scenario.engine(a);
    const file = path.join(alice.dataDir, 'diagnostics.log');
    const marker = `marker-${uid()}`;
    const sayToBob = async (body: string) => {
      const sent = await alice.engine.invoke('chat.send', { account: alice.account, to: b.jid, body });
      assert.ok(sent.ok, JSON.stringify(sent));
      await bob.waitFor((s) => s.is('message') && s.getChildText('body') === body, WAIT_MS);
    };
    const setLog = async (on: boolean) => {
      const set = await alice.engine.invoke('prefs.set', { patch: { advanced: { diagnosticsLog: on } } });
      assert.ok(set.ok, JSON.stringify(set));
    };

    // Off (the default): a whole sign-in and a message, and no file at all.
    await sayToBob(`quiet ${marker}`);
    await alice.signOut();
    await sleep(700); // past the log's batching interval
    await assert.rejects(stat(file), 'nothing written while the switch is off');

    // On, without a restart: the next sign-in is logged.
    await setLog(true);
    await alice.signIn();
    await sayToBob(`loud ${marker}`);
    const host = scenario.server.host;
    const text = await logWith(file, /connection\.state status=online/);
    const lines = text.trimEnd().split('\n');
    const line = (event: string) => lines.find((l) => l.split(' ')[2] === event) ?? '';
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ \S+/, l);
    assert.match(line('diagnostics.on'), / version=/);
    assert.match(
      line('sign-in.attempt'),
      new RegExp(
        `^\\S+ ${a.jid} sign-in.attempt host=${host} port=${scenario.server.c2sPort} transport=starttls proxy=none$`,
      ),
    );
    assert.match(
      line('tls'),
      new RegExp(
        `version=TLSv1\\.[23] cipher=\\S+ fingerprint256=${scenario.server.certificate.fingerprint256}$`,
      ),
    );
    assert.match(line('sasl'), /mechanism=SCRAM-SHA-\S+/);
    assert.match(line('bound'), /resource=parley-[0-9a-f]+/);
    assert.match(line('sm'), /state=(enabled|failed|not-offered)/);
    assert.match(line('connection.state'), /status=connecting/);
    assert.ok(
      lines.some((l) => / connection\.state status=online security=tls$/.test(l)),
      text,
    );

    // An iq error: its request's namespace and the condition.
    const nobody = `nobody-${uid()}@${scenario.server.domain}`;
    await alice.engine.invoke('rooms.directory', { account: alice.account, service: nobody });
    const withIqError = await logWith(file, /iq\.error ns=http:\/\/jabber\.org\/protocol\/disco#items/);
    assert.match(
      withIqError,
      /iq\.error ns=http:\/\/jabber\.org\/protocol\/disco#items type=\w+ condition=[a-z-]+/,
    );

    // Never the password, never a body: not even the marker both messages carried.
    await alice.signOut();
    const full = await logWith(file, /connection\.state status=offline/);
    assert.match(full, /connection\.state status=offline/);
    assert.ok(!full.includes(a.password), 'no password');
    assert.ok(!full.includes(marker), 'no message body');
    assert.ok(!full.includes('<'), 'no stanza XML');

    // Off again: a sign-in adds nothing.
    await setLog(false);
    const before = await readLog(file);
    await alice.signIn();
    await sayToBob(`quiet again ${marker}`);
    await sleep(700);
    assert.equal(await readLog(file), before, 'nothing written after the switch went off');
  });

  test('a server restart: the lost link, the reconnect scheduled and the fresh session are logged', async () => {
    const alice = await scenario.engine('diag-r', { signIn: false });
    const file = path.join(alice.dataDir, 'diagnostics.log');
    const set = await alice.engine.invoke('prefs.set', { patch: { advanced: { diagnosticsLog: true } } });
    assert.ok(set.ok, JSON.stringify(set));
    await alice.signIn();
    await logWith(file, /status=online/);
    await scenario.server.restart();
    const text = await logWith(file, /status=reconnecting[^\n]*\n(.*\n)*.*status=online/);
    assert.match(text, / connection\.state status=reconnecting code=[a-z-]+ message=/);
    assert.match(text, / reconnect\.scheduled attempt=1 delayMs=\d+/);
    const afterDrop = text.slice(text.indexOf('status=reconnecting'));
    assert.match(afterDrop, / sign-in\.attempt /, 'the next attempt');
    assert.match(afterDrop, / connection\.state status=online security=tls\n/, 'back online');
    // A server that says why it closed (ejabberd: system-shutdown) has its condition logged.
    if (/status=reconnecting code=stream-error/.test(text)) {
      assert.match(text, / connection\.error error=StreamErrorReceived condition=system-shutdown /);
    }
  });

  test('malformed XML from a server: the parser error and the failed sign-in are logged', async () => {
    const rogue = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.write(`${ROGUE_HEADER}<stream:features>&bogus;</stream:features>`));
    });
    await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.1', resolve));
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-diag-'));
    dirs.push(dataDir);
    const engine = await Engine.create({ dataDir, timeoutMs: 5_000 });
    try {
      assert.ok((await engine.invoke('prefs.set', { patch: { advanced: { diagnosticsLog: true } } })).ok);
      const port = (rogue.address() as net.AddressInfo).port;
      const signIn = await engine.invoke('account.signIn', {
        jid: 'rogue@rogue.test',
        password: 'rogue-secret-pw',
        host: '127.0.0.1',
        port,
        allowInsecure: true,
      });
      assert.ok(!signIn.ok);
      const file = path.join(dataDir, 'diagnostics.log');
      const text = await logWith(file, /sign-in\.failed/);
      assert.match(text, / connection\.error error=XMLError condition=bad-format /);
      assert.match(text, / sign-in\.failed error=XMLError code=stream-error condition=bad-format /);
      assert.ok(!text.includes('rogue-secret-pw'), 'no password');
    } finally {
      await engine.dispose();
      rogue.close();
    }
  });

  test('an endpoint is logged without the credentials a URL or proxy may hold', () => {
    const fields = endpointFields(
      { host: 'h.example', port: 443, directTls: false, url: 'wss://user:secret@h.example/ws?token=t0k' },
      'socks5',
    );
    assert.deepEqual(fields, {
      host: 'h.example',
      port: 443,
      transport: 'websocket',
      url: 'wss://h.example/ws',
      proxy: 'socks5',
    });
  });

  test('remote words in a line stay on it, bounded, with controls and bidi marks escaped', () => {
    const line = formatLine(new Date(0), 'a@b.example', 'connection.error', {
      condition: 'policy-violation',
      message: `a\nb "c" \u202e\u0085 ${'x'.repeat(2_000)}`,
      code: null,
    });
    assert.equal(line.indexOf('\n'), line.length - 1, 'one line');
    assert.ok(line.length < 500, `bounded: 300 characters of the 2,000 (${line.length})`);
    assert.ok(
      line.startsWith(
        '1970-01-01T00:00:00.000Z a@b.example connection.error condition=policy-violation message="a\\nb \\"c\\" \\u202e\\u0085 xxx',
      ),
      line,
    );
    assert.match(line, /x…" code=null\n$/);
  });

  test('the cap rotates the file to diagnostics.log.1, one generation, each within the cap', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-diag-'));
    dirs.push(dir);
    const preferences = await PreferencesStore.open(dir);
    await preferences.set({ advanced: { diagnosticsLog: true } });
    const file = path.join(dir, 'diagnostics.log');
    const capBytes = 4_096;
    const log = new DiagnosticsLog(file, preferences, { capBytes, flushMs: FLUSH_MS });
    const write = log.forAccount('cap@example.test');
    // Remote words in an error: bounded, on one line, quoted.
    write('connection.error', {
      condition: 'policy-violation',
      message: `a\nb "c" \u202e ${'x'.repeat(2_000)}`,
    });
    for (let i = 0; i < 200; i++) {
      write('connection.state', { status: 'reconnecting', attempt: i });
      if (i % 20 === 19) await log.flush();
    }
    await log.close();
    const [now, older] = await Promise.all([readLog(file), readLog(`${file}.1`)]);
    assert.ok(now.length > 0 && older.length > 0, 'both generations exist');
    assert.ok(Buffer.byteLength(now) <= capBytes, `the file stays within the cap (${now.length})`);
    assert.ok(Buffer.byteLength(older) <= capBytes, `so does the older one (${older.length})`);
    await assert.rejects(stat(`${file}.2`), 'one older generation only');
    assert.match(now, /attempt=199\n$/, 'the newest line is last');
    for (const l of (older + now).trimEnd().split('\n')) assert.match(l, /^\S+Z cap@example\.test /, l);
  });
});
