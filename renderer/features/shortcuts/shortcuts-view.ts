// Which of the shortcuts' own dialogs is open: the quick switcher, the shortcuts help, or the add-contact
// form that "New chat" opens. One at a time: opening one closes another.
import { create } from 'zustand';

export type ShortcutsOverlay = 'switcher' | 'help' | 'new-chat';

interface ShortcutsView {
  overlay: ShortcutsOverlay | null;
  show: (overlay: ShortcutsOverlay) => void;
  hide: () => void;
}

export const useShortcutsView = create<ShortcutsView>((set) => ({
  overlay: null,
  show: (overlay) => set({ overlay }),
  hide: () => set({ overlay: null }),
}));
