// The quick switcher's matching: case-insensitive with diacritics folded ("é" finds "e"), a prefix or the
// start of a word ranking above a match inside a word, open chats above the rest within a rank. One pass
// over the items per keystroke and at most `limit` results, so 10,000 contacts stay cheap to filter.

/** Names and addresses longer than this are matched on their start only (remote text: bounded work). */
export const MAX_MATCH_CHARS = 200;
/** At most this many results are listed. */
export const MAX_RESULTS = 50;

const MARKS = /\p{M}/gu;

/** Lower case with combining marks removed: "Émile" -> "emile". */
export function foldText(text: string): string {
  const head = text.slice(0, MAX_MATCH_CHARS);
  // Most names and addresses are ASCII: no marks to fold, and normalizing is the costly part.
  for (let i = 0; i < head.length; i++) {
    if (head.charCodeAt(i) > 0x7f) return head.normalize('NFD').replace(MARKS, '').toLowerCase();
  }
  return head.toLowerCase();
}

/** Characters after which a new word starts (names, and JIDs' parts: local@domain/resource, dots, dashes). */
const SEPARATORS = new Set([' ', '-', '_', '.', '@', '/', '(', ',', '\t', '\u00a0']);

/** How a folded text contains a folded query: 0 at its start, 1 at a word's start, 2 inside a word, -1 not. */
export function matchRank(text: string, query: string): number {
  if (query.length === 0) return 0;
  let at = text.indexOf(query);
  if (at < 0) return -1;
  if (at === 0) return 0;
  // Later occurrences may start a word even when the first does not ("anna" in "joanna anna").
  while (at >= 0) {
    if (SEPARATORS.has(text[at - 1]!)) return 1;
    at = text.indexOf(query, at + 1);
  }
  return 2;
}

export interface Matchable {
  /** Folded texts to match against (a name and an address): the best rank of any counts. */
  folded: readonly string[];
  /** Open chats come first within a rank. */
  open: boolean;
}

const RANKS = 3;

/**
 * The items matching `query` (raw text: folded here), best first: by rank, open before not, then in the
 * order given. Each item is looked at once; nothing is sorted.
 */
export function filterItems<T extends Matchable>(
  items: readonly T[],
  query: string,
  limit = MAX_RESULTS,
): T[] {
  const q = foldText(query.trim());
  // Buckets by rank, open ones first: [rank0 open, rank0 other, rank1 open, ...].
  const buckets: T[][] = Array.from({ length: RANKS * 2 }, () => []);
  for (const item of items) {
    let best = -1;
    for (const text of item.folded) {
      const rank = matchRank(text, q);
      if (rank >= 0 && (best < 0 || rank < best)) best = rank;
      if (best === 0) break;
    }
    if (best < 0) continue;
    const bucket = buckets[best * 2 + (item.open ? 0 : 1)]!;
    if (bucket.length < limit) bucket.push(item);
    // The best bucket is full: nothing later can rank above it.
    if (best === 0 && item.open && bucket.length >= limit) break;
  }
  const result: T[] = [];
  for (const bucket of buckets) {
    for (const item of bucket) {
      if (result.length >= limit) return result;
      result.push(item);
    }
  }
  return result;
}
