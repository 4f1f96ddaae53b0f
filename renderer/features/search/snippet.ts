// Search snippets as text parts: the engine marks matched words with two control characters (the contract's
// SNIPPET_OPEN / SNIPPET_CLOSE); they are split on here and each part is rendered as a text node, matches in
// <mark>. Nothing in a snippet is ever parsed as HTML. The engine's snippet is a window of words, but a word
// can be 100,000 letters long: what is shown is cut to SNIPPET_SHOWN_CHARS around the first match.

import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../../../shared/snippet-marks.ts';
import { tameMarks } from '../../text/display-text.ts';

export { SNIPPET_CLOSE, SNIPPET_OPEN };

/** At most this much of a snippet's text is shown (the hit list shows three lines of it). */
export const SNIPPET_SHOWN_CHARS = 300;
/** Text kept before the first match when the snippet is cut. */
const CONTEXT_BEFORE = 60;

export interface SnippetPart {
  text: string;
  match: boolean;
}

function nextMark(snippet: string, from: number): number {
  const open = snippet.indexOf(SNIPPET_OPEN, from);
  const close = snippet.indexOf(SNIPPET_CLOSE, from);
  if (open < 0) return close;
  return close < 0 ? open : Math.min(open, close);
}

/**
 * Splits a snippet into plain and matched parts, in order, none empty, neighbours of the same kind joined.
 * Unbalanced or nested marks are tolerated (a stray close is dropped; an open mark runs to the end). Linear:
 * slices between marks, never a character at a time.
 */
export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  const add = (text: string): void => {
    if (text === '') return;
    const prev = parts.at(-1);
    if (prev && prev.match === match) prev.text += text;
    else parts.push({ text, match });
  };
  let at = 0;
  for (let mark = nextMark(snippet, 0); mark >= 0; mark = nextMark(snippet, at)) {
    add(snippet.slice(at, mark));
    match = snippet[mark] === SNIPPET_OPEN;
    at = mark + 1;
  }
  add(snippet.slice(at));
  return parts;
}

/** The end of a cut at `end`, moved back one unit if it would split a surrogate pair. */
function safeEnd(text: string, end: number): number {
  const before = text.charCodeAt(end - 1);
  return before >= 0xd800 && before <= 0xdbff ? end - 1 : end;
}

/**
 * The parts as shown: marks tamed and at most `max` characters in all, starting a little before the first
 * match; a cut is marked with an ellipsis. Bounded work per part shown, whatever the snippet's length.
 */
export function shownSnippet(parts: readonly SnippetPart[], max = SNIPPET_SHOWN_CHARS): SnippetPart[] {
  const first = parts.findIndex((p) => p.match);
  const shown: SnippetPart[] = [];
  let room = max;
  for (let i = Math.max(0, first - 1); i < parts.length && room > 0; i++) {
    let text = parts[i]!.text;
    if (i === first - 1 && text.length > CONTEXT_BEFORE) {
      // The text before the first match: only its end.
      let start = text.length - CONTEXT_BEFORE;
      const low = text.charCodeAt(start);
      if (low >= 0xdc00 && low <= 0xdfff) start++;
      text = `…${tameMarks(text.slice(start)).text}`;
    } else {
      const tamed = tameMarks(text, room);
      text = tamed.complete ? tamed.text : `${tamed.text.slice(0, safeEnd(tamed.text, room - 1))}…`;
    }
    shown.push({ text, match: parts[i]!.match });
    room -= text.length;
  }
  if (first > 1 && shown[0] && !shown[0].text.startsWith('…')) shown[0].text = `…${shown[0].text}`;
  return shown;
}
