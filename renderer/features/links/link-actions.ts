// Where xmpp: links come into the page: 'uri.opened' from the engine (another program, a second launch,
// `npm start -- xmpp:…`), and links clicked in message bodies, parsed here with the same strict parser.
import type { EventName, EventPayload } from '../../../shared/contract.ts';
import { parseXmppUri, type XmppUri } from '../../../shared/xmpp-uri.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useUi } from '../../stores/ui.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { useLinks } from './links-store.ts';

type On = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => void;

/** How long dropped links are counted before one toast says how many. */
const DROPPED_TOAST_AFTER_MS = 300;
let droppedToast: ReturnType<typeof setTimeout> | null = null;

/** Opens the link's dialog, or queues it; a dropped one is counted into one toast (not one toast each). */
function showLink(uri: XmppUri): void {
  if (useLinks.getState().show(uri) || droppedToast !== null) return;
  droppedToast = setTimeout(() => {
    droppedToast = null;
    const dropped = useLinks.getState().takeDropped();
    if (dropped === 0) return;
    useUi.getState().addToast(currentIntl().formatMessage({ id: 'links.dropped' }, { count: dropped }));
  }, DROPPED_TOAST_AFTER_MS);
}

/** One registration line in stores/sync.ts: the main window acts on the links the engine announced. */
export function registerLinkEvents(on: On): void {
  on('uri.opened', ({ uris }) => {
    if (useUi.getState().view === 'main') uris.forEach(showLink);
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
          useUi
            .getState()
            .addToast(
              currentIntl().formatMessage({ id: 'links.cannotOpen' }, { reason: result.error.message }),
            );
      });
    return;
  }
  const parsed = parseXmppUri(text);
  if (parsed.ok) showLink(parsed.uri);
  else
    useUi
      .getState()
      .addToast(currentIntl().formatMessage({ id: 'links.cannotOpen' }, { reason: parsed.error }));
}

/** True for the links this handler takes instead of the OS. */
export function isXmppLink(url: string): boolean {
  return url.slice(0, 5).toLowerCase() === 'xmpp:';
}
