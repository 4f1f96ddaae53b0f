// Tests run in Node (node --test). Conversations' own notification settings as the page reads them: indexed
// by conversationId from the preferences store, and the mute choices' end times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PREFERENCES, MUTED_FOREVER, type ConversationPrefs } from '../../../shared/preferences.ts';
import { usePreferences } from '../settings/preferences-store.ts';
import { conversationPrefs, MUTE_CHOICES, mutedUntilFor, mutedUntilText } from './conversation-prefs.ts';

const room: ConversationPrefs = {
  account: 'me@example.org',
  kind: 'groupchat',
  peer: 'lounge@rooms.example.org',
  mutedUntil: null,
  roomNotify: 'all',
};

test("the preferences store's conversations are found by conversationId, and follow its changes", () => {
  usePreferences.getState().applyEvent({ preferences: DEFAULT_PREFERENCES, conversations: [room] });
  assert.equal(conversationPrefs().get('me@example.org groupchat lounge@rooms.example.org'), room);
  assert.equal(conversationPrefs().get('me@example.org chat lounge@rooms.example.org'), undefined);
  const muted = { ...room, mutedUntil: MUTED_FOREVER };
  usePreferences.getState().applyEvent({ preferences: DEFAULT_PREFERENCES, conversations: [muted] });
  assert.equal(conversationPrefs().get('me@example.org groupchat lounge@rooms.example.org'), muted);
});

test('the mute choices end after 1 hour, after 8 hours, or never', () => {
  const now = 1_000_000;
  assert.deepEqual(
    MUTE_CHOICES.map((c) => mutedUntilFor(c.ms, now)),
    [now + 3_600_000, now + 8 * 3_600_000, MUTED_FOREVER],
  );
  assert.equal(mutedUntilText(MUTED_FOREVER), 'Muted until you turn it back on');
  assert.match(mutedUntilText(now + 3_600_000), /^Muted until \d/);
});
