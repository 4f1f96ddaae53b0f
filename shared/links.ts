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
