// Marks around matched words in search snippets: control characters, so the renderer splits on them and
// renders every part as text. Kept apart from contract.ts (which re-exports them) so the page can use them
// without bundling the contract's zod schemas.
export const SNIPPET_OPEN = '\u0002';
export const SNIPPET_CLOSE = '\u0003';
