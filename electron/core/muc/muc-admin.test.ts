// Moderation and ownership against the harness server's real MUC service (Prosody, then ejabberd), with a
// slixmpp peer as the other occupant: the subject changed by us and by the peer, our nick change (and its
// conflict), voice taken and given back, affiliation lists, the configuration read and submitted (a feature
// changes, seen by another occupant through the 104 notice), a room destroyed with reason and alternate, a
// room created with its configuration, and a participant's refused kick in words.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { join, joined, newRoom, roomState, waitOccupants } from './muc-test-kit.ts';

const bare = (jid: string | null): string | null => jid?.split('/')[0] ?? null;

describe(`room moderation and ownership against ${serverKind()}`, () => {
  const scenario = useServerScenario();

  async function ownerWithPeer(prefix: string) {
    const owner = await scenario.engine(`${prefix}-owner`);
    const peer = await scenario.peer(`${prefix}-peer`);
    const room = newRoom(scenario.server, prefix);
    await joined(owner, room, 'owner');
    await peer.joinRoom(room, 'peer');
    await waitOccupants(owner, room, (list) => list.has('peer'));
    return { owner, peer, room };
  }

  const invoke = (client: EngineClient) => client.engine.invoke.bind(client.engine);

  test('the subject: changed by us (the room shows it, the peer sees it) and by the peer', async () => {
    const { owner, peer, room } = await ownerWithPeer('subj');
    const changed = await invoke(owner)('muc.subject', { account: owner.account, room, subject: 'Plans' });
    assert.ok(changed.ok, changed.ok ? '' : changed.error.message);
    assert.equal(changed.value.subject, 'Plans');
    const seen = await peer.waitFor('subject', (s) => s.room === room && s.subject === 'Plans');
    assert.equal(seen.nick, 'owner');

    // ejabberd lets participants change the subject by default; Prosody does not.
    const since = owner.events.length;
    await invoke(owner)('muc.role', { account: owner.account, room, nick: 'peer', role: 'moderator' });
    await peer.waitFor('roomPresence', (p) => p.nick === 'peer' && p.role === 'moderator');
    await peer.setSubject(room, 'From the peer');
    const state = await roomState(owner, room, (r) => r.subject === 'From the peer', since);
    assert.equal(state.subject, 'From the peer');
  });

  test('a participant may not change the subject when the room says so: refused in words', async () => {
    const { owner, room } = await ownerWithPeer('subjno');
    const bob = await scenario.engine('subjno-bob');
    const locked = await invoke(owner)('muc.config.submit', {
      account: owner.account,
      room,
      values: { 'muc#roomconfig_changesubject': ['0'] },
    });
    assert.ok(locked.ok, locked.ok ? '' : locked.error.message);
    await joined(bob, room, 'bob');
    const refused = await invoke(bob)('muc.subject', { account: bob.account, room, subject: 'Mine' });
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, 'not-allowed');
    assert.equal(refused.error.message, 'You are not allowed to change the subject in this room.');
  });

  test('our nick change: 303 then the new self-presence; a taken nick is a nick-conflict with a suggestion', async () => {
    const { owner, peer, room } = await ownerWithPeer('nick');
    const taken = await invoke(owner)('muc.nick', { account: owner.account, room, nick: 'peer' });
    assert.ok(!taken.ok);
    assert.equal(taken.error.code, 'nick-conflict');
    assert.equal(taken.error.suggestion, 'peer_');

    const renamed = await invoke(owner)('muc.nick', { account: owner.account, room, nick: 'boss' });
    assert.ok(renamed.ok, renamed.ok ? '' : renamed.error.message);
    assert.equal(renamed.value.nick, 'boss');
    assert.equal(renamed.value.status, 'joined');
    const left = await peer.waitFor(
      'roomPresence',
      (p) => p.nick === 'owner' && p.presenceType === 'unavailable',
    );
    assert.ok(left.statusCodes.includes(303));
    assert.equal(left.newNick, 'boss');
    await peer.waitFor('roomPresence', (p) => p.nick === 'boss' && p.presenceType === 'available');
    const list = await waitOccupants(owner, room, (l) => l.has('boss') && !l.has('owner'));
    assert.equal(list.get('boss')?.affiliation, 'owner');
    // Still in the room under the new nick: a line goes out and comes back.
    const sent = await invoke(owner)('muc.send', { account: owner.account, room, body: 'renamed' });
    assert.ok(sent.ok);
    const line = await peer.waitFor('groupchat', (m) => m.body === 'renamed');
    assert.equal(line.nick, 'boss');
  });

  test('voice taken (visitor) and given back (participant), seen by the peer; the peer may not speak meanwhile', async () => {
    const { owner, peer, room } = await ownerWithPeer('voice');
    const revoke = await invoke(owner)('muc.role', {
      account: owner.account,
      room,
      nick: 'peer',
      role: 'visitor',
      reason: 'quiet please',
    });
    assert.ok(revoke.ok, revoke.ok ? '' : revoke.error.message);
    const muted = await peer.waitFor('roomPresence', (p) => p.nick === 'peer' && p.role === 'visitor');
    assert.equal(muted.reason, 'quiet please');
    const id = await peer.sendGroupchat(room, 'may I?');
    assert.equal((await peer.waitFor('messageError', (e) => e.id === id)).condition, 'forbidden');
    await waitOccupants(owner, room, (l) => l.get('peer')?.role === 'visitor');

    const grant = await invoke(owner)('muc.role', {
      account: owner.account,
      room,
      nick: 'peer',
      role: 'participant',
    });
    assert.ok(grant.ok);
    await peer.waitFor('roomPresence', (p) => p.nick === 'peer' && p.role === 'participant');
    await waitOccupants(owner, room, (l) => l.get('peer')?.role === 'participant');
  });

  test('affiliations: member, admin and outcast set with reasons, listed; none removes again', async () => {
    const { owner, peer, room } = await ownerWithPeer('affil');
    const member = await scenario.account('affil-member');
    const banned = await scenario.account('affil-banned');
    const set = (jid: string, affiliation: 'member' | 'admin' | 'outcast' | 'none', reason?: string) =>
      invoke(owner)('muc.affiliation', { account: owner.account, room, jid, affiliation, reason });
    for (const [jid, affiliation, reason] of [
      [member.jid, 'member', 'welcome'],
      [bare(peer.jid)!, 'admin', undefined],
      [banned.jid, 'outcast', 'spam'],
    ] as const) {
      const result = await set(jid, affiliation, reason);
      assert.ok(result.ok, result.ok ? '' : result.error.message);
    }
    await peer.waitFor('roomPresence', (p) => p.nick === 'peer' && p.affiliation === 'admin');
    const list = async (affiliation: 'owner' | 'admin' | 'member' | 'outcast') => {
      const result = await invoke(owner)('muc.affiliations', { account: owner.account, room, affiliation });
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.equal(result.value.more, false);
      return result.value.items;
    };
    assert.deepEqual(
      (await list('member')).map((i) => i.jid),
      [member.jid],
    );
    assert.deepEqual(
      (await list('admin')).map((i) => i.jid),
      [bare(peer.jid)],
    );
    assert.deepEqual(
      (await list('owner')).map((i) => i.jid),
      [owner.account],
    );
    const outcasts = await list('outcast');
    assert.deepEqual(
      outcasts.map((i) => i.jid),
      [banned.jid],
    );
    if (scenario.server.kind === 'ejabberd') assert.equal(outcasts[0]!.reason, 'spam'); // Prosody keeps none

    assert.ok((await set(banned.jid, 'none')).ok, 'unban');
    assert.deepEqual(await list('outcast'), []);
  });

  test('the configuration: read as a form, a submit makes the room members-only, the other occupant sees it (104)', async () => {
    const { owner, room } = await ownerWithPeer('conf');
    const bob = await scenario.engine('conf-bob');
    await joined(bob, room, 'bob');
    // A member: a room turned members-only sends the others out (322).
    const member = { account: owner.account, room, jid: bob.account, affiliation: 'member' } as const;
    assert.ok((await invoke(owner)('muc.affiliation', member)).ok);
    const form = await invoke(owner)('muc.config.get', { account: owner.account, room });
    assert.ok(form.ok, form.ok ? '' : form.error.message);
    assert.equal(form.value.type, 'form');
    assert.ok(form.value.fields.some((f) => f.var === 'muc#roomconfig_membersonly' && f.type === 'boolean'));

    const invalid = await invoke(owner)('muc.config.submit', {
      account: owner.account,
      room,
      values: { 'muc#roomconfig_whois': ['everybody'] },
    });
    assert.ok(!invalid.ok, 'an invalid value is refused before sending');
    assert.equal(invalid.error.code, 'invalid-request');
    assert.match(invalid.error.message, /“everybody” is not one of the choices\./);

    const since = bob.events.length;
    const submitted = await invoke(owner)('muc.config.submit', {
      account: owner.account,
      room,
      values: { 'muc#roomconfig_membersonly': ['1'], 'muc#roomconfig_roomname': ['Members <only>'] },
    });
    assert.ok(submitted.ok, submitted.ok ? '' : submitted.error.message);
    assert.ok(submitted.value.features.includes('muc_membersonly'), 'disco#info read again after the submit');
    const seen = await roomState(bob, room, (r) => r.features.includes('muc_membersonly'), since);
    assert.equal(seen.status, 'joined');
    const after = await invoke(owner)('muc.config.get', { account: owner.account, room });
    assert.ok(after.ok);
    assert.deepEqual(after.value.fields.find((f) => f.var === 'muc#roomconfig_roomname')?.values, [
      'Members <only>',
    ]);
    const carol = await scenario.engine('conf-carol');
    const refused = await join(carol, room, 'carol');
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, 'members-only');
  });

  test('destroy: the peer and another engine are told the reason and the alternate venue', async () => {
    const { owner, peer, room } = await ownerWithPeer('gone');
    const bob = await scenario.engine('gone-bob');
    await joined(bob, room, 'bob');
    const venue = newRoom(scenario.server, 'venue');
    const since = bob.events.length;
    const destroyed = await invoke(owner)('muc.destroy', {
      account: owner.account,
      room,
      reason: 'moved',
      alternate: venue,
    });
    assert.ok(destroyed.ok, destroyed.ok ? '' : destroyed.error.message);
    const told = await peer.waitFor('roomPresence', (p) => p.room === room && p.destroy !== null);
    assert.deepEqual(told.destroy, { reason: 'moved', jid: venue });
    const state = await roomState(bob, room, (r) => r.status === 'destroyed', since);
    assert.equal(state.reason, 'moved');
    assert.equal(state.alternate, venue);
    await roomState(owner, room, (r) => r.status === 'destroyed');
  });

  test('configured creation: the new room waits for its settings, the submit opens it with them', async () => {
    const owner = await scenario.engine('made-owner');
    const peer = await scenario.peer('made-peer');
    const room = newRoom(scenario.server, 'made');
    const made = await invoke(owner)('muc.join', {
      account: owner.account,
      room,
      nick: 'owner',
      configure: true,
    });
    assert.ok(made.ok, made.ok ? '' : made.error.message);
    assert.equal(made.value.status, 'joined');
    assert.equal(made.value.affiliation, 'owner');
    assert.equal(made.value.unconfigured, true, 'not accepted as an instant room');
    if (scenario.server.kind === 'prosody') {
      // Prosody keeps a new room locked until its owner configures it.
      await assert.rejects(peer.joinRoom(room, 'peer'), /item-not-found/);
    }
    const form = await invoke(owner)('muc.config.get', { account: owner.account, room });
    assert.ok(form.ok, form.ok ? '' : form.error.message);
    const submitted = await invoke(owner)('muc.config.submit', {
      account: owner.account,
      room,
      values: { 'muc#roomconfig_roomname': ['Made to measure'] },
    });
    assert.ok(submitted.ok, submitted.ok ? '' : submitted.error.message);
    assert.equal(submitted.value.unconfigured, false);
    assert.equal(
      submitted.value.features.includes('urn:xmpp:occupant-id:0'),
      scenario.server.kind === 'prosody',
      'the features read again after the submit',
    );
    const joinedPeer = await peer.joinRoom(room, 'peer');
    assert.ok(joinedPeer.statusCodes.includes(110));
    const info = await peer.discoInfo(room);
    assert.ok(info.identities.some((i) => i.name === 'Made to measure'));

    // An instant room stays the default.
    const plain = await invoke(owner)('muc.join', {
      account: owner.account,
      room: newRoom(scenario.server),
      nick: 'o',
    });
    assert.ok(plain.ok);
    assert.equal(plain.value.unconfigured, false);
  });

  test('a voice request: a visitor asks, the moderator sees it on the room and grants it; a dismissed one goes', async () => {
    const owner = await scenario.engine('ask-owner');
    const bob = await scenario.engine('ask-bob');
    const room = newRoom(scenario.server, 'ask');
    await joined(owner, room, 'owner');
    await joined(bob, room, 'bob');
    const asWho = { account: owner.account, room, nick: 'bob' };
    assert.ok((await invoke(owner)('muc.role', { ...asWho, role: 'visitor' })).ok);
    await roomState(bob, room, (r) => r.role === 'visitor');
    const early = await invoke(owner)('muc.voice.request', { account: owner.account, room });
    assert.ok(!early.ok, 'a moderator has voice already');

    let since = owner.events.length;
    assert.ok((await invoke(bob)('muc.voice.request', { account: bob.account, room })).ok);
    const asked = await roomState(owner, room, (r) => (r.voiceRequests ?? []).length > 0, since);
    assert.deepEqual(
      asked.voiceRequests?.map((v) => v.nick),
      ['bob'],
    );
    since = bob.events.length;
    assert.ok((await invoke(owner)('muc.voice.answer', { ...asWho, allow: true })).ok);
    await roomState(bob, room, (r) => r.role === 'participant', since);
    const after = await invoke(owner)('muc.rooms', { account: owner.account });
    assert.ok(after.ok);
    assert.deepEqual(after.value.rooms[0]!.voiceRequests, [], 'answered: off the list');

    // Another visitor's request, dismissed: off the list, still a visitor. (Another: ejabberd lets one
    // address ask once per voice_request_min_interval, 30 minutes by default.)
    const carol = await scenario.engine('ask-carol');
    await joined(carol, room, 'carol');
    since = carol.events.length;
    const carolWho = { account: owner.account, room, nick: 'carol' };
    assert.ok((await invoke(owner)('muc.role', { ...carolWho, role: 'visitor' })).ok);
    await roomState(carol, room, (r) => r.role === 'visitor', since);
    since = owner.events.length;
    assert.ok((await invoke(carol)('muc.voice.request', { account: carol.account, room })).ok);
    await roomState(owner, room, (r) => r.voiceRequests?.some((v) => v.nick === 'carol') === true, since);
    since = owner.events.length;
    assert.ok((await invoke(owner)('muc.voice.answer', { ...carolWho, allow: false })).ok);
    await roomState(owner, room, (r) => r.voiceRequests?.length === 0, since);
    const list = await invoke(owner)('muc.occupants', { account: owner.account, room });
    assert.ok(list.ok);
    assert.equal(list.value.occupants.find((o) => o.nick === 'carol')?.role, 'visitor');
  });

  test("a participant's kick is refused in words; the occupant stays", async () => {
    const { owner, room } = await ownerWithPeer('nokick');
    const bob = await scenario.engine('nokick-bob');
    await joined(bob, room, 'bob');
    const kick = await invoke(bob)('muc.kick', { account: bob.account, room, nick: 'owner', reason: 'ha' });
    assert.ok(!kick.ok);
    assert.equal(kick.error.code, 'not-allowed');
    assert.equal(kick.error.message, 'You are not allowed to remove occupants in this room.');
    const voice = await invoke(bob)('muc.role', {
      account: bob.account,
      room,
      nick: 'peer',
      role: 'visitor',
    });
    assert.ok(!voice.ok);
    assert.equal(voice.error.code, 'not-allowed');
    const list = await invoke(bob)('muc.affiliations', {
      account: bob.account,
      room,
      affiliation: 'outcast',
    });
    assert.ok(!list.ok);
    assert.equal(list.error.code, 'not-allowed');
    const occupants = await invoke(owner)('muc.occupants', { account: owner.account, room });
    assert.ok(occupants.ok);
    assert.ok(occupants.value.occupants.some((o) => o.nick === 'owner'));
  });
});
