// The settings screen's decisions that need no page: which section a key moves to, what a proxy form
// describes, and an engine refusal in words for the screen.
import type { ProxySettings } from '../../../shared/account-commands.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { SETTINGS_SECTIONS, type SettingsSection } from './settings-view.ts';

/** The section an arrow, Home or End key moves to from `current`, or null for any other key. */
export function sectionAfterKey(current: SettingsSection, key: string): SettingsSection | null {
  const at = SETTINGS_SECTIONS.indexOf(current);
  const last = SETTINGS_SECTIONS.length - 1;
  const to =
    key === 'ArrowDown' || key === 'ArrowRight'
      ? (at + 1) % SETTINGS_SECTIONS.length
      : key === 'ArrowUp' || key === 'ArrowLeft'
        ? (at + last) % SETTINGS_SECTIONS.length
        : key === 'Home'
          ? 0
          : key === 'End'
            ? last
            : null;
  return to === null ? null : SETTINGS_SECTIONS[to]!;
}

/** The engine's refusal without the field path it starts with ("idle.awayMinutes: …"). */
export function refusalText(message: string): string {
  const colon = message.indexOf(': ');
  const head = colon > 0 ? message.slice(0, colon) : '';
  return /^[a-zA-Z]+\.[a-zA-Z]+$/.test(head) ? message.slice(colon + 2) : message;
}

export type ProxyKind = 'none' | ProxySettings['type'];

/** The proxy the form describes, or why it cannot be one. */
export function proxyOf(kind: ProxyKind, host: string, port: string): ProxySettings | null | string {
  if (kind === 'none') return null;
  const name = host.trim();
  if (name === '') return currentIntl().formatMessage({ id: 'settings.proxy.hostMissing' });
  const number = Number(port);
  if (!/^\d{1,5}$/.test(port.trim()) || number < 1 || number > 65535)
    return currentIntl().formatMessage({ id: 'settings.proxy.portInvalid' });
  return { type: kind, host: name, port: number };
}
