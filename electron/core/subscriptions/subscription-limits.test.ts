// Subscription-request floods (issue 9): at most MAX_PENDING_REQUESTS wait here per account; the rest are
// counted, not kept (the server delivers pending requests again at each sign-in, RFC 6121 §3.1.3), so the
// user sees how many more there are and nothing is silently lost. Before, every request was kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJid } from '../../../shared/jid.ts';
import { MAX_PENDING_REQUESTS } from '../../../shared/limits.ts';
import type { EventPayload } from '../../../shared/contract.ts';
import { presenceEnvelope, recordingEvents } from '../account/unit-test-kit.ts';
import { Subscriptions } from './subscriptions.ts';

const OWN = parseJid('me@example.org/desk');

const subscribe = (from: string) => presenceEnvelope(OWN, { from, type: 'subscribe' });

test(`a flood of requests keeps ${MAX_PENDING_REQUESTS} and counts the rest; answering one makes room`, () => {
  const { events, emitted } =
    recordingEvents<Omit<EventPayload<'subscription.requests'>, 'account'>>('subscription.requests');
  const subscriptions = new Subscriptions(events, () => undefined);
  const last = () => emitted.at(-1)!;
  for (let i = 0; i < 3_000; i++) subscriptions.handle(subscribe(`spammer${i}@evil.example`));
  assert.equal(subscriptions.requests().length, MAX_PENDING_REQUESTS);
  assert.equal(last().requests.length, MAX_PENDING_REQUESTS);
  assert.equal(last().more, 3_000 - MAX_PENDING_REQUESTS);
  assert.equal(subscriptions.isPending('spammer0@evil.example'), true, 'the first ones stay');
  assert.equal(subscriptions.isPending('spammer2999@evil.example'), false);
  // A repeat of a kept request changes nothing; answering one makes room for the next newcomer.
  subscriptions.handle(subscribe('spammer0@evil.example'));
  assert.equal(last().more, 3_000 - MAX_PENDING_REQUESTS);
  subscriptions.answer('spammer0@evil.example', 'deny');
  subscriptions.handle(subscribe('friend@example.net'));
  assert.equal(subscriptions.isPending('friend@example.net'), true);
  assert.equal(subscriptions.requests().length, MAX_PENDING_REQUESTS);
});
