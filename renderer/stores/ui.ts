// Renderer-only state: which chats are open as tabs, which one is shown, which are popped out
// ('window.layout'), whether this window is focused and visible, roster view options, the add-account form,
// and toasts. Chats are named by conversationId (account + kind + peer) everywhere here.
import { create } from 'zustand';
import type { BridgeRefusal } from '../../shared/bridge.ts';
import type { EngineErrorPayload } from '../../shared/contract.ts';
import { parseHash } from '../transport/hash.ts';
import { accountOf, chatId } from './conversation.ts';

export interface Toast {
  id: number;
  text: string;
}

interface UiStore {
  /** 'chat': this window is a popped-out chat showing only `popId`. */
  view: 'main' | 'chat';
  popId: string | null;
  tabs: readonly string[];
  activeId: string | null;
  poppedOut: ReadonlySet<string>;
  focused: boolean;
  visible: boolean;
  rosterFilter: string;
  showOffline: boolean;
  /** Collapsed roster groups (groupKey) and accounts. */
  collapsed: ReadonlySet<string>;
  collapsedAccounts: ReadonlySet<string>;
  /**
   * The add-account form is shown over the main window: `jid` fills it in from a saved account, `failure`
   * says why signing that account in just failed (a certificate to trust, a password to type).
   */
  addAccount: { jid: string | null; failure: EngineErrorPayload | null } | null;
  toasts: readonly Toast[];
  /**
   * A narrow window shows one pane at a time: the roster, or the chat shown (opening or choosing a chat
   * shows it; "← Contacts" goes back). A wide window shows both whatever this says.
   */
  pane: 'roster' | 'chat';
  showRoster: () => void;
  /** The window is narrower than NARROW_QUERY's breakpoint (the one styles.css uses). */
  narrow: boolean;
  setNarrow: (narrow: boolean) => void;
  /** Browser mode: the host refused this page (why it shows nothing but a page saying what to do). */
  refusal: BridgeRefusal | null;
  setRefusal: (refusal: BridgeRefusal) => void;
  /** Bumped when the user opened a chat on purpose: its composer takes the focus. */
  composerFocus: number;
  requestComposerFocus: () => void;
  openTab: (id: string, activate: boolean) => void;
  closeTab: (id: string) => void;
  activate: (id: string) => void;
  setPoppedOut: (ids: readonly string[]) => void;
  setWindowState: (patch: Partial<Pick<UiStore, 'focused' | 'visible'>>) => void;
  setRosterFilter: (filter: string) => void;
  setShowOffline: (show: boolean) => void;
  toggleGroup: (key: string) => void;
  toggleAccount: (account: string) => void;
  showAddAccount: (jid?: string | null, failure?: EngineErrorPayload | null) => void;
  hideAddAccount: () => void;
  addToast: (text: string) => void;
  dismissToast: (id: number) => void;
  /** The account was removed: its tabs close. */
  closeAccount: (account: string) => void;
}

let nextToastId = 1;

/** Below this width one pane shows at a time: keep it equal to the @media rule in styles.css. */
export const NARROW_QUERY = '(max-width: 640px)';

/** The key of a roster group: groups of the same name on two accounts are two groups. */
export const groupKey = (account: string, group: string): string => `${account}\u0000${group}`;

/** Tabs after closing `id`, and which tab to show instead (the right-hand neighbour, else the left). */
export function afterClose(
  tabs: readonly string[],
  active: string | null,
  id: string,
): { tabs: string[]; active: string | null } {
  const index = tabs.indexOf(id);
  const next = tabs.filter((p) => p !== id);
  if (active !== id) return { tabs: next, active };
  return { tabs: next, active: next[Math.min(index, next.length - 1)] ?? null };
}

