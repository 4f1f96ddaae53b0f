// Tests run in Node (node --test). Which moderator actions the occupant menu offers for our role and
// affiliation against theirs (XEP-0045 §2.2–§2.4), and which room actions the Room menu offers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Occupant, Room } from '../../../shared/muc.ts';
import { bareOf, occupantActions, roomPowers } from './room-admin-actions.ts';

const occupant = (over: Partial<Occupant> = {}): Occupant => ({
  nick: 'bob',
  role: 'participant',
  affiliation: 'none',
  jid: 'bob@example.org/phone',
  show: 'available',
  status: null,
  occupantId: null,
  ...over,
});
const me = (role: Room['role'], affiliation: Room['affiliation']) => ({ role, affiliation });
const ids = (self: ReturnType<typeof me>, target: Occupant) => occupantActions(self, target).map((a) => a.id);

test('a participant may do nothing to others; a moderator kicks and (un)voices those below admin', () => {
  assert.deepEqual(ids(me('participant', 'none'), occupant()), []);
  assert.deepEqual(ids(me('moderator', 'none'), occupant()), ['kick', 'mute']);
  assert.deepEqual(ids(me('moderator', 'none'), occupant({ role: 'visitor' })), ['kick', 'voice']);
  assert.deepEqual(ids(me('moderator', 'member'), occupant({ affiliation: 'admin', role: 'moderator' })), []);
});

test('an admin also bans, grants membership and moderator; needs the real JID for affiliations', () => {
  assert.deepEqual(ids(me('moderator', 'admin'), occupant()), ['kick', 'mute', 'mod', 'member', 'ban']);
  assert.deepEqual(ids(me('moderator', 'admin'), occupant({ jid: null })), ['kick', 'mute', 'mod']);
  assert.deepEqual(ids(me('moderator', 'admin'), occupant({ affiliation: 'member', role: 'moderator' })), [
    'kick',
    'unmod',
    'ban',
  ]);
  assert.deepEqual(ids(me('moderator', 'admin'), occupant({ affiliation: 'owner', role: 'moderator' })), []);
});

test('an owner names admins and owners, and acts on admins', () => {
  assert.deepEqual(ids(me('moderator', 'owner'), occupant()), [
    'kick',
    'mute',
    'mod',
    'member',
    'ban',
    'admin',
    'owner',
  ]);
  assert.deepEqual(ids(me('moderator', 'owner'), occupant({ affiliation: 'admin', role: 'moderator' })), [
    'kick',
    'member',
    'owner',
  ]);
});

test('the Room menu: subject for voiced occupants, lists for admins, settings and destroy for owners', () => {
  assert.deepEqual(roomPowers(me('visitor', 'none')), {
    subject: false,
    lists: false,
    settings: false,
    destroy: false,
  });
  assert.deepEqual(roomPowers(me('participant', 'admin')), {
    subject: true,
    lists: true,
    settings: false,
    destroy: false,
  });
  assert.deepEqual(roomPowers(me('moderator', 'owner')), {
    subject: true,
    lists: true,
    settings: true,
    destroy: true,
  });
  assert.equal(bareOf('bob@example.org/phone'), 'bob@example.org');
  assert.equal(bareOf('bob@example.org'), 'bob@example.org');
});
