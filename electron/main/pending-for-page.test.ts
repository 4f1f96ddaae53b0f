// PendingForPage with plain objects as pages: a loaded page gets events at once, a loading one once it has
// loaded (in one batch, the latest few), only the page waited for, and a newer page drops an older one's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../shared/contract.ts';
import { PendingForPage } from './pending-for-page.ts';

interface FakePage {
  name: string;
}

const activate = (peer: string): EngineEvent => ({
  event: 'shell.activate',
  payload: { account: 'me@example.org', kind: 'chat', peer },
});

function setup(max = 3) {
  const sent: Array<{ to: FakePage; batch: EngineEvent[] }> = [];
  const pending = new PendingForPage<FakePage>((to, batch) => void sent.push({ to, batch }), max);
  return { pending, sent };
}

test('a loaded page gets the event at once; a loading one once it has loaded', () => {
  const { pending, sent } = setup();
  const page = { name: 'main-1' };
  pending.deliver(page, activate('a@example.org'));
  assert.equal(pending.isLoaded(page), false);
  assert.deepEqual(sent, []);
  pending.pageLoaded(page);
  assert.equal(pending.isLoaded(page), true);
  assert.deepEqual(sent, [{ to: page, batch: [activate('a@example.org')] }]);
  pending.deliver(page, activate('b@example.org'));
  assert.deepEqual(sent[1], { to: page, batch: [activate('b@example.org')] });
  pending.pageLoaded(page); // a reload: nothing kept, nothing sent again
  assert.equal(sent.length, 2);
});

test('kept events are the latest few, sent in one batch, to the page waited for only', () => {
  const { pending, sent } = setup(3);
  const main = { name: 'main-1' };
  for (let i = 0; i < 7; i++) pending.deliver(main, activate(`u${i}@example.org`));
  pending.pageLoaded({ name: 'pop-out' });
  assert.deepEqual(sent, []);
  pending.pageLoaded(main);
  assert.deepEqual(sent, [{ to: main, batch: ['u4', 'u5', 'u6'].map((u) => activate(`${u}@example.org`)) }]);
});

test('a newer main page drops what was kept for an older one that never loaded', () => {
  const { pending, sent } = setup();
  const first = { name: 'main-1' };
  const second = { name: 'main-2' };
  pending.keep(first, activate('old@example.org'));
  pending.keep(second, activate('new@example.org'));
  pending.pageLoaded(first);
  assert.deepEqual(sent, []);
  pending.pageLoaded(second);
  assert.deepEqual(sent, [{ to: second, batch: [activate('new@example.org')] }]);
});
