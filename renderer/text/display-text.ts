// Remote text as the UI shows it (bodies, names, nicks, status texts): bounded, linear passes that make
// hostile text cheap to lay out and unable to disguise what is around it. The text itself is never parsed:
// React renders the result as text nodes.

/**
 * Combining marks kept on one base character. Real text stays well under it (Vietnamese needs 2, pointed and
 * cantillated Hebrew 4); "zalgo" stacks dozens, and each one costs layout and paints over neighbouring lines.
 */
export const MAX_MARKS_PER_BASE = 4;

export interface Tamed {
  text: string;
  /** Whether `text` covers the whole input (false when `maxChars` stopped the pass early). */
  complete: boolean;
}

const ONE_MARK = /^\p{M}$/u;
const ANY_MARK = /\p{M}/gu;
/** 1 for each combining mark of the Basic Multilingual Plane, filled in 256 code points at a time. */
const bmpMarks = new Uint8Array(0x10000);
const blocksFilled = new Uint8Array(0x100);

/**
 * Whether a BMP code point is a combining mark: a table lookup per character instead of a Unicode property
 * test per character (which made a 10,000-character body of marks cost 0.4 ms). A block of the table is
 * filled by one regex pass over its 256 code points the first time text from it is seen.
 */
function isBmpMark(code: number): boolean {
  const block = code >> 8;
  if (blocksFilled[block] === 0) {
    blocksFilled[block] = 1;
    const chars: number[] = [];
    for (let c = block << 8; c < (block + 1) << 8; c++) chars.push(c);
    for (const mark of String.fromCharCode(...chars).matchAll(ANY_MARK)) bmpMarks[mark[0].charCodeAt(0)] = 1;
  }
  return bmpMarks[code] === 1;
}

/** Whether a combining mark starts at text[i]. */
export function isMarkAt(text: string, i: number): boolean {
  const code = text.codePointAt(i);
  if (code === undefined || code < 0x300) return false;
  return code > 0xffff ? isAstralMark(code) : isBmpMark(code);
}

/** Marks outside the BMP; none lie between the emoji blocks (U+1F000) and the variation selectors (U+E0100). */
function isAstralMark(code: number): boolean {
  return (code < 0x1f000 || code >= 0xe0000) && ONE_MARK.test(String.fromCodePoint(code));
}

/**
 * The text with combining marks past MAX_MARKS_PER_BASE in a row dropped, at most `maxChars` UTF-16 units of
 * it (never cut inside a surrogate pair). One pass that stops once the result is full: only about `maxChars`
 * of the input is read (plus the marks dropped). Text with nothing to drop within the limit comes back as the
 * same string.
 */
export function tameMarks(text: string, maxChars = Infinity): Tamed {
  const parts: string[] = [];
  let kept = 0;
  let runStart = 0; // start of the input slice being kept
  let marks = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    let width = 1;
    let mark = false;
    if (c >= 0x300) {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const code = text.codePointAt(i)!;
        if (code > 0xffff) {
          width = 2;
          mark = isAstralMark(code);
        }
      } else {
        mark = isBmpMark(c);
      }
    }
    if (!mark) marks = 0;
    else if (++marks > MAX_MARKS_PER_BASE) {
      if (i > runStart) parts.push(text.slice(runStart, i));
      i += width;
      runStart = i;
      continue;
    }
    if (kept + width > maxChars) break;
    kept += width;
    i += width;
  }
  const complete = i >= text.length;
  if (runStart === 0 && parts.length === 0) return { text: complete ? text : text.slice(0, i), complete };
  if (i > runStart) parts.push(text.slice(runStart, i));
  return { text: parts.join(''), complete };
}

/** Short remote text (a name, a nick, a status): marks tamed. Bounded by the engine's limits (1,024 chars). */
export function displayText(text: string): string {
  return tameMarks(text).text;
}

// Bidi controls: marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A-E, U+2066-9).
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** The text without bidi controls: for link text, which must read in the order the URL really has. */
export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
