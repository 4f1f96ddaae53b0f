// Whether the About dialog is shown: opened from the app menu ('shell.menu' about) and the shortcuts help.
import { create } from 'zustand';

interface AboutView {
  open: boolean;
  show: () => void;
  hide: () => void;
}

export const useAboutView = create<AboutView>((set) => ({
  open: false,
  show: () => set({ open: true }),
  hide: () => set({ open: false }),
}));
