// Bounds on what crosses the contract: hostile or accidental input (a 50 MB paste) never reaches the wire or
// the UI. Kept apart from contract.ts (which re-exports them) so the page can use them without zod.
export const MAX_BODY_CHARS = 100_000;
export const MAX_STATUS_CHARS = 1_024;
export const MAX_NAME_CHARS = 1_024;
export const MAX_GROUPS = 64;

/** Inbound subscription requests kept per account; past it the count says how many more wait on the server. */
export const MAX_PENDING_REQUESTS = 500;
