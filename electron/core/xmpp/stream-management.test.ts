import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import { NS_SM, StreamManagement, type SmConnection } from './stream-management.ts';

/** A server side scripted by the test: answers each sendReceive with the next reply. */
function fakeServer(replies: Element[]): SmConnection & { sent: Element[]; resent: Element[][] } {
  const sent: Element[] = [];
  const resent: Element[][] = [];
  return {
    sent,
    resent,
    sendReceive: async (element) => {
      sent.push(element);
      const reply = replies.shift();
      if (!reply) throw new Error('no scripted reply');
      return reply;
    },
    sendMany: async (elements) => void resent.push(elements),
  };
}

const message = (n: number) =>
  xml('message', { to: 'bob@example.com', id: `m${n}`, type: 'chat' }, xml('body', {}, `${n}`));

test('enable, count, answer <r/> with h, and release acked stanzas in order', async () => {
  const acked: string[] = [];
  const sm = new StreamManagement((stanzas) => acked.push(...stanzas.map((s) => s.attrs.id!)));
  const server = fakeServer([xml('enabled', { xmlns: NS_SM, id: 'sess-1', resume: 'true' })]);
  assert.equal(await sm.enable(server, 'alice@example.com/res'), true);
  assert.equal(server.sent[0]!.attrs.resume, 'true');
  assert.equal(sm.resumable, true);
  for (let i = 0; i < 5; i++) sm.sent(message(i));
  sm.received();
  sm.received();
  assert.equal(sm.handleNonza(xml('r', { xmlns: NS_SM }))?.attrs.h, '2');
  sm.handleNonza(xml('a', { xmlns: NS_SM, h: '3' }));
  assert.deepEqual(acked, ['m0', 'm1', 'm2']);
  assert.equal(sm.unackedCount, 2);
  sm.handleNonza(xml('a', { xmlns: NS_SM, h: '5' }));
  assert.deepEqual(acked, ['m0', 'm1', 'm2', 'm3', 'm4']);
  // Hostile acks: garbage, negative, and more than was sent, never release what was not sent.
  sm.sent(message(5));
  for (const h of ['x', '-1', '4294967296']) sm.handleNonza(xml('a', { xmlns: NS_SM, h }));
  assert.equal(sm.unackedCount, 1);
  sm.handleNonza(xml('a', { xmlns: NS_SM, h: '99' }));
  assert.equal(sm.unackedCount, 0);
});

test('resume: the server h releases what it got, the rest is sent again and counted again', async () => {
  const acked: string[] = [];
  const sm = new StreamManagement((stanzas) => acked.push(...stanzas.map((s) => s.attrs.id!)));
  await sm.enable(
    fakeServer([xml('enabled', { xmlns: NS_SM, id: 'sess-2', resume: '1' })]),
    'alice@example.com/r',
  );
  for (let i = 0; i < 4; i++) sm.sent(message(i));
  sm.received();
  const server = fakeServer([xml('resumed', { xmlns: NS_SM, previd: 'sess-2', h: '1' })]);
  assert.equal(await sm.resume(server), true);
  assert.equal(server.sent[0]!.attrs.previd, 'sess-2');
  assert.equal(server.sent[0]!.attrs.h, '1', 'we report what we received');
  assert.deepEqual(acked, ['m0']);
  assert.deepEqual(
    server.resent[0]!.map((s) => s.attrs.id),
    ['m1', 'm2', 'm3'],
  );
  assert.equal(sm.unackedCount, 3);
  sm.handleNonza(xml('a', { xmlns: NS_SM, h: '4' }));
  assert.deepEqual(acked, ['m0', 'm1', 'm2', 'm3']);
});

test('failed resume: what the server says it got is released; the rest becomes orphans of the next session', async () => {
  const acked: string[] = [];
  const sm = new StreamManagement((stanzas) => acked.push(...stanzas.map((s) => s.attrs.id!)));
  await sm.enable(fakeServer([xml('enabled', { xmlns: NS_SM, id: 'sess-3', resume: 'true' })]), 'a@b/c');
  for (let i = 0; i < 3; i++) sm.sent(message(i));
  const failed = fakeServer([xml('failed', { xmlns: NS_SM, h: '1' }, xml('item-not-found'))]);
  assert.equal(await sm.resume(failed), false);
  assert.equal(sm.resumable, false);
  assert.deepEqual(acked, ['m0']);
  await sm.enable(fakeServer([xml('enabled', { xmlns: NS_SM, id: 'sess-4', resume: 'true' })]), 'a@b/c');
  assert.equal(sm.unackedCount, 0, 'a new SM session starts empty');
  assert.deepEqual(
    sm.takeOrphans().map((s) => s.attrs.id),
    ['m1', 'm2'],
  );
  assert.deepEqual(sm.takeOrphans(), [], 'handed over once');
  assert.equal(sm.handleNonza(xml('r', { xmlns: NS_SM }))?.attrs.h, '0', 'counters restart');
});

test('a server that does not grant resumption: acks still work, resume is not attempted', async () => {
  const sm = new StreamManagement(() => undefined);
  assert.equal(await sm.enable(fakeServer([xml('enabled', { xmlns: NS_SM })]), 'a@b/c'), true);
  assert.equal(sm.resumable, false);
  assert.equal(await sm.resume(fakeServer([])), false);
  const refused = new StreamManagement(() => undefined);
  assert.equal(await refused.enable(fakeServer([xml('failed', { xmlns: NS_SM })]), 'a@b/c'), false);
});
