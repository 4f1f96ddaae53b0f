// How a message body is shown, as pure functions with bounded work per message: a long body is collapsed to a
// preview ("Show more" shows all of it), an expanded one is cut into chunks the page lays out only when they
// are near the screen, and the list gets a height estimate for every row before it is measured. Without
// these, a 10,000-letter word or 200 bodies of stacked combining marks cost the message list long tasks of
// hundreds of milliseconds (npm run bench -- hostile-render).
import type { ChatMessage } from '../../../shared/contract.ts';
import { isMarkAt, tameMarks } from '../../text/display-text.ts';
import { segmentText } from './message-model.ts';
import type { TextSegment } from './message-model.ts';

/** Bodies longer than this (UTF-16 units) or with more lines than COLLAPSE_LINES are collapsed. */
export const COLLAPSE_CHARS = 1_000;
export const COLLAPSE_LINES = 14;
/** What a collapsed body shows. */
export const PREVIEW_CHARS = 700;
export const PREVIEW_LINES = 10;
/**
 * An expanded body is shown in chunks of about this many units, each laid out only near the screen. Each
 * chunk is a block, so its last line may end short: large enough that this is rare, small enough that the
 * two or three chunks on screen lay out within a frame or two.
 */
export const CHUNK_CHARS = 5_000;

export interface BodyPreview {
  /** The text shown while collapsed (the whole body when it is not collapsed). */
  text: string;
  /** `text` with its links; a link the cut went through is left as text (its target would be wrong). */
  segments: TextSegment[];
  /** Whether the body is longer than `text`. */
  collapsed: boolean;
}

/** Index just past the `n`-th line feed in text[0..limit), or -1 when there are fewer. */
function afterLine(text: string, n: number, limit: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0 || at >= limit) return -1;
  }
  return at + 1;
}

/**
 * Where to end a cut at or before `end`: just after a space or line feed in the last tenth, else `end`
 * itself, moved back off a surrogate pair, a joiner or a combining mark so no character is split.
 */
function cutPoint(text: string, end: number): number {
  if (end >= text.length) return text.length;
  const floor = Math.floor(end * 0.9);
  for (let i = end - 1; i >= floor; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a) return i + 1;
  }
  let cut = end;
  for (let guard = 0; guard < 16 && cut > 1; guard++) {
    const c = text.charCodeAt(cut);
    const lowSurrogate = c >= 0xdc00 && c <= 0xdfff;
    const joinerOrSelector = c === 0x200d || (c >= 0xfe00 && c <= 0xfe0f);
    const mark = isMarkAt(text, cut);
    if (!lowSurrogate && !joinerOrSelector && !mark) break;
    cut--;
  }
  return cut;
}

/** The preview of a body: bounded work whatever its length (only the first few thousand units are read). */
export function bodyPreview(body: string): BodyPreview {
  const head = tameMarks(body, COLLAPSE_CHARS + 1);
  const long = head.text.length > COLLAPSE_CHARS || !head.complete;
  const tall = afterLine(head.text, COLLAPSE_LINES, head.text.length) >= 0;
  if (!long && !tall) return { text: head.text, segments: segmentText(head.text), collapsed: false };
  const lines = afterLine(head.text, PREVIEW_LINES, PREVIEW_CHARS);
  const end = lines >= 0 ? lines - 1 : cutPoint(head.text, PREVIEW_CHARS);
  const text = head.text.slice(0, end).trimEnd();
  const segments: TextSegment[] = [];
  let at = 0;
  for (const segment of segmentText(head.text)) {
    if (at >= text.length) break;
    const piece = segment.text.slice(0, text.length - at);
    const whole = piece.length === segment.text.length;
    segments.push(whole ? segment : { text: piece, url: null });
    at += piece.length;
  }
  return { text, segments, collapsed: true };
}

export interface BodyChunk {
  segments: TextSegment[];
  /** UTF-16 units of text in the chunk. */
  length: number;
  /** Line feeds in the chunk. */
  lines: number;
}

