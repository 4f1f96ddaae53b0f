// What a SASL <failure/> becomes: our own sentence for the conditions we know (the server's <text/> left
// out), the server's words, bounded, for the ones we do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { saslFailureError } from './negotiate.ts';
import { NS_SASL } from '../xmpp/ns.ts';

const failure = (condition: string | null, text?: string) =>
  xml(
    'failure',
    { xmlns: NS_SASL },
    ...(condition ? [xml(condition)] : []),
    ...(text !== undefined ? [xml('text', { 'xml:lang': 'en' }, text)] : []),
  );

test("a wrong password says so in our words, without the server's text (Prosody and ejabberd send some)", () => {
  const error = saslFailureError(failure('not-authorized', 'Invalid username or password'));
  assert.equal(error.code, 'auth-failed');
  assert.equal(error.condition, 'not-authorized');
  assert.equal(error.message, 'The password is wrong.');
});

test("every known condition leaves the server's text out", () => {
  for (const [condition, code] of [
    ['account-disabled', 'auth-failed'],
    ['credentials-expired', 'auth-failed'],
    ['temporary-auth-failure', 'auth-failed'],
    ['encryption-required', 'insecure-refused'],
    ['mechanism-too-weak', 'no-mechanism'],
    ['invalid-mechanism', 'no-mechanism'],
  ] as const) {
    const error = saslFailureError(failure(condition, 'RAW SERVER WORDS'));
    assert.equal(error.code, code, condition);
    assert.equal(error.condition, condition);
    assert.doesNotMatch(error.message, /RAW SERVER WORDS|The server said/, condition);
  }
});

test('no condition at all is taken as not-authorized (RFC 6120 §6.5: the catch-all)', () => {
  const error = saslFailureError(failure(null, 'nope'));
  assert.equal(error.condition, 'not-authorized');
  assert.equal(error.message, 'The password is wrong.');
});

test("an unknown condition keeps the server's reason, cut to 200 characters, and the condition bounded", () => {
  const short = saslFailureError(failure('aborted', 'Too many attempts, wait a minute'));
  assert.equal(short.code, 'auth-failed');
  assert.equal(short.message, 'Sign-in failed (aborted). The server said: Too many attempts, wait a minute');

  const long = saslFailureError(failure(`x${'y'.repeat(5_000)}`, 'z'.repeat(100_000)));
  assert.equal(long.condition?.length, 65, '64 characters and an ellipsis');
  assert.ok(long.message.includes(`The server said: ${'z'.repeat(200)}…`));
  assert.ok(long.message.length < 400, `${long.message.length} characters`);

  assert.equal(saslFailureError(failure('aborted')).message, 'Sign-in failed (aborted).');
  assert.equal(saslFailureError(failure('aborted', '   ')).message, 'Sign-in failed (aborted).');
});

test('a condition named like an Object.prototype member is still an unknown one', () => {
  const error = saslFailureError(failure('constructor', 'x'));
  assert.equal(error.code, 'auth-failed');
  assert.equal(error.message, 'Sign-in failed (constructor). The server said: x');
});
