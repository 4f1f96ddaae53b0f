// The message-request list's bounds (issue 9): a flood from many addresses, or one chatty stranger, keeps at
// most STRANGER_LIMITS and counts the rest; answering, dismissing or adding the contact frees the slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STRANGER_LIMITS, StrangerInbox } from './strangers.ts';

const { requests: MAX_REQUESTS, messagesEach: MAX_EACH } = STRANGER_LIMITS;

test(`a flood from many strangers keeps ${MAX_REQUESTS} requests and counts every message past them`, () => {
  const inbox = new StrangerInbox(() => false);
  let kept = 0;
  for (let i = 0; i < 5_000; i++) if (inbox.admit(`spam${i}@evil.example`, 'buy now', 1_000 + i)) kept++;
  assert.equal(kept, MAX_REQUESTS);
  assert.equal(inbox.list().length, MAX_REQUESTS);
  assert.equal(inbox.more, 5_000 - MAX_REQUESTS);
  assert.equal(inbox.list()[0]!.jid, `spam${MAX_REQUESTS - 1}@evil.example`, 'newest first');
  assert.ok(inbox.list().every((r) => r.count === 1));
});

test(`one stranger is kept for ${MAX_EACH} messages; writing back makes it a conversation without a cap`, () => {
  const inbox = new StrangerInbox(() => false);
  const results = Array.from({ length: MAX_EACH + 5 }, (_, i) => inbox.admit('eve@x.example', `m${i}`, i));
  assert.equal(results.filter(Boolean).length, MAX_EACH);
  assert.deepEqual(results.slice(MAX_EACH), [false, false, false, false, false]);
  assert.equal(inbox.more, 5);
  assert.deepEqual(inbox.list(), [
    { jid: 'eve@x.example', count: MAX_EACH, preview: `m${MAX_EACH - 1}`, at: 99 },
  ]);
  inbox.answer('eve@x.example');
  assert.deepEqual(inbox.list(), [], 'answered: no longer a request');
  assert.equal(inbox.answered('eve@x.example'), true);
  assert.ok(
    Array.from({ length: 500 }, (_, i) => inbox.admit('eve@x.example', 'hi', 200 + i)).every(Boolean),
  );
  assert.deepEqual(inbox.list(), []);
});

test('a dismissed request frees its slot; one who became a contact leaves the list and frees theirs', () => {
  const contacts = new Set<string>();
  const inbox = new StrangerInbox((jid) => contacts.has(jid));
  for (let i = 0; i < MAX_REQUESTS; i++) assert.ok(inbox.admit(`s${i}@x.example`, null, 0));
  assert.equal(inbox.admit('late@x.example', null, 10), false, 'full');
  assert.equal(inbox.forget('s0@x.example'), true);
  assert.equal(inbox.admit('late@x.example', null, 20), true, 'the dismissed slot is free');
  assert.equal(inbox.admit('later@x.example', null, 30), false, 'full again');
  contacts.add('s1@x.example');
  assert.equal(
    inbox.list().some((r) => r.jid === 's1@x.example'),
    false,
    'a contact is not a request',
  );
  contacts.add('s2@x.example');
  // The full list looks for new contacts at most once a second (a flood must stay O(1) per message).
  assert.equal(
    inbox.admit('later@x.example', null, 2_000),
    true,
    's2 was added as a contact: its slot is free',
  );
  assert.equal(inbox.list().length, MAX_REQUESTS - 1, 's1 and s2 left, later came in');
});

test('previews are cut; the version moves on every change, so the list goes out only when it changed', () => {
  const inbox = new StrangerInbox(() => false);
  const v0 = inbox.version;
  inbox.admit('eve@x.example', 'x'.repeat(100_000), 1);
  assert.equal(inbox.list()[0]!.preview!.length, STRANGER_LIMITS.previewChars);
  assert.ok(inbox.version > v0);
  const v1 = inbox.version;
  inbox.forget('nobody@x.example');
  assert.equal(inbox.version, v1, 'nothing changed');
  inbox.forget('eve@x.example');
  assert.ok(inbox.version > v1);
});

test('restored requests keep the caps; someone we wrote to in an earlier run is a conversation', () => {
  const inbox = new StrangerInbox(
    () => false,
    (jid) => jid === 'old-friend@x.example',
  );
  inbox.restore(
    Array.from({ length: MAX_REQUESTS + 50 }, (_, i) => ({
      jid: `s${i}@x.example`,
      count: 5_000,
      preview: 'y'.repeat(10_000),
      at: 10_000 - i,
    })),
  );
  const listed = inbox.list();
  assert.equal(listed.length, MAX_REQUESTS);
  assert.ok(listed.every((r) => r.count === MAX_EACH && r.preview!.length === STRANGER_LIMITS.previewChars));
  assert.equal(inbox.more, 0, 'restoring counts nothing as not kept');
  assert.equal(inbox.admit('old-friend@x.example', 'hello again', 20_000), true);
  assert.equal(inbox.waiting('old-friend@x.example'), false);
  assert.ok(inbox.answered('old-friend@x.example'));
});
