// Bookmarks in the contract: the rooms an account keeps (XEP-0402 native bookmarks in PEP, or XEP-0048 private
// storage on servers without the #compat feature), with their name, our nick and autojoin. A bookmark's
// password stays in the main process: the renderer only learns that one is kept (`hasPassword`); autojoin uses
// it. contract.ts spreads `bookmarkCommands` and `bookmarkEvents` into its tables. Stands alone like muc.ts.
import { z } from 'zod';
import { bareJidSchema as bareJid } from './jid-schema.ts';
import { MAX_NICK_CHARS, roomSchema } from './muc.ts';

/** Bookmarks kept per account (those past it are counted in `more`, not kept); each field is bounded too. */
export const MAX_BOOKMARKS = 1000;
export const MAX_BOOKMARK_NAME_CHARS = 256;
export const MAX_BOOKMARK_PASSWORD_CHARS = 1024;

const ok = z.object({ ok: z.literal(true) });

/**
 * Where the account's bookmarks live: 'pep' (XEP-0402, kept in sync across devices by the server's pushes),
 * 'private' (XEP-0048 private XML storage: read at sign-in, no pushes), 'not-loaded' (not signed in, or the
 * read failed).
 */
export const bookmarkStorageSchema = z.enum(['pep', 'private', 'not-loaded']);
export type BookmarkStorage = z.infer<typeof bookmarkStorageSchema>;

export const bookmarkSchema = z.object({
  /** The room's bare JID. */
  room: z.string(),
  name: z.string().nullable(),
  /** The nick to join with; null: the account's localpart. */
  nick: z.string().nullable(),
  autojoin: z.boolean(),
  /** A password is kept for the room (in the main process only). */
  hasPassword: z.boolean(),
  /** Why this session's autojoin of the room failed, in words; null when it did not (or did not run). */
  joinError: z.string().nullable(),
});
export type Bookmark = z.infer<typeof bookmarkSchema>;

export const bookmarkListSchema = z.object({
  account: z.string(),
  storage: bookmarkStorageSchema,
  /** Ordered by room address. */
  bookmarks: z.array(bookmarkSchema),
  /** Bookmarks on the server past MAX_BOOKMARKS: counted, not listed. */
  more: z.number().int().nonnegative(),
});
export type BookmarkList = z.infer<typeof bookmarkListSchema>;

export const bookmarkCommands = {
  /** The account's bookmarks as the engine holds them (waits for the sign-in's read if it is on). */
  'bookmarks.list': { request: z.object({ account: bareJid }).strict(), response: bookmarkListSchema },
  /**
   * Adds or replaces the bookmark of `room`. `password` absent keeps the one held; an empty string drops it.
   * Refused with 'not-connected' offline and 'invalid-request' past MAX_BOOKMARKS.
   */
  'bookmarks.set': {
    request: z
      .object({
        account: bareJid,
        room: bareJid,
        name: z.string().trim().max(MAX_BOOKMARK_NAME_CHARS).optional(),
        nick: z.string().trim().max(MAX_NICK_CHARS).optional(),
        password: z.string().max(MAX_BOOKMARK_PASSWORD_CHARS).optional(),
        autojoin: z.boolean(),
      })
      .strict(),
    response: ok,
  },
  'bookmarks.remove': {
    request: z.object({ account: bareJid, room: bareJid }).strict(),
    response: ok,
  },
  /** Joins a bookmarked room with its nick and the password kept for it (as 'muc.join' answers). */
  'bookmarks.join': {
    request: z.object({ account: bareJid, room: bareJid }).strict(),
    response: roomSchema,
  },
} as const;

export const bookmarkEvents = {
  /** The account's bookmarks changed: the whole list (it is bounded), the latest per account wins. */
  'bookmarks.changed': bookmarkListSchema,
} as const;
