// Links in message bodies: found in plain text, opened only through the shell after parsing, and only for
// the schemes a chat client has any business opening.
const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'xmpp:']);

export function isAllowedExternalUrl(url: string): boolean {
  if (url.length > 8192) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!ALLOWED_SCHEMES.has(parsed.protocol)) return false;
  // Web links need a host; credentials in a link are a classic phishing disguise.
  if (
    (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
    (!parsed.hostname || parsed.username || parsed.password)
  ) {
    return false;
  }
  return true;
}

// Whitespace, quotes, angle brackets, backslashes and control characters have no place in a link we hand to
// the OS: a URL parser would quietly drop or encode some of them, and a shell handler may read them as
// argument boundaries.
const UNSAFE_PUNCTUATION = new Set(['"', "'", '`', '<', '>', '\\']);

function hasUnsafeChar(url: string): boolean {
  for (const char of url) {
    const code = char.codePointAt(0)!;
    if (code <= 0x20 || (code >= 0x7f && code <= 0x9f) || UNSAFE_PUNCTUATION.has(char) || /\s/u.test(char))
      return true;
  }
  return false;
}

/**
 * The URL to hand to the OS for `raw`, in the parser's normalised form, or null when it may not leave the app
 * (unsafe characters, unparseable, or a scheme not on the allow-list).
 */
export function externalUrl(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length > 8192 || hasUnsafeChar(raw) || !isAllowedExternalUrl(raw))
    return null;
  return new URL(raw).href;
}

/** Web links open at once; other allowed schemes (mailto, xmpp) start another program: ask first. */
export function opensWithoutAsking(url: string): boolean {
  return url.startsWith('https://') || url.startsWith('http://');
}

// A candidate: scheme-prefixed or www.-prefixed run of non-space characters. Linear: each alternative is a
// fixed prefix and one greedy class with nothing after it to backtrack into.
const CANDIDATE = /\b(?:(?:https?:\/\/|www\.)[^\s<>"]+|(?:mailto|xmpp):[^\s<>"]+)/gi;
// Punctuation that usually ends a sentence rather than a URL. Trimmed by a scan from the end, not a regex:
// /[.,;:!?'")\]}>]+$/ backtracks from every one of them when something else follows, which made 100,000
// dots and a letter cost seconds on every render (quadratic).
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', ')', ']', '}', '>']);
/** More links than this in one body are left as text: a chat message has no business holding more. */
export const MAX_LINKS = 1000;

function count(text: string, char: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (text[i] === char) n++;
  return n;
}

/** The candidate without the sentence punctuation after it (a ')' that balances one inside it stays). */
function trimTrailing(raw: string): string {
  let end = raw.length;
  while (end > 0 && TRAILING.has(raw[end - 1]!)) end--;
  // Keep a closing parenthesis that balances one inside the URL (Wikipedia-style links).
  if (end < raw.length && raw[end] === ')' && count(raw, '(', raw.length) > count(raw, ')', end)) end++;
  return raw.slice(0, end);
}

/** Links in `text`, in order, as [start, end) offsets into it and the URL to open. Linear in the text. */
export function findLinks(text: string): Array<{ start: number; end: number; url: string }> {
  const links: Array<{ start: number; end: number; url: string }> = [];
  for (const match of text.matchAll(CANDIDATE)) {
    if (links.length >= MAX_LINKS) break;
    const raw = trimTrailing(match[0]);
    if (!raw) continue;
    const url = /^www\./i.test(raw) ? `https://${raw}` : raw;
    if (!isAllowedExternalUrl(url)) continue;
    const start = match.index ?? 0;
    links.push({ start, end: start + raw.length, url });
  }
  return links;
}
