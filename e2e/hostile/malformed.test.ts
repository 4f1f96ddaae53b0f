// Malformed and oversized XML at every point of the stream: after TLS but before SASL, and on a session that
// is up. A parser error ends that stream with bad-format and a stanza past the limits with policy-violation
// (we tell the server why, the account reconnects with backoff, no other account notices), while large but
// legal input (deep nesting under the limit, 20,000 attributes, CDATA) is simply handled. Invalid UTF-8 never
// smuggles markup. The pre-TLS cases live in electron/core/xmpp/hostile-stream.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STANZA_LIMITS } from '../../electron/core/xmpp/connection.ts';
import type { RogueConnection } from '../harness/rogue-server.ts';
import {
  barrier,
  bodiesSince,
  rogueClient,
  rogueServer,
  sleep,
  watchCrashes,
  type RogueClient,
} from './kit.ts';

watchCrashes();
const ROSTER = "<item jid='bob@rogue.test' name='Bob' subscription='both'/>";
const message = (id: string, inner: string, extra = '') =>
  `<message from='bob@rogue.test/phone' type='chat' id='${id}'${extra}>${inner}</message>`;

async function online(): Promise<{ client: RogueClient; connection: RogueConnection }> {
  const rogue = await rogueServer({ roster: ROSTER });
  const client = await rogueClient(rogue, { reconnectDelay: { initialMs: 60_000, maxMs: 60_000 } });
  return { client, connection: await client.online() };
}

/** The state the account is in once its session has ended (the first non-online state after online). */
async function endedState(client: RogueClient) {
  const event = await client.waitForEvent(
    (e) => e.event === 'connection.state' && e.payload.status !== 'online' && e.payload.error !== null,
  );
  assert.equal(event.event, 'connection.state');
  return event.payload;
}

test('after TLS and before SASL, malformed XML ends the sign-in as bad-format and no password goes out', async () => {
  // The socket goes only once our <bad-format/> has been written (ParleyConnection.streamErrorWritten): it
  // was a race with a fixed 250 ms before (lost about 1 time in 40 under load).
  for (const garbage of ['<stream:features>&bogus;</stream:features>', '<a></b>']) {
    const rogue = await rogueServer({
      mechanisms: ['PLAIN'],
      onStage: (stage, connection) => {
        if (stage !== 'secured') return;
        connection.send(connection.header() + garbage);
        return 'stop';
      },
    });
    const client = await rogueClient(rogue);
    const result = await client.signIn();
    assert.ok(!result.ok, garbage);
    assert.equal(result.error.condition, 'bad-format', garbage);
    assert.match(result.error.message, /not well-formed XML/);
    const connection = await rogue.connection(0);
    await connection.closed;
    assert.ok(!connection.received.some((e) => e.is('auth')), 'no <auth/> was sent');
    assert.match(connection.raw(), /<bad-format/, `${garbage}: we told the server why`);
  }
});

test('on a session that is up, malformed XML ends it with bad-format and the account reconnects later', async () => {
  for (const garbage of [
    message('m', '<body>&bogus;</body>'),
    message('m', '<body>&#0;</body>'),
    message('m', '<body>x</bdy>'),
    '</stream:features>',
  ]) {
    const { client, connection } = await online();
    const since = client.events.length;
    connection.send(garbage + message('after', '<body>after the garbage</body>'));
    const ended = await endedState(client);
    assert.equal(ended.status, 'reconnecting', garbage);
    assert.equal(ended.error?.condition, 'bad-format', garbage);
    assert.match(ended.error?.message ?? '', /not well-formed XML/);
    await connection.closed;
    assert.match(connection.raw(), /<bad-format/, 'we told the server why');
    assert.ok(
      !bodiesSince(client, since).some(([, body]) => body === 'after the garbage'),
      'nothing after it',
    );
  }
});

test('on a session that is up, a stanza past the text or depth limit ends it with policy-violation', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['text', message('big', `<body>${'a'.repeat(STANZA_LIMITS.maxText + 1)}</body>`), /characters of text/],
    ['depth', message('deep', '<x>'.repeat(STANZA_LIMITS.maxDepth + 5)), /nested deeper than/],
  ];
  for (const [what, stanza, reason] of cases) {
    const { client, connection } = await online();
    connection.send(stanza);
    const ended = await endedState(client);
    assert.equal(ended.error?.condition, 'policy-violation', what);
    assert.match(ended.error?.message ?? '', reason, what);
    assert.equal(ended.status, 'reconnecting', what);
    await connection.closed;
    assert.match(connection.raw(), /<policy-violation/, `${what}: we told the server why`);
  }
});

test('large but legal input is handled: nesting under the limit, 20,000 attributes, CDATA, a 100,000-character body', async () => {
  const { client, connection } = await online();
  const since = client.events.length;
  const nested = '<x>'.repeat(STANZA_LIMITS.maxDepth - 4) + '</x>'.repeat(STANZA_LIMITS.maxDepth - 4);
  const attributes = Array.from({ length: 20_000 }, (_, i) => ` a${i}='${i}'`).join('');
  const long = 'word '.repeat(20_000);
  connection.send(
    message('nested', `<body>nested</body>${nested}`) +
      message('attrs', '<body>many attributes</body>', attributes) +
      message('cdata', '<body><![CDATA[<b>not markup</b>]]></body>') +
      message('long', `<body>${long}</body>`),
  );
  await client.waitForEvent(
    (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === long),
    15_000,
  );
  await barrier(client, connection);
  const bodies = bodiesSince(client, since).map(([, body]) => body);
  assert.ok(bodies.includes('nested') && bodies.includes('many attributes'));
  assert.ok(bodies.includes('<b>not markup</b>'), 'CDATA is text, never markup');
  assert.equal((await client.snapshot()).connection.status, 'online', 'the session is still up');
});

