// The preferences as this page knows them ('prefs.get' once, then every 'prefs.changed'): the document, and
// each conversation's own settings (mute, a room's level) by conversationId. What the notification policy
// and the mute menus read; changes go through the main process (setConversationPrefs) and come back here.
import { create } from 'zustand';
import { conversationId, parseConversationId } from '../../../shared/conversation.ts';
import type { CommandResponse } from '../../../shared/contract.ts';
import {
  DEFAULT_PREFERENCES,
  MUTED_FOREVER,
  type ConversationPrefs,
  type Preferences,
  type RoomNotify,
} from '../../../shared/preferences.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useUi } from '../../stores/ui.ts';
import { isMuted } from './notify-policy.ts';

type PrefsState = CommandResponse<'prefs.get'>;

interface PrefsStore {
  /** Defaults until the main process answered. */
  preferences: Preferences;
  conversations: ReadonlyMap<string, ConversationPrefs>;
  apply: (state: PrefsState) => void;
}

export const usePrefs = create<PrefsStore>()((set) => ({
  preferences: DEFAULT_PREFERENCES,
  conversations: new Map(),
  apply: ({ preferences, conversations }) =>
    set({ preferences, conversations: new Map(conversations.map((c) => [conversationId(c), c])) }),
}));

/** A conversation's mute and room level in words, for menus and the header. */
export const MUTE_CHOICES = [
  { label: 'Mute for 1 hour', ms: 60 * 60_000 },
  { label: 'Mute for 8 hours', ms: 8 * 60 * 60_000 },
  { label: 'Mute until I turn it back on', ms: null },
] as const;

export const ROOM_LEVELS: ReadonlyArray<{ level: RoomNotify; label: string }> = [
  { level: 'all', label: 'Notify me: every message' },
  { level: 'mentions', label: 'Notify me: mentions and replies' },
  { level: 'none', label: 'Notify me: nothing' },
];

/** mutedUntil for a choice: now + its length, or forever. */
export function mutedUntilFor(ms: number | null, now: number): number {
  return ms === null ? MUTED_FOREVER : now + ms;
}

/** Whether the conversation is muted now; re-rendered when its prefs change (not when the hour runs out). */
export function useMuted(id: string): boolean {
  return usePrefs((s) => isMuted(s.conversations.get(id), Date.now()));
}

/** Changes one conversation's mute and room level; the answer (and 'prefs.changed') updates the store. */
export async function setConversationPrefs(
  id: string,
  change: Partial<Pick<ConversationPrefs, 'mutedUntil' | 'roomNotify'>>,
): Promise<void> {
  const key = parseConversationId(id);
  if (!key) return;
  const current = usePrefs.getState().conversations.get(id);
  const result = await getBridge().invoke('prefs.conversation', {
    ...key,
    mutedUntil: change.mutedUntil !== undefined ? change.mutedUntil : (current?.mutedUntil ?? null),
    roomNotify: change.roomNotify !== undefined ? change.roomNotify : (current?.roomNotify ?? null),
  });
  if (result.ok) usePrefs.getState().apply(result.value);
  else useUi.getState().addToast(`Could not change the notifications: ${result.error.message}`);
}

/** The menu items of a conversation's notification settings (rooms add their level), kept current. */
export function useNotificationMenuItems(
  id: string,
  kind: 'chat' | 'groupchat' | 'private',
): Array<{ label: string; onSelect: () => void }> {
  const muted = useMuted(id);
  const own = usePrefs((s) => s.conversations.get(id)?.roomNotify ?? null);
  const fallback = usePrefs((s) => s.preferences.notifications.rooms);
  const items = muted
    ? [{ label: 'Unmute', onSelect: () => void setConversationPrefs(id, { mutedUntil: null }) }]
    : MUTE_CHOICES.map((choice) => ({
        label: choice.label,
        onSelect: () => void setConversationPrefs(id, { mutedUntil: mutedUntilFor(choice.ms, Date.now()) }),
      }));
  if (kind !== 'groupchat') return items;
  const level = own ?? fallback;
  return [
    ...items,
    ...ROOM_LEVELS.map(({ level: choice, label }) => ({
      label: choice === level ? `${label} ✓` : label,
      onSelect: () => void setConversationPrefs(id, { roomNotify: choice }),
    })),
  ];
}

/** "Muted for 1 hour" etc. in the header's title: until when. */
export function mutedUntilText(mutedUntil: number): string {
  if (mutedUntil >= MUTED_FOREVER) return 'Muted until you turn it back on';
  const time = new Date(mutedUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `Muted until ${time}`;
}
