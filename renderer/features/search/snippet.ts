// Search snippets as text parts: the engine marks matched words with two control characters (the contract's
// SNIPPET_OPEN / SNIPPET_CLOSE); they are split on here and each part is rendered as a text node, matches in
// <mark>. Nothing in a snippet is ever parsed as HTML.

import { SNIPPET_CLOSE, SNIPPET_OPEN } from '../../../shared/snippet-marks.ts';

export { SNIPPET_CLOSE, SNIPPET_OPEN };

export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * Splits a snippet into plain and matched parts, in order, none empty, neighbours of the same kind joined.
 * Unbalanced or nested marks are tolerated (a stray close is dropped; an open mark runs to the end).
 */
export function splitSnippet(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  let text = '';
  const flush = (): void => {
    if (text === '') return;
    const prev = parts.at(-1);
    if (prev && prev.match === match) prev.text += text;
    else parts.push({ text, match });
    text = '';
  };
  for (const ch of snippet) {
    if (ch === SNIPPET_OPEN || ch === SNIPPET_CLOSE) {
      flush();
      match = ch === SNIPPET_OPEN;
    } else {
      text += ch;
    }
  }
  flush();
  return parts;
}
