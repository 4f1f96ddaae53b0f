// Group chat against the harness server's real MUC service, beyond joining: moderation by the owner engine
// (kick 307, ban 301, a banned rejoin refused), the room archive catch-up (first join, then only what was
// missed, each line once), private messages, our presence passed on to the room, hostile groupchat from
// outside a room, a resumed stream keeping its rooms, and the rejoin after a server restart.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { openRawSession } from '../../../e2e/harness/raw-session.ts';
import { useServerScenario, sleep } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { startFaultProxy } from '../../../e2e/harness/fault-proxy.ts';
import { NS_MUC } from './muc-user.ts';
import { join, joined, newRoom, roomLines, roomState, waitLine, waitOccupants } from './muc-test-kit.ts';

describe(`group chat rooms against ${serverKind()}`, () => {
  const scenario = useServerScenario();

  test('the owner kicks (307) and bans (301) with reasons; a banned join is refused', async () => {
    const owner = await scenario.engine('mod-owner');
    const bob = await scenario.engine('mod-bob');
    const room = newRoom(scenario.server);
    await joined(owner, room, 'owner');
    await joined(bob, room, 'bob');

    let since = bob.events.length;
    const kick = await owner.engine.invoke('muc.kick', {
      account: owner.account,
      room,
      nick: 'bob',
      reason: 'behave',
    });
    assert.ok(kick.ok, kick.ok ? '' : kick.error.message);
    const kicked = await roomState(bob, room, (r) => r.status === 'kicked', since);
    assert.equal(kicked.reason, 'behave');
    await waitOccupants(owner, room, (list) => !list.has('bob'));
    const sendAfter = await bob.engine.invoke('muc.send', { account: bob.account, room, body: 'x' });
    assert.ok(!sendAfter.ok, 'out of the room after a kick');

    await joined(bob, room, 'bob');
    since = bob.events.length;
    const ban = await owner.engine.invoke('muc.ban', {
      account: owner.account,
      room,
      jid: bob.account,
      reason: 'spam',
    });
    assert.ok(ban.ok, ban.ok ? '' : ban.error.message);
    const banned = await roomState(bob, room, (r) => r.status === 'banned', since);
    assert.equal(banned.reason, 'spam');
    const again = await join(bob, room, 'bob');
    assert.ok(!again.ok);
    assert.equal(again.error.code, 'banned');
  });

  test("the room's archive: the first join shows the newest page, a rejoin only what was missed, each line once", async () => {
    const alice = await scenario.engine('mam-alice');
    const bob = await scenario.engine('mam-bob');
    const room = newRoom(scenario.server);
    await joined(alice, room, 'alice');
    for (const body of ['one', 'two', 'three']) {
      assert.ok((await alice.engine.invoke('muc.send', { account: alice.account, room, body })).ok);
      await waitLine(alice, room, body);
    }
    await sleep(300); // archived and reflected before bob asks

    const first = await joined(bob, room, 'bob');
    assert.ok(first.features.includes('urn:xmpp:mam:2'), 'the room has an archive');
    for (const body of ['one', 'two', 'three']) {
      const line = await waitLine(bob, room, body);
      assert.equal(line.peerFull, `${room}/alice`);
    }
    assert.ok((await bob.engine.invoke('muc.leave', { account: bob.account, room })).ok);
    await waitOccupants(alice, room, (list) => !list.has('bob'));
    for (const body of ['four', 'five']) {
      assert.ok((await alice.engine.invoke('muc.send', { account: alice.account, room, body })).ok);
      await waitLine(alice, room, body);
    }
    await sleep(300);
    await joined(bob, room, 'bob');
    await waitLine(bob, room, 'five');
    const live = await alice.engine.invoke('muc.send', { account: alice.account, room, body: 'six' });
    assert.ok(live.ok);
    await waitLine(bob, room, 'six');
    await sleep(300);
    bob.engine.flushEvents();
    assert.deepEqual(
      roomLines(bob, room).map((m) => m.body),
      ['one', 'two', 'three', 'four', 'five', 'six'],
      'in order, none twice (the join asked for no room history: the archive has it)',
    );
  });

  test("muc.history walks back into the room's archive when the local history runs out", async () => {
    const alice = await scenario.engine('back-alice');
    const carol = await scenario.engine('back-carol');
    const room = newRoom(scenario.server);
    await joined(alice, room, 'alice');
    const bodies = Array.from({ length: 60 }, (_, i) => `line ${i}`);
    for (const body of bodies) {
      assert.ok((await alice.engine.invoke('muc.send', { account: alice.account, room, body })).ok);
    }
    await waitLine(alice, room, 'line 59');
    await sleep(300);
    // The first join brings the newest page (50); the 10 before it are only in the room's archive.
    await joined(carol, room, 'carol');
    await waitLine(carol, room, 'line 59');
    await sleep(200);
    const first = await carol.engine.invoke('muc.history', { account: carol.account, room, limit: 100 });
    assert.ok(first.ok, first.ok ? '' : first.error.message);
    assert.deepEqual(
      first.value.messages.map((m) => m.body),
      bodies,
      'the archive page before the held ones, then the held ones, in order, each once',
    );
    const again = await carol.engine.invoke('muc.history', {
      account: carol.account,
      room,
      beforeSeq: first.value.messages[0]!.seq,
    });
    assert.ok(again.ok);
    assert.deepEqual(again.value.messages, []);
    assert.equal(again.value.complete, true, 'the start of the archive');
  });

  test('a private message from an occupant is its own conversation; our presence reaches the room', async () => {
    const bob = await scenario.engine('pm-bob');
    const carol = await scenario.account('pm-carol');
    const room = newRoom(scenario.server);
    await joined(bob, room, 'bob');
    const raw = await openRawSession(scenario.server, carol, 'pm');
    try {
      await raw.session.send(xml('presence', { to: `${room}/carol` }, xml('x', { xmlns: NS_MUC })));
      await waitOccupants(bob, room, (list) => list.has('carol'));
      await raw.session.send(
        xml('message', { to: `${room}/bob`, type: 'chat', id: 'pm-1' }, xml('body', {}, 'psst')),
      );
      const event = await bob.waitForEvent(
        (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'psst'),
      );
      assert.equal(event.event, 'chat.messages');
      const pm = event.payload.messages.find((m) => m.body === 'psst')!;
      assert.equal(pm.kind, 'private');
      assert.equal(pm.peer, `${room}/carol`);

      const away = await bob.engine.invoke('presence.set', {
        account: bob.account,
        show: 'away',
        status: 'out',
      });
      assert.ok(away.ok);
      const seen = await raw.waitFor(
        (s) => s.is('presence') && s.attrs.from === `${room}/bob` && s.getChildText('show') === 'away',
      );
      assert.equal(seen.getChildText('status'), 'out');
    } finally {
      await raw.session.close();
    }
  });

  test('groupchat from outside a room, and a room presence for a room we are not in, are ignored', async () => {
    const bob = await scenario.engine('hostile-bob');
    const mallory = await scenario.account('hostile-mallory');
    const raw = await openRawSession(scenario.server, mallory, 'x');
    try {
      await raw.session.send(
        xml('message', { to: bob.account, type: 'groupchat', id: 'g1' }, xml('body', {}, 'fake room line')),
      );
      await raw.session.send(xml('message', { to: bob.account, type: 'chat' }, xml('body', {}, 'marker')));
      await bob.waitForEvent(
        (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'marker'),
      );
      bob.engine.flushEvents();
      const shown = bob.events.flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages : []));
      assert.ok(!shown.some((m) => m.body === 'fake room line'));
      assert.ok(!bob.events.some((e) => e.event === 'muc.rooms' || e.event === 'muc.occupants'));
    } finally {
      await raw.session.close();
    }
  });

  test('a resumed stream keeps its rooms (no rejoin); a line said meanwhile arrives once', async () => {
    const who = await scenario.account('resume-bob');
    const bob = await scenario.engine(who, { signIn: false });
    const alice = await scenario.engine('resume-alice');
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
      proxy.reset();
      await bob.waitForEvent(
        (e, i) => i >= since && e.event === 'connection.state' && e.payload.status === 'online',
        30_000,
      );
      assert.ok((await alice.engine.invoke('muc.send', { account: alice.account, room, body: 'after' })).ok);
      await waitLine(bob, room, 'after');
      bob.engine.flushEvents();
      // A rejoin would show the room again (joining, joined: at least one of them) and a fresh occupant list.
      const rejoined = bob.events.some(
        (e, i) => i >= since && (e.event === 'muc.rooms' || (e.event === 'muc.occupants' && e.payload.reset)),
      );
      assert.ok(!rejoined, 'no rejoin after a resumption');
      assert.equal(roomLines(bob, room).filter((m) => m.body === 'after').length, 1);
    } finally {
      await proxy.close();
    }
  });

  // Last: the restart drops every engine of this suite.
  test('after a server restart the rooms are joined again, and the room talks to us', async () => {
    const alice = await scenario.engine('restart-alice');
    const bob = await scenario.engine('restart-bob');
    const room = newRoom(scenario.server);
    await joined(alice, room, 'alice');
    await joined(bob, room, 'bob');
    bob.engine.flushEvents();
    alice.engine.flushEvents();
    const since = bob.events.length;
    const aliceSince = alice.events.length;
    await scenario.server.restart();
    // 'joining' then 'joined' may reach the UI in one batch, as 'joined' only.
    await roomState(bob, room, (r) => r.status === 'joined', since);
    await roomState(alice, room, (r) => r.status === 'joined', aliceSince);
    const sent = await alice.engine.invoke('muc.send', { account: alice.account, room, body: 'back again' });
    assert.ok(sent.ok, sent.ok ? '' : sent.error.message);
    await waitLine(bob, room, 'back again');
  });
});
