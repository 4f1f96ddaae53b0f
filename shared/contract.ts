// The IPC contract: every command (request -> response | typed error) and every event the engine emits,
// declared once as zod schemas; the TypeScript types are inferred from them. Both transports (Electron IPC,
// browser-mode WebSocket) carry exactly this, and the receiving side validates every payload against it.
import { z } from 'zod';
import {
  accountConnectionSchema,
  accountSchema,
  bareJidSchema,
  chatMessageSchema,
  conversationKindSchema,
  conversationPeerProblem,
  fitsConversation,
  contactPresenceSchema,
  contactSchema,
  engineErrorSchema,
  jidSchema,
  messageRequestSchema,
  messageTypeSchema,
  ownPresenceSchema,
  ownShowSchema,
  subscriptionRequestSchema,
} from './schemas.ts';
import type { EngineErrorPayload } from './schemas.ts';
import { mucCommands, mucEvents } from './muc.ts';
import { blockingCommands, blockingEvents } from './blocking.ts';
import { bookmarkCommands, bookmarkEvents } from './bookmarks.ts';
import { roomDirectoryCommands } from './room-directory.ts';
import { invitationCommands, invitationEvents } from './invitations.ts';
import { accountCommands, savedAccountsSchema } from './account-commands.ts';
import { preferenceCommands, preferenceEvents } from './preferences.ts';
import {
  DESKTOP_SHELL_COMMANDS,
  desktopEngineCommands,
  desktopEvents,
  desktopShellCommands,
} from './desktop.ts';

export * from './account-commands.ts';

export * from './schemas.ts';

// ---------------------------------------------------------------------------------------------------------
// Limits. Bounded strings keep hostile or accidental input (a 50 MB paste) from reaching the wire or the UI.
import { MAX_BODY_CHARS, MAX_GROUPS, MAX_NAME_CHARS, MAX_STATUS_CHARS } from './limits.ts';
export { MAX_BODY_CHARS, MAX_GROUPS, MAX_NAME_CHARS, MAX_STATUS_CHARS };

// ---------------------------------------------------------------------------------------------------------
// Commands

const ok = z.object({ ok: z.literal(true) });

/** An account and one of its contacts (or any address on it). */
const accountAndJid = z.object({ account: accountSchema, jid: bareJidSchema }).strict();

