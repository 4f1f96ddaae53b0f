// Tests run in Node (node --test). The rate limits: one notice per conversation every 2 s, five in any 10 s,
// the rest folded into "N new messages" that show once allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Notice } from './notify-policy.ts';
import { NotificationThrottle } from './notification-throttle.ts';

const notice = (tag: string, body = 'hi'): Notice => ({
  account: 'me@example.org',
  kind: 'chat',
  peer: tag,
  tag,
  title: tag,
  body,
});

test('one notice per conversation every 2 s; the ones between fold into "N new messages"', () => {
  const throttle = new NotificationThrottle();
  assert.ok(throttle.offer(notice('a', 'one'), 0));
  assert.equal(throttle.offer(notice('a', 'two'), 500), null);
  assert.equal(throttle.offer(notice('a', 'three'), 900), null);
  assert.deepEqual(throttle.due(1_999), [], 'not yet');
  assert.equal(throttle.nextDue(), 2_000);
  const [folded, ...rest] = throttle.due(2_000);
  assert.equal(rest.length, 0);
  assert.equal(folded?.body, '2 new messages');
  assert.equal(throttle.nextDue(), null);
  assert.equal(throttle.offer(notice('a'), 3_000), null, 'the folded one just showed');
  assert.equal(throttle.due(4_000)[0]?.body, 'hi', 'a single folded notice shows as itself');
});

test('another conversation is not held back by the first', () => {
  const throttle = new NotificationThrottle();
  assert.ok(throttle.offer(notice('a'), 0));
  assert.ok(throttle.offer(notice('b'), 10));
});

test('at most five notices in 10 s across conversations; the rest wait for the window', () => {
  const throttle = new NotificationThrottle();
  for (let i = 0; i < 5; i++) assert.ok(throttle.offer(notice(`c${i}`), i * 100));
  assert.equal(throttle.offer(notice('c5'), 600), null);
  assert.equal(throttle.offer(notice('c6'), 700), null);
  assert.deepEqual(throttle.due(5_000), []);
  assert.equal(throttle.nextDue(), 10_000);
  const due = throttle.due(10_100);
  assert.deepEqual(
    due.map((n) => n.tag),
    ['c5', 'c6'],
    'the first two notices left the window',
  );
});

test('a flood from many conversations keeps a bounded number waiting', () => {
  const throttle = new NotificationThrottle({
    perTagMs: 2_000,
    globalMax: 1,
    globalWindowMs: 10_000,
    maxWaiting: 3,
  });
  throttle.offer(notice('x'), 0);
  for (let i = 0; i < 1_000; i++) throttle.offer(notice(`f${i}`), 1);
  const due = throttle.due(20_000);
  assert.deepEqual(
    due.map((n) => n.tag),
    ['f997'],
    'the newest waiting ones were kept; one shows per window',
  );
  assert.deepEqual(
    throttle.due(40_000).map((n) => n.tag),
    ['f998'],
  );
});

test('drop forgets a waiting notice (its chat came on screen)', () => {
  const throttle = new NotificationThrottle();
  throttle.offer(notice('a'), 0);
  throttle.offer(notice('a'), 100);
  throttle.drop('a');
  assert.deepEqual(throttle.due(5_000), []);
});
