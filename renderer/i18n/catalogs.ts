// The catalogs: English is part of the initial bundle (the fallback for everyone); every other language is
// its own chunk, fetched only when chosen, so English users never download it.
import en from './messages/en.json' with { type: 'json' };
import type { MessageFormatElement } from 'react-intl';
import type { Language } from './languages.ts';

/**
 * Message text by id: ICU strings where the catalogs are read as JSON (tests in Node), ICU ASTs in the page's
 * build (precompile-messages.ts), so the page needs no parser. react-intl takes either.
 */
export type Catalog = Record<string, string> | Record<string, MessageFormatElement[]>;

export const englishCatalog: Catalog = en;

const loaded = new Map<Language, Catalog>([['en', englishCatalog]]);

export function cachedCatalog(language: Language): Catalog | undefined {
  return loaded.get(language);
}

export async function loadCatalog(language: Language): Promise<Catalog> {
  const cached = loaded.get(language);
  if (cached) return cached;
  const catalog: Catalog = (await import('./messages/de.json', { with: { type: 'json' } })).default;
  loaded.set(language, catalog);
  return catalog;
}
