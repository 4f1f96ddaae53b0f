// Tests run under node:test, so this file (unlike shared/ proper) may import Node built-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JidError,
  bareJid,
  bareJidProblem,
  formatJid,
  isBareJid,
  isValidJid,
  parseJid,
  sameBareJid,
  tryParseJid,
} from './jid.ts';

function throwsJid(input: string, pattern?: RegExp): void {
  assert.throws(
    () => parseJid(input),
    (err: unknown) => {
      assert.ok(err instanceof JidError, `expected JidError for ${JSON.stringify(input)}`);
      assert.equal(err.name, 'JidError');
      if (pattern) assert.match(err.message, pattern);
      return true;
    },
  );
}

test('parses valid addresses (RFC 7622 §3.5 style)', () => {
  const cases: [string, string | null, string, string | null][] = [
    ['juliet@example.com', 'juliet', 'example.com', null],
    ['juliet@example.com/foo', 'juliet', 'example.com', 'foo'],
    ['juliet@example.com/foo bar', 'juliet', 'example.com', 'foo bar'],
    ['juliet@example.com/foo@bar', 'juliet', 'example.com', 'foo@bar'],
    ['foo\\20bar@example.com', 'foo\\20bar', 'example.com', null],
    ['fussball@example.com', 'fussball', 'example.com', null],
    ['fußball@example.com', 'fußball', 'example.com', null],
    ['π@example.com', 'π', 'example.com', null],
    ['Σ@example.com/foo', 'σ', 'example.com', 'foo'],
    ['σ@example.com/foo', 'σ', 'example.com', 'foo'],
    ['king@example.com/♚', 'king', 'example.com', '♚'],
    ['example.com', null, 'example.com', null],
    ['example.com/foobar', null, 'example.com', 'foobar'],
    ['a.example.com/b@example.net', null, 'a.example.com', 'b@example.net'],
    ['juliet@[::1]', 'juliet', '[::1]', null],
    ['juliet@[2001:DB8::8:800:200C:417A]/x', 'juliet', '[2001:db8::8:800:200c:417a]', 'x'],
    ['juliet@[::ffff:192.0.2.1]', 'juliet', '[::ffff:192.0.2.1]', null],
    ['juliet@192.0.2.1', 'juliet', '192.0.2.1', null],
    ['localhost', null, 'localhost', null],
    ['a@b/c/d', 'a', 'b', 'c/d'],
  ];
  for (const [input, local, domain, resource] of cases) {
    assert.deepEqual(parseJid(input), { local, domain, resource }, input);
    assert.equal(isValidJid(input), true, input);
  }
});

test('rejects invalid addresses with a human-readable message', () => {
  throwsJid('', /empty/);
  throwsJid('@example.com', /username part is empty/);
  throwsJid('juliet@', /missing a domain/);
  throwsJid('juliet@.', /missing a domain/);
  throwsJid('/resource', /missing a domain/);
  throwsJid('juliet@example.com/', /resource part is empty/);
  throwsJid('a b@example.com', /username part contains whitespace/);
  throwsJid(' juliet@example.com', /username part contains whitespace/);
  throwsJid('jul"iet@example.com', /username part contains '"'/);
  for (const ch of ['&', "'", ':', '<', '>']) throwsJid(`a${ch}b@example.com`, /username part contains/);
  throwsJid('juliet@exa mple.com', /domain contains whitespace/);
  throwsJid('juliet@example.com ', /domain contains whitespace/);
  throwsJid('juliet@foo@example.com', /domain contains '@'/);
  throwsJid('juliet@example.com:5222', /domain contains ':'/);
  throwsJid('a@foo..bar', /empty label/);
  throwsJid('a@.foo', /empty label/);
  throwsJid('a@foo..', /empty label/);
  throwsJid('juliet@[::1', /IPv6/);
  throwsJid('juliet@[not:an:ip]', /IPv6/);
  throwsJid('juliet@[1:2:3:4:5:6:7:8:9]', /IPv6/);
  throwsJid('ju\u0000liet@example.com', /username part contains an invalid character \(U\+0000\)/);
  throwsJid('juliet@example.com/a\u0007b', /resource part contains an invalid character/);
  throwsJid('juliet@exam\u007fple.com', /domain contains an invalid character/);
  throwsJid('juliet@example.com/\ud800', /resource part contains an invalid character/);
  for (const input of ['', '@example.com', 'juliet@', 'juliet@example.com/', 'a b@example.com']) {
    assert.equal(isValidJid(input), false, input);
    assert.equal(tryParseJid(input), null, input);
  }
});

