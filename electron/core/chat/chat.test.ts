// One-to-one messages against a real Prosody: engine <-> slixmpp peer and engine <-> engine, every message
// type with subject and thread, XEP-0359 origin-id, strangers, offline storage (XEP-0203), errors tied back
// to the sent id (and spoofed errors ignored), oversize input and hostile stanzas.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, EngineEvent } from '../../../shared/contract.ts';
import { MAX_BODY_CHARS } from '../../../shared/contract.ts';
import { describeStanzaError } from '../errors.ts';
import type { SlixmppPeer } from '../../../e2e/harness/peer.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { sleep, snapshot, useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe(`chat against ${serverKind()}`, () => {
  const scenario = useServerScenario();
  const { engine } = scenario;
  // Peers here sit on a known resource unless a test picks another: one test addresses `${jid}/desk`.
  const peer = (prefix: string, resource = 'desk'): Promise<SlixmppPeer> =>
    scenario.peer(prefix, { resource });

  function messages(client: EngineClient, from = 0): ChatMessage[] {
    client.engine.flushEvents();
    return client.events.slice(from).flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages : []));
  }

  async function message(
    client: EngineClient,
    predicate: (m: ChatMessage) => boolean,
    timeoutMs?: number,
  ): Promise<ChatMessage> {
    const event = await client.waitForEvent(
      (e) => e.event === 'chat.messages' && e.payload.messages.some(predicate),
      timeoutMs,
    );
    return (event as Extract<EngineEvent, { event: 'chat.messages' }>).payload.messages.find(predicate)!;
  }

  /** Every field of a message but its timestamp, which each test checks against its own time window. */
  /** Compares everything but the time and the local sequence number (which must be a positive integer). */
  function assertMessage(actual: ChatMessage, expected: Omit<ChatMessage, 'timestamp' | 'seq'>): void {
    assert.ok(Number.isInteger(actual.seq) && actual.seq > 0, 'a stored message has its history row as seq');
    assert.deepEqual({ ...actual, timestamp: 0, seq: 0 }, { ...expected, timestamp: 0, seq: 0 });
  }

  async function send(client: EngineClient, request: Record<string, unknown>): Promise<ChatMessage> {
    const result = await client.engine.invoke('chat.send', { account: client.account, ...request });
    if (!result.ok) assert.fail(`chat.send failed: ${result.error.code}: ${result.error.message}`);
    return result.value as ChatMessage;
  }

  /** Mutual subscription between engine A and a slixmpp peer. */
  async function befriendPeer(a: EngineClient, p: SlixmppPeer): Promise<void> {
    assert.equal(
      (await a.engine.invoke('roster.add', { account: a.account, jid: p.jid, subscribe: true })).ok,
      true,
    );
    await p.waitFor('presence', (e) => e.presenceType === 'subscribe' && e.from === a.account);
    await p.approve(a.account);
    await p.subscribe(a.account);
    await a.waitForEvent(
      (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === p.jid),
    );
    assert.equal(
      (await a.engine.invoke('subscription.answer', { account: a.account, jid: p.jid, answer: 'approve' }))
        .ok,
      true,
    );
    await a.waitForEvent(
      (e) =>
        e.event === 'roster.changed' &&
        e.payload.upserts.some((c) => c.jid === p.jid && c.subscription === 'both'),
    );
  }

  /** Mutual subscription between two engines. */
  async function befriendEngines(a: EngineClient, b: EngineClient): Promise<void> {
    assert.equal(
      (await a.engine.invoke('roster.add', { account: a.account, jid: b.account, subscribe: true })).ok,
      true,
    );
    await b.waitForEvent(
      (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === a.account),
    );
    assert.equal(
      (
        await b.engine.invoke('subscription.answer', {
          account: b.account,
          jid: a.account,
          answer: 'approve-and-subscribe',
        })
      ).ok,
      true,
    );
    await a.waitForEvent(
      (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === b.account),
    );
    assert.equal(
      (
        await a.engine.invoke('subscription.answer', {
          account: a.account,
          jid: b.account,
          answer: 'approve',
        })
      ).ok,
      true,
    );
    const both = (client: EngineClient, jid: string) =>
      client.waitForEvent(
        (e) =>
          e.event === 'roster.changed' &&
          e.payload.upserts.some((c) => c.jid === jid && c.subscription === 'both'),
      );
    await Promise.all([both(a, b.account), both(b, a.account)]);
  }

  test('chat.send returns the record; the peer receives body, type, subject, thread and the same origin-id', async () => {
    const a = await engine('send');
    const p = await peer('sendpeer');
    await befriendPeer(a, p);
    const before = Date.now();
    const sent = await send(a, { to: p.jid, body: 'hello peer', thread: 'thread-1' });
    assert.match(sent.id, UUID);
    assertMessage(sent, {
      account: a.account,
      kind: 'chat',
      id: sent.id,
      originId: sent.id,
      direction: 'out',
      peer: p.jid,
      peerFull: p.jid,
      type: 'chat',
      body: 'hello peer',
      subject: null,
      thread: 'thread-1',
      delayed: false,
      fromRoster: true,
      state: 'pending',
    });
    assert.ok(sent.timestamp >= before && sent.timestamp <= Date.now());
    // Every window hears it, not only the one that sent it: the same record as a 'chat.messages' event.
    assert.deepEqual(await message(a, (m) => m.id === sent.id), sent);
    const got = await p.waitFor('message', (m) => m.id === sent.id);
    assert.deepEqual(
      {
        from: got.from,
        type: got.msgType,
        body: got.body,
        thread: got.thread,
        subject: got.subject,
        originId: got.originId,
      },
      {
        from: a.jid,
        type: 'chat',
        body: 'hello peer',
        thread: 'thread-1',
        subject: null,
        originId: sent.originId,
      },
    );

    // A normal message with a subject to the peer's full JID.
    const full = `${p.jid}/desk`;
    const normal = await send(a, { to: full, body: 'memo', type: 'normal', subject: 'Re: lunch' });
    assert.deepEqual(
      [normal.peer, normal.peerFull, normal.type, normal.subject],
      [p.jid, full, 'normal', 'Re: lunch'],
    );
    const gotNormal = await p.waitFor('message', (m) => m.id === normal.id);
    assert.deepEqual(
      [
        gotNormal.to,
        gotNormal.msgType,
        gotNormal.body,
        gotNormal.subject,
        gotNormal.thread,
        gotNormal.originId,
      ],
      [full, 'normal', 'memo', 'Re: lunch', null, normal.id],
    );
    // Every send gets a fresh id.
    assert.notEqual(normal.id, sent.id);
  });

  test('peer -> engine: chat, normal and headline arrive with peer, body, subject, thread and type', async () => {
    const a = await engine('recv');
    const p = await peer('recvpeer', 'phone');
    await befriendPeer(a, p);
    const cases = [
      { type: 'chat', body: 'a chat line', thread: 'th-chat', subject: undefined, id: 'in-chat-1' },
      {
        type: 'normal',
        body: 'a normal note',
        thread: 'th-normal',
        subject: 'Note subject',
        id: 'in-normal-1',
      },
      {
        type: 'headline',
        body: 'news flash',
        thread: undefined,
        subject: 'Headline subject',
        id: 'in-headline-1',
      },
    ] as const;
    for (const c of cases) {
      const before = Date.now();
      await p.sendMessage(a.jid!, c.body, {
        type: c.type,
        id: c.id,
        ...(c.thread ? { thread: c.thread } : {}),
        ...(c.subject ? { subject: c.subject } : {}),
      });
      const got = await message(a, (m) => m.id === c.id);
      assertMessage(got, {
        account: a.account,
        kind: 'chat',
        id: c.id,
        originId: null,
        direction: 'in',
        peer: p.jid,
        peerFull: `${p.jid}/phone`,
        type: c.type,
        body: c.body,
        subject: c.subject ?? null,
        thread: c.thread ?? null,
        delayed: false,
        fromRoster: true,
        state: 'received',
      });
      assert.ok(got.timestamp >= before - 1000 && got.timestamp <= Date.now());
    }
  });

  test('a message from someone not in the roster is surfaced with fromRoster false', async () => {
    const a = await engine('strange');
    const stranger = await peer('stranger');
    await stranger.sendMessage(a.jid!, 'who am I?', { id: 'stranger-1' });
    const got = await message(a, (m) => m.id === 'stranger-1');
    assert.deepEqual(
      [got.peer, got.body, got.fromRoster, got.direction],
      [stranger.jid, 'who am I?', false, 'in'],
    );
    // Sending to a stranger is allowed and marked the same way.
    const out = await send(a, { to: stranger.jid, body: 'hi stranger' });
    assert.equal(out.fromRoster, false);
    assert.equal((await stranger.waitFor('message', (m) => m.id === out.id)).body, 'hi stranger');
  });

  test('offline message: stored while B is signed out, delivered with delayed true and the original time', async () => {
    const a = await engine('offa');
    const b = await engine('offb');
    await b.signOut();
    const sent = await send(a, { to: b.account, body: 'while you were out', thread: 'off-th' });
    // Prosody stamps the delay with second precision: keep the stored time clearly before sign-in.
    await sleep(1500);
    const signInAt = Date.now();
    const from = b.events.length;
    await b.signIn();
    const got = await message(b, (m) => m.originId === sent.originId);
    assert.equal(got.id, sent.id);
    assert.deepEqual(
      [got.direction, got.peer, got.peerFull, got.body, got.thread, got.type, got.delayed, got.fromRoster],
      ['in', a.account, a.jid, 'while you were out', 'off-th', 'chat', true, false],
    );
    assert.ok(got.timestamp < signInAt, `delay stamp ${got.timestamp} should be before sign-in ${signInAt}`);
    assert.ok(
      got.timestamp >= sent.timestamp - 1000,
      'the delay stamp is the time it was sent (to the second)',
    );
    assert.equal(messages(b, from).filter((m) => m.originId === sent.originId).length, 1, 'delivered once');
  });

  test('message error: a nonexistent user on the same server fails the sent id via chat.failed', async () => {
    const a = await engine('fail');
    const nobody = `nobody-${Date.now().toString(36)}@${scenario.server.domain}`;
    const sent = await send(a, { to: nobody, body: 'anyone there?' });
    const event = await a.waitForEvent(
      (e) => e.event === 'chat.failed' && e.payload.failures.some((f) => f.id === sent.id),
    );
    const failure = (event as Extract<EngineEvent, { event: 'chat.failed' }>).payload.failures.find(
      (f) => f.id === sent.id,
    )!;
    console.log(`error for a nonexistent user: ${failure.error.condition}: ${failure.error.message}`);
    assert.equal(failure.peer, nobody);
    assert.equal(failure.error.code, 'server-error');
    assert.equal(failure.error.condition, 'service-unavailable');
    assert.equal(failure.error.message.startsWith(describeStanzaError('service-unavailable', null)), true);
    assert.equal(failure.error.certificate, null);
    // The bounce is not shown as an incoming message.
    assert.equal(
      messages(a).some((m) => m.direction === 'in'),
      false,
    );
  });

  test('a spoofed error from a third party for our message id is ignored', async () => {
    const a = await engine('spoof');
    const friend = await peer('spooffriend');
    const mallory = await peer('mallory');
    await befriendPeer(a, friend);
    const sent = await send(a, { to: friend.jid, body: 'for the friend only' });
    await friend.waitFor('message', (m) => m.id === sent.id);
    const errorXml = (id: string) =>
      `<message type="error" id="${id}" to="${a.jid}"><body>for the friend only</body>` +
      `<error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`;
    await mallory.sendRaw(errorXml(sent.id));
    // An error for an id we never sent is ignored too, even from the real peer.
    await friend.sendRaw(errorXml('never-sent-id'));
    // Ordering fence: once mallory's (and the friend's) next message arrives, the errors were handled.
    await mallory.sendMessage(a.jid!, 'fence', { id: 'fence-1' });
    await friend.sendMessage(a.jid!, 'fence 2', { id: 'fence-2' });
    await message(a, (m) => m.id === 'fence-1');
    await message(a, (m) => m.id === 'fence-2');
    a.engine.flushEvents();
    assert.deepEqual(
      a.events.filter((e) => e.event === 'chat.failed'),
      [],
    );
    // The genuine error path still works for that id: the friend itself bounces it.
    await friend.sendRaw(errorXml(sent.id));
    const event = await a.waitForEvent((e) => e.event === 'chat.failed');
    assert.deepEqual(
      (event as Extract<EngineEvent, { event: 'chat.failed' }>).payload.failures.map((f) => [
        f.id,
        f.peer,
        f.error.condition,
      ]),
      [[sent.id, friend.jid, 'service-unavailable']],
    );
  });

  test('a body over the limit is refused as invalid-request and nothing is sent', async () => {
    const a = await engine('big');
    const p = await peer('bigpeer');
    const result = await a.engine.invoke('chat.send', {
      account: a.account,
      to: p.jid,
      body: 'x'.repeat(MAX_BODY_CHARS + 1),
    });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, 'invalid-request');
    assert.match(!result.ok ? result.error.message : '', /^body: /);
    // Other invalid requests: empty body, bad address, unknown type, extra field.
    for (const bad of [
      { to: p.jid, body: '' },
      { to: 'not a jid', body: 'x' },
      { to: p.jid, body: 'x', type: 'groupchat' },
      { to: p.jid, body: 'x', extra: true },
    ]) {
      const r = await a.engine.invoke('chat.send', { account: a.account, ...bad });
      assert.equal(r.ok ? 'ok' : r.error.code, 'invalid-request', JSON.stringify(bad));
    }
    // Exactly at the limit is fine; it is the first (and only) message the peer sees.
    const atLimit = await send(a, { to: p.jid, body: 'y'.repeat(MAX_BODY_CHARS) });
    const got = await p.waitFor('message', () => true);
    assert.equal(got.id, atLimit.id);
    assert.equal(got.body?.length, MAX_BODY_CHARS);
    assert.equal(p.events.filter((e) => e.type === 'message').length, 1);
  });

  test('hostile stanzas (huge subject, odd thread, oversize body, no body, bad delay) do not crash the engine', async () => {
    const a = await engine('hostile');
    const p = await peer('hostilepeer');
    await befriendPeer(a, p);
    const to = a.jid!;
    const raw = [
      `<message type="chat" id="h1" to="${to}"><subject>${'S'.repeat(10_000)}</subject><body>huge subject</body></message>`,
      `<message type="chat" id="h2" to="${to}"><body>odd thread</body><thread parent="&lt;x&gt;">${'T'.repeat(2000)}<b xmlns="urn:x">nested</b></thread></message>`,
      `<message type="chat" id="h3" to="${to}"><body>${'B'.repeat(MAX_BODY_CHARS + 20_000)}</body></message>`,
      `<message type="chat" id="h4" to="${to}"><active xmlns="http://jabber.org/protocol/chatstates"/></message>`,
      `<message type="groupchat" id="h5" to="${to}"><body>not a 1:1 message</body></message>`,
      `<message type="bogus" id="h6" to="${to}"><body>unknown type</body></message>`,
      `<message type="chat" id="h7" to="${to}"><body>bad delay</body><delay xmlns="urn:xmpp:delay" stamp="yesterday-ish"/></message>`,
      `<message type="chat" id="h8" to="${to}"><body>two bodies</body><body xml:lang="de">zwei</body><body/></message>`,
      `<message type="chat" to="${to}"><body>no id</body></message>`,
    ];
    for (const stanza of raw) await p.sendRaw(stanza);
    await p.sendMessage(to, 'still alive', { id: 'h-last' });
    await message(a, (m) => m.id === 'h-last');
    const got = new Map(messages(a).map((m) => [m.body?.slice(0, 20), m]));
    const huge = messages(a).find((m) => m.id === 'h1')!;
    assert.deepEqual([huge.body, huge.subject?.length], ['huge subject', 1024]);
    const odd = messages(a).find((m) => m.id === 'h2')!;
    assert.equal(odd.body, 'odd thread');
    assert.equal(odd.thread, 'T'.repeat(256));
    const big = messages(a).find((m) => m.id === 'h3')!;
    assert.equal(big.body?.length, MAX_BODY_CHARS);
    assert.equal(
      messages(a).some((m) => ['h4', 'h5'].includes(m.id)),
      false,
      'chat states and groupchat are not chat messages',
    );
    // RFC 6121 §5.2.2: a type the spec does not define is treated as 'normal', not dropped (issue 9).
    const unknown = messages(a).find((m) => m.id === 'h6');
    assert.deepEqual([unknown?.body, unknown?.type], ['unknown type', 'normal']);
    const badDelay = messages(a).find((m) => m.id === 'h7')!;
    assert.equal(badDelay.delayed, false);
    assert.equal(messages(a).find((m) => m.id === 'h8')?.body, 'two bodies');
    const noId = got.get('no id')!;
    assert.equal(noId.id, `seq-${noId.seq}`, 'a message without id is named by its history row');
    assert.equal((await snapshot(a)).connection.status, 'online');
    // And the engine still sends.
    const reply = await send(a, { to: p.jid, body: 'I survived' });
    assert.equal((await p.waitFor('message', (m) => m.id === reply.id)).body, 'I survived');
  });

  test('multi-byte text survives being split across socket reads (a 90 kB body of 3-byte characters)', async () => {
    const a = await engine('utfa');
    const b = await engine('utfb');
    // Each TLS record carries 16 kB, not a multiple of 3 bytes: several characters straddle two reads.
    const body = `start ${'€漢'.repeat(15_000)} end`;
    const sent = await send(a, { to: b.account, body });
    const got = await message(b, (m) => m.id === sent.id);
    assert.equal(got.body?.length, body.length);
    assert.equal(got.body, body, 'no character turned into U+FFFD');
  });

  test('two engines talk to each other both ways', async () => {
    const a = await engine('duoa');
    const b = await engine('duob');
    await befriendEngines(a, b);
    const fromA = await send(a, { to: b.account, body: 'hi B', thread: 'duo' });
    const gotB = await message(b, (m) => m.id === fromA.id);
    assertMessage(gotB, {
      account: b.account,
      kind: 'chat',
      id: fromA.id,
      originId: fromA.originId,
      direction: 'in',
      peer: a.account,
      peerFull: a.jid!,
      type: 'chat',
      body: 'hi B',
      subject: null,
      thread: 'duo',
      delayed: false,
      fromRoster: true,
      state: 'received',
    });
    const fromB = await send(b, { to: a.jid!, body: 'hi A, back at you', thread: 'duo' });
    assert.deepEqual([fromB.peer, fromB.peerFull, fromB.fromRoster], [a.account, a.jid, true]);
    const gotA = await message(a, (m) => m.id === fromB.id);
    assert.deepEqual(
      [gotA.originId, gotA.peer, gotA.peerFull, gotA.body, gotA.thread, gotA.fromRoster, gotA.delayed],
      [fromB.originId, b.account, b.jid, 'hi A, back at you', 'duo', true, false],
    );
    // A quick exchange keeps its order on both sides.
    const sentA: string[] = [];
    for (let i = 0; i < 20; i++) sentA.push((await send(a, { to: b.account, body: `a${i}` })).id);
    await message(b, (m) => m.id === sentA.at(-1));
    assert.deepEqual(
      messages(b)
        .filter((m) => sentA.includes(m.id))
        .map((m) => m.body),
      Array.from({ length: 20 }, (_, i) => `a${i}`),
    );
    // Neither side saw a failure.
    a.engine.flushEvents();
    b.engine.flushEvents();
    assert.equal(
      [...a.events, ...b.events].some((e) => e.event === 'chat.failed'),
      false,
    );
  });
});
