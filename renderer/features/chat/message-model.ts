// What the message list renders, as pure functions: day separators, the "New messages" marker, sender
// runs, and link segments of a text body (links found by shared/links.ts; nothing is ever parsed as HTML).
import type { ChatMessage } from '../../../shared/contract.ts';
import { findLinks } from '../../../shared/links.ts';

export type MessageItem =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'marker'; key: string }
  | { kind: 'message'; key: string; message: ChatMessage; firstOfRun: boolean };

export function dayKey(timestamp: number): string {
  const d = new Date(timestamp);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

export function dayLabel(timestamp: number, now: number, locale?: string): string {
  const key = dayKey(timestamp);
  if (key === dayKey(now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (key === dayKey(yesterday.getTime())) return 'Yesterday';
  const sameYear = new Date(timestamp).getFullYear() === new Date(now).getFullYear();
  return new Date(timestamp).toLocaleDateString(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** Messages from the same side within this long of each other share one sender line. */
const RUN_GAP_MS = 5 * 60_000;

export function buildMessageItems(
  messages: readonly ChatMessage[],
  markerSeq: number | null,
  now: number,
  locale?: string,
): MessageItem[] {
  const items: MessageItem[] = [];
  let lastDay: string | null = null;
  let prev: ChatMessage | null = null;
  for (const message of messages) {
    const day = dayKey(message.timestamp);
    let breakRun = false;
    if (day !== lastDay) {
      items.push({ kind: 'day', key: `day:${day}`, label: dayLabel(message.timestamp, now, locale) });
      lastDay = day;
      breakRun = true;
    }
    if (message.seq === markerSeq) {
      items.push({ kind: 'marker', key: 'marker' });
      breakRun = true;
    }
    const firstOfRun =
      breakRun ||
      prev === null ||
      prev.direction !== message.direction ||
      // In a room, each sender (room/nick) has a run of their own.
      (message.kind === 'groupchat' && prev.peerFull !== message.peerFull) ||
      message.timestamp - prev.timestamp > RUN_GAP_MS;
    items.push({ kind: 'message', key: `m:${message.seq}`, message, firstOfRun });
    prev = message;
  }
  return items;
}

export type TextSegment = { text: string; url: null } | { text: string; url: string };

/** Splits a body into plain text and links (allowed schemes only). */
export function segmentText(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let at = 0;
  for (const link of findLinks(text)) {
    if (link.start > at) segments.push({ text: text.slice(at, link.start), url: null });
    segments.push({ text: text.slice(link.start, link.end), url: link.url });
    at = link.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), url: null });
  return segments;
}
