// Group chat (XEP-0045) in the contract: the rooms an account is in, their occupants, and the commands to
// join, leave, talk and moderate. contract.ts spreads `mucCommands` and `mucEvents` into its tables.
// No import of schemas.ts: schemas.ts reads roomSchema from here for the snapshot, so this file stands alone.
import { z } from 'zod';
import { MAX_NICK_CHARS, MAX_SUBJECT_CHARS } from './limits.ts';
export { MAX_NICK_CHARS, MAX_SUBJECT_CHARS };
import { isBareJid, isValidJid } from './jid.ts';
import { MAX_BODY_CHARS, MAX_STATUS_CHARS } from './limits.ts';
import { FORM_LIMITS } from './data-form.ts';
import { dataFormSchema } from './data-form-schema.ts';

/** Rooms one account can be in at once, and occupants one room keeps (those past it are counted, not kept). */
export const MAX_ROOMS = 100;
export const MAX_OCCUPANTS = 10_000;
/** Entries of one affiliation list we keep (a busy room's ban list can be long; the rest are counted). */
export const MAX_AFFILIATION_ITEMS = 1_000;

const bareJid = z.string().max(2047).refine(isBareJid, { message: 'Not a valid bare XMPP address' });
const anyJid = z.string().max(3071).refine(isValidJid, { message: 'Not a valid XMPP address' });
const nickSchema = z.string().trim().min(1).max(MAX_NICK_CHARS);
/** A nick the room gave us (an occupant's, a voice request's): kept exactly, spaces and all. */
const roomNickSchema = z.string().min(1).max(MAX_NICK_CHARS);
const reasonSchema = z.string().max(MAX_STATUS_CHARS).optional();

export const mucRoleSchema = z.enum(['moderator', 'participant', 'visitor', 'none']);
export type MucRole = z.infer<typeof mucRoleSchema>;
export const mucAffiliationSchema = z.enum(['owner', 'admin', 'member', 'outcast', 'none']);
export type MucAffiliation = z.infer<typeof mucAffiliationSchema>;

/**
 * Where we stand in a room. 'joining': the join presence went out (or a rejoin waits for the link); 'joined':
 * the room sent our self-presence (status 110); the rest are final and say why we are out.
 */
export const roomStatusSchema = z.enum([
  'joining',
  'joined',
  'left',
  'kicked',
  'banned',
  'removed',
  'destroyed',
]);
export type RoomStatus = z.infer<typeof roomStatusSchema>;

export const roomSchema = z.object({
  /** The room's bare JID. */
  room: z.string(),
  status: roomStatusSchema,
  /** Why we are out (kick or ban reason, destroy reason, "membership revoked"...), in words; else null. */
  reason: z.string().nullable(),
  /** A destroyed room's alternate venue (its bare JID), when it named one. */
  alternate: z.string().nullable(),
  /** Our nick in the room (the service may have changed it: status 210). */
  nick: z.string(),
  role: mucRoleSchema,
  affiliation: mucAffiliationSchema,
  subject: z.string().nullable(),
  /** disco#info features of the room (muc_passwordprotected, muc_membersonly, urn:xmpp:mam:2 ...). */
  features: z.array(z.string()),
  /** Occupants' real JIDs are shown to everyone (status 100 / muc_nonanonymous). */
  nonAnonymous: z.boolean(),
  /** The room is logged publicly (status 170). */
  logging: z.boolean(),
  /** Occupants now (including those past MAX_OCCUPANTS, which are counted but not listed). */
  occupants: z.number().int().nonnegative(),
  /** Live messages mentioning our nick since we joined. */
  mentions: z.number().int().nonnegative(),
  /**
   * We created the room with `configure: true` and it waits for its configuration (muc.config.get, then
   * muc.config.submit unlocks it); absent or false otherwise.
   */
  unconfigured: z.boolean().optional(),
  /** Visitors asking for voice (XEP-0045 §7.13), shown to us as a moderator; oldest first. */
  voiceRequests: z.array(z.object({ nick: z.string(), jid: z.string().nullable() })).optional(),
});
export type Room = z.infer<typeof roomSchema>;