test('enforces the 1023-byte part limit and 63-byte label limit (in UTF-8 bytes)', () => {
  const label = 'a'.repeat(63);
  const longDomain = Array.from({ length: 16 }, () => label).join('.'); // 16*63 + 15 = 1023 bytes
  assert.equal(longDomain.length, 1023);
  assert.equal(isValidJid(`x@${longDomain}`), true);
  throwsJid(`x@${longDomain}a`, /domain has a label longer|domain is too long/);
  throwsJid(`x@b${longDomain}`, /domain/);
  throwsJid(`x@${'a'.repeat(64)}.com`, /label longer than 63 bytes/);
  // 32 × 'é' (2 bytes each) = 64 bytes, though only 32 characters.
  throwsJid(`x@${'é'.repeat(32)}.com`, /label longer than 63 bytes/);

  assert.equal(isValidJid(`${'a'.repeat(1023)}@example.com`), true);
  throwsJid(`${'a'.repeat(1024)}@example.com`, /username part is too long/);
  // 342 × '€' (3 bytes each) = 1026 bytes.
  throwsJid(`${'€'.repeat(342)}@example.com`, /username part is too long/);
  assert.equal(isValidJid(`a@example.com/${'r'.repeat(1023)}`), true);
  throwsJid(`a@example.com/${'r'.repeat(1024)}`, /resource part is too long/);
});

test('normalizes case: localpart and domain lowercased, resource kept', () => {
  assert.deepEqual(parseJid('Juliet@Example.COM/Balcony'), {
    local: 'juliet',
    domain: 'example.com',
    resource: 'Balcony',
  });
  assert.equal(formatJid(parseJid('ROMEO@MONTAGUE.LIT/Orchard')), 'romeo@montague.lit/Orchard');
});

test('normalizes to NFC', () => {
  const decomposed = 'Jose\u0301'; // 'e' + combining acute
  const jid = parseJid(`${decomposed}@Exa\u0301mple.com/${decomposed}`);
  assert.equal(jid.local, 'jos\u00e9');
  assert.equal(jid.domain, 'ex\u00e1mple.com');
  assert.equal(jid.resource, 'Jos\u00e9');
});

test('removes exactly one trailing dot from the domain', () => {
  assert.deepEqual(parseJid('juliet@example.com.'), {
    local: 'juliet',
    domain: 'example.com',
    resource: null,
  });
  assert.deepEqual(parseJid('example.com./res'), { local: null, domain: 'example.com', resource: 'res' });
  assert.equal(parseJid('juliet@example.com\u3002').domain, 'example.com');
  assert.equal(parseJid('juliet@example\uff0ecom').domain, 'example.com');
  throwsJid('juliet@example.com..', /empty label/);
});

test('formatJid joins and normalizes parts, and validates them', () => {
  assert.equal(
    formatJid({ local: 'Juliet', domain: 'Example.com.', resource: 'Foo Bar' }),
    'juliet@example.com/Foo Bar',
  );
  assert.equal(formatJid({ local: null, domain: 'example.com', resource: null }), 'example.com');
  assert.equal(formatJid({ local: null, domain: 'example.com', resource: 'r' }), 'example.com/r');
  assert.throws(() => formatJid({ local: 'a@b', domain: 'example.com', resource: null }), {
    name: 'JidError',
    message: "The username part contains '@'",
  });
  assert.throws(() => formatJid({ local: 'a/b', domain: 'example.com', resource: null }), JidError);
  assert.throws(() => formatJid({ local: '', domain: 'example.com', resource: null }), JidError);
  assert.throws(() => formatJid({ local: 'a', domain: '', resource: null }), {
    message: 'The address is missing a domain',
  });
  assert.throws(() => formatJid({ local: 'a', domain: 'ex/ample.com', resource: null }), JidError);
  assert.throws(() => formatJid({ local: 'a', domain: 'example.com', resource: '' }), JidError);
  for (const input of ['juliet@example.com/foo@bar', 'a.example.com/b@example.net', 'juliet@[::1]/x']) {
    assert.equal(formatJid(parseJid(input)), input);
  }
});

test('bareJid', () => {
  assert.equal(bareJid('Juliet@Example.com/Balcony'), 'juliet@example.com');
  assert.equal(bareJid('example.com/foobar'), 'example.com');
  assert.equal(bareJid('juliet@example.com.'), 'juliet@example.com');
  assert.equal(bareJid({ local: 'Juliet', domain: 'EXAMPLE.com', resource: 'x' }), 'juliet@example.com');
  assert.throws(() => bareJid('juliet@'), JidError);
  assert.throws(() => bareJid({ local: 'a b', domain: 'example.com', resource: null }), JidError);
});

