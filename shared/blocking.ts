// XEP-0191 blocking in the contract: block and unblock an address, and the account's blocklist (read from the
// server at each session start, kept current by its pushes). contract.ts spreads `blockingCommands` and
// `blockingEvents` into its tables. Stands alone (no import of schemas.ts), like muc.ts.
import { z } from 'zod';
import { isBareJid, isValidJid } from './jid.ts';

/** Addresses of one account's blocklist that are kept and listed; past it they are counted in `more`. */
export const MAX_BLOCKED = 10_000;

const bareJid = z.string().max(2047).refine(isBareJid, { message: 'Not a valid bare XMPP address' });
/** A blocklist item may be a domain, a bare or a full JID (XEP-0191 §3.1). */
const anyJid = z.string().max(3071).refine(isValidJid, { message: 'Not a valid XMPP address' });
const ok = z.object({ ok: z.literal(true) });
const accountAndJid = z.object({ account: bareJid, jid: anyJid }).strict();

/**
 * 'loaded': the server's list was read this session; 'not-supported': the server has no XEP-0191;
 * 'not-loaded': not read (yet), e.g. not signed in, or the read failed.
 */
export const blocklistStatusSchema = z.enum(['loaded', 'not-supported', 'not-loaded']);
export type BlocklistStatus = z.infer<typeof blocklistStatusSchema>;

const blocklistFields = {
  account: z.string(),
  /**
   * Counts every change of this account's list in this engine: a page keeps the newest of what a command
   * answered and what events said, and ignores anything older.
   */
  version: z.number().int().nonnegative(),
  status: blocklistStatusSchema,
  /** Blocked addresses past MAX_BLOCKED: the server blocks them, the list does not name them. */
  more: z.number().int().nonnegative(),
};

export const blocklistSchema = z.object({
  ...blocklistFields,
  /** Blocked addresses (normalised JIDs), in the server's order, then in the order they were blocked. */
  blocked: z.array(z.string()),
});
export type Blocklist = z.infer<typeof blocklistSchema>;

export const blockingCommands = {
  /**
   * The server drops everything from this address (and our presence no longer reaches it); its message
   * request goes.
   */
  'blocking.block': { request: accountAndJid, response: ok },
  'blocking.unblock': { request: accountAndJid, response: ok },
  /** The account's blocklist as the engine holds it now (waits for the session start's read if it is on). */
  'blocking.list': { request: z.object({ account: bareJid }).strict(), response: blocklistSchema },
} as const;

export const blockingEvents = {
  /**
   * The account's blocklist changed. `reset`: `blocked` is the whole list (read at a session start);
   * otherwise addresses now blocked and now unblocked, the latest per address within a batch.
   */
  'blocking.changed': z.object({
    ...blocklistFields,
    reset: z.boolean(),
    blocked: z.array(z.string()),
    unblocked: z.array(z.string()),
  }),
} as const;
export type BlocklistChange = z.infer<(typeof blockingEvents)['blocking.changed']>;