export const occupantSchema = z.object({
  nick: z.string(),
  role: mucRoleSchema,
  affiliation: mucAffiliationSchema,
  /** Their real JID, when the room shows it to us. */
  jid: z.string().nullable(),
  show: z.enum(['available', 'chat', 'away', 'xa', 'dnd']),
  status: z.string().nullable(),
  /** XEP-0421 occupant id, stable across nick changes, when the room offers it. */
  occupantId: z.string().nullable(),
});
export type Occupant = z.infer<typeof occupantSchema>;

/** One entry of an affiliation list (XEP-0045 §9.5, §10.5): the address, and a nick and reason when given. */
export const affiliationItemSchema = z.object({
  jid: z.string(),
  nick: z.string().nullable(),
  reason: z.string().nullable(),
});
export type AffiliationItem = z.infer<typeof affiliationItemSchema>;

/** What a submitted form carries: values by field var (shared/data-form.ts validates them before sending). */
const formValuesSchema = z
  .record(
    z.string().max(FORM_LIMITS.labelChars),
    z.array(z.string().max(FORM_LIMITS.valueChars)).max(FORM_LIMITS.valuesPerField),
  )
  .refine((values) => Object.keys(values).length <= FORM_LIMITS.fields, { message: 'Too many fields' });

const ok = z.object({ ok: z.literal(true) });
const roomOnly = z.object({ account: bareJid, room: bareJid }).strict();

/**
 * Commands. 'muc.send' answers with the stored message (a ChatMessage: contract.ts checks that shape). Join
 * errors are typed: 'nick-conflict' (with `suggestion`, a nick to try), 'password-required' (missing or
 * wrong), 'members-only', 'banned', 'not-allowed' (the service refuses to create the room), 'room-full',
 * 'not-found'.
 */
