// The way into settings from the main window: the header's Settings button, and the screen itself, loaded
// as its own chunk the first time it is opened (it is rarely used; startup code stays small).
import { Suspense, lazy } from 'react';
import { useSettingsView } from './settings-view.ts';

const SettingsScreen = lazy(() => import('./SettingsScreen.tsx'));

export function SettingsButton() {
  return (
    <button type="button" onClick={() => useSettingsView.getState().show()}>
      Settings
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