export const commands = {
  ...accountCommands,
  'roster.add': {
    request: z
      .object({
        account: accountSchema,
        jid: bareJidSchema,
        name: z.string().max(MAX_NAME_CHARS).nullable().optional(),
        groups: z.array(z.string().min(1).max(MAX_NAME_CHARS)).max(MAX_GROUPS).optional(),
        /** Also send a subscription request (the usual "add contact"). */
        subscribe: z.boolean().optional(),
      })
      .strict(),
    response: ok,
  },
  'roster.update': {
    request: z
      .object({
        account: accountSchema,
        jid: bareJidSchema,
        name: z.string().max(MAX_NAME_CHARS).nullable().optional(),
        groups: z.array(z.string().min(1).max(MAX_NAME_CHARS)).max(MAX_GROUPS).optional(),
      })
      .strict(),
    response: ok,
  },
  'roster.remove': { request: accountAndJid, response: ok },
  'subscription.request': {
    request: z
      .object({
        account: accountSchema,
        jid: bareJidSchema,
        status: z.string().max(MAX_STATUS_CHARS).optional(),
      })
      .strict(),
    response: ok,
  },
  /** Answer an inbound request: approve, deny, or approve and ask for theirs back. */
  'subscription.answer': {
    request: z
      .object({
        account: accountSchema,
        jid: bareJidSchema,
        answer: z.enum(['approve', 'deny', 'approve-and-subscribe']),
      })
      .strict(),
    response: ok,
  },
  /** Stop receiving their presence (send unsubscribe). */
  'subscription.unsubscribe': { request: accountAndJid, response: ok },
  /** Stop sending them ours (send unsubscribed): cancels an existing or pending subscription from them. */
  'subscription.cancel': { request: accountAndJid, response: ok },
  /** Approve before they ask (RFC 6121 §3.4); 'not-supported' when the server does not offer it. */
  'subscription.preApprove': { request: accountAndJid, response: ok },
  /**
   * This account's presence; 'offline' pauses it (unavailable presence, stream closed, the account kept:
   * connection status 'paused', no reconnecting); any other show afterwards goes online again.
   */
  'presence.set': {
    request: z
      .object({
        account: accountSchema,
        show: ownShowSchema,
        status: z.string().max(MAX_STATUS_CHARS).nullable().optional(),
        priority: z.number().int().min(-128).max(127).optional(),
      })
      .strict(),
    response: ok,
  },
  /**
   * Sends from `account`: it must be signed in (online or reconnecting; it waits in the outbox meanwhile).
   * `kind` 'private' (or a `to` of a room we are in, room/nick): a private message to that occupant (XEP-0045
   * §7.5), its own conversation.
   */
  'chat.send': {
    request: z
      .object({
        account: accountSchema,
        to: jidSchema,
        kind: z.enum(['chat', 'private']).optional(),
        body: z.string().min(1).max(MAX_BODY_CHARS),
        type: messageTypeSchema.optional(),
        subject: z.string().max(MAX_STATUS_CHARS).optional(),
        thread: z.string().max(256).optional(),
      })
      .strict()
      .refine((r) => r.kind !== 'private' || fitsConversation('private', r.to), {
        message: "A private message goes to an occupant's full JID (room/nick)",
      }),
    response: chatMessageSchema,
  },
  /**
   * One page of a chat from the local history, oldest first. No anchor: the newest messages. `beforeSeq`: the
   * page just older than that message (scrolling up); when the local history runs out, older pages are fetched
   * from the server archive (XEP-0313) first. `afterSeq`: the page just newer. `aroundSeq`: that message with
   * up to `limit` messages on each side (jumping to a search result). The conversation is `peer` with `kind`;
   * without one, a full JID is a private conversation, a jump (`aroundSeq`) goes to its message's, and any
   * other bare JID is a 1:1 chat (a room's lines are paged with 'muc.history', or with kind 'groupchat').
   */
  'chat.history': {
    request: z
      .object({
        account: accountSchema,
        peer: jidSchema,
        kind: conversationKindSchema.optional(),
        beforeSeq: z.number().int().optional(),
        afterSeq: z.number().int().optional(),
        aroundSeq: z.number().int().optional(),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict()
      .refine((r) => [r.beforeSeq, r.afterSeq, r.aroundSeq].filter((v) => v !== undefined).length <= 1, {
        message: 'At most one of beforeSeq, afterSeq and aroundSeq',
      })
      .refine((r) => fitsConversation(r.kind, r.peer), conversationPeerProblem),
    response: z.object({
      messages: z.array(chatMessageSchema),
      failures: z.array(z.object({ id: z.string(), error: engineErrorSchema })),
      /** Nothing older exists, here or in the server's archive. */
      complete: z.boolean(),
      /** The page reaches the newest message of the chat. */
      atNewest: z.boolean(),
    }),
  },
  /**
   * Full-text search of the local history: every word must match (the last one also as a prefix). Newest
   * first. Every account's conversations (1:1, rooms, private); one account's with `account`; one with
   * `account`, `peer` and `kind` (as for 'chat.history'). Each hit's message names its account, kind and peer;
   * a room line's `peerFull` is room/nick. `snippet` marks matches with SNIPPET_OPEN/SNIPPET_CLOSE.
   */
  'chat.search': {
    request: z
      .object({
        query: z.string().min(1).max(256),
        account: accountSchema.optional(),
        peer: jidSchema.optional(),
        kind: conversationKindSchema.optional(),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .strict()
      .refine((r) => r.peer === undefined || r.account !== undefined, {
        message: 'A chat to search (peer) needs its account',
      })
      .refine((r) => r.peer === undefined || fitsConversation(r.kind, r.peer), conversationPeerProblem),
    response: z.object({
      hits: z.array(z.object({ message: chatMessageSchema, snippet: z.string() })),
    }),
  },
  /**
   * The user is looking at this chat now (its tab is shown in a focused window): tell the contact they saw
   * the newest message (XEP-0333 displayed marker). Sent once per message, never for a hidden chat.
   */
  'chat.markDisplayed': {
    request: z.object({ account: accountSchema, peer: bareJidSchema }).strict(),
    response: ok,
  },
  /** The user is typing in (or paused in) the chat with `peer`: a XEP-0085 chat state, if the settings allow. */
  'chat.typing': {
    request: z
      .object({ account: accountSchema, peer: bareJidSchema, state: z.enum(['composing', 'paused']) })
      .strict(),
    response: ok,
  },

  /** A message request is dismissed: it leaves the list; its messages stay in the history. */
  'chat.dismissRequest': {
    request: z.object({ account: accountSchema, peer: bareJidSchema }).strict(),
    response: ok,
  },
  /**
   * Sends a failed message of ours again (message `seq`), with its own id and origin-id, so a copy that got
   * through after all is recognised, never shown twice. A 1:1 or private message goes at once (or waits in
   * the outbox); a room line needs the room to have us again ('not-connected' until then).
   */
  'chat.retry': {
    request: z.object({ account: accountSchema, seq: z.number().int() }).strict(),
    response: chatMessageSchema,
  },
  ...blockingCommands,
  ...mucCommands(chatMessageSchema),
  ...invitationCommands,
  ...bookmarkCommands,
  ...roomDirectoryCommands,
  ...preferenceCommands,
  ...desktopEngineCommands,

  // --- Shell commands: answered by the desktop shell (or browser host), not by the engine.

  /** Open a link in the system browser; only http, https, mailto and xmpp URLs. */
  'shell.openExternal': { request: z.object({ url: z.string().min(1).max(8192) }).strict(), response: ok },
  /** Move a chat into its own window, or back into the main window's tabs. */
  'window.popOut': {
    request: z.object({ account: accountSchema, peer: bareJidSchema }).strict(),
    response: ok,
  },
  'window.dock': {
    request: z.object({ account: accountSchema, peer: bareJidSchema }).strict(),
    response: ok,
  },
  ...desktopShellCommands,
} as const;

export const SHELL_COMMANDS = [
  'shell.openExternal',
  'window.popOut',
  'window.dock',
  ...DESKTOP_SHELL_COMMANDS,
] as const;
export type ShellCommandName = (typeof SHELL_COMMANDS)[number];
export function isShellCommand(name: string): name is ShellCommandName {
  return (SHELL_COMMANDS as readonly string[]).includes(name);
}

export type CommandName = keyof typeof commands;
export type CommandRequest<C extends CommandName> = z.input<(typeof commands)[C]['request']>;
export type CommandResponse<C extends CommandName> = z.infer<(typeof commands)[C]['response']>;
/** What crosses the boundary for every command: never a thrown exception. */
export type CommandResult<C extends CommandName> =
  { ok: true; value: CommandResponse<C> } | { ok: false; error: EngineErrorPayload };

// ---------------------------------------------------------------------------------------------------------
// Events. Payloads are lists so that a burst (a roster of 10,000, a presence storm) travels as a few
// coalesced batches; electron/core/event-batcher.ts says how each one merges. Events about one account name
// it at the top (and coalesce per account); list items that can mix accounts (messages, states) name it each.

const conversationItem = { account: z.string(), peer: z.string() };

export const events = {
  /** One account's connection changed; the latest per account wins within a batch. */
  'connection.state': accountConnectionSchema,
  /** The saved accounts changed (one signed in for the first time, one was forgotten, keepSignedIn moved). */
  'accounts.changed': savedAccountsSchema,
  /** `reset`: the list replaces the account's whole roster (after sign-in); otherwise items are upserts. */
  'roster.changed': z.object({
    account: z.string(),
    reset: z.boolean(),
    upserts: z.array(contactSchema),
    removed: z.array(z.string()),
  }),
  /** Latest presence per contact of the account (one entry per bare JID; later replaces earlier). */
  'presence.changed': z.object({ account: z.string(), contacts: z.array(contactPresenceSchema) }),
  'presence.own': ownPresenceSchema.extend({ account: z.string() }),
  /**
   * The account's full list of inbound requests waiting for an answer (at most MAX_PENDING_REQUESTS), and how
   * many more arrived past that cap this session: not kept here, but never lost, since the server keeps
   * pending requests and delivers them again at each sign-in (RFC 6121 §3.1.3).
   */
  'subscription.requests': z.object({
    account: z.string(),
    requests: z.array(subscriptionRequestSchema),
    more: z.number().int().nonnegative().optional(),
  }),
  /** A contact answered or revoked: for toasts ("alice approved your request"). */
  'subscription.notice': z.object({
    account: z.string(),
    notices: z.array(
      z.object({ jid: z.string(), kind: z.enum(['subscribed', 'unsubscribed', 'unsubscribe']) }),
    ),
  }),
  'chat.messages': z.object({ messages: z.array(chatMessageSchema) }),
  /**
   * The account's message requests (strangers' chats waiting for an answer), newest first, and how many
   * messages the caps did not keep this session (the server's archive still has them).
   */
  'chat.requests': z.object({
    account: z.string(),
    requests: z.array(messageRequestSchema),
    more: z.number().int().nonnegative(),
  }),
  /** Chats shown in their own windows (shell only); the main window leaves them out of its tabs. */
  'window.layout': z.object({ poppedOut: z.array(z.object(conversationItem)) }),
  /**
   * Progress of sent messages: 'sent' once the server has it (XEP-0198 ack or the archive; in a room, its
   * reflection), then receipts. Each names its conversation: account, kind and peer.
   */
  'chat.states': z.object({
    updates: z.array(
      z.object({
        ...conversationItem,
        kind: conversationKindSchema,
        id: z.string(),
        state: z.enum(['sent', 'delivered', 'read']),
      }),
    ),
  }),
  /** A sent message came back with an error; `id` is the id `chat.send` (or 'muc.send') answered with. */
  'chat.failed': z.object({
    failures: z.array(
      z.object({
        ...conversationItem,
        kind: conversationKindSchema,
        id: z.string(),
        error: engineErrorSchema,
      }),
    ),
  }),
  ...mucEvents,
  ...blockingEvents,
  ...bookmarkEvents,
  ...invitationEvents,
  ...preferenceEvents,
  ...desktopEvents,
} as const;

export type EventName = keyof typeof events;
export type EngineCommandName = Exclude<CommandName, ShellCommandName>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export type EngineEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

export { conversationId, type ConversationKey } from './conversation.ts';
