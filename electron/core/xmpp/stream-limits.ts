// XEP-0478 stream limits: what the server says it accepts on this stream (the largest top-level element,
// and how long it lets the stream sit idle). Parley honours them: a stanza over the server's size is not
// written (the server would end the stream for it, and an outbox message would do so at every sign-in)
// but fails on its own; and when the server announces an idle timeout, a whitespace keepalive (RFC 6120
// §4.6.1) goes out before it runs out.
import type { Element } from '@xmpp/xml';
import { NS_STREAM_LIMITS } from './ns.ts';

export interface StreamLimits {
  /** Largest top-level element the server accepts, in bytes; null when it did not say. */
  maxBytes: number | null;
  /** Seconds of silence from us after which the server may end the stream; null when it did not say. */
  idleSeconds: number | null;
}

export const NO_LIMITS: StreamLimits = { maxBytes: null, idleSeconds: null };

/** Smallest values we take from a server: below them a value is nonsense (or hostile) and ignored. */
const MIN_MAX_BYTES = 1024;
const MIN_IDLE_SECONDS = 10;

function positiveInteger(text: string | undefined, min: number): number | null {
  if (text === undefined || !/^\s*\d{1,10}\s*$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= 2 ** 31 ? value : null;
}

/** The <limits/> of a stream's features, each value checked; absent or malformed values are null. */
export function parseStreamLimits(features: Element): StreamLimits {
  const limits = features.getChild('limits', NS_STREAM_LIMITS);
  if (!limits) return NO_LIMITS;
  return {
    maxBytes: positiveInteger(limits.getChildText('max-bytes') ?? undefined, MIN_MAX_BYTES),
    idleSeconds: positiveInteger(limits.getChildText('idle-seconds') ?? undefined, MIN_IDLE_SECONDS),
  };
}

/** The bytes a stanza takes on the wire (UTF-8 of its serialisation). */
export function stanzaBytes(stanza: Element): number {
  return Buffer.byteLength(stanza.toString(), 'utf8');
}

/** True when `stanza` is larger than the server accepts. */
export function overServerLimit(stanza: Element, limits: StreamLimits): boolean {
  return limits.maxBytes !== null && stanzaBytes(stanza) > limits.maxBytes;
}
