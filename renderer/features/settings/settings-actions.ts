// Changes from the settings screen: each goes through the engine, which saves it and tells every window
// ('prefs.changed'); a refusal comes back as the engine's words, for the screen to show beside the control.
import type { PreferencesPatch } from '../../../shared/preferences.ts';
import type { ProxySettings } from '../../../shared/account-commands.ts';
import { getBridge } from '../../transport/bridge.ts';
import { applySaved } from '../../stores/sync.ts';
import { usePreferences } from './preferences-store.ts';

/** Saves a change; null when saved, else why it was refused (nothing changed then). */
export async function setPreferences(patch: PreferencesPatch): Promise<string | null> {
  const asked = usePreferences.getState().events;
  const result = await getBridge().invoke('prefs.set', { patch });
  if (!result.ok) return result.error.message;
  usePreferences.getState().applyAnswer(result.value, asked);
  return null;
}

export async function setProxy(account: string, proxy: ProxySettings | null): Promise<string | null> {
  const result = await getBridge().invoke('account.setProxy', { account, proxy });
  return result.ok ? null : result.error.message;
}

/** Forgets the certificate trusted by hand for the account; the saved accounts are read again to show it. */
export async function forgetCertificates(account: string): Promise<string | null> {
  const bridge = getBridge();
  const result = await bridge.invoke('account.forgetCertificates', { account });
  if (!result.ok) return result.error.message;
  // The engine announces no 'accounts.changed' for this one: ask.
  const saved = await bridge.invoke('account.saved', {});
  if (saved.ok) applySaved(saved.value.accounts, saved.value.lastUsed);
  return null;
}
