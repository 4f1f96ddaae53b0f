// The words for a presence in the active language (stores/presence.ts keeps the English SHOW_LABELS for
// code that is not converted yet). One literal id per state, so the catalog check sees each of them.
import { useIntl } from 'react-intl';
import type { ShowOrOffline } from '../../stores/presence.ts';

const SHOW_MESSAGES = {
  available: { id: 'presence.show.available' },
  chat: { id: 'presence.show.chat' },
  away: { id: 'presence.show.away' },
  xa: { id: 'presence.show.xa' },
  dnd: { id: 'presence.show.dnd' },
  offline: { id: 'presence.show.offline' },
} satisfies Record<ShowOrOffline, { id: string }>;

export function useShowLabel(): (show: ShowOrOffline) => string {
  const { formatMessage } = useIntl();
  return (show) => formatMessage(SHOW_MESSAGES[show]);
}
