// xmpp: URIs (RFC 5122) and their XEP-0147 actions, as the contract carries them once parsed. The parser
// (strict: percent-decoding, IRI, length limits; the URI comes from another program) lives here too.
import { z } from 'zod';

export const MAX_URI_CHARS = 8_192;

/** What a link asks for; anything else (or nothing) opens a chat. */
export const URI_ACTIONS = [
  'message',
  'roster',
  'subscribe',
  'join',
  'invite',
  'remove',
  'unsubscribe',
] as const;

export const xmppUriSchema = z.object({
  /** The account named by xmpp://account@host/… ; null: the user (or the only account) decides. */
  account: z.string().nullable(),
  /** The address the link is about (a contact, a room). */
  jid: z.string(),
  action: z.enum(URI_ACTIONS),
  /** The action's key=value pairs, decoded (body, subject, name, group, password, jid …). */
  params: z.record(z.string(), z.string()),
});
export type XmppUri = z.infer<typeof xmppUriSchema>;
