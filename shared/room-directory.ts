// Room discovery in the contract: the rooms of the account's MUC service (XEP-0045 §6.3, disco#items on the
// service found by disco on our server, paged with XEP-0059 where offered) and, for rows the user sees, each
// room's disco#info (name, description, occupants, password and members-only). Everything in it is remote
// input: counts and lengths are bounded here and in the engine. contract.ts spreads `roomDirectoryCommands`.
import { z } from 'zod';
import { MAX_INFO_BATCH } from './limits.ts';
export { MAX_INFO_BATCH };
import { bareJidSchema as bareJid } from './jid-schema.ts';

/** Rooms listed per service (those past it are counted in `more`), and rooms one info request may name. */
export const MAX_DIRECTORY_ROOMS = 1000;
export const MAX_ROOM_NAME_CHARS = 256;
export const MAX_ROOM_DESCRIPTION_CHARS = 1024;

export const directoryRoomSchema = z.object({
  /** The room's bare JID. */
  jid: z.string(),
  /** The name the service lists it under, else null. */
  name: z.string().nullable(),
});
export type DirectoryRoom = z.infer<typeof directoryRoomSchema>;

export const roomInfoSchema = z.object({
  jid: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  /** muc#roominfo_occupants, when the room says. */
  occupants: z.number().int().nonnegative().nullable(),
  passwordProtected: z.boolean(),
  membersOnly: z.boolean(),
  /** The room did not answer its disco#info (gone, or refused): in words. */
  error: z.string().nullable(),
});
export type RoomInfo = z.infer<typeof roomInfoSchema>;

export const roomDirectoryCommands = {
  /**
   * The rooms of `service`, or of the account's own MUC service (the first conference service its server
   * lists; 'not-found' when it lists none). Cached for the session; `refresh` asks again.
   */
  'rooms.directory': {
    request: z
      .object({ account: bareJid, service: bareJid.optional(), refresh: z.boolean().optional() })
      .strict(),
    response: z.object({
      service: z.string(),
      rooms: z.array(directoryRoomSchema),
      /** Rooms the service has past MAX_DIRECTORY_ROOMS (when it says how many): not listed. */
      more: z.number().int().nonnegative(),
    }),
  },
  /** Each room's disco#info (cached for the session), in the order asked. */
  'rooms.directoryInfo': {
    request: z.object({ account: bareJid, rooms: z.array(bareJid).min(1).max(MAX_INFO_BATCH) }).strict(),
    response: z.object({ rooms: z.array(roomInfoSchema) }),
  },
} as const;