test('isBareJid', () => {
  assert.equal(isBareJid('juliet@example.com'), true);
  assert.equal(isBareJid('example.com'), true);
  assert.equal(isBareJid('juliet@example.com/balcony'), false);
  assert.equal(isBareJid('juliet@'), false);
  assert.equal(isBareJid(''), false);
});

test('bareJidProblem: a part over 1023 bytes is too long, whatever else is wrong; other faults are invalid', () => {
  assert.equal(bareJidProblem('juliet@example.com'), null);
  assert.equal(bareJidProblem('example.com'), null);
  assert.equal(bareJidProblem(`${'a'.repeat(1023)}@example.com`), null, 'exactly 1023 bytes is fine');
  assert.equal(bareJidProblem(`${'a'.repeat(1024)}@example.com`), 'too-long');
  assert.equal(bareJidProblem(`${'a'.repeat(3_000)}@example.com`), 'too-long');
  assert.equal(bareJidProblem(`juliet@${'a'.repeat(3_000)}.com`), 'too-long');
  assert.equal(bareJidProblem('x'.repeat(3_000)), 'too-long', 'a domain alone');
  assert.equal(bareJidProblem(`juliet@example.com/${'r'.repeat(1_024)}`), 'too-long');
  assert.equal(bareJidProblem(`a b${'c'.repeat(3_000)}@example.com`), 'too-long', 'too long comes first');
  // Bytes, not characters: 342 three-byte letters are 1026 bytes.
  assert.equal(bareJidProblem(`${'€'.repeat(341)}@example.com`), null);
  assert.equal(bareJidProblem(`${'€'.repeat(342)}@example.com`), 'too-long');
  for (const bad of ['not a jid', 'juliet@', '@example.com', 'juliet@example.com/desk', '', 'a@b@c']) {
    assert.equal(bareJidProblem(bad), 'invalid', JSON.stringify(bad));
  }
});

test('sameBareJid', () => {
  assert.equal(sameBareJid('juliet@example.com', 'Juliet@EXAMPLE.com.'), true);
  assert.equal(sameBareJid('juliet@example.com/a', 'juliet@example.com/b'), true);
  assert.equal(sameBareJid('jos\u00e9@example.com', 'Jose\u0301@example.com'), true);
  assert.equal(sameBareJid('juliet@example.com', 'romeo@example.com'), false);
  assert.equal(sameBareJid('juliet@example.com', 'example.com'), false);
  assert.equal(sameBareJid('juliet@example.com', 'juliet@example.org'), false);
  assert.equal(sameBareJid('juliet@', 'juliet@'), false);
  assert.equal(sameBareJid('', ''), false);
  assert.equal(sameBareJid('juliet@example.com', 'juliet@example.com/'), false);
});

test('the plain-ASCII fast path agrees with the full rules at its edges', () => {
  // Accepted and normalized the same way as before the fast path: case folded, nothing else touched.
  assert.equal(
    formatJid(parseJid('Juliet!#$%()*+,-.;=?^_`{|}~@Example.COM/Balcony Scene 2')),
    'juliet!#$%()*+,-.;=?^_`{|}~@example.com/Balcony Scene 2',
  );
  assert.equal(formatJid(parseJid('a@b.c.')), 'a@b.c', 'one trailing dot removed (the full path)');
  assert.equal(formatJid(parseJid(`a@${'X'.repeat(63)}`)), `a@${'x'.repeat(63)}`, 'a 63-byte label');
  // Refused exactly as before: each forbidden character, empty and over-long labels, whitespace.
  for (const bad of [
    'a"b@c',
    'a&b@c',
    "a'b@c",
    'a:b@c',
    'a<b@c',
    'a>b@c',
    'a@b..c',
    'a@.b',
    'a b@c',
    'a@b c',
  ]) {
    assert.equal(tryParseJid(bad), null, bad);
  }
  assert.equal(tryParseJid(`a@${'x'.repeat(64)}`), null, 'a 64-byte label');
  assert.equal(tryParseJid(`${'x'.repeat(1024)}@b`), null, 'a 1,024-byte localpart');
  assert.equal(tryParseJid(`a@b/${'x'.repeat(1024)}`), null, 'a 1,024-byte resource');
  assert.equal(tryParseJid('a@b/tab\there'), null, 'a control character in the resource');
});
