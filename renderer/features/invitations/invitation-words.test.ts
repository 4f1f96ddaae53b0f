// Tests run in Node (node --test). Invitations in words: the inviter by address (not device) or by their
// nick in a room that hides addresses, the decline toast, and which typed text is an address to invite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declineText, inviterText, masked, strangerNote, typedAddress } from './invitation-words.ts';

const room = 'den@rooms.example.org';

test('the inviter: their bare address, or their nick in the room, or someone', () => {
  const fromVerified = true;
  assert.equal(inviterText({ room, fromVerified, from: 'ann@example.org/phone' }), 'ann@example.org');
  assert.equal(inviterText({ room, fromVerified, from: `${room}/ann` }), 'ann (in the room)');
  assert.equal(inviterText({ room, fromVerified, from: null }), 'Someone');
  assert.equal(masked({ room, from: `${room}/ann` }), true);
  assert.equal(masked({ room, from: null }), true);
  assert.equal(masked({ room, from: 'ann@example.org' }), false);
});

test("an inviter only a room on another server names is its claim, and the stranger's note says so", () => {
  const claimed = { room, from: 'ann@example.org/phone', fromVerified: false };
  assert.equal(inviterText(claimed), 'Someone the room says is ann@example.org');
  assert.equal(strangerNote(claimed), 'A room on another server names them: it may not be true');
  assert.equal(strangerNote({ ...claimed, fromVerified: true }), 'Not in your contacts');
  assert.equal(strangerNote({ ...claimed, from: `${room}/ann` }), 'The room hides who this is');
});

test('a decline toast names the decliner and quotes their reason', () => {
  assert.equal(
    declineText(room, 'zed@example.org/laptop', 'Busy today'),
    `zed@example.org declined your invitation to ${room}: “Busy today”`,
  );
  assert.equal(declineText(room, `${room}/zed`, null), `zed declined your invitation to ${room}.`);
  assert.equal(declineText(room, null, null), `Someone declined your invitation to ${room}.`);
});

test('a typed address: a bare JID with a localpart, normalised; anything else is none', () => {
  assert.equal(typedAddress('  Zed@Example.org '), 'zed@example.org');
  assert.equal(typedAddress('zed'), null);
  assert.equal(typedAddress('example.org'), null);
  assert.equal(typedAddress('zed@example.org/laptop'), null);
  assert.equal(typedAddress(`${'x'.repeat(1100)}@example.org`), null);
});
