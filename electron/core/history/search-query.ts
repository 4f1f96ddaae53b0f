// What the user types in the search box, as an FTS5 expression: plain words only, never FTS syntax.

const MIN_PREFIX_CHARS = 3;

/**
 * Turns what the user typed into an FTS5 expression that means "all these words", with the last one also
 * matching as a prefix (search as you type) when it has at least three letters or digits. Every word is a quoted string with its quotes doubled, so FTS5
 * operators (AND, OR, NOT, NEAR, *, ^, :, parentheses, column names) are only ever words. Pieces without a letter
 * or digit are dropped (the tokenizer would make nothing of them). Returns null when nothing searchable is left.
 */
export function toFtsQuery(query: string): string | null {
  const pieces = query
    .normalize('NFC')
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, 32);
  const last = pieces.at(-1)?.replace(/[^\p{L}\p{N}]/gu, '');
  const words = pieces.map((word) => `"${word.replaceAll('"', '""')}"`);
  if (words.length === 0) return null;
  // A one- or two-letter prefix expands to thousands of terms whose lists FTS5 must merge (~200 ms at 1M rows).
  if ([...(last ?? '')].length >= MIN_PREFIX_CHARS) words[words.length - 1] += ' *';
  return words.join(' AND ');
}
