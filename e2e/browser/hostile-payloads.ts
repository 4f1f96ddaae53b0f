// Hostile text for the renderer's tests and benchmark (e2e/browser/hostile-text.test.ts,
// scripts/bench/hostile-render.ts): bodies that are expensive to lay out (unbreakable words, 100,000
// characters, stacked combining marks, bidi overrides, emoji sequences) and markup that would run script or
// reach the network if any of it were ever parsed as HTML. Deterministic (seeded), so every run lays out the
// same text.

/** mulberry32: small and deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One word of `length` letters with no break opportunity in it (no spaces, hyphens or punctuation). */
export function unbreakableWord(length: number, seed = 1): string {
  const random = prng(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let word = '';
  for (let i = 0; i < length; i++) word += letters[Math.floor(random() * letters.length)];
  return word;
}

/** Ordinary chat text of about `length` characters: words and spaces. */
export function prose(length: number, seed = 2): string {
  const random = prng(seed);
  const words = ['see', 'you', 'at', 'the', 'station', 'tomorrow', 'coffee', 'later', 'ok', 'thanks', 'nine'];
  let text = '';
  while (text.length < length) text += `${words[Math.floor(random() * words.length)]} `;
  return text.slice(0, length).trimEnd();
}

/** "Zalgo": `letters` base letters, each carrying `marks` combining diacritics (U+0300..U+036F) stacked. */
export function zalgo(letters: number, marks: number, seed = 3): string {
  const random = prng(seed);
  let text = '';
  for (let i = 0; i < letters; i++) {
    text += i % 12 === 11 ? ' ' : String.fromCharCode(0x61 + Math.floor(random() * 26));
    for (let m = 0; m < marks; m++) text += String.fromCharCode(0x300 + Math.floor(random() * 0x70));
  }
  return text;
}

/**
 * Bidi tricks: right-to-left overrides and isolates that are never closed, embeddings nested deep, and an
 * override that would make "exe.txt" read as "txt.exe" if it leaked past the body.
 */
export function bidiOverrides(repeat: number): string {
  const parts: string[] = [];
  for (let i = 0; i < repeat; i++) {
    parts.push(
      `\u202Eevil${i}\u202C `,
      `\u2067unclosed isolate ${i} `,
      `\u202B\u202A\u202D\u202E nested ${i} `,
      `report\u202Etxt.exe `,
      'שלום עולם مرحبا ',
    );
  }
  return parts.join('');
}

/** `count` emoji, mixing single code points, skin tones, ZWJ families and flags, with no spaces between. */
export function emojiRun(count: number, seed = 4): string {
  const random = prng(seed);
  const kinds = [
    '\u{1F600}',
    '\u{1F44D}\u{1F3FD}',
    '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}',
    '\u{1F1F3}\u{1F1F4}',
    '\u{1F3F3}\uFE0F\u200D\u{1F308}',
    '\u2764\uFE0F',
  ];
  let text = '';
  for (let i = 0; i < count; i++) text += kinds[Math.floor(random() * kinds.length)];
  return text;
}

/**
 * Markup that would do something if it were ever parsed as HTML, followed or navigated to. `hook` is the
 * URL of a loopback server the test watches (any request to it is a failure); each script payload would also
 * set window.__pwned.
 */
export function xssPayloads(hook: string): string[] {
  return [
    `<img src=x onerror="window.__pwned=true;fetch('${hook}/img')">`,
    `<script>window.__pwned=true;fetch('${hook}/script')</script>`,
    `"><svg onload="window.__pwned=true;fetch('${hook}/svg')">`,
    `javascript:window.__pwned=true;fetch('${hook}/js')`,
    `<a href="javascript:window.__pwned=true">click me</a>`,
    `<style>*{background:url(${hook}/css)}</style><div style="background:url(${hook}/inline)">css</div>`,
    `<iframe src="${hook}/iframe"></iframe><link rel=stylesheet href="${hook}/link.css">`,
    `data:text/html,<script>window.__pwned=true</script>`,
    `file:///etc/passwd`,
    `xmpp:evil@example.com?message;body=%3Cscript%3Ewindow.__pwned=true%3C/script%3E`,
    `\u202E<img src=x onerror=window.__pwned=true>`,
    `<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=true">`,
  ];
}

/** What a hostile body of each kind looks like, by name (the benchmark's scenarios use these). */
export const HOSTILE_KINDS = {
  'long-word': () => unbreakableWord(10_000),
  'body-100k': () => `${unbreakableWord(50_000, 5)} ${prose(49_999, 6)}`.padEnd(100_000, '.'),
  zalgo: () => zalgo(400, 24),
  bidi: () => bidiOverrides(40),
  emoji: () => emojiRun(1_000),
} as const;

export type HostileKind = keyof typeof HOSTILE_KINDS;
