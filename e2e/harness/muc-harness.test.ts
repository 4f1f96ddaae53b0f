// Self-test of the harness's group chat: the MUC service of the harness server (PARLEY_SERVER: Prosody or
// ejabberd) and the slixmpp peer's room commands and events (peer-muc.ts), which the engine's MUC tests
// stand on. Every peer is a real slixmpp client; every room a real room of the server's service.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SlixmppPeer } from './peer.ts';
import type { RoomConfig } from './peer-muc.ts';
import { useServerScenario } from './scenario.ts';

const MAM = 'urn:xmpp:mam:2';
const OCCUPANT_ID = 'urn:xmpp:occupant-id:0';

describe('harness MUC service and slixmpp room peers', () => {
  const scenario = useServerScenario();

  const service = (): string => {
    const muc = scenario.server.mucDomain;
    assert.ok(muc, 'the harness server runs a MUC service by default');
    return muc;
  };
  const newRoom = (): string => scenario.room();
  const bare = (jid: string | null): string | undefined => jid?.split('/')[0];

  /** An owner and a second occupant in a fresh instant room. */
  async function twoInRoom(): Promise<{ room: string; alice: SlixmppPeer; bob: SlixmppPeer }> {
    const [alice, bob] = await Promise.all([scenario.peer('alice'), scenario.peer('bob')]);
    const room = newRoom();
    const made = await alice.createRoom(room, 'alice', { instant: true });
    assert.equal(made.created, true);
    assert.ok(made.statusCodes.includes(201), 'the creator is told the room is new (201)');
    await bob.joinRoom(room, 'bob');
    await alice.waitFor('roomPresence', (p) => p.room === room && p.nick === 'bob');
    return { room, alice, bob };
  }

  test("the server's disco#items lists the MUC service, a conference service with MAM", async () => {
    const peer = await scenario.peer('disco');
    const items = await peer.discoItems(scenario.server.domain);
    assert.ok(
      items.some((i) => i.jid === service()),
      `disco#items lists ${service()}: ${JSON.stringify(items)}`,
    );
    const info = await peer.discoInfo(service());
    assert.ok(info.identities.some((i) => i.category === 'conference' && i.type === 'text'));
    assert.ok(info.features.includes('http://jabber.org/protocol/muc'));
  });

  test('a new room: 201 to its creator, locked on Prosody until configured, then listed by the service', async () => {
    const [alice, bob] = await Promise.all([scenario.peer('alice'), scenario.peer('bob')]);
    const room = newRoom();
    const joined = await alice.joinRoom(room, 'alice');
    assert.deepEqual(joined.statusCodes, [110, 201]);
    assert.deepEqual([joined.role, joined.affiliation], ['moderator', 'owner']);
    if (scenario.server.kind === 'prosody') {
      // XEP-0045 §10.1.1: no one else enters before the owner has configured the room.
      await assert.rejects(bob.joinRoom(room, 'bob'), /item-not-found/);
      await alice.configureRoom(room, {});
    }
    await bob.joinRoom(room, 'bob');
    const listed = await bob.discoItems(service());
    assert.ok(
      listed.some((i) => i.jid === room),
      `rooms are public: ${JSON.stringify(listed)}`,
    );
  });

  test("two occupants see each other's messages with the room's stanza-id; the room offers MAM", async () => {
    const { room, alice, bob } = await twoInRoom();
    const id = await alice.sendGroupchat(room, 'hello from alice', { id: 'a-1' });
    assert.equal(id, 'a-1');
    const atBob = await bob.waitFor('groupchat', (m) => m.body === 'hello from alice');
    const reflected = await alice.waitFor('groupchat', (m) => m.body === 'hello from alice');
    assert.equal(atBob.nick, 'alice');
    assert.equal(reflected.id, 'a-1', 'the reflection keeps our id');
    assert.ok(atBob.stanzaId, 'the room stamps a stanza-id (by = room)');
    assert.equal(reflected.stanzaId, atBob.stanzaId, 'one id for every occupant');
    assert.equal(atBob.delay, null, 'a live message has no delay');

    await bob.sendGroupchat(room, 'hello from bob');
    const atAlice = await alice.waitFor('groupchat', (m) => m.body === 'hello from bob');
    assert.equal(atAlice.nick, 'bob');
    assert.ok(atAlice.stanzaId && atAlice.stanzaId !== atBob.stanzaId);

    const info = await bob.discoInfo(room);
    assert.ok(info.features.includes(MAM), 'the room advertises its archive');
    // XEP-0421: Prosody 0.12's mod_muc adds occupant ids; ejabberd has them only from 23.10.
    const offersIds = scenario.server.kind === 'prosody';
    assert.equal(info.features.includes(OCCUPANT_ID), offersIds);
    assert.equal(atAlice.occupantId !== null, offersIds);
  });

  test('the room archive (MAM on the room JID) returns its messages with their stanza-ids', async () => {
    const { room, alice, bob } = await twoInRoom();
    const live: Array<string | null> = [];
    for (const body of ['one', 'two', 'three']) {
      await alice.sendGroupchat(room, body);
      live.push((await bob.waitFor('groupchat', (m) => m.body === body)).stanzaId);
    }
    const page = await bob.queryArchive(room, { max: 10 });
    const bodies = page.messages.filter((m) => m.body !== null);
    assert.deepEqual(
      bodies.map((m) => m.body),
      ['one', 'two', 'three'],
    );
    assert.deepEqual(
      bodies.map((m) => m.archiveId),
      live,
    );
    assert.ok(bodies.every((m) => m.from === `${room}/alice` && m.msgType === 'groupchat' && m.stamp));
    assert.equal(page.complete, true);
    const last = await bob.queryArchive(room, { max: 1, before: true });
    assert.deepEqual(
      last.messages.map((m) => m.body),
      ['three'],
    );
    assert.equal(last.first, live[2], "a page's ids are the archive ids");
    const previous = await bob.queryArchive(room, { max: 1, before: last.first! });
    assert.deepEqual(
      previous.messages.map((m) => m.body),
      ['two'],
      'walked back one page',
    );
    const next = await bob.queryArchive(room, { max: 5, after: previous.last! });
    assert.deepEqual(
      next.messages.map((m) => m.body),
      ['three'],
    );

    // History on join (the room's own, not the archive) comes with a delay from the room.
    const carol = await scenario.peer('carol');
    await carol.joinRoom(room, 'carol', { maxHistory: 2 });
    const history = await carol.waitFor('groupchat', (m) => m.body === 'three');
    assert.equal(bare(history.delay?.from ?? null), room);
  });

  test('a kicked occupant gets status 307 with the reason; the others see it too', async () => {
    const { room, alice, bob } = await twoInRoom();
    await alice.kick(room, 'bob', 'be nice');
    const self = await bob.waitFor(
      'roomPresence',
      (p) => p.room === room && p.presenceType === 'unavailable',
    );
    assert.ok(self.statusCodes.includes(307) && self.statusCodes.includes(110));
    assert.equal(self.reason, 'be nice');
    const seen = await alice.waitFor(
      'roomPresence',
      (p) => p.nick === 'bob' && p.presenceType === 'unavailable',
    );
    assert.ok(seen.statusCodes.includes(307) && !seen.statusCodes.includes(110));
  });

  test('a ban removes the occupant with 301 and refuses them after', async () => {
    const { room, alice, bob } = await twoInRoom();
    await alice.ban(room, bob.jid, 'spam');
    const self = await bob.waitFor(
      'roomPresence',
      (p) => p.room === room && p.presenceType === 'unavailable',
    );
    assert.ok(self.statusCodes.includes(301));
    assert.equal(self.affiliation, 'outcast');
    await assert.rejects(bob.joinRoom(room, 'bob'), /forbidden/);
  });

  test('voice, affiliation and moderator changes reach the occupant; a visitor may not speak', async () => {
    const { room, alice, bob } = await twoInRoom();
    await alice.setRole(room, 'bob', 'visitor');
    await bob.waitFor('roomPresence', (p) => p.nick === 'bob' && p.role === 'visitor');
    const refusedId = await bob.sendGroupchat(room, 'may I?');
    const refused = await bob.waitFor('messageError', (e) => e.id === refusedId);
    assert.equal(bare(refused.from), room);
    assert.equal(refused.condition, 'forbidden');
    await alice.setRole(room, 'bob', 'moderator');
    await bob.waitFor('roomPresence', (p) => p.nick === 'bob' && p.role === 'moderator');
    await alice.setAffiliation(room, bob.jid, 'admin');
    const admin = await alice.waitFor('roomPresence', (p) => p.nick === 'bob' && p.affiliation === 'admin');
    assert.equal(bare(admin.jid), bob.jid, 'an owner sees real JIDs');
  });

  test('a password-protected room refuses a wrong password and admits the right one', async () => {
    const [alice, bob] = await Promise.all([scenario.peer('alice'), scenario.peer('bob')]);
    const room = newRoom();
    // Prosody 0.12's form has no passwordprotectedroom field: a secret is what protects its rooms.
    const protect: RoomConfig =
      scenario.server.kind === 'ejabberd' ? { 'muc#roomconfig_passwordprotectedroom': true } : {};
    await alice.createRoom(room, 'alice', { config: { ...protect, 'muc#roomconfig_roomsecret': 'sesame' } });
    await assert.rejects(bob.joinRoom(room, 'bob'), /not-authorized/);
    await assert.rejects(bob.joinRoom(room, 'bob', { password: 'wrong' }), /not-authorized/);
    const joined = await bob.joinRoom(room, 'bob', { password: 'sesame' });
    assert.ok(joined.statusCodes.includes(110));
  });

  test('a members-only, non-anonymous room: registration required, then real JIDs shown', async () => {
    const [alice, bob] = await Promise.all([scenario.peer('alice'), scenario.peer('bob')]);
    const room = newRoom();
    await alice.createRoom(room, 'alice', {
      config: { 'muc#roomconfig_membersonly': true, 'muc#roomconfig_whois': 'anyone' },
    });
    await assert.rejects(bob.joinRoom(room, 'bob'), /registration-required/);
    await alice.setAffiliation(room, bob.jid, 'member');
    const joined = await bob.joinRoom(room, 'bob');
    assert.ok(joined.statusCodes.includes(100), 'the room says it is non-anonymous (100)');
    const owner = await bob.waitFor('roomPresence', (p) => p.room === room && p.nick === 'alice');
    assert.equal(bare(owner.jid), alice.jid);
    await assert.rejects(
      alice.configureRoom(room, { 'no-such-field': true }),
      /has no field 'no-such-field'/,
    );
  });

  test('subject, nick change and private messages', async () => {
    const { room, alice, bob } = await twoInRoom();
    await alice.setSubject(room, 'Today: the harness');
    const subject = await bob.waitFor('subject', (s) => s.subject === 'Today: the harness');
    assert.equal(subject.nick, 'alice');

    await assert.rejects(bob.changeNick(room, 'alice'), /conflict/);
    const carol = await scenario.peer('carol');
    await assert.rejects(carol.joinRoom(room, 'alice'), /conflict/);
    const renamed = await bob.changeNick(room, 'robert');
    assert.equal(renamed.nick, 'robert');
    const left = await alice.waitFor(
      'roomPresence',
      (p) => p.nick === 'bob' && p.presenceType === 'unavailable',
    );
    assert.ok(left.statusCodes.includes(303));
    assert.equal(left.newNick, 'robert');

    await bob.sendPrivate(`${room}/alice`, 'just between us');
    const pm = await alice.waitFor('message', (m) => m.body === 'just between us');
    assert.equal(pm.from, `${room}/robert`);
    assert.equal(pm.msgType, 'chat');

    await bob.leaveRoom(room);
    await alice.waitFor('roomPresence', (p) => p.nick === 'robert' && p.presenceType === 'unavailable');
  });

  test('invitations arrive: direct (XEP-0249) and mediated (XEP-0045), and a decline comes back', async () => {
    const [alice, bob] = await Promise.all([scenario.peer('alice'), scenario.peer('bob')]);
    const room = newRoom();
    await alice.createRoom(room, 'alice', { instant: true });
    await alice.inviteDirect(room, bob.jid, { password: 'pw', reason: 'come in' });
    const direct = await bob.waitFor('invite', (i) => i.kind === 'direct');
    assert.deepEqual(
      { room: direct.room, from: bare(direct.from), password: direct.password, reason: direct.reason },
      { room, from: alice.jid, password: 'pw', reason: 'come in' },
    );
    await alice.inviteMediated(room, bob.jid, 'through the room');
    const mediated = await bob.waitFor('invite', (i) => i.kind === 'mediated');
    assert.equal(mediated.room, room);
    // Prosody masks the inviter of a semi-anonymous room as their occupant JID; ejabberd gives their JID.
    const inviter = scenario.server.kind === 'prosody' ? `${room}/alice` : alice.jid;
    assert.equal(scenario.server.kind === 'prosody' ? mediated.from : bare(mediated.from), inviter);
    assert.equal(mediated.reason, 'through the room');
    assert.equal(
      bob.events.some((e) => e.type === 'message' && e.from.startsWith(room)),
      false,
      "invitations are not 'message' events",
    );
    await bob.declineInvitation(room, alice.jid, 'busy');
    const declined = await alice.waitFor('inviteDeclined');
    assert.equal(declined.room, room);
    assert.equal(declined.reason, 'busy');
  });

  test('destroying a room tells its occupants the reason and the alternate venue', async () => {
    const { room, alice, bob } = await twoInRoom();
    const venue = newRoom();
    await alice.destroyRoom(room, { reason: 'moved', alternate: venue });
    const gone = await bob.waitFor(
      'roomPresence',
      (p) => p.room === room && p.presenceType === 'unavailable',
    );
    assert.deepEqual(gone.destroy, { reason: 'moved', jid: venue });
  });
});