/** Tabs after the pop-out set changed: docked chats come back as tabs, popped-out ones leave. */
export function layoutTabs(
  s: Pick<UiStore, 'view' | 'tabs' | 'activeId' | 'poppedOut'>,
  poppedOut: ReadonlySet<string>,
): { tabs: string[]; active: string | null } {
  const docked = [...s.poppedOut].filter((p) => !poppedOut.has(p));
  let tabs = [...s.tabs];
  for (const p of docked) if (!tabs.includes(p)) tabs.push(p);
  let active = s.activeId;
  for (const p of poppedOut) {
    if (s.view === 'main' && tabs.includes(p)) ({ tabs, active } = afterClose(tabs, active, p));
  }
  if (docked.length > 0 && s.view === 'main') active = docked.at(-1) ?? active;
  return { tabs, active };
}

function toggled(set: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(set);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

const initial = typeof location === 'undefined' ? parseHash('') : parseHash(location.hash);
const initialPop =
  initial.view === 'chat' && initial.account && initial.peer ? chatId(initial.account, initial.peer) : null;

export const useUi = create<UiStore>()((set) => ({
  view: initialPop ? 'chat' : 'main',
  popId: initialPop,
  tabs: initialPop ? [initialPop] : [],
  activeId: initialPop,
  poppedOut: new Set(),
  focused: typeof document === 'undefined' ? true : document.hasFocus(),
  visible: typeof document === 'undefined' ? true : document.visibilityState === 'visible',
  rosterFilter: '',
  showOffline: true,
  collapsed: new Set(),
  collapsedAccounts: new Set(),
  addAccount: null,
  toasts: [],
  refusal: null,
  setRefusal: (refusal) => set({ refusal }),
  pane: 'roster',
  showRoster: () => set({ pane: 'roster' }),
  narrow: false,
  setNarrow: (narrow) => set({ narrow }),
  composerFocus: 0,
  requestComposerFocus: () => set((s) => ({ composerFocus: s.composerFocus + 1 })),
  openTab: (id, activate) =>
    set((s) => ({
      tabs: s.tabs.includes(id) ? s.tabs : [...s.tabs, id],
      activeId: activate || s.activeId === null ? id : s.activeId,
      pane: activate ? 'chat' : s.pane,
    })),
  closeTab: (id) =>
    set((s) => {
      const { tabs, active } = afterClose(s.tabs, s.activeId, id);
      return { tabs, activeId: active, pane: active === null ? 'roster' : s.pane };
    }),
  activate: (id) => set({ activeId: id, pane: 'chat' }),
  setPoppedOut: (ids) =>
    set((s) => {
      const poppedOut = new Set(ids);
      const { tabs, active } = layoutTabs(s, poppedOut);
      return { poppedOut, tabs, activeId: active };
    }),
  setWindowState: (patch) => set(patch),
  setRosterFilter: (rosterFilter) => set({ rosterFilter }),
  setShowOffline: (showOffline) => set({ showOffline }),
  toggleGroup: (key) => set((s) => ({ collapsed: toggled(s.collapsed, key) })),
  toggleAccount: (account) => set((s) => ({ collapsedAccounts: toggled(s.collapsedAccounts, account) })),
  showAddAccount: (jid = null, failure = null) => set({ addAccount: { jid, failure } }),
  hideAddAccount: () => set({ addAccount: null }),
  addToast: (text) => set((s) => ({ toasts: [...s.toasts.slice(-4), { id: nextToastId++, text }] })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  closeAccount: (account) =>
    set((s) => {
      let tabs = [...s.tabs];
      let active = s.activeId;
      for (const id of s.tabs)
        if (accountOf(id) === account) ({ tabs, active } = afterClose(tabs, active, id));
      return { tabs, activeId: active };
    }),
}));

/**
 * The chat the user is looking at: its tab is shown here, not popped out, the window focused and visible,
 * and (in a narrow window) the chat's pane shown rather than the roster.
 */
export function seenChat(
  s: Pick<UiStore, 'view' | 'activeId' | 'poppedOut' | 'focused' | 'visible' | 'popId'> &
    Partial<Pick<UiStore, 'narrow' | 'pane'>>,
): string | null {
  if (!s.focused || !s.visible) return null;
  if (s.view === 'chat') return s.popId;
  if (s.narrow && s.pane === 'roster') return null;
  return s.activeId !== null && !s.poppedOut.has(s.activeId) ? s.activeId : null;
}
