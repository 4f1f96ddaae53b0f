// Emoticons and a few :shortcodes: become emoji as one types (Settings › Chat › emoji shortcuts): a token
// standing alone (start of text or after whitespace) becomes its emoji once a space or a line break follows
// it, or when the message is sent. Only the few characters before the caret are looked at, never the text.
const TABLE: ReadonlyMap<string, string> = new Map([
  [':-)', '🙂'],
  [':)', '🙂'],
  [':-(', '🙁'],
  [':(', '🙁'],
  [';-)', '😉'],
  [';)', '😉'],
  [':-D', '😃'],
  [':D', '😃'],
  [':-P', '😛'],
  [':P', '😛'],
  [':-p', '😛'],
  [':p', '😛'],
  [':-O', '😮'],
  [':O', '😮'],
  [":'(", '😢'],
  ['<3', '❤️'],
  [':+1:', '👍'],
  [':thumbsup:', '👍'],
  [':smile:', '😄'],
  [':joy:', '😂'],
  [':heart:', '❤️'],
  [':tada:', '🎉'],
  [':wave:', '👋'],
  [':fire:', '🔥'],
]);
const LONGEST = Math.max(...[...TABLE.keys()].map((k) => k.length));

const isSpace = (ch: string | undefined): boolean =>
  ch === ' ' || ch === '\n' || ch === '\t' || ch === '\u00a0';

/** The emoji for the token that ends at `end` in `text`, with where it starts; null when there is none. */
function tokenBefore(text: string, end: number): { start: number; emoji: string } | null {
  let start = end;
  while (start > 0 && end - start <= LONGEST && !isSpace(text[start - 1])) start--;
  if (start > 0 && !isSpace(text[start - 1])) return null; // longer than any emoticon: a word, a link
  const emoji = TABLE.get(text.slice(start, end));
  return emoji === undefined ? null : { start, emoji };
}

/**
 * After an edit that left the caret at `caret`: when the character just typed is a space or line break and
 * an emoticon stands alone before it, the text with it replaced and the caret moved; else null.
 */
export function convertBeforeCaret(text: string, caret: number): { text: string; caret: number } | null {
  if (caret < 2 || !isSpace(text[caret - 1])) return null;
  const found = tokenBefore(text, caret - 1);
  if (!found) return null;
  const next = text.slice(0, found.start) + found.emoji + text.slice(caret - 1);
  return { text: next, caret: caret + found.emoji.length - (caret - 1 - found.start) };
}

/** The text with an emoticon that ends it replaced (a message sent straight after one). */
export function convertAtEnd(text: string): string {
  const found = tokenBefore(text, text.length);
  return found ? text.slice(0, found.start) + found.emoji : text;
}
