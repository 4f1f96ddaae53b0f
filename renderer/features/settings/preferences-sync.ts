// Feeds the preferences store from the contract ('prefs.get' at start and after a browser-mode socket came
// back, then every 'prefs.changed') and keeps the page's look in step with it.
import type { EventName, EventPayload } from '../../../shared/contract.ts';
import { getBridge, onBridgeReopen } from '../../transport/bridge.ts';
import { usePreferences } from './preferences-store.ts';
import { applyPageLook } from './page-look.ts';

type On = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => void;

export function registerPreferenceEvents(on: On): void {
  on('prefs.changed', (state) => usePreferences.getState().applyEvent(state));
  const load = async (): Promise<void> => {
    const asked = usePreferences.getState().events;
    const result = await getBridge().invoke('prefs.get', {});
    if (result.ok) usePreferences.getState().applyAnswer(result.value, asked);
  };
  void load();
  onBridgeReopen(() => void load());
  let shown = usePreferences.getState().preferences.appearance;
  applyPageLook(document.documentElement, shown);
  usePreferences.subscribe(({ preferences }) => {
    if (preferences.appearance === shown) return;
    shown = preferences.appearance;
    applyPageLook(document.documentElement, shown);
  });
}
