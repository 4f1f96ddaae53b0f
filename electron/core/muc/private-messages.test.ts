// Conversation kinds through the whole engine, against the harness server's real MUC service and a slixmpp
// occupant: a private message (XEP-0045 §7.5) is its own conversation (kind 'private', room/nick) live, after
// a restart, through carbons from our other device and fetched from our own archive; our room lines' states
// name kind 'groupchat'; room lines and private messages are found by search, naming kind, room and nick.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { xml } from '@xmpp/xml';
import type { ChatMessage } from '../../../shared/contract.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { openRawSession } from '../../../e2e/harness/raw-session.ts';
import { useServerScenario, sleep } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { NS_MUC, NS_MUC_USER } from './muc-user.ts';
import { startFaultProxy } from '../../../e2e/harness/fault-proxy.ts';
import { joined, newRoom, roomLines, roomState, waitLine, waitOccupants } from './muc-test-kit.ts';

/** The first message `client` was shown with this body. */
async function shown(client: EngineClient, body: string, timeoutMs = 20_000): Promise<ChatMessage> {
  const event = await client.waitForEvent(
    (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === body),
    timeoutMs,
  );
  assert.equal(event.event, 'chat.messages');
  return event.payload.messages.find((m) => m.body === body)!;
}

/** Every message `client` was shown with this body. */
function allShown(client: EngineClient, body: string): ChatMessage[] {
  return client.events.flatMap((e) =>
    e.event === 'chat.messages' ? e.payload.messages.filter((m) => m.body === body) : [],
  );
}

