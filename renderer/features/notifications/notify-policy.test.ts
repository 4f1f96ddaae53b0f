// Tests run in Node (node --test). Each rule of the notification policy: what notifies, what does not, and
// the words of a notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../shared/contract.ts';
import type { Invitation } from '../../../shared/invitations.ts';
import { DEFAULT_PREFERENCES, MUTED_FOREVER, type ConversationPrefs } from '../../../shared/preferences.ts';
import german from '../../i18n/messages/de.json' with { type: 'json' };
import { englishCatalog } from '../../i18n/catalogs.ts';
import { makeIntl, setCurrentIntl } from '../../i18n/intl-instance.ts';
import {
  hiddenText,
  MAX_BODY_CHARS,
  invitationNotice,
  messageNotice,
  oneLine,
  requestNotice,
  type PolicyContext,
} from './notify-policy.ts';

const ME = 'me@example.org';
const NOW = 1_000_000;

function message(over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    account: ME,
    kind: 'chat',
    seq: 1,
    id: 'm1',
    originId: null,
    direction: 'in',
    peer: 'alice@example.org',
    peerFull: 'alice@example.org/phone',
    type: 'chat',
    body: 'Hello there',
    subject: null,
    thread: null,
    timestamp: NOW,
    delayed: false,
    fromRoster: true,
    state: 'received',
    ...over,
  };
}

function roomLine(over: Partial<ChatMessage> = {}): ChatMessage {
  return message({
    kind: 'groupchat',
    peer: 'lounge@rooms.example.org',
    peerFull: 'lounge@rooms.example.org/bea',
    ...over,
  });
}

function context(over: Partial<PolicyContext> = {}, notifications = {}): PolicyContext {
  return {
    now: NOW,
    notifications: { ...DEFAULT_PREFERENCES.notifications, ...notifications },
    conversation: () => undefined,
    onScreen: () => false,
    ownShow: () => 'available',
    contactName: (_account, jid) => (jid === 'alice@example.org' ? 'Alice' : jid),
    roomName: (_account, room) => room.slice(0, room.indexOf('@')),
    ...over,
  };
}

function prefsFor(over: Partial<ConversationPrefs>): ConversationPrefs {
  return {
    account: ME,
    kind: 'chat',
    peer: 'alice@example.org',
    mutedUntil: null,
    roomNotify: null,
    ...over,
  };
}

test("a live incoming chat message notifies with the sender's roster name and the text, tagged by conversation", () => {
  assert.deepEqual(messageNotice(message(), context()), {
    account: ME,
    kind: 'chat',
    peer: 'alice@example.org',
    tag: `${ME} chat alice@example.org`,
    title: 'Alice',
    body: 'Hello there',
  });
});

test('our own messages, archived or offline ones and empty bodies do not notify', () => {
  const ctx = context();
  assert.equal(messageNotice(message({ direction: 'out' }), ctx), null, 'sent (or a carbon of ours)');
  assert.equal(messageNotice(message({ delayed: true }), ctx), null, 'history, archive, offline storage');
  assert.equal(messageNotice(message({ body: null, subject: 'x' }), ctx), null);
  assert.equal(messageNotice(message({ body: '  \n ' }), ctx), null);
});

test('nothing while the conversation is on screen in a focused window', () => {
  const seen = `${ME} chat alice@example.org`;
  assert.equal(messageNotice(message(), context({ onScreen: (id) => id === seen })), null);
  assert.ok(messageNotice(message({ peer: 'bob@example.org' }), context({ onScreen: (id) => id === seen })));
});

test('nothing when notifications are off', () => {
  assert.equal(messageNotice(message(), context({}, { enabled: false })), null);
});

test('nothing while our presence on that account is Do not disturb, unless that setting is off', () => {
  const busy = context({ ownShow: (account) => (account === ME ? 'dnd' : 'online') });
  assert.equal(messageNotice(message(), busy), null);
  assert.ok(messageNotice(message({ account: 'other@example.org' }), busy), 'another account is not busy');
  const loud = context({ ownShow: () => 'dnd' }, { silentWhenBusy: false });
  assert.ok(messageNotice(message(), loud));
  assert.ok(messageNotice(message(), context({ ownShow: () => 'away' })), 'away still notifies');
});

test('nothing for a muted conversation until its mute ends; forever stays muted', () => {
  const until = (mutedUntil: number | null) => context({ conversation: () => prefsFor({ mutedUntil }) });
  assert.equal(messageNotice(message(), until(NOW + 60_000)), null);
  assert.equal(messageNotice(message(), until(MUTED_FOREVER)), null);
  assert.ok(messageNotice(message(), until(NOW - 1)), 'the hour is over');
  assert.ok(messageNotice(message(), until(null)));
});

