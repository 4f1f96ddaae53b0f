// Room invitations against the harness server's real MUC service, with slixmpp peers (xep_0045, xep_0249):
// a contact invites us directly to a password room and Join gets us in with the password it carried; a
// stranger's mediated invitation waits marked as a stranger's (not as a message request), a second one to
// the same room updates it, and Decline reaches the inviter through the room; a blocked inviter's is
// ignored; we invite peers (direct by their disco, mediated when asked or when nothing says direct works)
// and a decline of ours comes back as a notice.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../../shared/contract.ts';
import type { Invitation } from '../../../shared/invitations.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import type { SlixmppPeer } from '../../../e2e/harness/peer.ts';
import type { RoomConfig } from '../../../e2e/harness/peer-muc.ts';
import { sleep, useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { createConfiguredRoom, join, newRoom } from '../muc/muc-test-kit.ts';

const bare = (jid: string | null): string | null => (jid === null ? null : jid.split('/')[0]!);

/** The latest invitation list `client` was sent in which `pred` holds. */
async function invitations(
  client: EngineClient,
  pred: (list: Invitation[]) => boolean,
  since = 0,
): Promise<Invitation[]> {
  const event = await client.waitForEvent(
    (e, i) => i >= since && e.event === 'invitations.changed' && pred(e.payload.invitations),
    20_000,
  );
  assert.equal(event.event, 'invitations.changed');
  return event.payload.invitations;
}

/** Adds `peer` to the roster and waits until its presence is seen (the peer approves by itself). */
async function addContact(client: EngineClient, peer: SlixmppPeer): Promise<void> {
  const added = await client.engine.invoke('roster.add', {
    account: client.account,
    jid: peer.jid,
    subscribe: true,
  });
  assert.ok(added.ok);
  await client.waitForEvent(
    (e) => e.event === 'presence.changed' && e.payload.contacts.some((c) => c.jid === peer.jid && c.best),
    20_000,
  );
}

function requestsFor(client: EngineClient, peer: string): EngineEvent[] {
  return client.events.filter(
    (e) => e.event === 'chat.requests' && e.payload.requests.some((r) => r.jid.startsWith(peer)),
  );
}

describe(`room invitations against ${serverKind()}`, () => {
  const scenario = useServerScenario();

  test("a contact's direct invitation to a password room: a prompt, and Join gets in with its password", async () => {
    const alice = await scenario.peer('inv-alice', { onSubscribe: 'approve' });
    const bob = await scenario.engine('inv-bob');
    await addContact(bob, alice);
    const room = newRoom(scenario.server);
    // Prosody 0.12's form has no passwordprotectedroom field: a secret is what protects its rooms.
    const protect: RoomConfig =
      scenario.server.kind === 'ejabberd' ? { 'muc#roomconfig_passwordprotectedroom': true } : {};
    await alice.createRoom(room, 'alice', { config: { ...protect, 'muc#roomconfig_roomsecret': 'sesame' } });

    await alice.inviteDirect(room, bob.account, { password: 'sesame', reason: 'standup in 5' });
    const [invitation] = await invitations(bob, (list) => list.some((i) => i.room === room));
    assert.deepEqual(
      { ...invitation, id: undefined, at: undefined },
      {
        id: undefined,
        at: undefined,
        room,
        roomName: invitation!.roomName,
        from: alice.jid,
        stranger: false,
        fromVerified: true,
        reason: 'standup in 5',
        hasPassword: true,
        kind: 'direct',
      },
    );
    assert.ok(!JSON.stringify(bob.events).includes('sesame'), 'the password never leaves the engine');

    const since = bob.events.length;
    const accepted = await bob.engine.invoke('invitations.accept', {
      account: bob.account,
      id: invitation!.id,
    });
    assert.ok(accepted.ok, accepted.ok ? '' : accepted.error.message);
    assert.equal(accepted.value.status, 'joined');
    assert.equal(accepted.value.nick, bob.account.split('@')[0]);
    await alice.waitFor('roomPresence', (p) => p.room === room && p.nick === accepted.value.nick);
    await invitations(bob, (list) => list.length === 0, since);
    const list = await bob.engine.invoke('invitations.list', { account: bob.account });
    assert.deepEqual(list, { ok: true, value: { invitations: [], more: 0 } });

    // In the room now: another invitation to it is no prompt.
    await alice.inviteDirect(room, bob.account, { password: 'sesame' });
    await sleep(1500);
    const after = await bob.engine.invoke('invitations.list', { account: bob.account });
    assert.ok(after.ok);
    assert.deepEqual(after.value.invitations, []);
  });

  test('a mediated invitation to a password room, fetched from our archive at the next sign-in: no message request, nothing in history', async () => {
    const ida = await scenario.peer('inv-ida');
    const account = await scenario.account('inv-bob7');
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-inv-'));
    try {
      const before = await scenario.engine(account, { dataDir });
      await sleep(500); // its first catch-up marks where the next one starts
      await before.dispose();
      // Our other device is online (no offline storage): the invitation reaches this one only by the archive.
      const phone = await scenario.peer(account, { resource: 'phone' });
      const room = newRoom(scenario.server);
      const protect: RoomConfig =
        scenario.server.kind === 'ejabberd' ? { 'muc#roomconfig_passwordprotectedroom': true } : {};
      await ida.createRoom(room, 'ida', { config: { ...protect, 'muc#roomconfig_roomsecret': 'quokka7' } });
      await ida.inviteMediated(room, account.jid, 'wombatreason');
      await phone.waitFor('invite', (i) => i.room === room, 20_000);
      // The control, archived after the invitation: once it is in history, the catch-up has read past it.
      await ida.sendMessage(account.jid, 'after the invitation', { type: 'chat' });
      await phone.waitFor('message', (m) => m.body === 'after the invitation', 20_000);

      const bob = await scenario.engine(account, { dataDir });
      for (let tries = 0; ; tries++) {
        const control = await bob.engine.invoke('chat.search', {
          query: 'after invitation',
          account: account.jid,
        });
        assert.ok(control.ok);
        if (control.value.hits.length > 0) break;
        assert.ok(tries < 100, 'the catch-up stores the chat after the invitation');
        await sleep(200);
      }
      assert.deepEqual(requestsFor(bob, room), [], 'the room is no stranger writing to us');
      for (const query of ['quokka7', 'wombatreason']) {
        const found = await bob.engine.invoke('chat.search', { query, account: account.jid });
        assert.ok(found.ok);
        assert.deepEqual(found.value.hits, [], `nothing of the invitation in history (${query})`);
      }
      assert.ok(!JSON.stringify(bob.events).includes('quokka7'), 'the password never leaves the engine');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('Join with a nick taken: the typed error with a suggestion, the invitation still waits; the suggestion gets in', async () => {
    const gil = await scenario.peer('inv-gil');
    const bob = await scenario.engine('inv-bob5');
    const room = newRoom(scenario.server);
    const nick = bob.account.split('@')[0]!;
    await gil.createRoom(room, nick, { instant: true }); // the room's owner took our nick
    await gil.inviteMediated(room, bob.account);
    const [invitation] = await invitations(bob, (list) => list.some((i) => i.room === room));
    const refused = await bob.engine.invoke('invitations.accept', {
      account: bob.account,
      id: invitation!.id,
    });
    assert.equal(refused.ok ? 'joined' : refused.error.code, 'nick-conflict');
    const suggestion = refused.ok ? '' : (refused.error.suggestion ?? '');
    assert.ok(suggestion !== '' && suggestion !== nick);
    const waiting = await bob.engine.invoke('invitations.list', { account: bob.account });
    assert.ok(waiting.ok);
    assert.deepEqual(
      waiting.value.invitations.map((i) => i.id),
      [invitation!.id],
    );
    const accepted = await bob.engine.invoke('invitations.accept', {
      account: bob.account,
      id: invitation!.id,
      nick: suggestion,
    });
    assert.ok(accepted.ok, accepted.ok ? '' : accepted.error.message);
    assert.equal(accepted.value.nick, suggestion);
  });

  test("a stranger's mediated invitation waits as a stranger's (no message request); once per room; Decline reaches them", async () => {
    const carol = await scenario.peer('inv-carol');
    const bob = await scenario.engine('inv-bob2');
    const room = newRoom(scenario.server);
    await carol.createRoom(room, 'carol', { instant: true });

    await carol.inviteMediated(room, bob.account, 'first');
    const [first] = await invitations(bob, (list) => list.some((i) => i.room === room));
    assert.equal(first!.kind, 'mediated');
    assert.equal(first!.stranger, true);
    assert.equal(first!.fromVerified, true, 'a room on our own server relays who it saw');
    assert.equal(first!.reason, 'first');
    assert.equal(first!.hasPassword, false);
    // Prosody masks the inviter of a semi-anonymous room as their occupant JID; ejabberd gives their JID.
    assert.equal(
      scenario.server.kind === 'prosody' ? first!.from : bare(first!.from),
      scenario.server.kind === 'prosody' ? `${room}/carol` : carol.jid,
    );

    const since = bob.events.length;
    await carol.inviteMediated(room, bob.account, 'second');
    const updated = await invitations(bob, (list) => list.some((i) => i.reason === 'second'), since);
    assert.deepEqual(
      updated.map((i) => [i.id, i.room, i.reason]),
      [[first!.id, room, 'second']],
      'one prompt per room, updated in place',
    );
    assert.deepEqual(requestsFor(bob, room), [], 'an invitation is not a message request');

    const declined = await bob.engine.invoke('invitations.decline', {
      account: bob.account,
      id: first!.id,
      reason: 'not today',
    });
    assert.deepEqual(declined, { ok: true, value: { ok: true } });
    const seen = await carol.waitFor('inviteDeclined', (d) => d.room === room, 20_000);
    assert.equal(seen.reason, 'not today');
    assert.equal(bare(seen.from), bob.account);
    const list = await bob.engine.invoke('invitations.list', { account: bob.account });
    assert.ok(list.ok);
    assert.deepEqual(list.value.invitations, []);
  });

  test("a contact's mediated invitation through a room on our server ranks as the contact's", async () => {
    const jo = await scenario.peer('inv-jo', { onSubscribe: 'approve' });
    const bob = await scenario.engine('inv-bob8');
    await addContact(bob, jo);
    const room = newRoom(scenario.server);
    // A non-anonymous room names the inviter by their JID on both servers.
    await jo.createRoom(room, 'jo', { config: { 'muc#roomconfig_whois': 'anyone' } });
    await jo.inviteMediated(room, bob.account, 'from jo');
    const [invitation] = await invitations(bob, (list) => list.some((i) => i.room === room));
    assert.deepEqual(
      [invitation!.kind, bare(invitation!.from), invitation!.stranger, invitation!.fromVerified],
      ['mediated', jo.jid, false, true],
    );
  });

  test("a blocked inviter's invitation through a room is ignored; a direct one from a peer's full JID to a non-room too", async () => {
    const mallory = await scenario.peer('inv-mallory');
    const dave = await scenario.peer('inv-dave');
    const bob = await scenario.engine('inv-bob3');
    const room = newRoom(scenario.server);
    const other = newRoom(scenario.server);
    // A non-anonymous room shows the inviter's real JID on both servers.
    await mallory.createRoom(room, 'mallory', { config: { 'muc#roomconfig_whois': 'anyone' } });
    await dave.createRoom(other, 'dave', { instant: true });
    // A contact: a stranger's direct invitation would wait unchecked (Join reads the room's disco#info).
    assert.ok((await bob.engine.invoke('roster.add', { account: bob.account, jid: dave.jid })).ok);
    const blocked = await bob.engine.invoke('blocking.block', { account: bob.account, jid: mallory.jid });
    assert.ok(blocked.ok);

    await mallory.inviteMediated(room, bob.account, 'from a blocked address');
    // A direct invitation naming a person, not a room: its disco#info says so.
    await dave.inviteDirect(dave.jid, bob.account, { reason: 'not a room' });
    // The control: dave's real invitation arrives, so the ones before it were seen and dropped.
    await dave.inviteMediated(other, bob.account, 'control');
    const list = await invitations(bob, (l) => l.some((i) => i.room === other));
    assert.deepEqual(
      list.map((i) => i.room),
      [other],
    );
    await sleep(500);
    const now = await bob.engine.invoke('invitations.list', { account: bob.account });
    assert.ok(now.ok);
    assert.deepEqual(
      now.value.invitations.map((i) => i.room),
      [other],
    );
  });

  test('we invite: direct when the peer understands it (password included), mediated when asked; their decline comes back', async () => {
    const erin = await scenario.peer('inv-erin', { onSubscribe: 'approve' });
    const frank = await scenario.peer('inv-frank');
    const bob = await scenario.engine('inv-bob4');
    await addContact(bob, erin);
    const room = newRoom(scenario.server);
    const owner = await createConfiguredRoom(scenario.server, await scenario.account('inv-owner'), room, {
      // ejabberd lets only moderators invite unless the room allows occupants to.
      ...(scenario.server.kind === 'ejabberd'
        ? { 'muc#roomconfig_passwordprotectedroom': '1', 'muc#roomconfig_allowinvites': '1' }
        : {}),
      'muc#roomconfig_roomsecret': 'sesame',
    });
    const inRoom = await join(bob, room, 'bob', 'sesame');
    assert.ok(inRoom.ok, inRoom.ok ? '' : inRoom.error.message);

    const notIn = await bob.engine.invoke('invitations.send', {
      account: bob.account,
      room: newRoom(scenario.server),
      to: [erin.jid],
    });
    assert.equal(notIn.ok ? 'sent' : notIn.error.code, 'not-found', 'only an occupant invites');

    // erin is online and her client's disco#info lists jabber:x:conference; frank's presence we never see.
    const sent = await bob.engine.invoke('invitations.send', {
      account: bob.account,
      room,
      to: [erin.jid, frank.jid],
      reason: 'join us',
    });
    assert.ok(sent.ok, sent.ok ? '' : sent.error.message);
    assert.deepEqual(sent.value.sent, [
      { to: erin.jid, mode: 'direct' },
      { to: frank.jid, mode: 'mediated' },
    ]);
    const direct = await erin.waitFor('invite', (i) => i.room === room, 20_000);
    assert.deepEqual(
      [direct.kind, bare(direct.from), direct.reason, direct.password],
      ['direct', bob.account, 'join us', 'sesame'],
    );
    const mediated = await frank.waitFor('invite', (i) => i.room === room, 20_000);
    assert.equal(mediated.kind, 'mediated');
    assert.equal(mediated.reason, 'join us');

    const asked = await bob.engine.invoke('invitations.send', {
      account: bob.account,
      room,
      to: [erin.jid],
      mode: 'mediated',
    });
    assert.ok(asked.ok);
    assert.deepEqual(asked.value.sent, [{ to: erin.jid, mode: 'mediated' }]);
    await erin.waitFor('invite', (i) => i.room === room && i.kind === 'mediated', 20_000);

    await frank.declineInvitation(room, mediated.from ?? bob.account, 'busy');
    const notice = await bob.waitForEvent(
      (e) => e.event === 'invitations.declined' && e.payload.declines.some((d) => d.room === room),
      20_000,
    );
    assert.equal(notice.event, 'invitations.declined');
    const decline = notice.payload.declines.find((d) => d.room === room)!;
    assert.equal(decline.reason, 'busy');
    assert.equal(bare(decline.from), frank.jid);
    await owner.session.close();
  });
  test('a room that will not pass our invitation on says so: a notice naming who was not invited, and why', async () => {
    const hal = await scenario.peer('inv-hal');
    const bob = await scenario.engine('inv-bob6');
    const nobody = await scenario.account('inv-nobody');
    const room = newRoom(scenario.server);
    if (scenario.server.kind === 'prosody') {
      // Prosody: in a members-only room only admins invite (unless the room allows members to).
      await hal.createRoom(room, 'hal', { config: { 'muc#roomconfig_membersonly': true } });
      await hal.setAffiliation(room, bob.account, 'member');
    } else {
      // ejabberd: only moderators invite, unless the room allows occupants to.
      await hal.createRoom(room, 'hal', { instant: true });
    }
    const inRoom = await join(bob, room, 'bob');
    assert.ok(inRoom.ok, inRoom.ok ? '' : inRoom.error.message);
    const sent = await bob.engine.invoke('invitations.send', {
      account: bob.account,
      room,
      to: [nobody.jid],
      mode: 'mediated',
    });
    assert.ok(sent.ok);
    const notice = await bob.waitForEvent(
      (e) => e.event === 'invitations.refused' && e.payload.refusals.some((r) => r.room === room),
      20_000,
    );
    assert.equal(notice.event, 'invitations.refused');
    const refusal = notice.payload.refusals.find((r) => r.room === room)!;
    assert.equal(refusal.to, nobody.jid);
    assert.ok(refusal.reason.length > 0);
    // The room is still ours to talk in: its error was not taken as one about a room line.
    const line = await bob.engine.invoke('muc.send', { account: bob.account, room, body: 'still here' });
    assert.ok(line.ok);
    await hal.waitFor('groupchat', (g) => g.room === room && g.body === 'still here', 20_000);
  });
});
