// The IPC contract's values: JIDs, contacts, presence, messages, errors, connection state and what the UI is
// shown of an account, as zod schemas with their inferred types. contract.ts builds the commands and events
// from these and re-exports them all, so callers import from there.
import { z } from 'zod';
import { isBareJid, isValidJid } from './jid.ts';
import { CONVERSATION_KINDS, type ConversationKind } from './conversation.ts';
import { roomSchema } from './muc.ts';

// ---------------------------------------------------------------------------------------------------------
// Domain values

export const jidSchema = z.string().max(3071).refine(isValidJid, { message: 'Not a valid XMPP address' });
export const bareJidSchema = z
  .string()
  .max(2047)
  .refine(isBareJid, { message: 'Not a valid bare XMPP address (user@domain)' });

/** One of our accounts: its bare JID. Every account-scoped command and event names it. */
export const accountSchema = bareJidSchema;

/**
 * What kind of conversation a message belongs to: 'chat' (1:1 with a bare JID); 'groupchat' (a room's bare
 * JID) and 'private' (a room occupant's full JID) come with group chat. A conversation is account + kind + JID.
 */
export const conversationKindSchema = z.enum(CONVERSATION_KINDS);
export type { ConversationKind };

/**
 * Whether `peer` names a conversation of `kind`: a 'private' one is an occupant's full JID (room/nick), the
 * others a bare JID. Without a kind, a full JID is a private conversation and a bare one a 1:1 chat or a room.
 */
export function fitsConversation(kind: ConversationKind | undefined, peer: string): boolean {
  if (kind === undefined) return isValidJid(peer);
  return kind === 'private' ? isValidJid(peer) && !isBareJid(peer) : isBareJid(peer);
}
export const conversationPeerProblem = {
  message: "A private conversation is an occupant's full JID (room/nick); any other is a bare JID",
  path: ['peer'],
};

/** Presence availability as RFC 6121 §4.7.2.1 `show`, plus plain available and offline. */
export const showSchema = z.enum(['available', 'chat', 'away', 'xa', 'dnd']);
export type Show = z.infer<typeof showSchema>;
export const ownShowSchema = z.enum(['available', 'chat', 'away', 'xa', 'dnd', 'offline']);
export type OwnShow = z.infer<typeof ownShowSchema>;

/** RFC 6121 §2.1.2.5 subscription states, as the roster reports them. */
export const subscriptionSchema = z.enum(['none', 'to', 'from', 'both']);
export type Subscription = z.infer<typeof subscriptionSchema>;

export const contactSchema = z.object({
  jid: z.string(),
  name: z.string().nullable(),
  groups: z.array(z.string()),
  subscription: subscriptionSchema,
  /** We asked for their presence and they have not answered (roster `ask="subscribe"`). */
  pendingOut: z.boolean(),
  /** They asked for ours and we have not answered (an inbound request is waiting). */
  pendingIn: z.boolean(),
  /** The server holds a pre-approval for this contact (RFC 6121 §3.4, roster `approved="true"`). */
  preApproved: z.boolean(),
});
export type Contact = z.infer<typeof contactSchema>;

export const resourcePresenceSchema = z.object({
  resource: z.string(),
  show: showSchema,
  status: z.string().nullable(),
  priority: z.number().int(),
  /** Epoch ms when this resource's presence was received (or its XEP-0203 delay stamp). */
  since: z.number(),
});
export type ResourcePresence = z.infer<typeof resourcePresenceSchema>;

export const contactPresenceSchema = z.object({
  jid: z.string(),
  /** The resource the UI should show: highest priority, then most available, then most recent. Null = offline. */
  best: resourcePresenceSchema.nullable(),
  resources: z.array(resourcePresenceSchema),
  /** Set when the contact's server answered our presence with an error (e.g. remote server not found). */
  error: z.string().nullable(),
});
export type ContactPresence = z.infer<typeof contactPresenceSchema>;

export const subscriptionRequestSchema = z.object({
  jid: z.string(),
  /** Optional text the requester attached (RFC 6121 §3.1.1 status). */
  status: z.string().nullable(),
  /** Nickname the requester suggested (XEP-0172), if any. */
  nick: z.string().nullable(),
  receivedAt: z.number(),
});
export type SubscriptionRequest = z.infer<typeof subscriptionRequestSchema>;

