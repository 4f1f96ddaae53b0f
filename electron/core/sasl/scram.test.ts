import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  SCRAM_MECHANISMS,
  ScramClient,
  ScramError,
  escapeSaslName,
  plainInitialResponse,
  saslPrep,
} from './scram.ts';

const RFC5802 = {
  nonce: 'fyko+d2lbbFgONRv9qkxdawL',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
};

const RFC7677 = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

async function rejectsScram(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ScramError, `expected ScramError, got ${String(err)}`);
    assert.equal(err.name, 'ScramError');
    assert.match(err.message, pattern);
    return true;
  });
}

test('RFC 5802 §5 SCRAM-SHA-1 example', async () => {
  const client = new ScramClient('SHA-1', 'user', 'pencil', { nonce: RFC5802.nonce });
  assert.equal(client.clientFirstMessage(), 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
  assert.equal(await client.clientFinalMessage(RFC5802.serverFirst), RFC5802.clientFinal);
  client.verifyServerFinal(RFC5802.serverFinal);
});

test('RFC 7677 §3 SCRAM-SHA-256 example', async () => {
  const client = new ScramClient('SHA-256', 'user', 'pencil', { nonce: RFC7677.nonce });
  assert.equal(client.clientFirstMessage(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  assert.equal(await client.clientFinalMessage(RFC7677.serverFirst), RFC7677.clientFinal);
  client.verifyServerFinal(RFC7677.serverFinal);
});

/** A minimal, independent server side: verifies the client proof and produces the server signature. */
function fakeServer(hash: 'sha1' | 'sha256' | 'sha512', password: string, salt: Buffer, iterations: number) {
  const len = createHash(hash).digest().length;
  const salted = pbkdf2Sync(password, salt, iterations, len, hash);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const serverKey = createHmac(hash, salted).update('Server Key').digest();
  return {
    first(clientFirst: string): { serverFirst: string; clientFirstBare: string } {
      assert.ok(clientFirst.startsWith('n,,'));
      const clientFirstBare = clientFirst.slice(3);
      const nonce = /,r=([^,]+)/.exec(clientFirstBare)?.[1];
      assert.ok(nonce);
      const serverNonce = nonce + randomBytes(18).toString('base64');
      return {
        clientFirstBare,
        serverFirst: `r=${serverNonce},s=${salt.toString('base64')},i=${iterations}`,
      };
    },
    final(clientFirstBare: string, serverFirst: string, clientFinal: string): string {
      const match = /^(c=biws,r=[^,]+),p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
      assert.ok(match?.[1] && match[2], `malformed client-final ${clientFinal}`);
      const authMessage = `${clientFirstBare},${serverFirst},${match[1]}`;
      const proof = Buffer.from(match[2], 'base64');
      const clientSignature = createHmac(hash, storedKey).update(authMessage).digest();
      const recoveredClientKey = Buffer.from(proof.map((b, i) => b ^ (clientSignature[i] ?? 0)));
      if (!createHash(hash).update(recoveredClientKey).digest().equals(storedKey)) return 'e=invalid-proof';
      return `v=${createHmac(hash, serverKey).update(authMessage).digest('base64')}`;
    },
  };
}

test('SCRAM-SHA-512 round trip against an independent server computation', async () => {
  const salt = randomBytes(16);
  const server = fakeServer('sha512', 'correct horse', salt, 4096);

  const client = new ScramClient('SHA-512', 'alice', 'correct horse');
  const { serverFirst, clientFirstBare } = server.first(client.clientFirstMessage());
  const clientFinal = await client.clientFinalMessage(serverFirst);
  const serverFinal = server.final(clientFirstBare, serverFirst, clientFinal);
  assert.match(serverFinal, /^v=/);
  client.verifyServerFinal(serverFinal);

  // The wrong password fails the server's check, and the client surfaces the server's error.
  const wrong = new ScramClient('SHA-512', 'alice', 'battery staple');
  const round = server.first(wrong.clientFirstMessage());
  const final = server.final(
    round.clientFirstBare,
    round.serverFirst,
    await wrong.clientFinalMessage(round.serverFirst),
  );
  assert.equal(final, 'e=invalid-proof');
  assert.throws(() => wrong.verifyServerFinal(final), ScramError);
});

test('SHA-1 and SHA-256 also round-trip against the independent server', async () => {
  for (const [ours, node] of [
    ['SHA-1', 'sha1'],
    ['SHA-256', 'sha256'],
  ] as const) {
    const server = fakeServer(node, 'pässwörd', randomBytes(12), 5000);
    const client = new ScramClient(ours, 'bob', 'pässwörd');
    const { serverFirst, clientFirstBare } = server.first(client.clientFirstMessage());
    const serverFinal = server.final(
      clientFirstBare,
      serverFirst,
      await client.clientFinalMessage(serverFirst),
    );
    client.verifyServerFinal(serverFinal);
  }
});

test('default client nonce is 24 random bytes in base64, different each time', () => {
  const a = /r=(.+)$/.exec(new ScramClient('SHA-256', 'u', 'p').clientFirstMessage())?.[1];
  const b = /r=(.+)$/.exec(new ScramClient('SHA-256', 'u', 'p').clientFirstMessage())?.[1];
  assert.ok(a && b);
  assert.equal(Buffer.from(a, 'base64').length, 24);
  assert.notEqual(a, b);
});

test('tampered server signature is rejected', async () => {
  const client = new ScramClient('SHA-1', 'user', 'pencil', { nonce: RFC5802.nonce });
  await client.clientFinalMessage(RFC5802.serverFirst);
  assert.throws(() => client.verifyServerFinal('v=rmF9pqV8S7suAoZWja4dJRkFsKq='), {
    name: 'ScramError',
    message: /server signature is wrong/,
  });

  const truncated = new ScramClient('SHA-1', 'user', 'pencil', { nonce: RFC5802.nonce });
  await truncated.clientFinalMessage(RFC5802.serverFirst);
  assert.throws(() => truncated.verifyServerFinal('v=rmF9pqV8S7suAoZW'), ScramError);

  // The RFC 7677 signature comes from a server that knows 'pencil': a client using another
  // password must not accept it.
  const other = new ScramClient('SHA-256', 'user', 'pencil2', { nonce: RFC7677.nonce });
  await other.clientFinalMessage(RFC7677.serverFirst);
  assert.throws(() => other.verifyServerFinal(RFC7677.serverFinal), ScramError);
});

test('server-final: e= surfaces the server error; anything else is a ScramError', async () => {
  const client = new ScramClient('SHA-1', 'user', 'pencil', { nonce: RFC5802.nonce });
  await client.clientFinalMessage(RFC5802.serverFirst);
  assert.throws(
    () => client.verifyServerFinal('e=invalid-proof'),
    (err: unknown) => {
      assert.ok(err instanceof ScramError);
      assert.match(err.message, /invalid-proof/);
      assert.equal(err.serverError, 'invalid-proof');
      return true;
    },
  );

  for (const bad of ['', 'x=abc', 'rmF9pqV8S7suAoZWja4dJRkFsKQ=', 'v=', 'v=not base64!']) {
    const c = new ScramClient('SHA-1', 'user', 'pencil', { nonce: RFC5802.nonce });
    await c.clientFinalMessage(RFC5802.serverFirst);
    assert.throws(() => c.verifyServerFinal(bad), ScramError, JSON.stringify(bad));
  }
});

test('verifyServerFinal before clientFinalMessage, or twice, is an error', async () => {
  const client = new ScramClient('SHA-1', 'user', 'pencil', { nonce: RFC5802.nonce });
  assert.throws(() => client.verifyServerFinal(RFC5802.serverFinal), ScramError);
  await client.clientFinalMessage(RFC5802.serverFirst);
  client.verifyServerFinal(RFC5802.serverFinal);
  assert.throws(() => client.verifyServerFinal(RFC5802.serverFinal), ScramError);
  await rejectsScram(client.clientFinalMessage(RFC5802.serverFirst), /already/);
});

test('server-first validation', async () => {
  const make = () => new ScramClient('SHA-1', 'user', 'pencil', { nonce: RFC5802.nonce });
  const salt = 's=QSXCR+Q6sek8bf92';
  // Server nonce must extend the client nonce.
  await rejectsScram(make().clientFinalMessage(`r=someoneelse3rfcNHYJY1,${salt},i=4096`), /nonce/);
  await rejectsScram(make().clientFinalMessage(`r=fyko+d2lbbFgONRv9qkxdawX3rfc,${salt},i=4096`), /nonce/);
  await rejectsScram(make().clientFinalMessage(`r=${RFC5802.nonce},${salt},i=4096`), /nonce/);
  // Iteration count.
  await rejectsScram(
    make().clientFinalMessage(`r=${RFC5802.nonce}abc,${salt},i=1000`),
    /iteration count too low/,
  );
  await rejectsScram(
    make().clientFinalMessage(`r=${RFC5802.nonce}abc,${salt},i=4095`),
    /iteration count too low/,
  );
  await rejectsScram(make().clientFinalMessage(`r=${RFC5802.nonce}abc,${salt},i=abc`), /iteration count/);
  await rejectsScram(make().clientFinalMessage(`r=${RFC5802.nonce}abc,${salt},i=4096.5`), /iteration count/);
  await rejectsScram(make().clientFinalMessage(`r=${RFC5802.nonce}abc,${salt},i=-4096`), /iteration count/);
  await rejectsScram(make().clientFinalMessage(`r=${RFC5802.nonce}abc,${salt},i=99999999999`), /too high/);
  // Salt.
  await rejectsScram(make().clientFinalMessage(`r=${RFC5802.nonce}abc,s=,i=4096`), /salt/);
  await rejectsScram(make().clientFinalMessage(`r=${RFC5802.nonce}abc,s=not*base64,i=4096`), /salt/);
  // Mandatory extension and malformed messages.
  await rejectsScram(make().clientFinalMessage(`m=ext,r=${RFC5802.nonce}abc,${salt},i=4096`), /extension/);
  await rejectsScram(make().clientFinalMessage(`r=${RFC5802.nonce}abc,${salt}`), /Malformed/);
  await rejectsScram(make().clientFinalMessage(`${salt},r=${RFC5802.nonce}abc,i=4096`), /Malformed/);
  await rejectsScram(make().clientFinalMessage('garbage'), /Malformed/);
  // Optional extensions after i= are ignored (RFC 5802 §7 grammar).
  const client = make();
  const final = await client.clientFinalMessage(`${RFC5802.serverFirst},x=future`);
  assert.match(final, /^c=biws,r=fyko\+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=/);
});

test('username escaping (saslname) and SASLprep', () => {
  assert.equal(escapeSaslName('a=b,c'), 'a=3Db=2Cc');
  assert.equal(
    new ScramClient('SHA-256', 'a=b,c', 'p', { nonce: 'nonce' }).clientFirstMessage(),
    'n,,n=a=3Db=2Cc,r=nonce',
  );
  assert.equal(
    new ScramClient('SHA-256', '==,,', 'p', { nonce: 'n' }).clientFirstMessage(),
    'n,,n==3D=3D=2C=2C,r=n',
  );

  // RFC 4013 §3 examples (those within the approximation).
  assert.equal(saslPrep('I\u00ADX'), 'IX'); // soft hyphen mapped to nothing
  assert.equal(saslPrep('user'), 'user');
  assert.equal(saslPrep('USER'), 'USER'); // case preserved
  assert.equal(saslPrep('\u00AA'), 'a'); // NFKC
  assert.equal(saslPrep('\u2168'), 'IX'); // NFKC
  assert.throws(() => saslPrep('\u0007'), ScramError); // prohibited: control
  // Of a password the message never says which character (it would be part of the secret); of a username it does.
  assert.throws(() => saslPrep('pass\u0007word', 'password'), {
    message: 'The password contains a character that is not allowed',
  });
  assert.throws(() => saslPrep('us\u0007er', 'username'), /not allowed \(U\+0007\)/);
  // Spaces and zero-width characters.
  assert.equal(saslPrep('a\u00A0b\u3000c\u2003d'), 'a b c d');
  assert.equal(saslPrep('a\u200Bb\uFEFFc\u200Dd'), 'abcd');
  assert.throws(() => saslPrep('a\u0000b'), ScramError);
  assert.throws(() => saslPrep('a\uE000b'), ScramError); // private use
  assert.throws(() => saslPrep('a\uFFFFb'), ScramError); // non-character
  assert.throws(() => saslPrep('a\uD800b'), ScramError); // lone surrogate

  assert.throws(() => new ScramClient('SHA-1', 'us\u0001er', 'pencil'), {
    name: 'ScramError',
    message: /username/,
  });
  assert.throws(() => new ScramClient('SHA-1', 'user', 'pen\ncil'), {
    name: 'ScramError',
    message: /password/,
  });
  assert.throws(() => new ScramClient('SHA-1', '', 'pencil'), ScramError);
  assert.throws(() => new ScramClient('SHA-1', 'user', ''), ScramError);
  assert.throws(() => new ScramClient('SHA-1', 'user', 'pencil', { nonce: 'bad,nonce' }), ScramError);
});

test('password preparation: equivalent passwords derive the same proof', async () => {
  const a = new ScramClient('SHA-256', 'user', 'pen\u00A0cil', { nonce: RFC7677.nonce });
  const b = new ScramClient('SHA-256', 'user', 'pen cil', { nonce: RFC7677.nonce });
  assert.equal(
    await a.clientFinalMessage(RFC7677.serverFirst),
    await b.clientFinalMessage(RFC7677.serverFirst),
  );
});

test('SCRAM_MECHANISMS maps mechanism names to hashes', () => {
  assert.deepEqual(SCRAM_MECHANISMS, {
    'SCRAM-SHA-1': 'SHA-1',
    'SCRAM-SHA-256': 'SHA-256',
    'SCRAM-SHA-512': 'SHA-512',
  });
});

test('plainInitialResponse', () => {
  assert.equal(plainInitialResponse('user', 'pencil'), '\0user\0pencil');
  assert.equal(plainInitialResponse('tim', 'tanstaaf\u00A0tanstaaf'), '\0tim\0tanstaaf tanstaaf');
  assert.throws(() => plainInitialResponse('us\0er', 'x'), ScramError);
});