test('invalid UTF-8 never turns into markup: an overlong "<" stays one character of text at most', async () => {
  const { client, connection } = await online();
  const since = client.events.length;
  const bytes = (...parts: Array<string | number[]>) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  connection.send(
    bytes(
      "<message from='bob@rogue.test/phone' type='chat' id='u1'><body>overlong ",
      [0xc0, 0xbc], // '<' encoded in two bytes: never valid UTF-8
      'script>alert(1)',
      [0xc0, 0xbc],
      '/script></body></message>',
    ),
  );
  connection.send(bytes(message('u2', '<body>surrogate '), [0xed, 0xa0, 0x80], '</body></message>'));
  connection.send(message('u3', '<body>after</body>'));
  const ended = await Promise.race([
    client.waitForEvent(
      (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'after'),
    ),
    endedState(client),
  ]);
  assert.ok(ended);
  const shown = bodiesSince(client, since).map(([, body]) => body ?? '');
  for (const body of shown) assert.ok(!body.includes('<'), `no "<" came out of the bytes: ${body}`);
  assert.ok(!connection.received.some((e) => e.is('script')));
});

// RFC 6120 §11.6 and §4.9.3.22: bytes that are not UTF-8 end the stream with <unsupported-encoding/>, while a
// character whose bytes are split between two reads is still one character.
test('invalid UTF-8 ends the stream with unsupported-encoding; a character split between reads does not', async () => {
  const { client, connection } = await online();
  const since = client.events.length;
  const euro = Buffer.from('€'); // 3 bytes: the first one alone in one read, the rest in the next
  connection.send(
    Buffer.concat([
      Buffer.from("<message from='bob@rogue.test/phone' type='chat' id='split'><body>split "),
      euro.subarray(0, 1),
    ]),
  );
  await sleep(100);
  connection.send(Buffer.concat([euro.subarray(1), Buffer.from('</body></message>')]));
  await barrier(client, connection);
  assert.deepEqual(
    bodiesSince(client, since).map(([, body]) => body),
    ['split €'],
  );
  connection.send(
    Buffer.concat([
      Buffer.from("<message from='bob@rogue.test/phone' type='chat' id='bad'><body>"),
      Buffer.from([0xff, 0xc0, 0xbc]),
      Buffer.from('</body></message>'),
    ]),
  );
  const ended = await endedState(client);
  assert.equal(ended.error?.condition, 'unsupported-encoding');
  assert.equal(ended.status, 'reconnecting');
  assert.match(ended.error?.message ?? '', /not UTF-8/);
  await connection.closed;
  assert.match(connection.raw(), /<unsupported-encoding/, 'we told the server why');
});

/** Sends each piece in its own read (a pause between), and returns the state the session ended in. */
async function endedBy(pieces: ReadonlyArray<string>) {
  const { client, connection } = await online();
  for (const [index, piece] of pieces.entries()) {
    if (index > 0) await sleep(100);
    connection.send(piece);
  }
  const ended = await endedState(client);
  await connection.closed;
  return { ended, raw: connection.raw() };
}

// RFC 6120 §11.1: a DTD (and so any entity declaration) MUST end the stream with <restricted-xml/>. ltx took
// '<!DOCTYPE' for a comment and swallowed everything up to the next '-->' or ']]>': the session went blind
// (no stanza handled, no error) until the liveness timer dropped it 25 s later.
test('billion laughs: a DOCTYPE ends the stream with restricted-xml at once', async () => {
  const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`;
  const { ended, raw } = await endedBy([`${lol}${message('lol', '<body>&lol9;</body>')}`]);
  assert.equal(ended.error?.condition, 'restricted-xml');
  assert.equal(ended.status, 'reconnecting');
  assert.match(ended.error?.message ?? '', /XMPP forbids/);
  assert.match(raw, /<restricted-xml/, 'we told the server why');
});

test('comments and processing instructions end the stream with restricted-xml (RFC 6120 §11.1)', async () => {
  for (const data of ['<!-- a comment -->', '<?evil instruction?>']) {
    const { ended } = await endedBy([data]);
    assert.equal(ended.error?.condition, 'restricted-xml', data);
  }
});

test('restricted XML split between two reads is still refused; CDATA split between reads, or holding "<!--", is text', async () => {
  for (const pieces of [
    ['<', '!-- split -->'],
    ['<!DOC', 'TYPE x>'],
    [`${message('pi', '<body>x</body>')}<`, '?pi?>'],
  ]) {
    const { ended } = await endedBy(pieces);
    assert.equal(ended.error?.condition, 'restricted-xml', pieces.join(' | '));
  }
  const { client, connection } = await online();
  const since = client.events.length;
  const opening = (id: string) => `<message from='bob@rogue.test/phone' type='chat' id='${id}'><body>`;
  for (const piece of [
    `${opening('c1')}<![CDA`,
    'TA[<!-- not a comment --><?not an instruction?>]]></body></message>',
    `${opening('c2')}<![CDATA[a]`,
    ']]></body></message>',
  ]) {
    connection.send(piece);
    await sleep(100);
  }
  await barrier(client, connection);
  assert.deepEqual(
    bodiesSince(client, since).map(([, body]) => body),
    ['<!-- not a comment --><?not an instruction?>', 'a]'],
  );
  assert.equal((await client.snapshot()).connection.status, 'online', 'the session is still up');
});
