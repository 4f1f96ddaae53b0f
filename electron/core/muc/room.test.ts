// RoomState, pure: the join state machine, every self-presence status code, occupants (nick changes, bound,
// forged 110s) and the mention check, fed real presence stanzas through the envelope parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import { parseJid } from '../../../shared/jid.ts';
import { MAX_OCCUPANTS } from '../../../shared/muc.ts';
import { parseEnvelope, type PresenceEnvelope } from '../xmpp/envelope.ts';
import { NS_MUC_USER, NS_OCCUPANT_ID } from './muc-user.ts';
import { RoomState, mentionsNick } from './room.ts';

const OWN = parseJid('me@example.org');
const ROOM = 'room@muc.example.org';

function presence(
  nick: string,
  opts: {
    type?: string;
    statuses?: number[];
    item?: Record<string, string>;
    reason?: string;
    destroy?: { jid?: string; reason?: string };
    show?: string;
    occupantId?: string;
  } = {},
): PresenceEnvelope {
  const x = xml(
    'x',
    { xmlns: NS_MUC_USER },
    xml(
      'item',
      { role: 'participant', affiliation: 'none', ...opts.item },
      opts.reason ? xml('reason', {}, opts.reason) : null,
    ),
    ...(opts.statuses ?? []).map((code) => xml('status', { code: String(code) })),
    opts.destroy
      ? xml(
          'destroy',
          opts.destroy.jid ? { jid: opts.destroy.jid } : {},
          opts.destroy.reason ? xml('reason', {}, opts.destroy.reason) : null,
        )
      : null,
  );
  const stanza: Element = xml(
    'presence',
    { from: `${ROOM}/${nick}`, to: 'me@example.org/r', ...(opts.type ? { type: opts.type } : {}) },
    opts.show ? xml('show', {}, opts.show) : null,
    x,
    opts.occupantId ? xml('occupant-id', { xmlns: NS_OCCUPANT_ID, id: opts.occupantId }) : null,
  );
  const envelope = parseEnvelope(stanza, OWN);
  assert.ok(envelope?.kind === 'presence');
  return envelope;
}

function joinedRoom(): RoomState {
  const room = new RoomState(ROOM, 'me', null);
  room.handlePresence(presence('me', { statuses: [110] }), 'me');
  assert.equal(room.status, 'joined');
  return room;
}

test('occupants are collected while joining; our self-presence (110) completes the join with the list', () => {
  const room = new RoomState(ROOM, 'me', null);
  const alice = room.handlePresence(
    presence('alice', { item: { affiliation: 'owner', role: 'moderator', jid: 'alice@example.org/x' } }),
    'alice',
  );
  assert.equal(alice.kind, 'occupant');
  assert.equal(room.status, 'joining');
  const self = room.handlePresence(
    presence('me', { statuses: [110, 100, 170, 201], item: { affiliation: 'owner', role: 'moderator' } }),
    'me',
  );
  assert.deepEqual(self, { kind: 'joined', created: true });
  assert.equal(room.status, 'joined');
  assert.equal(room.role, 'moderator');
  assert.equal(room.affiliation, 'owner');
  assert.ok(room.nonAnonymous && room.logging);
  assert.deepEqual([...room.occupants.keys()], ['alice', 'me']);
  assert.equal(room.occupants.get('alice')?.jid, 'alice@example.org/x');
  assert.equal(room.view().occupants, 2);
});

test('status 210: the service gave us another nick while joining', () => {
  const room = new RoomState(ROOM, 'me', null);
  const outcome = room.handlePresence(presence('me-1', { statuses: [110, 210] }), 'me-1');
  assert.equal(outcome.kind, 'joined');
  assert.equal(room.nick, 'me-1');
});

test('a forged 110 from another occupant is an occupant, not us', () => {
  const room = new RoomState(ROOM, 'me', null);
  const forged = room.handlePresence(presence('mallory', { statuses: [110] }), 'mallory');
  assert.equal(forged.kind, 'occupant');
  assert.equal(room.status, 'joining');
  assert.equal(room.nick, 'me');
  const joined = joinedRoom();
  const later = joined.handlePresence(
    presence('mallory', { statuses: [110], type: 'unavailable' }),
    'mallory',
  );
  assert.equal(later.kind, 'ignored', 'an unknown occupant leaving changes nothing');
  assert.equal(joined.status, 'joined');
});

