// Whether the settings screen is shown, and at which section: opened from the header, Ctrl+, and the app
// menu ('shell.menu'), so it lives apart from the screen's components.
import { create } from 'zustand';

export const SETTINGS_SECTIONS = [
  'accounts',
  'notifications',
  'appearance',
  'privacy',
  'chat',
  'idle',
  'window',
  'network',
  'advanced',
] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

interface SettingsView {
  open: boolean;
  section: SettingsSection;
  show: (section?: SettingsSection) => void;
  hide: () => void;
}

export const useSettingsView = create<SettingsView>((set) => ({
  open: false,
  section: 'accounts',
  show: (section) => set((state) => ({ open: true, section: section ?? state.section })),
  hide: () => set({ open: false }),
}));
