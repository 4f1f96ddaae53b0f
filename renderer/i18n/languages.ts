// Which catalog the page shows: the preference, or for 'system' the first of the browser's languages
// (navigator.languages, the OS's order) that we have a catalog for, else English.
import type { z } from 'zod';
import type { languageSchema } from '../../shared/preferences.ts';

export type LanguagePreference = z.infer<typeof languageSchema>;
export type Language = 'en' | 'de';

export const LANGUAGES: readonly Language[] = ['en', 'de'];
export const DEFAULT_LANGUAGE: Language = 'en';

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** 'de-AT' -> 'de': only the primary subtag picks a catalog. */
function primarySubtag(tag: string): string {
  const dash = tag.indexOf('-');
  return (dash === -1 ? tag : tag.slice(0, dash)).toLowerCase();
}

export function resolveLanguage(
  preference: LanguagePreference,
  browserLanguages: readonly string[],
): Language {
  if (preference !== 'system') return preference;
  for (const tag of browserLanguages) {
    const primary = primarySubtag(tag);
    if (isLanguage(primary)) return primary;
  }
  return DEFAULT_LANGUAGE;
}
