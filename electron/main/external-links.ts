// External links leave the app only through the system browser/mail/XMPP handler, and only after the URL
// parses and its scheme is on the allow-list (http, https, mailto, xmpp).
import type { Shell } from 'electron';
import { isAllowedExternalUrl } from '../../shared/links.ts';

export type OpenExternal = (url: string) => Promise<boolean>;

/** Returns whether the URL was handed to the OS; refused URLs never reach shell.openExternal. */
export function createOpenExternal(shell: Pick<Shell, 'openExternal'>): OpenExternal {
  return async (url) => {
    if (typeof url !== 'string' || !isAllowedExternalUrl(url)) return false;
    try {
      await shell.openExternal(url, { activate: true });
      return true;
    } catch (error) {
      console.warn('could not open an external link', error instanceof Error ? error.message : error);
      return false;
    }
  };
}
