// Remote text bounded before it is kept (bookmark fields, directory names): trimmed, null when nothing is
// left, and past `max` characters either cut to it (a name) or dropped (a nick or password cut short would
// be wrong). What it returns is owned (ownText): the parser's slice would keep its whole socket read alive.
import { ownText } from './own-text.ts';

export function boundedText(
  text: string | null | undefined,
  max: number,
  overLong: 'cut' | 'drop',
): string | null {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '' || (trimmed.length > max && overLong === 'drop')) return null;
  return ownText(trimmed.slice(0, max));
}
