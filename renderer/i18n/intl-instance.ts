// The active formatter for code outside React components (store actions, error texts built in plain
// functions). The provider replaces it whenever the language changes; until then it speaks English.
import { createIntl, createIntlCache, type IntlShape } from 'react-intl';
import { englishCatalog, type Catalog } from './catalogs.ts';

const cache = createIntlCache();

export function makeIntl(locale: string, messages: Catalog): IntlShape {
  return createIntl({ locale, messages, defaultLocale: 'en', onError: reportIntlError }, cache);
}

let current = makeIntl('en', englishCatalog);

export function currentIntl(): IntlShape {
  return current;
}

export function setCurrentIntl(intl: IntlShape): void {
  current = intl;
}

/** A missing id shows the id itself; say so in the console (the catalog test fails on it too). */
function reportIntlError(error: Error): void {
  console.warn(`i18n: ${error.message}`);
}
