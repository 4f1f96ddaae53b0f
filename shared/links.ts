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

// A candidate: scheme-prefixed or www.-prefixed run of non-space characters.
const CANDIDATE = /\b(?:(?:https?:\/\/|www\.)[^\s<>"]+|(?:mailto|xmpp):[^\s<>"]+)/gi;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,;:!?'")\]}>]+$/;

/** Links in `text`, in order, as [start, end) offsets into it and the URL to open. */
export function findLinks(text: string): Array<{ start: number; end: number; url: string }> {
  const links: Array<{ start: number; end: number; url: string }> = [];
  for (const match of text.matchAll(CANDIDATE)) {
    let raw = match[0];
    const trailing = TRAILING.exec(raw);
    if (trailing) {
      // Keep a closing parenthesis that balances one inside the URL (Wikipedia-style links).
      let cut = trailing[0];
      if (
        cut.startsWith(')') &&
        (raw.match(/\(/g)?.length ?? 0) > (raw.slice(0, -cut.length).match(/\)/g)?.length ?? 0)
      ) {
        cut = cut.slice(1);
      }
      raw = raw.slice(0, raw.length - cut.length);
    }
    if (!raw) continue;
    const url = /^www\./i.test(raw) ? `https://${raw}` : raw;
    if (!isAllowedExternalUrl(url)) continue;
    const start = match.index ?? 0;
    links.push({ start, end: start + raw.length, url });
  }
  return links;
}
