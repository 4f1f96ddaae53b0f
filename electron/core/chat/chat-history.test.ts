// The engine's history commands against a real Prosody: a new install scrolls back into the server archive
// when its local history runs out; full-text search over what is stored; displayed markers only on request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../../../shared/contract.ts';
import { bodiesAt, sleep, useFaultFixture } from '../../../e2e/faults/fixture.ts';

const fx = useFaultFixture();

test('a new install scrolls back into the server archive: every message once, in order, then complete', async () => {
  const [a, b] = await Promise.all([fx.account('scroll-a'), fx.account('scroll-b')]);
  const first = await fx.client(a, fx.server.c2sPort);
  const bob = await fx.peer(b);
  // A conversation: each line reaches the other side before the answer, so the archive's order is this one.
  const shown = () =>
    first.events.flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages.map((m) => m.body) : []));
  for (let i = 0; i < 30; i++) {
    assert.ok(
      (await first.engine.invoke('chat.send', { account: first.account, to: b.jid, body: `s${i}` })).ok,
    );
    await first.until(() => bodiesAt(bob, a.jid).length > i, 10_000, `s${i} at the peer`);
    await bob.sendMessage(a.jid, `r${i}`);
    await first.until(() => shown().includes(`r${i}`), 10_000, `r${i}`);
  }
  const conversation = Array.from({ length: 30 }, (_, i) => [`s${i}`, `r${i}`]).flat();
  await first.engine.dispose();

  // Another machine: nothing local. Each page back past the local history comes from the archive.
  const second = await fx.client(a, fx.server.c2sPort);
  await sleep(200); // signed in and caught up
  const pages: Array<{ bodies: Array<string | null>; complete: boolean }> = [];
  let beforeSeq: number | undefined;
  for (let n = 0; n < 10; n++) {
    const page = await second.engine.invoke('chat.history', {
      account: second.account,
      peer: b.jid,
      limit: 25,
      ...(beforeSeq === undefined ? {} : { beforeSeq }),
    });
    assert.ok(page.ok, JSON.stringify(page));
    pages.push({ bodies: page.value.messages.map((m) => m.body), complete: page.value.complete });
    if (page.value.complete) break;
    beforeSeq = page.value.messages[0]?.seq;
    assert.ok(beforeSeq !== undefined, 'a page that is not the last has messages');
  }
  const all = pages.toReversed().flatMap((p) => p.bodies);
  assert.deepEqual(all.slice(-conversation.length), conversation, 'every message once, in order');
  assert.equal(all.length, conversation.length, 'nothing twice');
  assert.equal(pages.at(-1)?.complete, true, 'the archive said it reached the start');
  assert.ok(
    pages.slice(0, -1).every((p) => !p.complete),
    'earlier pages are not complete',
  );
  // Now it is all local: the same walk works offline, straight from the store.
  assert.ok((await second.engine.invoke('account.signOut', { account: second.account })).ok);
  assert.ok(
    (
      await second.engine.invoke('account.signIn', {
        jid: a.jid,
        password: a.password,
        host: fx.server.host,
        port: fx.server.c2sPort,
      })
    ).ok,
  );
  const stored = await second.engine.invoke('chat.history', {
    account: second.account,
    peer: b.jid,
    limit: 100,
  });
  assert.ok(stored.ok);
  assert.deepEqual(
    stored.value.messages.map((m) => m.body),
    conversation,
  );
  assert.ok(stored.value.messages.filter((m) => m.direction === 'out').every((m) => m.state === 'sent'));
});