/** Messages from someone not in the roster, waiting for the user to open, add, block or dismiss them. */
export const messageRequestSchema = z.object({
  jid: z.string(),
  /** Messages kept from them so far (at most the engine's per-stranger cap). */
  count: z.number().int().nonnegative(),
  /** The start of the newest message's text. */
  preview: z.string().nullable(),
  /** Epoch ms of the newest message. */
  at: z.number(),
});
export type MessageRequest = z.infer<typeof messageRequestSchema>;

export const messageTypeSchema = z.enum(['chat', 'normal', 'headline']);
export type MessageType = z.infer<typeof messageTypeSchema>;
const MESSAGE_TYPES: ReadonlySet<string> = new Set(messageTypeSchema.options);
/** A 1:1 message type (RFC 6121 §5.2.2): not groupchat, error or anything unknown. */
export function isMessageType(type: string): type is MessageType {
  return MESSAGE_TYPES.has(type);
}

/**
 * Where a message stands. Sent ones: 'pending' (stored, not yet confirmed by our server) -> 'sent' (XEP-0198
 * ack, or found in the archive) -> 'delivered' (XEP-0184 receipt) -> 'read' (XEP-0333 displayed), or 'failed'
 * (an error came back). Received ones: 'received'. States only move forward.
 */
export const messageStateSchema = z.enum(['pending', 'sent', 'delivered', 'read', 'failed', 'received']);
export type MessageState = z.infer<typeof messageStateSchema>;

/** Marks around matched words in search snippets (control characters: split on them, render as text). */
export { SNIPPET_CLOSE, SNIPPET_OPEN } from './snippet-marks.ts';

export const chatMessageSchema = z.object({
  /** The account this message was sent or received on. */
  account: z.string(),
  /** The conversation's kind; with `account` and `peer` it names the conversation. */
  kind: conversationKindSchema,
  /**
   * Local sequence number: the message's row in this install's history. Unique and stable; the key lists use,
   * and what paging, search results and "jump to message" point at.
   */
  seq: z.number().int(),
  /**
   * The stanza id: ours for sent messages (what 'chat.states' and 'chat.failed' refer to); the sender's for
   * received ones (not unique: other clients reuse ids).
   */
  id: z.string(),
  /** XEP-0359 origin-id: stable across resends and carbons. */
  originId: z.string().nullable(),
  direction: z.enum(['in', 'out']),
  /** The conversation's JID: the other party's bare JID, the room's, or an occupant's full JID ('private'). */
  peer: z.string(),
  /** Full JID of the sender (in) or recipient (out) as it appeared on the wire. */
  peerFull: z.string(),
  type: messageTypeSchema,
  body: z.string().nullable(),
  subject: z.string().nullable(),
  thread: z.string().nullable(),
  /** Epoch ms: the sender's time if the stanza carried a XEP-0203 delay, else the time we saw it. */
  timestamp: z.number(),
  /** True when the timestamp came from a XEP-0203 delay element (offline storage). */
  delayed: z.boolean(),
  /** False when the sender is not in our roster: the UI shows it as a message from a stranger. */
  fromRoster: z.boolean(),
  /**
   * Present (true) while the chat is a message request: a stranger the user has not answered. The UI lists
   * it with the requests instead of opening its chat.
   */
  request: z.literal(true).optional(),
  /** Present (true) on a room message that mentions our nick in that room (stored: shown after a restart). */
  mention: z.literal(true).optional(),
  /**
   * XEP-0421: the room's stable id of the sender of a room line (kept when they change nick), when the room
   * stamps one. What reactions and corrections in rooms key on.
   */
  occupantId: z.string().optional(),
  state: messageStateSchema,
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const certificateInfoSchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  subjectAltNames: z.array(z.string()),
  validFrom: z.string(),
  validTo: z.string(),
  fingerprint256: z.string(),
  /** Why validation failed, in words (e.g. "self-signed certificate", "hostname mismatch"). */
  reason: z.string(),
});
export type CertificateInfo = z.infer<typeof certificateInfoSchema>;

