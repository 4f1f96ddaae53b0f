// The MUC parts of the envelope (muc-user.ts through parseEnvelope): status codes, item, destroy, invite,
// occupant id and the room's stanza-id, each bounded against a hostile room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { parseJid } from '../../../shared/jid.ts';
import { parseEnvelope } from '../xmpp/envelope.ts';
import { NS_SID } from '../xmpp/ns.ts';
import { NS_MUC_USER, NS_OCCUPANT_ID } from './muc-user.ts';

const OWN = parseJid('me@example.org');
const ROOM = 'room@muc.example.org';

test('presence: status codes, item and occupant id are read once', () => {
  const envelope = parseEnvelope(
    xml(
      'presence',
      { from: `${ROOM}/alice` },
      xml(
        'x',
        { xmlns: NS_MUC_USER },
        xml(
          'item',
          { affiliation: 'owner', role: 'moderator', jid: 'alice@example.org/home', nick: 'al' },
          xml('reason', {}, 'because'),
          xml('actor', { nick: 'boss' }),
        ),
        xml('status', { code: '110' }),
        xml('status', { code: '201' }),
        xml('status', { code: 'abc' }),
        xml('status', { code: '0110' }),
      ),
      xml('occupant-id', { xmlns: NS_OCCUPANT_ID, id: 'occ-1' }),
    ),
    OWN,
  );
  assert.ok(envelope?.kind === 'presence');
  assert.deepEqual([...(envelope.muc?.statuses ?? [])], [110, 201], 'only three-digit codes');
  assert.deepEqual(envelope.muc?.item, {
    role: 'moderator',
    affiliation: 'owner',
    jid: 'alice@example.org/home',
    nick: 'al',
    reason: 'because',
    actor: 'boss',
  });
  assert.equal(envelope.occupantId, 'occ-1');
});

test('unknown roles and affiliations, invalid JIDs and huge reasons are dropped or cut', () => {
  const envelope = parseEnvelope(
    xml(
      'presence',
      { from: `${ROOM}/x` },
      xml(
        'x',
        { xmlns: NS_MUC_USER },
        xml(
          'item',
          { affiliation: 'god', role: 'king', jid: 'not a jid@@' },
          xml('reason', {}, 'r'.repeat(50_000)),
        ),
        ...Array.from({ length: 5_000 }, () => xml('status', { code: '110' })),
        xml('destroy', { jid: 'new@muc.example.org/with-resource' }, xml('reason', {}, 'gone')),
      ),
    ),
    OWN,
  );
  assert.ok(envelope?.kind === 'presence');
  const muc = envelope.muc!;
  assert.equal(muc.item?.role, null);
  assert.equal(muc.item?.affiliation, null);
  assert.equal(muc.item?.jid, null);
  assert.ok((muc.item?.reason?.length ?? 0) <= 1024);
  // The destroy element sits past the children we read: a real payload has a handful.
  assert.equal(muc.destroy, null);
  assert.deepEqual([...muc.statuses], [110]);
});

test('destroy: the alternate venue only when it is a bare JID', () => {
  const parse = (jid: string) => {
    const envelope = parseEnvelope(
      xml(
        'presence',
        { from: `${ROOM}/me`, type: 'unavailable' },
        xml('x', { xmlns: NS_MUC_USER }, xml('destroy', { jid }, xml('reason', {}, 'moving'))),
      ),
      OWN,
    );
    assert.ok(envelope?.kind === 'presence');
    return envelope.muc?.destroy;
  };
  assert.deepEqual(parse('new@muc.example.org'), { jid: 'new@muc.example.org', reason: 'moving' });
  assert.deepEqual(parse('new@muc.example.org/nick'), { jid: null, reason: 'moving' });
});

test("message: the room's stanza-id is the one by the sender's bare JID; a mediated invite is read", () => {
  const envelope = parseEnvelope(
    xml(
      'message',
      { from: `${ROOM}/alice`, type: 'groupchat', id: 'm1' },
      xml('body', {}, 'hi'),
      xml('stanza-id', { xmlns: NS_SID, by: 'someone@else.org', id: 'forged' }),
      xml('stanza-id', { xmlns: NS_SID, by: ROOM, id: 'room-1' }),
    ),
    OWN,
  );
  assert.ok(envelope?.kind === 'message');
  assert.equal(envelope.roomStanzaId, 'room-1');
  assert.equal(envelope.stanzaId, null, 'not our own server stamp');

  const invite = parseEnvelope(
    xml(
      'message',
      { from: ROOM },
      xml(
        'x',
        { xmlns: NS_MUC_USER },
        xml('invite', { from: 'bob@example.org/x' }, xml('reason', {}, 'join us')),
        xml('password', {}, 'secret'),
      ),
    ),
    OWN,
  );
  assert.ok(invite?.kind === 'message');
  assert.deepEqual(invite.muc?.invite, { from: 'bob@example.org/x', reason: 'join us', password: 'secret' });
});
