// The user's preferences: one document kept by the main process (electron/core/preferences/), read and
// changed through the contract, announced to every window when it changes. Every field has a default, so a
// file from an older version (or a damaged one) still gives a whole, valid document.
import { z } from 'zod';
import { MUTED_FOREVER } from './limits.ts';
export { MUTED_FOREVER };
import { accountSchema } from './schemas.ts';
import { CONVERSATION_KINDS } from './conversation.ts';

/** How much of a group chat notifies: every message, only mentions of us and replies to us, nothing. */
export const roomNotifySchema = z.enum(['all', 'mentions', 'none']);
export type RoomNotify = z.infer<typeof roomNotifySchema>;

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const fontSizeSchema = z.enum(['small', 'normal', 'large', 'larger']);
/** 'system': the OS language when a catalog has it, else English. */
export const languageSchema = z.enum(['system', 'en', 'de']);

export const MAX_IDLE_MINUTES = 24 * 60;
/** Conversations with their own notification settings, at most (the oldest entries go first). */
export const MAX_CONVERSATION_PREFS = 2_000;

const minutes = z.number().int().min(1).max(MAX_IDLE_MINUTES);

export const preferencesSchema = z.object({
  notifications: z
    .object({
      /** Desktop notifications at all. */
      enabled: z.boolean().default(true),
      /** The message text in a notification; false: only "New message". */
      showText: z.boolean().default(true),
      sound: z.boolean().default(true),
      /** None while our presence is Do not disturb. */
      silentWhenBusy: z.boolean().default(true),
      /** The default for rooms without their own setting. */
      rooms: roomNotifySchema.default('mentions'),
      subscriptionRequests: z.boolean().default(true),
      invitations: z.boolean().default(true),
    })
    .prefault({}),
  appearance: z
    .object({
      theme: themeSchema.default('system'),
      fontSize: fontSizeSchema.default('normal'),
      compactRoster: z.boolean().default(false),
      language: languageSchema.default('system'),
    })
    .prefault({}),
  /** What we tell others; each off means the matching stanzas are not sent (or, for the version, answered). */
  privacy: z
    .object({
      typingNotifications: z.boolean().default(true),
      readMarkers: z.boolean().default(true),
      receipts: z.boolean().default(true),
      softwareVersion: z.boolean().default(true),
    })
    .prefault({}),
  chat: z
    .object({
      /** Enter sends, Shift+Enter is a new line; false: Ctrl/Cmd+Enter sends. */
      enterToSend: z.boolean().default(true),
      spellCheck: z.boolean().default(true),
      /** :shortcodes: and emoticons such as :-) become emoji as one types. */
      emojiShortcuts: z.boolean().default(true),
    })
    .prefault({}),
  /** Auto-away (XEP-0319 idle time goes with it). extendedAwayMinutes > awayMinutes. */
  idle: z
    .object({
      autoAway: z.boolean().default(true),
      awayMinutes: minutes.default(5),
      extendedAwayMinutes: minutes.default(30),
    })
    .prefault({})
    .refine((idle) => idle.extendedAwayMinutes > idle.awayMinutes, {
      message: 'Extended away must come after away.',
      path: ['extendedAwayMinutes'],
    }),
  /** The desktop app's window (browser mode ignores these). */
  window: z
    .object({
      /** Closing the main window keeps Parley running in the tray (where a tray exists). */
      closeToTray: z.boolean().default(true),
      startAtLogin: z.boolean().default(false),
    })
    .prefault({}),
  advanced: z
    .object({
      /** A diagnostics log in the data folder (never passwords or message text). */
      diagnosticsLog: z.boolean().default(false),
    })
    .prefault({}),
});
export type Preferences = z.infer<typeof preferencesSchema>;
/** A change: any subset of the sections, any subset of each section's fields. */
export type PreferencesPatch = { [S in keyof Preferences]?: Partial<Preferences[S]> };

export { DEFAULT_PREFERENCES } from './preference-defaults.ts';

const patchSchema = z
  .object(
    Object.fromEntries(
      Object.keys(preferencesSchema.shape).map((name) => [
        name,
        // Each section's fields, all optional, no defaults (a patch says only what changes), nothing unknown.
        z.record(z.string(), z.unknown()).optional(),
      ]),
    ) as { [S in keyof Preferences]: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>> },
  )
  .strict();

/** One conversation's own settings: muted until (ms since the epoch; null: not muted; MUTED_FOREVER). */
export const conversationPrefsSchema = z.object({
  account: z.string(),
  kind: z.enum(CONVERSATION_KINDS),
  peer: z.string(),
  mutedUntil: z.number().int().nonnegative().nullable(),
  /** Rooms only; null: the default (preferences.notifications.rooms). */
  roomNotify: roomNotifySchema.nullable(),
});
export type ConversationPrefs = z.infer<typeof conversationPrefsSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  /** The folder holding settings, history and the diagnostics log. */
  dataDir: z.string(),
  /** Where the diagnostics log is written while it is on. */
  diagnosticsLogPath: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const prefsState = z.object({
  preferences: preferencesSchema,
  conversations: z.array(conversationPrefsSchema),
});

export const preferenceCommands = {
  /** The whole document and every conversation's own settings. */
  'prefs.get': { request: z.object({}).strict(), response: prefsState },
  /**
   * Changes some fields; the answer is the document as saved. A value the schema refuses is 'invalid-request'
   * with the field named, and nothing changes.
   */
  'prefs.set': { request: z.object({ patch: patchSchema }).strict(), response: prefsState },
  /** One conversation's own settings; both null removes them. */
  'prefs.conversation': {
    request: z
      .object({
        account: accountSchema,
        kind: z.enum(CONVERSATION_KINDS),
        peer: z.string().min(1).max(3071),
        mutedUntil: z.number().int().nonnegative().nullable(),
        roomNotify: roomNotifySchema.nullable(),
      })
      .strict(),
    response: prefsState,
  },
  /** The version and where data lives, for About and Settings › Advanced. */
  'app.info': { request: z.object({}).strict(), response: appInfoSchema },
} as const;

export const preferenceEvents = {
  /** The preferences changed (in any window, or by the tray): the whole state, the latest wins. */
  'prefs.changed': prefsState,
} as const;
