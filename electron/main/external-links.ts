// External links leave the app only through the system browser/mail/XMPP handler, and only after the URL
// parses, holds no unsafe characters and its scheme is on the allow-list (http, https, mailto, xmpp); the
// OS gets the parser's normalised form, never the raw string. Schemes other than http/https start another
// program: the user is asked first.
import type { Dialog, Shell } from 'electron';
import { externalUrl, opensWithoutAsking } from '../../shared/links.ts';

export type OpenExternal = (url: string) => Promise<boolean>;

/** Asks the user whether to open `url` with another program (true: open it). */
export type ConfirmOpen = (url: string) => Promise<boolean>;

/** Returns whether the URL was handed to the OS; refused URLs never reach shell.openExternal. */
export function createOpenExternal(shell: Pick<Shell, 'openExternal'>, confirm: ConfirmOpen): OpenExternal {
  return async (raw) => {
    const url = externalUrl(raw);
    if (url === null) return false;
    if (!opensWithoutAsking(url) && !(await confirm(url).catch(() => false))) return false;
    try {
      await shell.openExternal(url, { activate: true });
      return true;
    } catch (error) {
      console.warn('could not open an external link', error instanceof Error ? error.message : error);
      return false;
    }
  };
}

/** The question as a native dialog: Cancel is the default and what Esc gives; the URL is shown whole. */
export function confirmWithDialog(dialog: Pick<Dialog, 'showMessageBox'>): ConfirmOpen {
  return async (url) => {
    const { response } = await dialog.showMessageBox({
      type: 'question',
      buttons: ['Open', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
      message: 'Open this link with another program?',
      detail: url,
    });
    return response === 0;
  };
}