test('chat.search: words in one chat or every chat, newest first, matches marked, queries only words', async () => {
  const [a, b, c] = await Promise.all([fx.account('find-a'), fx.account('find-b'), fx.account('find-c')]);
  const alice = await fx.client(a, fx.server.c2sPort);
  const send = async (to: string, body: string) =>
    assert.ok((await alice.engine.invoke('chat.send', { account: alice.account, to, body })).ok);
  await send(b.jid, 'The quarterly report is late');
  await send(b.jid, 'lunch on friday?');
  await send(c.jid, 'Quarterly numbers attached');
  await send(c.jid, 'NEAR OR "quarterly" AND * ( ) NOT:');
  const search = async (query: string, peer?: string) => {
    const result = await alice.engine.invoke('chat.search', {
      query,
      ...(peer ? { account: alice.account, peer } : {}),
    });
    assert.ok(result.ok, JSON.stringify(result));
    return result.value.hits;
  };
  const everywhere = await search('quarterly');
  assert.deepEqual(
    everywhere.map((h) => [h.message.peer, h.message.body]),
    [
      [c.jid, 'NEAR OR "quarterly" AND * ( ) NOT:'],
      [c.jid, 'Quarterly numbers attached'],
      [b.jid, 'The quarterly report is late'],
    ],
  );
  assert.equal(everywhere[2]!.snippet, `The ${SNIPPET_OPEN}quarterly${SNIPPET_CLOSE} report is late`);
  assert.deepEqual(
    (await search('quart', b.jid)).map((h) => h.message.body),
    ['The quarterly report is late'],
    'one chat; the last word also as a prefix',
  );
  assert.deepEqual(await search('report friday'), [], 'every word must match');
  assert.deepEqual(
    (await search('NEAR OR')).map((h) => h.message.body),
    ['NEAR OR "quarterly" AND * ( ) NOT:'],
    'operators are words',
  );
  // The hit is the key to its context: the message with its neighbours.
  const hit = everywhere[2]!.message;
  const around = await alice.engine.invoke('chat.history', {
    account: alice.account,
    peer: b.jid,
    aroundSeq: hit.seq,
    limit: 5,
  });
  assert.ok(around.ok);
  assert.deepEqual(
    around.value.messages.map((m) => m.body),
    ['The quarterly report is late', 'lunch on friday?'],
  );
  assert.equal(around.value.atNewest, true);
  // Another chat's seq is not this chat's context.
  const wrongChat = await alice.engine.invoke('chat.history', {
    account: alice.account,
    peer: c.jid,
    aroundSeq: hit.seq,
    limit: 5,
  });
  assert.ok(wrongChat.ok);
  assert.deepEqual(wrongChat.value.messages, []);
});

test('displayed markers go only on request, once, and only to contacts who see our presence', async () => {
  const [a, b] = await Promise.all([fx.account('mark-a'), fx.account('mark-b')]);
  const alice = await fx.client(a, fx.server.c2sPort);
  const bob = await fx.client(b, fx.server.c2sPort);
  const say = async (body: string) => {
    const r = await bob.engine.invoke('chat.send', { account: bob.account, to: a.jid, body });
    assert.ok(r.ok);
    await alice.until(
      () =>
        alice.events.some(
          (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === body),
        ),
      10_000,
      body,
    );
    return r.value.id;
  };
  const readIds = () =>
    bob.events.flatMap((e) =>
      e.event === 'chat.states' ? e.payload.updates.filter((u) => u.state === 'read').map((u) => u.id) : [],
    );
  // A stranger (no presence subscription): looking at the chat tells them nothing.
  await say('hello stranger');
  assert.ok((await alice.engine.invoke('chat.markDisplayed', { account: alice.account, peer: b.jid })).ok);
  await sleep(300);
  bob.engine.flushEvents();
  assert.deepEqual(readIds(), [], 'no marker to someone without a presence subscription');

  // Bob may see Alice's presence: a marker for the newest message, when asked, once.
  assert.ok(
    (await bob.engine.invoke('roster.add', { account: bob.account, jid: a.jid, subscribe: true })).ok,
  );
  await alice.until(
    () => alice.events.some((e) => e.event === 'subscription.requests' && e.payload.requests.length > 0),
    10_000,
    'the request',
  );
  assert.ok(
    (
      await alice.engine.invoke('subscription.answer', {
        account: alice.account,
        jid: b.jid,
        answer: 'approve-and-subscribe',
      })
    ).ok,
  );
  await alice.until(
    () =>
      alice.events.some(
        (e) =>
          e.event === 'roster.changed' &&
          e.payload.upserts.some(
            (u) => u.jid === b.jid && (u.subscription === 'from' || u.subscription === 'both'),
          ),
      ),
    10_000,
    'the subscription',
  );
  await say('one');
  const two = await say('two');
  await sleep(300);
  bob.engine.flushEvents();
  assert.deepEqual(readIds(), [], 'not before the chat is looked at');
  assert.ok((await alice.engine.invoke('chat.markDisplayed', { account: alice.account, peer: b.jid })).ok);
  await bob.until(() => readIds().includes(two), 10_000, "'read' for the newest");
  assert.ok((await alice.engine.invoke('chat.markDisplayed', { account: alice.account, peer: b.jid })).ok);
  await sleep(300);
  bob.engine.flushEvents();
  assert.deepEqual(readIds(), [two], 'one marker, for the newest message only');
});
