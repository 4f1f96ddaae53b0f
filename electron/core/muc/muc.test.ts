// Group chat against the harness server's real MUC service (Prosody's muc component, ejabberd's mod_muc):
// two Parley engines in one room. Creating a room (201, accepted as an instant room), joining and leaving,
// the occupant list, talking (our reflection makes a message 'sent', each line shown once, a mention
// flagged and counted), and the join refusals as typed errors: nick conflict, password, members only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerScenario, sleep } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import {
  createConfiguredRoom,
  join,
  joined,
  newRoom,
  occupantsSeen,
  roomLines,
  roomState,
  waitLine,
  waitOccupants,
} from './muc-test-kit.ts';

describe(`group chat against ${serverKind()}`, () => {
  const scenario = useServerScenario();

  test('a new room is created (201) as an instant room; a second engine joins; occupants; leave', async () => {
    const alice = await scenario.engine('muc-alice');
    const bob = await scenario.engine('muc-bob');
    const room = newRoom(scenario.server);

    const created = await joined(alice, room, 'alice');
    assert.equal(created.affiliation, 'owner');
    assert.equal(created.role, 'moderator');
    assert.equal(created.nick, 'alice');
    // Read again once the room exists (it had no disco#info before): Prosody vouches for XEP-0421 occupant
    // ids, ejabberd 23.01 offers none.
    assert.ok(created.features.includes('muc_persistent'), created.features.join(' '));
    assert.equal(
      created.features.includes('urn:xmpp:occupant-id:0'),
      scenario.server.kind === 'prosody',
      created.features.join(' '),
    );
    // A room still locked (no instant configuration) would refuse bob with item-not-found.
    const second = await joined(bob, room, 'bob');
    assert.equal(second.affiliation, 'none');
    assert.equal(second.role, 'participant');
    assert.ok(second.features.includes('muc_persistent') || second.features.length > 0, 'disco#info read');

    bob.engine.flushEvents();
    const bobsList = occupantsSeen(bob, room);
    assert.deepEqual([...bobsList.keys()].sort(), ['alice', 'bob'], 'complete at our self-presence');
    assert.equal(bobsList.get('alice')?.affiliation, 'owner');
    const alicesList = await waitOccupants(alice, room, (list) => list.has('bob'));
    assert.equal(alicesList.get('bob')?.role, 'participant');

    const snapshot = await bob.engine.invoke('muc.rooms', { account: bob.account });
    assert.ok(snapshot.ok);
    assert.deepEqual(
      snapshot.value.rooms.map((r) => [r.room, r.status, r.occupants]),
      [[room, 'joined', 2]],
    );
    // The state snapshot (what a page loads first) carries the same rooms.
    const state = await bob.engine.invoke('state.snapshot', {});
    assert.ok(state.ok);
    assert.deepEqual(
      state.value.accounts.find((a) => a.account === bob.account)?.rooms?.map((r) => [r.room, r.status]),
      [[room, 'joined']],
    );

    const since = bob.events.length;
    assert.ok((await bob.engine.invoke('muc.leave', { account: bob.account, room })).ok);
    await roomState(bob, room, (r) => r.status === 'left', since);
    await waitOccupants(alice, room, (list) => !list.has('bob'));
    const after = await bob.engine.invoke('muc.rooms', { account: bob.account });
    assert.ok(after.ok);
    assert.deepEqual(after.value.rooms, []);
  });

  test("two engines talk: the room's reflection makes ours 'sent', each line is shown once, a mention counts", async () => {
    const alice = await scenario.engine('talk-alice');
    const bob = await scenario.engine('talk-bob');
    const room = newRoom(scenario.server);
    await joined(alice, room, 'alice');
    await joined(bob, room, 'bob');

    const sent = await alice.engine.invoke('muc.send', { account: alice.account, room, body: 'hello Bob!' });
    assert.ok(sent.ok);
    assert.equal(sent.value.state, 'pending');
    assert.equal(sent.value.kind, 'groupchat');
    assert.equal(sent.value.peer, room);
    await alice.waitForEvent(
      (e) =>
        e.event === 'chat.states' &&
        e.payload.updates.some((u) => u.id === sent.value.id && u.peer === room && u.state === 'sent'),
      20_000,
    );
    const line = await waitLine(bob, room, 'hello Bob!');
    assert.equal(line.direction, 'in');
    assert.equal(line.peerFull, `${room}/alice`);
    assert.equal(line.mention, true);
    await roomState(bob, room, (r) => r.mentions === 1);

    const reply = await bob.engine.invoke('muc.send', { account: bob.account, room, body: 'hi, no mention' });
    assert.ok(reply.ok);
    const plain = await waitLine(alice, room, 'hi, no mention');
    assert.equal(plain.mention, undefined);

    await sleep(500);
    alice.engine.flushEvents();
    bob.engine.flushEvents();
    const alicesOwn = roomLines(alice, room).filter((m) => m.body === 'hello Bob!');
    assert.deepEqual(
      alicesOwn.map((m) => [m.direction, m.seq]),
      [['out', sent.value.seq]],
      'the reflection is our line, not a second one',
    );
    assert.equal(roomLines(bob, room).filter((m) => m.body === 'hello Bob!').length, 1);
    const history = await alice.engine.invoke('chat.history', { account: alice.account, peer: room });
    assert.ok(history.ok);
    // chat.history reads 1:1 conversations: the room's lines are not mixed into a chat with its JID.
    assert.deepEqual(history.value.messages, []);
    const roomPage = await bob.engine.invoke('muc.history', { account: bob.account, room, limit: 1 });
    assert.ok(roomPage.ok);
    assert.deepEqual(
      roomPage.value.messages.map((m) => [m.body, m.direction, m.kind]),
      [['hi, no mention', 'out', 'groupchat']],
    );
    assert.equal(roomPage.value.complete, false);
    const older = await bob.engine.invoke('muc.history', {
      account: bob.account,
      room,
      beforeSeq: roomPage.value.messages[0]!.seq,
    });
    assert.ok(older.ok);
    assert.deepEqual(
      older.value.messages.map((m) => m.body),
      ['hello Bob!'],
    );
    assert.equal(older.value.complete, true);
  });

  test('a taken nick is a nick-conflict error with a suggestion that works', async () => {
    const alice = await scenario.engine('nick-alice');
    const bob = await scenario.engine('nick-bob');
    const room = newRoom(scenario.server);
    await joined(alice, room, 'sam');
    const refused = await join(bob, room, 'sam');
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, 'nick-conflict');
    assert.equal(refused.error.condition, 'conflict');
    assert.equal(refused.error.suggestion, 'sam_');
    const rooms = await bob.engine.invoke('muc.rooms', { account: bob.account });
    assert.ok(rooms.ok && rooms.value.rooms.length === 0, 'a refused join leaves no room behind');
    const retried = await joined(bob, room, refused.error.suggestion!);
    assert.equal(retried.nick, 'sam_');
    const same = await join(bob, room, 'sam_');
    assert.ok(
      same.ok && same.value.status === 'joined',
      'joining again with the same nick: the room as it is',
    );
    const other = await join(bob, room, 'samuel');
    assert.ok(!other.ok && other.error.code === 'invalid-request', 'no nick change through a second join');
  });

  test('a password-protected room: missing or wrong is password-required; the right one joins', async () => {
    const owner = await scenario.account('pw-owner');
    const bob = await scenario.engine('pw-bob');
    const room = newRoom(scenario.server);
    const raw = await createConfiguredRoom(scenario.server, owner, room, {
      'muc#roomconfig_passwordprotectedroom': '1',
      'muc#roomconfig_roomsecret': 'sesame',
    });
    try {
      const missing = await join(bob, room, 'bob');
      assert.ok(!missing.ok);
      assert.equal(missing.error.code, 'password-required');
      const wrong = await join(bob, room, 'bob', 'wrong');
      assert.ok(!wrong.ok);
      assert.equal(wrong.error.code, 'password-required');
      const right = await join(bob, room, 'bob', 'sesame');
      assert.ok(right.ok, right.ok ? '' : right.error.message);
      assert.ok(right.value.features.includes('muc_passwordprotected'));
    } finally {
      await raw.session.close();
    }
  });

  test('a members-only room refuses a non-member with members-only', async () => {
    const owner = await scenario.account('mo-owner');
    const bob = await scenario.engine('mo-bob');
    const room = newRoom(scenario.server);
    const raw = await createConfiguredRoom(scenario.server, owner, room, {
      'muc#roomconfig_membersonly': '1',
    });
    try {
      const refused = await join(bob, room, 'bob');
      assert.ok(!refused.ok);
      assert.equal(refused.error.code, 'members-only');
      assert.equal(refused.error.condition, 'registration-required');
    } finally {
      await raw.session.close();
    }
  });

  test('sending to a room we are not in is refused; joining an address that is not a room is refused', async () => {
    const bob = await scenario.engine('none-bob');
    const room = newRoom(scenario.server);
    const send = await bob.engine.invoke('muc.send', { account: bob.account, room, body: 'x' });
    assert.ok(!send.ok);
    assert.equal(send.error.code, 'not-found');
    const alice = await scenario.account('not-a-room');
    const notRoom = await join(bob, alice.jid, 'bob');
    assert.ok(!notRoom.ok);
    assert.equal(notRoom.error.code, 'not-found');
  });
});
