// Where xmpp: links come into the page: 'uri.opened' from the engine (another program, a second launch,
// `npm start -- xmpp:…`), and links clicked in message bodies, parsed here with the same strict parser.
import type { EventName, EventPayload } from '../../../shared/contract.ts';
import { parseXmppUri } from '../../../shared/xmpp-uri.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useUi } from '../../stores/ui.ts';
import { useLinks } from './links-store.ts';

type On = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => void;

/** One registration line in stores/sync.ts: the main window acts on the latest link the engine announced. */
export function registerLinkEvents(on: On): void {
  on('uri.opened', ({ uris }) => {
    const latest = uris.at(-1);
    if (latest && useUi.getState().view === 'main') useLinks.getState().show(latest);
  });
}

/**
 * An xmpp: link clicked in the page: its dialog, or a toast saying why it cannot be opened. A popped-out
 * chat has no dialogs of its own: it hands the link to the engine, and the main window shows it.
 */
export function openXmppLink(text: string): void {
  if (useUi.getState().view !== 'main') {
    void getBridge()
      .invoke('uri.open', { uri: text })
      .then((result) => {
        if (!result.ok)
          useUi.getState().addToast(`This xmpp: link cannot be opened. ${result.error.message}`);
      });
    return;
  }
  const parsed = parseXmppUri(text);
  if (parsed.ok) useLinks.getState().show(parsed.uri);
  else useUi.getState().addToast(`This xmpp: link cannot be opened. ${parsed.error}`);
}

/** True for the links this handler takes instead of the OS. */
export function isXmppLink(url: string): boolean {
  return url.slice(0, 5).toLowerCase() === 'xmpp:';
}
