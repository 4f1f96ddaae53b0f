// Gives the page its language: the Appearance preference resolved against the browser's languages, its
// catalog (German fetched on first use; the old language stays until it is in, so nothing flashes ids),
// <html lang>, and the formatter for code outside components. A change in Settings re-renders at once.
import { useEffect, useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { RawIntlProvider } from 'react-intl';
import { usePreferences } from '../features/settings/preferences-store.ts';
import { resolveLanguage, type Language } from './languages.ts';
import { cachedCatalog, englishCatalog, loadCatalog, type Catalog } from './catalogs.ts';
import { makeIntl, setCurrentIntl } from './intl-instance.ts';

interface Active {
  language: Language;
  messages: Catalog;
}

export function LanguageProvider({ children }: { children: ReactNode }) {
  const preference = usePreferences((s) => s.preferences.appearance.language);
  const wanted = resolveLanguage(preference, navigator.languages ?? [navigator.language]);
  const [active, setActive] = useState<Active>(() => ({
    language: cachedCatalog(wanted) ? wanted : 'en',
    messages: cachedCatalog(wanted) ?? englishCatalog,
  }));

  useEffect(() => {
    let current = true;
    void loadCatalog(wanted).then((messages) => {
      if (current) setActive({ language: wanted, messages });
    });
    return () => {
      current = false;
    };
  }, [wanted]);

  const intl = useMemo(() => makeIntl(active.language, active.messages), [active]);
  useLayoutEffect(() => {
    setCurrentIntl(intl);
    document.documentElement.lang = active.language;
  }, [intl, active.language]);

  return <RawIntlProvider value={intl}>{children}</RawIntlProvider>;
}