test('rooms by default: only a line that mentions us notifies, titled "nick in room"', () => {
  const ctx = context();
  assert.equal(messageNotice(roomLine(), ctx), null);
  const notice = messageNotice(roomLine({ mention: true, body: 'me: look' }), ctx);
  assert.equal(notice?.title, 'bea in lounge');
  assert.equal(notice?.body, 'me: look');
  assert.equal(notice?.tag, `${ME} groupchat lounge@rooms.example.org`);
});

test("a room's own level wins over the default: every message, or nothing even for a mention", () => {
  const level = (roomNotify: 'all' | 'mentions' | 'none') =>
    context({ conversation: () => prefsFor({ kind: 'groupchat', roomNotify }) });
  assert.ok(messageNotice(roomLine(), level('all')));
  assert.equal(messageNotice(roomLine({ mention: true }), level('none')), null);
  assert.equal(messageNotice(roomLine(), level('mentions')), null);
  assert.ok(messageNotice(roomLine(), context({}, { rooms: 'all' })), 'the default set to all');
  assert.equal(messageNotice(roomLine({ mention: true }), context({}, { rooms: 'none' })), null);
});

test('a private message from a room occupant is titled with the nick and the room', () => {
  const pm = message({
    kind: 'private',
    peer: 'lounge@rooms.example.org/bea',
    peerFull: 'lounge@rooms.example.org/bea',
  });
  assert.equal(messageNotice(pm, context())?.title, 'bea (in lounge)');
});

test('showText off gives "New message" instead of the text', () => {
  assert.equal(messageNotice(message(), context({}, { showText: false }))?.body, 'New message');
  assert.equal(hiddenText(), 'New message');
});

test('a body becomes one bounded line', () => {
  assert.equal(oneLine('a\n\n  b\tc\u0000d', 50), 'a b c d');
  const long = 'x'.repeat(5_000_000);
  const cut = oneLine(long, MAX_BODY_CHARS);
  assert.equal(cut.length, MAX_BODY_CHARS + 1);
  assert.ok(cut.endsWith('…'));
  assert.equal(oneLine('😀'.repeat(300), 3), '😀😀😀…', 'surrogate pairs stay whole');
  const notice = messageNotice(message({ body: `first line\nsecond ${'y'.repeat(400)}` }), context());
  assert.ok(notice && !notice.body.includes('\n') && notice.body.length <= MAX_BODY_CHARS + 1);
});

test('a subscription request notifies (by its switch), with the nick it suggested and its text', () => {
  const request = { jid: 'carol@example.org', status: 'Hi, it is Carol', nick: 'Carol', receivedAt: NOW };
  const notice = requestNotice(ME, request, context());
  assert.equal(notice?.title, 'Contact request from Carol (carol@example.org)');
  assert.equal(notice?.body, 'Hi, it is Carol');
  assert.equal(notice?.tag, `request ${ME} chat carol@example.org`);
  assert.equal(requestNotice(ME, request, context({}, { subscriptionRequests: false })), null);
  assert.equal(requestNotice(ME, request, context({ ownShow: () => 'dnd' })), null);
  assert.equal(
    requestNotice(ME, request, context({}, { showText: false }))?.body,
    'Wants to see when you are online.',
  );
});

test('an invitation notifies (by its switch) with the room and who invites', () => {
  const invitation: Invitation = {
    id: 'i1',
    room: 'team@rooms.example.org',
    roomName: 'Team room',
    from: 'alice@example.org',
    stranger: false,
    fromVerified: true,
    reason: 'standup',
    hasPassword: false,
    kind: 'direct',
    at: NOW,
  };
  const notice = invitationNotice(ME, invitation, context());
  assert.equal(notice?.title, 'Invitation to Team room');
  assert.equal(notice?.body, 'From Alice: standup');
  assert.equal(notice?.kind, 'groupchat');
  assert.equal(invitationNotice(ME, invitation, context({}, { invitations: false })), null);
  assert.equal(invitationNotice(ME, invitation, context({}, { enabled: false })), null);
  assert.equal(invitationNotice(ME, invitation, context({}, { showText: false }))?.body, 'From Alice');
});

test('with German chosen, the words of a notice are German', () => {
  setCurrentIntl(makeIntl('de', german));
  try {
    const ctx = context({}, { showText: false });
    assert.equal(messageNotice(roomLine({ mention: true }), ctx)?.title, 'bea im Raum lounge');
    assert.equal(messageNotice(message(), ctx)?.body, 'Neue Nachricht');
    const request = requestNotice(
      ME,
      { jid: 'eve@example.org', nick: null, status: null, receivedAt: NOW },
      ctx,
    );
    assert.equal(request?.title, 'Kontaktanfrage von eve@example.org');
  } finally {
    setCurrentIntl(makeIntl('en', englishCatalog));
  }
});
