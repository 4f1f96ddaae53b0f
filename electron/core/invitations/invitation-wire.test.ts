// Reading invitations and declines (through parseEnvelope, as the engine does) and the bounds of the list
// they wait in: a room's mediated invitation wins over the jabber:x:conference copy Prosody adds to it, an
// invitation from an occupant or naming a non-bare room (or a bare domain) is none, remote text is cut to its bound, and a
// full list refuses strangers' invitations while a contact's pushes the oldest stranger's out; a stranger's
// never replaces a contact's to the same room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { MAX_INVITE_REASON_CHARS } from '../../../shared/invitations.ts';
import { parseJid } from '../../../shared/jid.ts';
import type { MessageEnvelope } from '../xmpp/envelope.ts';
import { parseEnvelope } from '../xmpp/envelope.ts';
import { NS_CONFERENCE, NS_MUC_USER } from '../muc/muc-user.ts';
import {
  MAX_INVITE_PASSWORD_CHARS,
  carriesInvitation,
  parseDecline,
  parseInvitation,
  type InboundInvitation,
} from './invitation-wire.ts';
import { PendingInvitations } from './pending-invitations.ts';

const OWN = parseJid('me@example.org');
const ROOM = 'room@muc.example.org';

function envelope(attrs: Record<string, string>, ...children: ReturnType<typeof xml>[]): MessageEnvelope {
  const parsed = parseEnvelope(xml('message', { to: 'me@example.org', ...attrs }, ...children), OWN);
  assert.equal(parsed?.kind, 'message');
  return parsed as MessageEnvelope;
}

const mediated = (from: string, extra: ReturnType<typeof xml>[] = []) =>
  envelope(
    { from },
    xml(
      'x',
      { xmlns: NS_MUC_USER },
      xml('invite', { from: 'alice@example.org/home' }, xml('reason', {}, 'come')),
      xml('password', {}, 'sesame'),
    ),
    ...extra,
  );

test('a mediated invitation from the room, with the conference copy a room adds: mediated, password kept', () => {
  const inbound = parseInvitation(mediated(ROOM, [xml('x', { xmlns: NS_CONFERENCE, jid: ROOM })]));
  assert.deepEqual(inbound, {
    kind: 'mediated',
    room: ROOM,
    from: 'alice@example.org/home',
    reason: 'come',
    password: 'sesame',
    at: null,
  });
  // From an occupant (room/nick) or a person's full JID it is no mediated invitation.
  assert.equal(parseInvitation(mediated(`${ROOM}/mallory`)), null);
  assert.equal(parseInvitation(mediated('muc.example.org')), null, 'a MUC service is no room');
});

test('a direct invitation: the sender invites; a room that is not a bare JID, errors and groupchat carry none', () => {
  const direct = (room: string, type?: string) =>
    parseInvitation(
      envelope(
        { from: 'bob@example.org/phone', ...(type ? { type } : {}) },
        xml('x', { xmlns: NS_CONFERENCE, jid: room, reason: 'x'.repeat(5000), password: 'p'.repeat(5000) }),
      ),
    );
  const ok = direct(ROOM);
  assert.equal(ok?.kind, 'direct');
  assert.equal(ok?.from, 'bob@example.org');
  assert.equal(ok?.reason?.length, MAX_INVITE_REASON_CHARS);
  assert.equal(ok?.password?.length, MAX_INVITE_PASSWORD_CHARS);
  assert.equal(direct(`${ROOM}/nick`), null);
  assert.equal(direct('not a jid@'), null);
  assert.equal(direct('muc.example.org'), null, 'a bare domain (a MUC service answers as a conference too)');
  assert.equal(direct(ROOM, 'error'), null);
  assert.equal(direct(ROOM, 'groupchat'), null);
});

test('a decline is read only from a bare JID (the room)', () => {
  const decline = (from: string) =>
    parseDecline(
      envelope(
        { from },
        xml(
          'x',
          { xmlns: NS_MUC_USER },
          xml('decline', { from: 'carol@example.org' }, xml('reason', {}, 'busy')),
        ),
      ),
    );
  assert.deepEqual(decline(ROOM), { room: ROOM, from: 'carol@example.org', reason: 'busy' });
  assert.equal(decline(`${ROOM}/carol`), null);
});

