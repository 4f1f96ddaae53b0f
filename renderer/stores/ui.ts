// Renderer-only state: which chats are open as tabs, which one is shown, which are popped out
// ('window.layout'), whether this window is focused and visible, roster view options, and toasts.
import { create } from 'zustand';
import { parseHash } from '../transport/hash.ts';

export interface Toast {
  id: number;
  text: string;
}

interface UiStore {
  /** 'chat': this window is a popped-out chat showing only `popPeer`. */
  view: 'main' | 'chat';
  popPeer: string | null;
  tabs: readonly string[];
  activePeer: string | null;
  poppedOut: ReadonlySet<string>;
  focused: boolean;
  visible: boolean;
  rosterFilter: string;
  showOffline: boolean;
  collapsed: ReadonlySet<string>;
  toasts: readonly Toast[];
  /** Bumped when the user opened a chat on purpose: its composer takes the focus. */
  composerFocus: number;
  requestComposerFocus: () => void;
  openTab: (peer: string, activate: boolean) => void;
  closeTab: (peer: string) => void;
  activate: (peer: string) => void;
  setPoppedOut: (peers: readonly string[]) => void;
  setWindowState: (patch: Partial<Pick<UiStore, 'focused' | 'visible'>>) => void;
  setRosterFilter: (filter: string) => void;
  setShowOffline: (show: boolean) => void;
  toggleGroup: (group: string) => void;
  addToast: (text: string) => void;
  dismissToast: (id: number) => void;
  resetSession: () => void;
}

let nextToastId = 1;

/** Tabs after closing `peer`, and which tab to show instead (the right-hand neighbour, else the left). */
export function afterClose(
  tabs: readonly string[],
  active: string | null,
  peer: string,
): { tabs: string[]; active: string | null } {
  const index = tabs.indexOf(peer);
  const next = tabs.filter((p) => p !== peer);
  if (active !== peer) return { tabs: next, active };
  return { tabs: next, active: next[Math.min(index, next.length - 1)] ?? null };
}

const initial = typeof location === 'undefined' ? parseHash('') : parseHash(location.hash);

export const useUi = create<UiStore>()((set) => ({
  view: initial.view,
  popPeer: initial.peer,
  tabs: initial.peer ? [initial.peer] : [],
  activePeer: initial.peer,
  poppedOut: new Set(),
  focused: typeof document === 'undefined' ? true : document.hasFocus(),
  visible: typeof document === 'undefined' ? true : document.visibilityState === 'visible',
  rosterFilter: '',
  showOffline: true,
  collapsed: new Set(),
  toasts: [],
  composerFocus: 0,
  requestComposerFocus: () => set((s) => ({ composerFocus: s.composerFocus + 1 })),
  openTab: (peer, activate) =>
    set((s) => ({
      tabs: s.tabs.includes(peer) ? s.tabs : [...s.tabs, peer],
      activePeer: activate || s.activePeer === null ? peer : s.activePeer,
    })),
  closeTab: (peer) =>
    set((s) => {
      const { tabs, active } = afterClose(s.tabs, s.activePeer, peer);
      return { tabs, activePeer: active };
    }),
  activate: (peer) => set({ activePeer: peer }),
  setPoppedOut: (peers) =>
    set((s) => {
      const poppedOut = new Set(peers);
      // A docked chat comes back as a tab; a popped-out one leaves the main window's tabs.
      const docked = [...s.poppedOut].filter((p) => !poppedOut.has(p));
      let tabs = [...s.tabs];
      for (const p of docked) if (!tabs.includes(p)) tabs.push(p);
      let active = s.activePeer;
      for (const p of poppedOut) {
        if (s.view === 'main' && tabs.includes(p)) ({ tabs, active } = afterClose(tabs, active, p));
      }
      if (docked.length > 0 && s.view === 'main') active = docked.at(-1) ?? active;
      return { poppedOut, tabs, activePeer: active };
    }),
  setWindowState: (patch) => set(patch),
  setRosterFilter: (rosterFilter) => set({ rosterFilter }),
  setShowOffline: (showOffline) => set({ showOffline }),
  toggleGroup: (group) =>
    set((s) => {
      const collapsed = new Set(s.collapsed);
      if (collapsed.has(group)) collapsed.delete(group);
      else collapsed.add(group);
      return { collapsed };
    }),
  addToast: (text) => set((s) => ({ toasts: [...s.toasts.slice(-4), { id: nextToastId++, text }] })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  resetSession: () => set((s) => (s.view === 'main' ? { tabs: [], activePeer: null } : {})),
}));

/** The chat the user is looking at: its tab is shown here, not popped out, and the window focused and visible. */
export function seenPeer(
  s: Pick<UiStore, 'view' | 'activePeer' | 'poppedOut' | 'focused' | 'visible' | 'popPeer'>,
): string | null {
  if (!s.focused || !s.visible) return null;
  if (s.view === 'chat') return s.popPeer;
  return s.activePeer !== null && !s.poppedOut.has(s.activePeer) ? s.activePeer : null;
}
