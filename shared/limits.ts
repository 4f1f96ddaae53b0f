// Bounds on what crosses the contract: hostile or accidental input (a 50 MB paste) never reaches the wire or
// the UI. Kept apart from contract.ts (which re-exports them) so the page can use them without zod.
export const MAX_BODY_CHARS = 100_000;
export const MAX_STATUS_CHARS = 1_024;
export const MAX_NAME_CHARS = 1_024;
export const MAX_GROUPS = 64;

/** Inbound subscription requests kept per account; past it the count says how many more wait on the server. */
export const MAX_PENDING_REQUESTS = 500;

// Bounds the page needs from feature contracts, kept here so it does not bundle their zod schemas (each
// contract file re-exports its own).
/** Longest WebSocket URL an account may name. */
export const MAX_WEBSOCKET_URL_CHARS = 2048;
/** Longest nick we send or keep (XEP-0045 gives none; a resourcepart is at most 1023 bytes). */
export const MAX_NICK_CHARS = 256;
/** Longest subject we send (rooms keep a line or two; XEP-0045 gives no bound). */
export const MAX_SUBJECT_CHARS = 1_024;
/** Rooms one room-directory info request may name. */
export const MAX_INFO_BATCH = 50;
/** People one 'invitations.send' invites at once. */
export const MAX_INVITEES = 20;
/** Longest reason kept or sent (an invitation's or a decline's). */
export const MAX_INVITE_REASON_CHARS = MAX_STATUS_CHARS;
/** A conversation's mutedUntil for "until I turn it back on". */
export const MUTED_FOREVER = Number.MAX_SAFE_INTEGER;
