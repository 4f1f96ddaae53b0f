// Messages from strangers against a real Prosody (issue 9): they wait as message requests (listed in
// 'chat.requests' and the snapshot) within the caps of strangers.ts; writing back, dismissing or blocking
// (XEP-0191, enforced by the server) ends a request. A contact's messages are never a request.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { xml } from '@xmpp/xml';
import type { EngineEvent, EventPayload } from '../../../shared/contract.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { openRawSession } from '../../../e2e/harness/raw-session.ts';
import type { RawSession } from '../../../e2e/harness/raw-session.ts';
import { snapshot, useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { STRANGER_LIMITS } from './strangers.ts';

type Requests = EventPayload<'chat.requests'>;

describe(`message requests against ${serverKind()}`, () => {
  const scenario = useServerScenario();
  const raws: RawSession[] = [];

  const stranger = async (prefix: string): Promise<RawSession & { jid: string }> => {
    const acc = await scenario.account(prefix);
    const raw = await openRawSession(scenario.server, acc, 'spam');
    raws.push(raw);
    return Object.assign(raw, { jid: acc.jid });
  };
  const say = (from: RawSession, to: string, body: string, id?: string) =>
    from.session.send(xml('message', { to, type: 'chat', ...(id ? { id } : {}) }, xml('body', {}, body)));

  /** The first 'chat.requests' at or after `since` that satisfies `pred`. */
  const requests = async (client: EngineClient, since: number, pred: (r: Requests) => boolean) => {
    const event = await client.waitForEvent(
      (e: EngineEvent, i) => i >= since && e.event === 'chat.requests' && pred(e.payload),
      15_000,
    );
    return (event as Extract<EngineEvent, { event: 'chat.requests' }>).payload;
  };
  const bodiesFrom = (client: EngineClient, peer: string): string[] =>
    client.events.flatMap((e) =>
      e.event === 'chat.messages'
        ? e.payload.messages.filter((m) => m.peer === peer && m.direction === 'in').map((m) => m.body ?? '')
        : [],
    );

  test('a stranger waits as a request, within the per-stranger cap; writing back makes it a conversation', async () => {
    const me = await scenario.engine('req-me');
    const eve = await stranger('req-eve');
    const total = STRANGER_LIMITS.messagesEach + 3;
    for (let i = 0; i < total; i++) await say(eve, me.account, `hello ${i}`);
    const full = await requests(me, 0, (r) => r.more === 3);
    assert.deepEqual(
      full.requests.map((r) => [r.jid, r.count, r.preview]),
      [[eve.jid, STRANGER_LIMITS.messagesEach, `hello ${STRANGER_LIMITS.messagesEach - 1}`]],
    );
    assert.equal(full.account, me.account);
    const shownMessages = me.events.flatMap((e) =>
      e.event === 'chat.messages' ? e.payload.messages.filter((m) => m.peer === eve.jid) : [],
    );
    assert.ok(
      shownMessages.every((m) => m.request === true && !m.fromRoster),
      'each says its chat is a request',
    );
    const shown = bodiesFrom(me, eve.jid);
    assert.equal(shown.length, STRANGER_LIMITS.messagesEach, 'only the kept ones reach the UI');
    assert.equal(shown.at(-1), `hello ${STRANGER_LIMITS.messagesEach - 1}`);
    const snap = await snapshot(me);
    assert.deepEqual(
      snap.messageRequests?.map((r) => r.jid),
      [eve.jid],
    );
    assert.equal(snap.moreMessages, 3);

    // The user answers: the request goes, and the conversation has no cap any more.
    const since = me.events.length;
    assert.ok((await me.engine.invoke('chat.send', { account: me.account, to: eve.jid, body: 'hi' })).ok);
    await requests(me, since, (r) => r.requests.length === 0);
    await say(eve, me.account, 'thanks for answering');
    const answered = await me.waitForEvent(
      (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'thanks for answering'),
    );
    assert.ok(answered.event === 'chat.messages');
    assert.equal(answered.payload.messages.at(-1)?.request, undefined, 'a conversation now, not a request');
  });

  test("a contact's messages are never a request; a dismissed request goes but its messages stay", async () => {
    const me = await scenario.engine('req-me2');
    const friend = await stranger('req-friend');
    assert.ok((await me.engine.invoke('roster.add', { account: me.account, jid: friend.jid })).ok);
    const bob = await stranger('req-bob');
    await say(friend, me.account, 'from a contact');
    await say(bob, me.account, 'from a stranger');
    const listed = await requests(me, 0, (r) => r.requests.length > 0);
    assert.deepEqual(
      listed.requests.map((r) => r.jid),
      [bob.jid],
    );
    const fromContact = await me.waitForEvent(
      (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'from a contact'),
    );
    assert.ok(fromContact.event === 'chat.messages');
    const contactMessage = fromContact.payload.messages.find((m) => m.body === 'from a contact');
    assert.deepEqual([contactMessage?.fromRoster, contactMessage?.request], [true, undefined]);

    const since = me.events.length;
    assert.ok((await me.engine.invoke('chat.dismissRequest', { account: me.account, peer: bob.jid })).ok);
    await requests(me, since, (r) => r.requests.length === 0);
    const page = await me.engine.invoke('chat.history', { account: me.account, peer: bob.jid });
    assert.ok(page.ok);
    assert.deepEqual(
      page.value.messages.map((m) => m.body),
      ['from a stranger'],
      'kept in the history',
    );
  });

  test('requests survive a restart; dismissed ones stay dismissed until a newer message; answered ones go', async (t) => {
    const acc = await scenario.account('req-restart');
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-requests-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const first = await scenario.engine(acc, { dataDir });
    const [eve, mallory, trent] = await Promise.all([
      stranger('req-r-eve'),
      stranger('req-r-mallory'),
      stranger('req-r-trent'),
    ]);
    for (const body of ['one', 'two', 'three']) await say(eve, acc.jid, `eve ${body}`);
    await say(mallory, acc.jid, 'mallory one');
    await say(trent, acc.jid, 'trent one');
    await requests(first, 0, (r) => r.requests.length === 3 && r.requests.some((q) => q.count === 3));
    assert.ok((await first.engine.invoke('chat.dismissRequest', { account: acc.jid, peer: mallory.jid })).ok);
    assert.ok((await first.engine.invoke('chat.send', { account: acc.jid, to: trent.jid, body: 'hi' })).ok);
    await requests(first, 0, (r) => r.requests.length === 1);
    await first.dispose();

    // The next start, before and after signing in: eve is still waiting, with her three messages.
    const second = await scenario.engine(acc, { dataDir });
    const listed = (await snapshot(second)).messageRequests ?? [];
    assert.deepEqual(
      listed.map((r) => [r.jid, r.count, r.preview]),
      [[eve.jid, 3, 'eve three']],
    );
    // Mallory writes again: a request again, counting only the new message. Trent, answered, is a chat.
    const since = second.events.length;
    await say(mallory, acc.jid, 'mallory two');
    await say(trent, acc.jid, 'trent two');
    const again = await requests(second, since, (r) => r.requests.some((q) => q.jid === mallory.jid));
    assert.deepEqual(
      again.requests.map((r) => [r.jid, r.count]).sort(),
      [
        [eve.jid, 3],
        [mallory.jid, 1],
      ].sort(),
    );
    await second.waitForEvent(
      (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'trent two'),
    );
    const trentMessage = second.events
      .flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages : []))
      .find((m) => m.body === 'trent two');
    assert.equal(trentMessage?.request, undefined, 'an answered stranger writes in a conversation');
    await second.dispose();
  });

  test('blocking a stranger (XEP-0191) ends the request and the server refuses their messages', async () => {
    const me = await scenario.engine('req-me3');
    const mallory = await stranger('req-mallory');
    await say(mallory, me.account, 'first');
    await requests(me, 0, (r) => r.requests.some((q) => q.jid === mallory.jid));
    const since = me.events.length;
    const blocked = await me.engine.invoke('blocking.block', { account: me.account, jid: mallory.jid });
    assert.ok(blocked.ok, JSON.stringify(blocked));
    await requests(me, since, (r) => r.requests.length === 0);

    await say(mallory, me.account, 'after the block', 'after-block');
    const bounce = await mallory.waitFor((s) => s.is('message') && s.attrs.id === 'after-block');
    assert.equal(bounce.attrs.type, 'error', 'the server bounced it');
    assert.ok(bounce.getChild('error')?.getChild('service-unavailable'), bounce.toString());
    assert.deepEqual(bodiesFrom(me, mallory.jid), ['first'], 'nothing after the block reached us');

    assert.ok((await me.engine.invoke('blocking.unblock', { account: me.account, jid: mallory.jid })).ok);
    await say(mallory, me.account, 'unblocked');
    await me.waitForEvent(
      (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'unblocked'),
    );
  });
});