function countLines(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/**
 * The whole body (marks tamed) with its links, in chunks of about CHUNK_CHARS: a chunk ends after a line feed
 * where one is near, else after a space, and never inside a link. Linear in the body.
 */
export function bodyChunks(body: string): BodyChunk[] {
  const chunks: BodyChunk[] = [];
  let current: BodyChunk = { segments: [], length: 0, lines: 0 };
  const push = (segment: TextSegment): void => {
    current.segments.push(segment);
    current.length += segment.text.length;
    current.lines += countLines(segment.text);
  };
  const close = (): void => {
    if (current.length > 0) chunks.push(current);
    current = { segments: [], length: 0, lines: 0 };
  };
  for (const segment of segmentText(tameMarks(body).text)) {
    if (segment.url !== null) {
      push(segment);
      if (current.length >= CHUNK_CHARS) close();
      continue;
    }
    let text = segment.text;
    while (current.length + text.length > CHUNK_CHARS) {
      const room = CHUNK_CHARS - current.length;
      const newline = text.lastIndexOf('\n', room - 1);
      const end = newline >= room / 2 ? newline + 1 : cutPoint(text, room);
      if (end <= 0) break;
      push({ text: text.slice(0, end), url: null });
      close();
      text = text.slice(end);
    }
    if (text) push({ text, url: null });
  }
  close();
  return chunks;
}

/** Layout figures the estimates use (the stylesheet's 14 px font, line-height 1.4, bubble padding). */
const LINE_PX = 19.6;
const AVERAGE_CHAR_PX = 7.2;
const BUBBLE_CHROME_PX = 12 + 4; // the bubble's vertical padding and the row's
const SENDER_PX = 8 + 19 + 2;

/** Lines a text of `length` units with `breaks` line feeds takes at `charsPerLine` (a rough estimate). */
export function estimateLines(length: number, breaks: number, charsPerLine: number): number {
  return Math.max(1, breaks + 1, Math.ceil(length / Math.max(8, charsPerLine)));
}

/** Characters per line of a bubble in a list `listWidth` px wide (the bubble is at most 80% or 720 px). */
export function charsPerLine(listWidth: number): number {
  const bubble = Math.min(listWidth * 0.8, 720) - 20 - 56; // padding, and the time beside it
  return Math.max(8, Math.floor(bubble / AVERAGE_CHAR_PX));
}

/**
 * A message row's height before it is measured, so the virtualizer renders only what it thinks is in view.
 * Read from the body's length and its first lines only (no pass over the text): every row of a page gets an
 * estimate before any is rendered.
 */
export function estimateRowPx(
  message: ChatMessage,
  expanded: boolean,
  firstOfRun: boolean,
  perLine: number,
): number {
  let lines = 0;
  const body = message.body ?? '';
  if (expanded) {
    for (const chunk of chunksOf(message)) lines += estimateLines(chunk.length, chunk.lines, perLine);
    lines += 1.5; // the button
  } else {
    let breaks = 0;
    let at = body.indexOf('\n');
    while (at >= 0 && at < COLLAPSE_CHARS && breaks <= COLLAPSE_LINES) {
      breaks++;
      at = body.indexOf('\n', at + 1);
    }
    lines =
      body.length > COLLAPSE_CHARS || breaks > COLLAPSE_LINES
        ? estimateLines(PREVIEW_CHARS, Math.min(breaks, PREVIEW_LINES - 1), perLine) + 1.5
        : estimateLines(body.length, breaks, perLine);
  }
  if (message.subject) lines += 1;
  return Math.round(lines * LINE_PX + BUBBLE_CHROME_PX + (firstOfRun ? SENDER_PX : 0));
}

/** Chunk heights for `contain-intrinsic-size` (what an off-screen chunk takes until it is laid out). */
export function estimateChunkPx(chunk: BodyChunk, perLine: number): number {
  return Math.round(estimateLines(chunk.length, chunk.lines, perLine) * LINE_PX);
}

// Views are derived once per message object (the store keeps them immutable); a weak map lets them go with it.
const previews = new WeakMap<ChatMessage, BodyPreview>();
const chunked = new WeakMap<ChatMessage, BodyChunk[]>();

export function previewOf(message: ChatMessage): BodyPreview {
  let view = previews.get(message);
  if (!view) previews.set(message, (view = bodyPreview(message.body ?? '')));
  return view;
}

export function chunksOf(message: ChatMessage): BodyChunk[] {
  let view = chunked.get(message);
  if (!view) chunked.set(message, (view = bodyChunks(message.body ?? '')));
  return view;
}
