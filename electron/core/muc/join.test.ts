// join.ts, pure: the room's disco#info read into features (and a non-room refused), the join presence, and
// every refusal of a join as its typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { NS_DISCO_INFO, NS_STANZAS } from '../xmpp/ns.ts';
import { NS_MUC } from './muc-user.ts';
import { joinError, joinPresence, parseRoomInfo } from './join.ts';
import { pingVerdict } from './self-ping.ts';
import { EngineError } from '../errors.ts';

const info = (...children: ReturnType<typeof xml>[]) =>
  xml('iq', { type: 'result' }, xml('query', { xmlns: NS_DISCO_INFO }, ...children));

test("a room's features; an address that is not a room is refused", () => {
  const room = parseRoomInfo(
    info(
      xml('identity', { category: 'conference', type: 'text' }),
      xml('feature', { var: NS_MUC }),
      xml('feature', { var: 'muc_passwordprotected' }),
      xml('feature', { var: 'urn:xmpp:mam:2' }),
      xml('feature', { var: 'urn:xmpp:mam:2' }),
      ...Array.from({ length: 500 }, (_, i) => xml('feature', { var: `f${i}` })),
    ),
  );
  assert.deepEqual(room.features.slice(0, 2), ['muc_passwordprotected', 'urn:xmpp:mam:2']);
  assert.equal(room.features.length, 64, 'bounded');
  assert.throws(
    () =>
      parseRoomInfo(
        info(xml('identity', { category: 'client', type: 'pc' }), xml('feature', { var: NS_MUC })),
      ),
    (e: EngineError) => e.code === 'not-found',
  );
});

test('the join presence: the MUC x, the password, and no history when the room has an archive', () => {
  const stanza = joinPresence('room@muc.example.org/me', {
    password: 'pw',
    withoutHistory: true,
    show: 'away',
    status: 'busy',
  });
  assert.equal(
    stanza.toString(),
    '<presence to="room@muc.example.org/me"><x xmlns="http://jabber.org/protocol/muc"><password>pw</password>' +
      '<history maxstanzas="0"/></x><show>away</show><status>busy</status></presence>',
  );
  const plain = joinPresence('room@muc.example.org/me', {
    password: null,
    withoutHistory: false,
    show: null,
    status: null,
  });
  assert.equal(
    plain.toString(),
    '<presence to="room@muc.example.org/me"><x xmlns="http://jabber.org/protocol/muc"/></presence>',
  );
});

test('each refusal is its typed error; a nick conflict suggests another nick', () => {
  const refusal = (condition: string) =>
    joinError(
      xml(
        'presence',
        { type: 'error' },
        xml('error', { type: 'cancel' }, xml(condition, { xmlns: NS_STANZAS })),
      ),
      'me',
    );
  const conflict = refusal('conflict');
  assert.equal(conflict.code, 'nick-conflict');
  assert.equal(conflict.toPayload().suggestion, 'me_');
  assert.equal(conflict.toPayload().condition, 'conflict');
  assert.equal(refusal('not-authorized').code, 'password-required');
  assert.equal(refusal('registration-required').code, 'members-only');
  assert.equal(refusal('forbidden').code, 'banned');
  assert.equal(refusal('not-allowed').code, 'not-allowed');
  assert.equal(refusal('service-unavailable').code, 'room-full');
  assert.equal(refusal('item-not-found').code, 'not-found');
  assert.equal(refusal('undefined-condition').code, 'server-error');
});

test('XEP-0410: which self-ping answers mean joined, gone, or ask again', () => {
  const error = (condition: string | null) => new EngineError('server-error', 'x', { condition });
  assert.equal(pingVerdict(xml('iq', { type: 'result' })), 'joined');
  assert.equal(pingVerdict(error('service-unavailable')), 'joined');
  assert.equal(pingVerdict(error('feature-not-implemented')), 'joined');
  assert.equal(pingVerdict(error('not-acceptable')), 'gone');
  assert.equal(pingVerdict(error('item-not-found')), 'gone');
  assert.equal(pingVerdict(new EngineError('timeout', 'late')), 'unknown', 'a timeout is never a leave');
  assert.equal(pingVerdict(error('remote-server-not-found')), 'unknown');
  assert.equal(pingVerdict(error('remote-server-timeout')), 'unknown');
});
