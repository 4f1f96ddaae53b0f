// The preferences' defaults as a plain object, for the page (which must not bundle zod). The schema in
// preferences.ts has the same defaults; preferences.test.ts checks that the two agree.
import type { Preferences } from './preferences.ts';

export const DEFAULT_PREFERENCES: Preferences = {
  notifications: {
    enabled: true,
    showText: true,
    sound: true,
    silentWhenBusy: true,
    rooms: 'mentions',
    subscriptionRequests: true,
    invitations: true,
  },
  appearance: { theme: 'system', fontSize: 'normal', compactRoster: false, language: 'system' },
  privacy: { typingNotifications: true, readMarkers: true, receipts: true, softwareVersion: true },
  chat: { enterToSend: true, spellCheck: true, emojiShortcuts: true },
  idle: { autoAway: true, awayMinutes: 5, extendedAwayMinutes: 30 },
  window: { closeToTray: true, startAtLogin: false },
  advanced: { diagnosticsLog: false },
};