test('303: an occupant changes nick, keeping who they are', () => {
  const room = joinedRoom();
  room.handlePresence(presence('bob', { occupantId: 'occ-bob', item: { jid: 'bob@example.org/x' } }), 'bob');
  const gone = room.handlePresence(
    presence('bob', { type: 'unavailable', statuses: [303], item: { nick: 'robert' } }),
    'bob',
  );
  assert.equal(gone.kind, 'occupant');
  assert.ok(gone.kind === 'occupant' && gone.removed === 'bob' && gone.upsert?.nick === 'robert');
  assert.equal(room.occupants.get('robert')?.occupantId, 'occ-bob');
  assert.equal(room.occupants.get('robert')?.jid, 'bob@example.org/x');
  assert.ok(!room.occupants.has('bob'));
});

test('303 of our own nick: the next self-presence comes from the new one', () => {
  const room = joinedRoom();
  const gone = room.handlePresence(
    presence('me', { type: 'unavailable', statuses: [303, 110], item: { nick: 'newme' } }),
    'me',
  );
  assert.deepEqual(gone, { kind: 'self', upsert: null, removed: 'me' });
  assert.equal(room.status, 'joined');
  const back = room.handlePresence(presence('newme', { statuses: [110] }), 'newme');
  assert.equal(back.kind, 'self');
  assert.equal(room.nick, 'newme');
  assert.ok(room.occupants.has('newme'));
});

for (const [codes, status, reason] of [
  [[307], 'kicked', 'spam'],
  [[301], 'banned', 'spam'],
  [[321], 'removed', 'spam'],
  [[322], 'removed', 'spam'],
] as const) {
  test(`self unavailable with ${codes.join(',') || 'no code'}: ${status}`, () => {
    const room = joinedRoom();
    const outcome = room.handlePresence(
      presence('me', { type: 'unavailable', statuses: [110, ...codes], reason }),
      'me',
    );
    assert.deepEqual(outcome, { kind: 'out' });
    assert.equal(room.status, status);
    assert.equal(room.reason, reason);
    assert.equal(room.occupants.size, 0);
    assert.equal(room.role, 'none');
    assert.equal(
      room.handlePresence(presence('late', {}), 'late').kind,
      'ignored',
      'nothing is taken from a room we are out of',
    );
  });
}

test('a self-unavailable we did not ask for, without a code: dropped, joining again', () => {
  const room = joinedRoom();
  const outcome = room.handlePresence(presence('me', { type: 'unavailable', statuses: [110] }), 'me');
  assert.deepEqual(outcome, { kind: 'shutdown' });
  assert.equal(room.status, 'joining');
  assert.equal(room.reason, 'The room service dropped you.');
});

test('332 (the service shut down): out for now, joining again', () => {
  const room = joinedRoom();
  const outcome = room.handlePresence(presence('me', { type: 'unavailable', statuses: [110, 332] }), 'me');
  assert.deepEqual(outcome, { kind: 'shutdown' });
  assert.equal(room.status, 'joining');
  assert.equal(room.reason, 'The room service shut down.');
  assert.equal(room.occupants.size, 0);
  assert.equal(room.handlePresence(presence('me', { statuses: [110] }), 'me').kind, 'joined');
});

test('removed without a reason still says why', () => {
  const room = joinedRoom();
  room.handlePresence(presence('me', { type: 'unavailable', statuses: [110, 322] }), 'me');
  assert.equal(room.reason, 'The room is members-only now.');
});

test('destroyed: the reason and the alternate venue', () => {
  const room = joinedRoom();
  room.handlePresence(
    presence('me', {
      type: 'unavailable',
      statuses: [110],
      destroy: { jid: 'new@muc.example.org', reason: 'moved' },
    }),
    'me',
  );
  assert.equal(room.status, 'destroyed');
  assert.equal(room.reason, 'moved');
  assert.equal(room.alternate, 'new@muc.example.org');
});

test("destroyed without 110 (ejabberd 23.01): from our own nick it is ours; from another's, theirs", () => {
  const room = joinedRoom();
  room.handlePresence(presence('alice'), 'alice');
  const theirs = room.handlePresence(
    presence('alice', { type: 'unavailable', destroy: { reason: 'forged' } }),
    'alice',
  );
  assert.deepEqual(theirs, { kind: 'occupant', upsert: null, removed: 'alice' });
  assert.equal(room.status, 'joined');
  room.handlePresence(
    presence('me', { type: 'unavailable', destroy: { jid: 'new@muc.example.org', reason: 'moved' } }),
    'me',
  );
  assert.equal(room.status, 'destroyed');
  assert.equal(room.reason, 'moved');
  assert.equal(room.alternate, 'new@muc.example.org');
});

