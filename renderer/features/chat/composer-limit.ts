// How the composer speaks about the message length limit. Lengths are UTF-16 code units, as the contract's
// check (zod's max) and the old textarea maxLength count them: what the page says is what the engine checks.
import { MAX_BODY_CHARS } from '../../../shared/limits.ts';

/** From here on the composer shows how many characters are left. */
export const COUNTER_FROM_CHARS = 90_000;

const number = (n: number): string => n.toLocaleString('en-US');

export interface LengthState {
  /** What the counter says; null below COUNTER_FROM_CHARS. */
  text: string | null;
  over: boolean;
}

export function lengthState(length: number, limit = MAX_BODY_CHARS): LengthState {
  if (length > limit) {
    const excess = length - limit;
    return {
      text: `${number(excess)} ${excess === 1 ? 'character' : 'characters'} too long (limit ${number(limit)})`,
      over: true,
    };
  }
  if (length < COUNTER_FROM_CHARS) return { text: null, over: false };
  const left = limit - length;
  return { text: `${number(left)} ${left === 1 ? 'character' : 'characters'} left`, over: false };
}