export function mucCommands<M extends z.ZodType>(chatMessage: M) {
  return {
    /** Joins (creating it as an instant room if it does not exist); answers once the room confirmed us. */
    'muc.join': {
      request: z
        .object({
          account: bareJid,
          room: bareJid,
          nick: nickSchema,
          password: z.string().min(1).max(1024).optional(),
          /**
           * A room this join creates (201) is left locked for its configuration instead of accepted as an
           * instant room: the answer has `unconfigured: true`. No effect on a room that exists.
           */
          configure: z.boolean().optional(),
        })
        .strict(),
      response: roomSchema,
    },
    'muc.leave': { request: roomOnly, response: ok },
    /** A message to the room: 'pending' until the room reflects it back, then 'sent'. */
    'muc.send': {
      request: z
        .object({ account: bareJid, room: bareJid, body: z.string().min(1).max(MAX_BODY_CHARS) })
        .strict(),
      response: chatMessage,
    },
    /**
     * One page of a room's lines from the local history, oldest first: the newest `limit`, or those just
     * older than `beforeSeq`. `complete`: nothing older is held here (the room's archive may have more).
     */
    'muc.history': {
      request: z
        .object({
          account: bareJid,
          room: bareJid,
          beforeSeq: z.number().int().optional(),
          limit: z.number().int().min(1).max(500).optional(),
        })
        .strict(),
      response: z.object({ messages: z.array(chatMessage), complete: z.boolean() }),
    },
    /** The rooms of the account (joined, joining, and those we were just put out of). */
    'muc.rooms': {
      request: z.object({ account: bareJid }).strict(),
      response: z.object({ rooms: z.array(roomSchema) }),
    },
    /** The occupants of one room, complete (the events after it keep it current). */
    'muc.occupants': {
      request: roomOnly,
      response: z.object({ occupants: z.array(occupantSchema) }),
    },
    /** Moderator: removes an occupant (role none), with a reason the room passes on. */
    'muc.kick': {
      request: z
        .object({ account: bareJid, room: bareJid, nick: roomNickSchema, reason: reasonSchema })
        .strict(),
      response: ok,
    },
    /** Admin: bans an address (affiliation outcast). */
    'muc.ban': {
      request: z.object({ account: bareJid, room: bareJid, jid: anyJid, reason: reasonSchema }).strict(),
      response: ok,
    },
    /**
     * Changes the room's subject (empty clears it); answers once the room shows the new subject. Refused
     * ('not-allowed') when our role does not let us.
     */
    'muc.subject': {
      request: z
        .object({ account: bareJid, room: bareJid, subject: z.string().max(MAX_SUBJECT_CHARS) })
        .strict(),
      response: roomSchema,
    },
    /** Our nick in a joined room (§7.6); 'nick-conflict' (with `suggestion`) when taken. */
    'muc.nick': {
      request: z.object({ account: bareJid, room: bareJid, nick: nickSchema }).strict(),
      response: roomSchema,
    },
    /** Moderator: voice (participant), no voice (visitor), or moderator for an occupant (§8.3-8.6, §9.6-9.7). */
    'muc.role': {
      request: z
        .object({
          account: bareJid,
          room: bareJid,
          nick: roomNickSchema,
          role: z.enum(['participant', 'visitor', 'moderator']),
          reason: reasonSchema,
        })
        .strict(),
      response: ok,
    },
    /** Admin or owner: an address's affiliation (member, admin, owner, none; outcast bans; none unbans). */
    'muc.affiliation': {
      request: z
        .object({
          account: bareJid,
          room: bareJid,
          jid: bareJid,
          affiliation: mucAffiliationSchema,
          reason: reasonSchema,
        })
        .strict(),
      response: ok,
    },
    /** Admin or owner: the addresses with one affiliation (at most MAX_AFFILIATION_ITEMS; `more`: cut). */
    'muc.affiliations': {
      request: z
        .object({
          account: bareJid,
          room: bareJid,
          affiliation: z.enum(['owner', 'admin', 'member', 'outcast']),
        })
        .strict(),
      response: z.object({ items: z.array(affiliationItemSchema), more: z.boolean() }),
    },
    /** A visitor asks the room's moderators for voice (§7.13); they see it in Room.voiceRequests. */
    'muc.voice.request': { request: roomOnly, response: ok },
    /** Moderator: grants (the participant role) or dismisses a visitor's voice request. */
    'muc.voice.answer': {
      request: z
        .object({ account: bareJid, room: bareJid, nick: roomNickSchema, allow: z.boolean() })
        .strict(),
      response: ok,
    },
    /** Owner: the room's configuration form (XEP-0045 §10.2). */
    'muc.config.get': { request: roomOnly, response: dataFormSchema },
    /**
     * Owner: submits the configuration (values checked against the room's form first: an invalid form is
     * refused with the fields' problems and not sent). `values` absent: the room's defaults as they are (an
     * unconfigured room becomes an instant room).
     */
    'muc.config.submit': {
      request: z.object({ account: bareJid, room: bareJid, values: formValuesSchema.optional() }).strict(),
      response: roomSchema,
    },
    /** Owner: destroys the room (§10.9); its occupants are told the reason and the alternate venue. */
    'muc.destroy': {
      request: z
        .object({ account: bareJid, room: bareJid, reason: reasonSchema, alternate: bareJid.optional() })
        .strict(),
      response: ok,
    },
  } as const;
}

export const mucEvents = {
  /** Rooms that changed (latest per room wins within a batch); a final status is the room's last mention. */
  'muc.rooms': z.object({ account: z.string(), rooms: z.array(roomSchema) }),
  /**
   * One room's occupants. `reset`: `upserts` is the complete list (sent when our self-presence says the list
   * is complete, and again after a rejoin); otherwise upserts and removals by nick.
   */
  'muc.occupants': z.object({
    account: z.string(),
    room: z.string(),
    reset: z.boolean(),
    upserts: z.array(occupantSchema),
    removed: z.array(z.string()),
  }),
} as const;
