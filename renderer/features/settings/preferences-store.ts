// The page's copy of the preferences the main process keeps: filled by 'prefs.get' at start (and after a
// browser-mode socket came back), then by every 'prefs.changed' (whole state, the latest wins). An answer
// asked before an event came is older than that event and is dropped. Until the first arrives, the
// defaults stand (the same ones the engine starts from).
import { create } from 'zustand';
import type { ConversationPrefs, Preferences } from '../../../shared/preferences.ts';
import { DEFAULT_PREFERENCES } from '../../../shared/preference-defaults.ts';

export interface PreferencesState {
  preferences: Preferences;
  conversations: ConversationPrefs[];
}

interface PreferencesStore extends PreferencesState {
  /** False until the engine's state first arrived. */
  loaded: boolean;
  /** Events applied so far: an answer asked at `events` = n is stale once it is past n. */
  events: number;
  applyEvent(state: PreferencesState): void;
  /** A 'prefs.get' (or 'prefs.set') answer, asked when `events` was `asked`. */
  applyAnswer(state: PreferencesState, asked: number): void;
  reset(): void;
}

const initial = { preferences: DEFAULT_PREFERENCES, conversations: [], loaded: false, events: 0 };

export const usePreferences = create<PreferencesStore>((set, get) => ({
  ...initial,
  applyEvent: ({ preferences, conversations }) =>
    set((s) => ({ preferences, conversations, loaded: true, events: s.events + 1 })),
  applyAnswer: ({ preferences, conversations }, asked) => {
    if (get().events !== asked) return;
    set({ preferences, conversations, loaded: true });
  },
  reset: () => set(initial),
}));
