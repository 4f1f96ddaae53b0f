import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNTER_FROM_CHARS, lengthState } from './composer-limit.ts';

test('no counter below 90,000 characters; from there, what is left; past the limit, how far over', () => {
  assert.deepEqual(lengthState(0), { text: null, over: false });
  assert.deepEqual(lengthState(COUNTER_FROM_CHARS - 1), { text: null, over: false });
  assert.deepEqual(lengthState(COUNTER_FROM_CHARS), { text: '10,000 characters left', over: false });
  assert.deepEqual(lengthState(99_999), { text: '1 character left', over: false });
  assert.deepEqual(lengthState(100_000), { text: '0 characters left', over: false });
  assert.deepEqual(lengthState(100_001), { text: '1 character too long (limit 100,000)', over: true });
  assert.deepEqual(lengthState(100_004), { text: '4 characters too long (limit 100,000)', over: true });
  assert.deepEqual(lengthState(250_000), {
    text: '150,000 characters too long (limit 100,000)',
    over: true,
  });
});