// ---------------------------------------------------------------------------------------------------------
// Errors: every command either answers its response or one of these. `message` is for people.

export const errorCodeSchema = z.enum([
  'invalid-request', // payload failed the contract schema
  'not-connected', // the command needs an online session
  'already-connected',
  'auth-failed', // wrong password (or the server will not say which)
  'unknown-account',
  'unreachable', // TCP connect refused, reset or timed out
  'dns-failed', // the domain does not resolve
  'tls-untrusted', // certificate failed validation; `certificate` carries the details for a trust prompt
  'tls-failed', // TLS handshake failed for another reason
  'insecure-refused', // would authenticate over an unencrypted link
  'no-mechanism', // no SASL mechanism we accept over this link
  'stream-error', // the server closed the stream with an error condition
  'too-large', // larger than the server accepts on this stream (XEP-0478)
  'conflict', // another session took this resource
  'timeout',
  'not-supported', // the server lacks the feature (e.g. pre-approval)
  'server-error', // an IQ came back with an error
  'not-found',
  'internal',
  // Joining a room (XEP-0045 §7.2): why the room said no.
  'nick-conflict', // the nick is taken: `suggestion` holds one to try
  'password-required', // missing or wrong password
  'members-only', // registration-required
  'banned', // forbidden
  'not-allowed', // the service will not create the room
  'room-full', // service-unavailable
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const engineErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  /** The XMPP condition (stream, stanza or SASL) behind the error, when there is one. */
  condition: z.string().nullable(),
  certificate: certificateInfoSchema.nullable(),
  /** What to try instead, when there is an obvious choice (another nick after 'nick-conflict'). */
  suggestion: z.string().optional(),
});
export type EngineErrorPayload = z.infer<typeof engineErrorSchema>;

// ---------------------------------------------------------------------------------------------------------
// Connection state, as the UI shows it.

export const connectionStateSchema = z.object({
  /**
   * 'paused': the user chose Offline. No session and no reconnecting, but the account stays signed in here
   * (its roster, chats and history on screen); choosing a presence goes online again. 'offline': signed out.
   */
  status: z.enum(['offline', 'connecting', 'online', 'reconnecting', 'paused']),
  /** Our full JID once bound. */
  jid: z.string().nullable(),
  /** Why we are offline or reconnecting (null after a clean sign-out). */
  error: engineErrorSchema.nullable(),
  /** Security of the link while online: 'tls' normally; 'insecure' only with the loopback override. */
  security: z.enum(['tls', 'insecure']).nullable(),
  /** SASL mechanism used for this session. */
  mechanism: z.string().nullable(),
  /**
   * This sign-in's roster is on screen (in the roster events sent): the one cached at the last sign-in, or the
   * one fetched. While still connecting the UI may then show the account's main window instead of waiting.
   */
  rosterShown: z.boolean(),
});
export type ConnectionState = z.infer<typeof connectionStateSchema>;

/** One account's connection state: what 'connection.state' carries and the snapshot lists. */
export const accountConnectionSchema = connectionStateSchema.extend({ account: z.string() });
export type AccountConnection = z.infer<typeof accountConnectionSchema>;

export const ownPresenceSchema = z.object({
  show: ownShowSchema,
  status: z.string().nullable(),
  priority: z.number().int(),
});
export type OwnPresenceState = z.infer<typeof ownPresenceSchema>;

/** Everything the UI shows of one account, as of now (see 'state.snapshot'). */
export const accountSnapshotSchema = z.object({
  account: z.string(),
  connection: connectionStateSchema,
  roster: z.array(contactSchema),
  presence: z.array(contactPresenceSchema),
  requests: z.array(subscriptionRequestSchema),
  /** Requests past the cap, waiting on the server (as in 'subscription.requests'). */
  moreRequests: z.number().int().nonnegative().optional(),
  /** Message requests from strangers (as in 'chat.requests'). */
  messageRequests: z.array(messageRequestSchema).optional(),
  moreMessages: z.number().int().nonnegative().optional(),
  /** The account's rooms (as in 'muc.rooms'). */
  rooms: z.array(roomSchema).optional(),
  ownPresence: ownPresenceSchema,
});
export type AccountSnapshot = z.infer<typeof accountSnapshotSchema>;
