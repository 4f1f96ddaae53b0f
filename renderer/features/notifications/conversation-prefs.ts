// Each conversation's own notification settings (mute, a room's level) by conversationId, read from the
// page's preferences store (settings/preferences-store.ts: 'prefs.get', then every 'prefs.changed'); the
// mute and room-level menu items. Changes go through the main process and come back to that store.
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { conversationId, parseConversationId } from '../../../shared/conversation.ts';
import type { ConversationPrefs, RoomNotify } from '../../../shared/preferences.ts';
import { MUTED_FOREVER } from '../../../shared/limits.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useUi } from '../../stores/ui.ts';
import { usePreferences } from '../settings/preferences-store.ts';
import { isMuted } from './notify-policy.ts';

/** setTimeout's longest delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

let indexedFrom: readonly ConversationPrefs[] | null = null;
let index: ReadonlyMap<string, ConversationPrefs> = new Map();

/** The conversations' own settings by conversationId (built again only when the list changed). */
export function conversationPrefs(
  list: readonly ConversationPrefs[] = usePreferences.getState().conversations,
): ReadonlyMap<string, ConversationPrefs> {
  if (list !== indexedFrom) {
    indexedFrom = list;
    index = new Map(list.map((c) => [conversationId(c), c]));
  }
  return index;
}

/** A selector over the preferences store: one conversation's own settings. */
const own = (id: string) => (s: { conversations: ConversationPrefs[] }) =>
  conversationPrefs(s.conversations).get(id);

/** A conversation's mute choices and room levels, each with its words' message id, for the menu. */
export const MUTE_CHOICES = [
  { id: 'notifications.mute.hour', ms: 60 * 60_000 },
  { id: 'notifications.mute.eightHours', ms: 8 * 60 * 60_000 },
  { id: 'notifications.mute.forever', ms: null },
] as const;

export const ROOM_LEVELS: ReadonlyArray<{ level: RoomNotify; id: string }> = [
  { level: 'all', id: 'notifications.level.all' },
  { level: 'mentions', id: 'notifications.level.mentions' },
  { level: 'none', id: 'notifications.level.none' },
];

/** mutedUntil for a choice: now + its length, or forever. */
export function mutedUntilFor(ms: number | null, now: number): number {
  return ms === null ? MUTED_FOREVER : now + ms;
}

/** Whether the conversation is muted now; shown again as not muted once its mute ran out. */
export function useMuted(id: string): boolean {
  const until = useMutedUntil(id);
  const [ranOut, setRanOut] = useState<number | null>(null);
  useEffect(() => {
    if (until === null || until >= MUTED_FOREVER) return;
    const left = until - Date.now();
    if (left <= 0) return;
    const timer = setTimeout(() => setRanOut(until), Math.min(left, MAX_TIMER_MS));
    return () => clearTimeout(timer);
  }, [until]);
  const muted = usePreferences((s) => isMuted(own(id)(s), Date.now()));
  return muted && ranOut !== until;
}

/** When the conversation's mute ends (MUTED_FOREVER: never), null when it has none. */
export function useMutedUntil(id: string): number | null {
  return usePreferences((s) => own(id)(s)?.mutedUntil ?? null);
}

/** Changes one conversation's mute and room level; the answer (and 'prefs.changed') updates the store. */
export async function setConversationPrefs(
  id: string,
  change: Partial<Pick<ConversationPrefs, 'mutedUntil' | 'roomNotify'>>,
): Promise<void> {
  const key = parseConversationId(id);
  if (!key) return;
  const current = conversationPrefs().get(id);
  const asked = usePreferences.getState().events;
  const result = await getBridge().invoke('prefs.conversation', {
    ...key,
    mutedUntil: change.mutedUntil !== undefined ? change.mutedUntil : (current?.mutedUntil ?? null),
    roomNotify: change.roomNotify !== undefined ? change.roomNotify : (current?.roomNotify ?? null),
  });
  if (result.ok) usePreferences.getState().applyAnswer(result.value, asked);
  else {
    const text = currentIntl().formatMessage(
      { id: 'notifications.changeFailed' },
      { reason: result.error.message },
    );
    useUi.getState().addToast(text);
  }
}

/** The menu items of a conversation's notification settings (rooms add their level), kept current. */
export function useNotificationMenuItems(
  id: string,
  kind: 'chat' | 'groupchat' | 'private',
): Array<{ label: string; onSelect: () => void }> {
  const muted = useMuted(id);
  const level = usePreferences((s) => own(id)(s)?.roomNotify ?? null);
  const fallback = usePreferences((s) => s.preferences.notifications.rooms);
  const { formatMessage: t } = useIntl();
  const items = muted
    ? [
        {
          label: t({ id: 'notifications.unmute' }),
          onSelect: () => void setConversationPrefs(id, { mutedUntil: null }),
        },
      ]
    : MUTE_CHOICES.map((choice) => ({
        label: t({ id: choice.id }),
        onSelect: () => void setConversationPrefs(id, { mutedUntil: mutedUntilFor(choice.ms, Date.now()) }),
      }));
  if (kind !== 'groupchat') return items;
  const current = level ?? fallback;
  return [
    ...items,
    ...ROOM_LEVELS.map(({ level: choice, id: levelId }) => ({
      label: choice === current ? `${t({ id: levelId })} ✓` : t({ id: levelId }),
      onSelect: () => void setConversationPrefs(id, { roomNotify: choice }),
    })),
  ];
}

/** "Muted for 1 hour" etc. in the header's title: until when. */
export function mutedUntilText(mutedUntil: number): string {
  const intl = currentIntl();
  if (mutedUntil >= MUTED_FOREVER) return intl.formatMessage({ id: 'notifications.mutedForever' });
  // The time in the page's language, as the sentence around it.
  const time = intl.formatTime(mutedUntil, { hour: '2-digit', minute: '2-digit' });
  return intl.formatMessage({ id: 'notifications.mutedUntil' }, { time });
}