describe(`private messages and room search against ${serverKind()}`, () => {
  const scenario = useServerScenario();

  test("a peer's private message opens its own conversation; our answer reaches them; history survives a restart", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-pm-'));
    try {
      const account = await scenario.account('pmv-bob');
      const bob = await scenario.engine(account, { dataDir });
      const carol = await scenario.peer('pmv-carol');
      const room = newRoom(scenario.server);
      // Made by carol first: the room's disco#info, read as bob joins, then says what it offers.
      await carol.createRoom(room, 'carol', { instant: true });
      await joined(bob, room, 'bob');
      await waitOccupants(bob, room, (list) => list.has('carol'));

      // A room line naming us, and then a private word.
      await carol.sendGroupchat(room, 'bob, are you there?');
      const mention = await waitLine(bob, room, 'bob, are you there?');
      assert.equal(mention.mention, true);
      // XEP-0421: Prosody's rooms stamp (and vouch for) occupant ids; ejabberd 23.01's do not.
      if (serverKind() === 'prosody') assert.ok(mention.occupantId, 'the occupant id is kept');
      else assert.equal(mention.occupantId, undefined);
      await carol.sendPrivate(`${room}/bob`, 'psst, bob');
      const pm = await shown(bob, 'psst, bob');
      assert.equal(pm.kind, 'private');
      assert.equal(pm.peer, `${room}/carol`, "the occupant's full JID is the conversation");
      assert.equal(pm.direction, 'in');

      const answer = await bob.engine.invoke('chat.send', {
        account: bob.account,
        to: `${room}/carol`,
        kind: 'private',
        body: 'hi carol, privately',
      });
      assert.ok(answer.ok, answer.ok ? '' : answer.error.message);
      assert.equal(answer.value.kind, 'private');
      assert.equal(answer.value.peer, `${room}/carol`);
      const got = await carol.waitFor('message', (m) => m.body === 'hi carol, privately', 20_000);
      assert.equal(got.from, `${room}/bob`, 'it went through the room, from our nick');
      assert.equal(got.msgType, 'chat');
      const sent = await bob.waitForEvent(
        (e) =>
          e.event === 'chat.states' &&
          e.payload.updates.some((u) => u.id === answer.value.id && u.state === 'sent'),
        20_000,
      );
      assert.equal(sent.event, 'chat.states');
      const update = sent.payload.updates.find((u) => u.id === answer.value.id)!;
      assert.equal(update.kind, 'private');
      assert.equal(update.peer, `${room}/carol`);
      // Nothing of it went to a 1:1 chat with the room's address.
      const oneToOne = await bob.engine.invoke('chat.history', { account: bob.account, peer: room });
      assert.ok(oneToOne.ok);
      assert.deepEqual(oneToOne.value.messages, []);

      // A sent without a kind to an occupant of a room we are in is private too.
      const implied = await bob.engine.invoke('chat.send', {
        account: bob.account,
        to: `${room}/carol`,
        body: 'still private',
      });
      assert.ok(implied.ok);
      assert.equal(implied.value.kind, 'private');
      await carol.waitFor('message', (m) => m.body === 'still private', 20_000);
      await sleep(300);
      await bob.dispose();

      const again = await scenario.engine(account, { dataDir });
      const history = await again.engine.invoke('chat.history', {
        account: again.account,
        peer: `${room}/carol`,
      });
      assert.ok(history.ok, history.ok ? '' : history.error.message);
      assert.deepEqual(
        history.value.messages.map((m) => [m.direction, m.body, m.kind, m.peer]),
        [
          ['in', 'psst, bob', 'private', `${room}/carol`],
          ['out', 'hi carol, privately', 'private', `${room}/carol`],
          ['out', 'still private', 'private', `${room}/carol`],
        ],
      );
      assert.equal(history.value.messages[1]?.state, 'sent');
      assert.equal(history.value.complete, true);
      // The room's lines after the restart: the mention still marked, the occupant id still there.
      const lines = await again.engine.invoke('muc.history', { account: again.account, room });
      assert.ok(lines.ok);
      const stored = lines.value.messages.find((m) => m.body === 'bob, are you there?');
      assert.equal(stored?.mention, true, 'highlighted after a restart as it was live');
      assert.equal(stored?.occupantId, mention.occupantId);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test("an occupant's receipt (XEP-0184) makes our private message 'delivered' in its own conversation", async () => {
    const bob = await scenario.engine('pmr-bob');
    const carol = await scenario.account('pmr-carol');
    const room = newRoom(scenario.server);
    await joined(bob, room, 'bob');
    const raw = await openRawSession(scenario.server, carol, 'pm');
    try {
      await raw.session.send(xml('presence', { to: `${room}/carol` }, xml('x', { xmlns: NS_MUC })));
      await waitOccupants(bob, room, (list) => list.has('carol'));
      const arriving = raw.waitFor((s) => s.is('message') && s.getChildText('body') === 'did you get this?');
      const sent = await bob.engine.invoke('chat.send', {
        account: bob.account,
        to: `${room}/carol`,
        kind: 'private',
        body: 'did you get this?',
      });
      assert.ok(sent.ok);
      const got = await arriving;
      assert.ok(got.getChild('request', 'urn:xmpp:receipts'), 'a receipt is asked for');
      await raw.session.send(
        xml(
          'message',
          { to: `${room}/bob`, type: 'chat', id: 'r-1' },
          xml('received', { xmlns: 'urn:xmpp:receipts', id: got.attrs.id }),
        ),
      );
      const delivered = await bob.waitForEvent(
        (e) =>
          e.event === 'chat.states' &&
          e.payload.updates.some((u) => u.id === sent.value.id && u.state === 'delivered'),
        20_000,
      );
      assert.equal(delivered.event, 'chat.states');
      assert.deepEqual(
        // The same batch may carry its 'sent' (the server's ack) too.
        delivered.payload.updates
          .filter((u) => u.id === sent.value.id && u.state === 'delivered')
          .map((u) => [u.kind, u.peer]),
        [['private', `${room}/carol`]],
      );
      const page = await bob.engine.invoke('chat.history', { account: bob.account, peer: `${room}/carol` });
      assert.ok(page.ok);
      assert.equal(page.value.messages.find((m) => m.id === sent.value.id)?.state, 'delivered');
    } finally {
      await raw.session.close();
    }
  });

  test('our private message from another device (a carbon) is stored as private, not as a 1:1 chat', async () => {
    const account = await scenario.account('pmc-bob');
    const desk = await scenario.engine(account);
    const carol = await scenario.peer('pmc-carol');
    const room = newRoom(scenario.server);
    // Made by carol (instant: a new Prosody room is locked until configured); this device is not in it.
    await carol.createRoom(room, 'carol', { instant: true });
    // Our other device (a raw session of the same account) in the room, writing to carol there.
    const phone = await openRawSession(scenario.server, account, 'phone');
    try {
      const self = phone.waitFor(
        (s) => s.is('presence') && s.attrs.from === `${room}/bob-phone` && s.attrs.type !== 'error',
      );
      await phone.session.send(xml('presence', { to: `${room}/bob-phone` }, xml('x', { xmlns: NS_MUC })));
      await self;
      const fromPhone = (id: string, body: string, marked: boolean) =>
        phone.session.send(
          xml(
            'message',
            { to: `${room}/carol`, type: 'chat', id },
            xml('body', {}, body),
            marked ? xml('x', { xmlns: NS_MUC_USER }) : null,
          ),
        );
      // Marked as a private message (XEP-0045 §7.5) while this device is in no room: the marker says it.
      // Prosody 0.12 copies no message carrying the marker (its should_copy() is called without `c2s`, so
      // every muc#user PM counts as an incoming one to a full JID): only ejabberd sends this carbon.
      if (serverKind() === 'ejabberd') {
        await fromPhone('phone-pm-1', 'from my phone', true);
        await carol.waitFor('message', (m) => m.body === 'from my phone', 20_000);
        const copy = await shown(desk, 'from my phone');
        assert.deepEqual(
          [copy.direction, copy.kind, copy.peer, copy.state],
          ['out', 'private', `${room}/carol`, 'sent'],
        );
      }
      // Unmarked, once this device is in the room too: the room's address says it.
      await joined(desk, room, 'bob');
      await fromPhone('phone-pm-2', 'from my phone, unmarked', false);
      await carol.waitFor('message', (m) => m.body === 'from my phone, unmarked', 20_000);
      const copy = await shown(desk, 'from my phone, unmarked');
      assert.deepEqual(
        [copy.direction, copy.kind, copy.peer, copy.state],
        ['out', 'private', `${room}/carol`, 'sent'],
      );
      const oneToOne = await desk.engine.invoke('chat.history', { account: desk.account, peer: room });
      assert.ok(oneToOne.ok);
      assert.deepEqual(oneToOne.value.messages, [], 'no 1:1 chat with the room address');
    } finally {
      await phone.session.close();
    }
  });

  test('a private message fetched from our own archive at sign-in is stored as private', async () => {
    const account = await scenario.account('pma-bob');
    const bob = await scenario.engine(account);
    const carol = await scenario.peer('pma-carol');
    const room = newRoom(scenario.server);
    await joined(bob, room, 'bob');
    await carol.joinRoom(room, 'carol');
    await carol.sendGroupchat(room, 'a line before');
    await waitLine(bob, room, 'a line before');
    await bob.signOut();

    // While bob's engine is away, bob's phone is in the room and carol writes to it: our archive keeps it.
    const phone = await openRawSession(scenario.server, account, 'phone');
    try {
      const self = phone.waitFor(
        (s) => s.is('presence') && s.attrs.from === `${room}/bob-phone` && s.attrs.type !== 'error',
      );
      await phone.session.send(xml('presence', { to: `${room}/bob-phone` }, xml('x', { xmlns: NS_MUC })));
      await self;
      const arrived = phone.waitFor((s) => s.is('message') && s.getChildText('body') === 'kept for you');
      await carol.sendPrivate(`${room}/bob-phone`, 'kept for you');
      await arrived;
      await sleep(300); // archived

      await bob.signIn();
      const caught = await shown(bob, 'kept for you');
      assert.equal(caught.kind, 'private');
      assert.equal(caught.peer, `${room}/carol`);
      assert.equal(caught.delayed, true, 'it came from the archive');
      const oneToOne = await bob.engine.invoke('chat.history', { account: bob.account, peer: room });
      assert.ok(oneToOne.ok);
      assert.deepEqual(oneToOne.value.messages, [], 'no 1:1 chat with the room address');
    } finally {
      await phone.session.close();
    }
  });

  test('our room line moves to sent with kind groupchat; search finds room lines and private messages', async () => {
    const bob = await scenario.engine('pms-bob');
    const carol = await scenario.peer('pms-carol');
    const room = newRoom(scenario.server);
    await joined(bob, room, 'bob');
    await carol.joinRoom(room, 'carol');
    await waitOccupants(bob, room, (list) => list.has('carol'));

    const line = await bob.engine.invoke('muc.send', { account: bob.account, room, body: 'zebra crossing' });
    assert.ok(line.ok);
    const sent = await bob.waitForEvent(
      (e) =>
        e.event === 'chat.states' &&
        e.payload.updates.some((u) => u.id === line.value.id && u.state === 'sent'),
      20_000,
    );
    assert.equal(sent.event, 'chat.states');
    const update = sent.payload.updates.find((u) => u.id === line.value.id)!;
    assert.deepEqual([update.kind, update.peer], ['groupchat', room]);

    await carol.sendGroupchat(room, 'zebras everywhere, bob');
    const heard = await waitLine(bob, room, 'zebras everywhere, bob');
    assert.equal(heard.mention, true, 'our nick is named');
    await carol.sendPrivate(`${room}/bob`, 'a private zebra');
    await shown(bob, 'a private zebra');

    const found = await bob.engine.invoke('chat.search', { account: bob.account, query: 'zebra' });
    assert.ok(found.ok);
    const hits = found.value.hits.map((h) => [h.message.kind, h.message.peer, h.message.peerFull]);
    assert.deepEqual(
      hits.toSorted(),
      [
        ['groupchat', room, `${room}/bob`],
        ['groupchat', room, `${room}/carol`],
        ['private', `${room}/carol`, `${room}/carol`],
      ].toSorted(),
      'each hit names its kind, its room and the nick of who wrote it',
    );
    const mentionHit = found.value.hits.find((h) => h.message.body === 'zebras everywhere, bob')!;
    assert.equal(mentionHit.message.mention, true, 'the mention is stored with the line');
    // One private conversation's own search takes its full JID.
    const inPm = await bob.engine.invoke('chat.search', {
      account: bob.account,
      peer: `${room}/carol`,
      kind: 'private',
      query: 'zebra',
    });
    assert.ok(inPm.ok);
    assert.deepEqual(
      inPm.value.hits.map((h) => h.message.body),
      ['a private zebra'],
    );
    // A jump to the room line's hit pages the room, not a 1:1 chat with its address.
    const around = await bob.engine.invoke('chat.history', {
      account: bob.account,
      peer: room,
      aroundSeq: mentionHit.message.seq,
      limit: 10,
    });
    assert.ok(around.ok);
    assert.ok(around.value.messages.some((m) => m.seq === mentionHit.message.seq));
    assert.ok(around.value.messages.every((m) => m.kind === 'groupchat'));
    assert.equal(allShown(bob, 'zebra crossing').length, 1, 'our line once: the reflection was merged');
  });

  // Last: the restart drops every engine of this suite.
  test('a room line lost with the link fails at the fresh session; Retry after the rejoin sends it once', async () => {
    const who = await scenario.account('retry-bob');
    const bob = await scenario.engine(who, { signIn: false });
    const alice = await scenario.engine('retry-alice');
    const proxy = await startFaultProxy({ host: scenario.server.host, port: scenario.server.c2sPort });
    try {
      const signedIn = await bob.engine.invoke('account.signIn', {
        jid: who.jid,
        password: who.password,
        host: '127.0.0.1',
        port: proxy.port,
      });
      assert.ok(signedIn.ok);
      const room = newRoom(scenario.server);
      await joined(alice, room, 'alice');
      await joined(bob, room, 'bob');
      bob.engine.flushEvents();
      const since = bob.events.length;
      // The line goes into a dead link; the server then forgets the session (no resumption).
      proxy.blackHole();
      const lost = await bob.engine.invoke('muc.send', { account: bob.account, room, body: 'into the dark' });
      assert.ok(lost.ok);
      await scenario.server.restart();
      proxy.heal();
      proxy.reset();
      const failed = await bob.waitForEvent(
        (e, i) =>
          i >= since && e.event === 'chat.failed' && e.payload.failures.some((f) => f.id === lost.value.id),
        60_000,
      );
      assert.equal(failed.event, 'chat.failed');
      assert.equal(failed.payload.failures.find((f) => f.id === lost.value.id)?.kind, 'groupchat');
      await roomState(bob, room, (r) => r.status === 'joined', since);
      await roomState(alice, room, (r) => r.status === 'joined');

      const retried = await bob.engine.invoke('chat.retry', { account: bob.account, seq: lost.value.seq });
      assert.ok(retried.ok, retried.ok ? '' : retried.error.message);
      assert.equal(retried.value.state, 'pending');
      assert.equal(retried.value.id, lost.value.id, 'the same id and origin-id');
      await bob.waitForEvent(
        (e) =>
          e.event === 'chat.states' &&
          e.payload.updates.some(
            (u) => u.id === lost.value.id && u.kind === 'groupchat' && u.state === 'sent',
          ),
        20_000,
      );
      await waitLine(alice, room, 'into the dark');
      const twice = await bob.engine.invoke('chat.retry', { account: bob.account, seq: lost.value.seq });
      assert.ok(!twice.ok, 'a line the room has is not sent again');
      await sleep(500);
      alice.engine.flushEvents();
      bob.engine.flushEvents();
      assert.equal(roomLines(alice, room).filter((m) => m.body === 'into the dark').length, 1);
      assert.deepEqual(
        roomLines(bob, room)
          .filter((m) => m.body === 'into the dark')
          .map((m) => m.seq),
        [lost.value.seq],
        'our line once',
      );
    } finally {
      await proxy.close();
    }
  });
});