test('show, status and occupant id are kept; a later presence without an item keeps role and affiliation', () => {
  const room = joinedRoom();
  room.handlePresence(presence('eve', { item: { role: 'moderator', affiliation: 'admin' } }), 'eve');
  const away = xml('presence', { from: `${ROOM}/eve` }, xml('show', {}, 'away'), xml('status', {}, 'lunch'));
  const envelope = parseEnvelope(away, OWN);
  assert.ok(envelope?.kind === 'presence');
  room.handlePresence(envelope, 'eve');
  assert.deepEqual(room.occupants.get('eve'), {
    nick: 'eve',
    role: 'moderator',
    affiliation: 'admin',
    jid: null,
    show: 'away',
    status: 'lunch',
    occupantId: null,
  });
});

test(`occupants past ${MAX_OCCUPANTS} are counted, not kept`, () => {
  const room = joinedRoom();
  for (let i = 0; i < MAX_OCCUPANTS + 5; i++) room.handlePresence(presence(`n${i}`), `n${i}`);
  assert.equal(room.occupants.size, MAX_OCCUPANTS);
  // We are one of the kept: six of the newcomers found the list full.
  assert.equal(room.overflow, 6);
  assert.equal(room.view().occupants, MAX_OCCUPANTS + 6);
  // Our own presence is always listed, even over the bound (a rejoin into a full list).
  room.rejoin();
  for (let i = 0; i < MAX_OCCUPANTS + 1; i++) room.handlePresence(presence(`n${i}`), `n${i}`);
  room.handlePresence(presence('me', { statuses: [110] }), 'me');
  assert.ok(room.occupants.has('me'));
  assert.equal(room.occupants.size, MAX_OCCUPANTS + 1);
  assert.equal(room.view().occupants, MAX_OCCUPANTS + 2);
});

test('rejoin starts the list again', () => {
  const room = joinedRoom();
  room.handlePresence(presence('bob'), 'bob');
  room.rejoin();
  assert.equal(room.status, 'joining');
  assert.equal(room.occupants.size, 0);
  assert.equal(room.handlePresence(presence('me', { statuses: [110] }), 'me').kind, 'joined');
});

test('mentions: the nick as a word, in any case; not inside a longer word', () => {
  assert.ok(mentionsNick('hey Alice, look', 'alice'));
  assert.ok(mentionsNick('alice', 'Alice'));
  assert.ok(mentionsNick('ping @alice!', 'alice'));
  assert.ok(!mentionsNick('malice aforethought', 'alice'));
  assert.ok(!mentionsNick('alicex', 'alice'));
  assert.ok(mentionsNick('alicex alice', 'alice'));
  assert.ok(!mentionsNick('', 'alice'));
  // Linear: a long body of near-misses is one walk.
  assert.ok(!mentionsNick('alicea'.repeat(100_000), 'alice'));
});

test('a voice request leaves the room once they have voice or go; the outcome says the room changed', () => {
  const room = joinedRoom();
  room.handlePresence(presence('bob', { item: { role: 'visitor' } }), 'bob');
  room.handlePresence(presence('carol', { item: { role: 'visitor' } }), 'carol');
  room.voiceRequests.set('bob', { nick: 'bob', jid: null });
  room.voiceRequests.set('carol', { nick: 'carol', jid: null });
  assert.deepEqual(room.view().voiceRequests, [
    { nick: 'bob', jid: null },
    { nick: 'carol', jid: null },
  ]);
  const visitorAgain = room.handlePresence(presence('bob', { item: { role: 'visitor' } }), 'bob');
  assert.equal(visitorAgain.kind === 'occupant' && visitorAgain.requestsChanged, undefined);
  const voiced = room.handlePresence(presence('bob', { item: { role: 'participant' } }), 'bob');
  assert.equal(voiced.kind === 'occupant' && voiced.requestsChanged, true);
  const gone = room.handlePresence(presence('carol', { type: 'unavailable' }), 'carol');
  assert.equal(gone.kind === 'occupant' && gone.requestsChanged, true);
  assert.deepEqual(room.view().voiceRequests, []);
});