const invitation = (room: string, reason = 'r'): InboundInvitation => ({
  kind: 'direct',
  room,
  from: 'x@example.org',
  reason,
  password: null,
  at: null,
});

test("pending: one per room (updated in place, same id); full: a stranger's refused, a contact's pushes the oldest stranger's out", () => {
  const pending = new PendingInvitations(3);
  const details = (stranger: boolean) => ({ stranger, fromVerified: true, roomName: null, now: 1000 });
  assert.ok(pending.add(invitation('a@m'), details(false)));
  const id = pending.list()[0]!.id;
  assert.ok(pending.add(invitation('a@m', 'again'), details(false)));
  assert.deepEqual(
    pending.list().map((i) => [i.id, i.reason]),
    [[id, 'again']],
  );
  assert.ok(pending.add(invitation('s1@m'), details(true)));
  assert.ok(pending.add(invitation('s2@m'), details(true)));
  assert.equal(pending.add(invitation('s3@m'), details(true)), false, "a stranger's never pushes one out");
  assert.equal(pending.more, 1);
  assert.ok(pending.add(invitation('c@m'), details(false)));
  assert.deepEqual(
    pending.list().map((i) => i.room),
    ['c@m', 's2@m', 'a@m'],
    "the oldest stranger's went, the contact's stayed",
  );
  assert.equal(pending.more, 2);
  // Only contacts' left: a contact's pushes the oldest out.
  assert.ok(pending.add(invitation('c2@m'), details(false)));
  assert.ok(pending.add(invitation('c3@m'), details(false)));
  assert.deepEqual(
    pending.list().map((i) => i.room),
    ['c3@m', 'c2@m', 'c@m'],
  );
  // A sender's clock in the future is not believed.
  pending.add({ ...invitation('c3@m'), at: 5000 }, details(false));
  assert.equal(pending.list()[0]!.at, 1000);
  assert.equal(pending.byId(pending.list()[0]!.id)?.password, null);
});

test("pending: a stranger's invitation to a room a contact invited us to keeps the contact's, and is counted", () => {
  const pending = new PendingInvitations(3);
  const details = (stranger: boolean) => ({ stranger, fromVerified: true, roomName: null, now: 1000 });
  assert.ok(pending.add({ ...invitation('a@m', 'from a friend'), password: 'sesame' }, details(false)));
  const [kept] = pending.list();
  const forged = { ...invitation('a@m', 'from mallory'), from: 'mallory@evil.example', password: 'wrong' };
  assert.equal(pending.add(forged, details(true)), false);
  assert.equal(pending.more, 1);
  assert.deepEqual(pending.list(), [kept]);
  assert.equal(pending.byId(kept!.id)?.password, 'sesame');
  // A stranger's updates a stranger's; a contact's updates a stranger's.
  assert.ok(pending.add(invitation('s@m', 'one'), details(true)));
  assert.ok(pending.add(invitation('s@m', 'two'), details(true)));
  assert.ok(pending.add(invitation('s@m', 'three'), details(false)));
  assert.deepEqual(
    pending.list().map((i) => [i.room, i.reason, i.stranger]),
    [
      ['s@m', 'three', false],
      ['a@m', 'from a friend', false],
    ],
  );
});

test('carriesInvitation: direct and mediated invitations and declines, not other muc#user messages', () => {
  const x = (...children: ReturnType<typeof xml>[]) => xml('x', { xmlns: NS_MUC_USER }, ...children);
  assert.equal(carriesInvitation(xml('message', {}, xml('x', { xmlns: NS_CONFERENCE, jid: ROOM }))), true);
  assert.equal(carriesInvitation(xml('message', {}, x(xml('invite', { to: 'a@b' })))), true);
  assert.equal(carriesInvitation(xml('message', {}, x(xml('decline', { to: 'a@b' })))), true);
  assert.equal(carriesInvitation(xml('message', {}, x(xml('status', { code: '104' })))), false);
  assert.equal(carriesInvitation(xml('message', {}, xml('body', {}, 'hi'))), false);
});
