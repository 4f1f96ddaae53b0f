// The way into settings from the main window: the header's Settings button, and the screen itself, loaded
// as its own chunk the first time it is opened (it is rarely used; startup code stays small).
import { Suspense, lazy } from 'react';
import { useIntl } from 'react-intl';
import { useSettingsView } from './settings-view.ts';

const SettingsScreen = lazy(() => import('./SettingsScreen.tsx'));

export function SettingsButton() {
  const { formatMessage: t } = useIntl();
  return (
    <button type="button" onClick={() => useSettingsView.getState().show()}>
      {t({ id: 'settings.title' })}
    </button>
  );
}

export function SettingsHost() {
  const open = useSettingsView((s) => s.open);
  if (!open) return null;
  return (
    <Suspense fallback={null}>
      <SettingsScreen />
    </Suspense>
  );
}
