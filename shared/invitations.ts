// Room invitations in the contract, both ways: XEP-0249 direct invitations and XEP-0045 mediated ones (sent
// through the room). An inbound invitation waits as a prompt (Join, Decline) like a subscription request; the
// password it carries stays in the main process (the prompt only says there is one). contract.ts spreads
// `invitationCommands` and `invitationEvents` into its tables. Stands alone (no import of schemas.ts).
import { z } from 'zod';
import { MAX_INVITEES, MAX_INVITE_REASON_CHARS } from './limits.ts';
export { MAX_INVITEES, MAX_INVITE_REASON_CHARS };
import { isBareJid } from './jid.ts';
import { MAX_NICK_CHARS, roomSchema } from './muc.ts';

/** Invitations waiting per account; past it a stranger's is refused, and a contact's replaces the oldest. */
export const MAX_PENDING_INVITATIONS = 100;

const bareJid = z.string().max(2047).refine(isBareJid, { message: 'Not a valid bare XMPP address' });
const reasonSchema = z.string().max(MAX_INVITE_REASON_CHARS).optional();
const ok = z.object({ ok: z.literal(true) });

/** 'direct': XEP-0249, from the inviter; 'mediated': XEP-0045 §7.8.2, relayed by the room. */
export const inviteModeSchema = z.enum(['direct', 'mediated']);
export type InviteMode = z.infer<typeof inviteModeSchema>;

export const invitationSchema = z.object({
  /** Stable while the invitation waits (a second invitation to the same room updates it in place). */
  id: z.string(),
  /** The room's bare JID. */
  room: z.string(),
  /** The room's name from its disco#info identity, when it gives one. */
  roomName: z.string().nullable(),
  /**
   * Who invites: their JID; for a mediated invitation from a semi-anonymous room (Prosody), their occupant
   * JID (room/nick); null when the room did not say.
   */
  from: z.string().nullable(),
  /**
   * The inviter is not in the account's contacts, the room hid who it is, or `from` is only the word of a
   * room on another server.
   */
  stranger: z.boolean(),
  /**
   * `from` is who our server saw: a direct invitation's sender, or the inviter a room on our own server
   * relayed. Else a room elsewhere says so, and it may name anyone.
   */
  fromVerified: z.boolean(),
  reason: z.string().nullable(),
  /** The invitation carries the room's password (Join uses it; it never leaves the main process). */
  hasPassword: z.boolean(),
  kind: inviteModeSchema,
  /** When it was sent (its delay) or received, epoch ms. */
  at: z.number(),
});
export type Invitation = z.infer<typeof invitationSchema>;

const listPayload = {
  account: z.string(),
  /** Newest first. */
  invitations: z.array(invitationSchema),
  /** Invitations not kept this session (strangers' past the cap, or from a flood of unverified rooms). */
  more: z.number().int().nonnegative(),
};

export const invitationCommands = {
  'invitations.list': {
    request: z.object({ account: bareJid }).strict(),
    response: z.object(listPayload).omit({ account: true }),
  },
  /**
   * Joins the room with the invitation's password (and `nick`, else the account's localpart); answers the
   * room, or the join's typed error (nick-conflict with a suggestion, password-required...), after which the
   * invitation still waits.
   */
  'invitations.accept': {
    request: z
      .object({
        account: bareJid,
        id: z.string().min(1).max(64),
        nick: z.string().trim().min(1).max(MAX_NICK_CHARS).optional(),
      })
      .strict(),
    response: roomSchema,
  },
  /**
   * Dismisses the invitation; a mediated one also tells the inviter through the room (XEP-0045 §7.8.2
   * decline). XEP-0249 has no decline: a direct one just goes.
   */
  'invitations.decline': {
    request: z.object({ account: bareJid, id: z.string().min(1).max(64), reason: reasonSchema }).strict(),
    response: ok,
  },
  /**
   * Invites people to a room we are in. Without `mode`, each one directly (XEP-0249) when one of their
   * online devices says it understands it (caps or disco#info), else through the room. A direct invitation
   * to a password room carries the password. When none could be sent, the first send's error.
   */
  'invitations.send': {
    request: z
      .object({
        account: bareJid,
        room: bareJid,
        to: z.array(bareJid).min(1).max(MAX_INVITEES),
        reason: reasonSchema,
        mode: inviteModeSchema.optional(),
      })
      .strict(),
    /** Each invitee once: sent (and how), or failed (why: the link dropped halfway, say). */
    response: z.object({
      sent: z.array(z.object({ to: z.string(), mode: inviteModeSchema })),
      failed: z.array(z.object({ to: z.string(), reason: z.string() })),
    }),
  },
} as const;

export const invitationEvents = {
  /** The account's full list of waiting invitations (the latest wins within a batch). */
  'invitations.changed': z.object(listPayload),
  /** People who declined our mediated invitations (the room relayed their decline): for toasts. */
  'invitations.declined': z.object({
    account: z.string(),
    declines: z.array(
      z.object({ room: z.string(), from: z.string().nullable(), reason: z.string().nullable() }),
    ),
  }),
  /**
   * Rooms that would not pass our mediated invitation on (ejabberd lets only moderators invite unless the
   * room allows occupants to; a members-only Prosody room, only admins): who was not invited, and why.
   */
  'invitations.refused': z.object({
    account: z.string(),
    refusals: z.array(z.object({ room: z.string(), to: z.string(), reason: z.string() })),
  }),
} as const;
export type InvitationDecline = z.infer<
  (typeof invitationEvents)['invitations.declined']
>['declines'][number];
