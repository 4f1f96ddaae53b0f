// The keyboard shortcuts: which chord does what, and the table the help dialog shows. Ctrl and Cmd both count
// as the command key (Cmd on a Mac, Ctrl elsewhere; accepting either costs nothing). Every shortcut is a
// chord with Ctrl, Cmd or Alt, or F1, so typing in a text field is never taken over.
import type { MessageDescriptor } from 'react-intl';

export type ShortcutAction =
  | 'quick-switcher'
  | 'next-tab'
  | 'previous-tab'
  | 'close-chat'
  | 'new-chat'
  | 'settings'
  | 'previous-unread'
  | 'next-unread'
  | 'shortcuts';

/** The part of a KeyboardEvent the mapping reads. */
export interface KeyChord {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** The physical key ('KeyW'): on a Mac, Option changes `key` into another character. */
  code?: string;
}

/**
 * The letter a chord's key stands for: the character typed, or where Option made it another character (a
 * Mac), the physical key's letter. The typed letter wins so other layouts (AZERTY) keep their own letters.
 */
function letter(chord: KeyChord, key: string): string | null {
  if (/^[a-z]$/.test(key)) return key;
  return chord.code && /^Key[A-Z]$/.test(chord.code) ? chord.code.slice(3).toLowerCase() : null;
}

/** What the chord does, or null when it is not a shortcut. */
export function shortcutFor(chord: KeyChord): ShortcutAction | null {
  const command = chord.ctrlKey || chord.metaKey;
  const { altKey: alt, shiftKey: shift } = chord;
  const key = chord.key.length === 1 ? chord.key.toLowerCase() : chord.key;
  if (key === 'F1' && !command && !alt) return 'shortcuts';
  if (command && !alt) {
    // Ctrl+Tab is Ctrl on every platform (Cmd+Tab belongs to the OS).
    if (key === 'Tab' && chord.ctrlKey) return shift ? 'previous-tab' : 'next-tab';
    if (shift) return key === '?' ? 'shortcuts' : null;
    switch (key) {
      case 'k':
        return 'quick-switcher';
      case 'w':
        return 'close-chat';
      case 'n':
        return 'new-chat';
      case ',':
        return 'settings';
      case '/':
        return 'shortcuts';
    }
    return null;
  }
  if (alt && !command) {
    if (!shift && key === 'ArrowUp') return 'previous-unread';
    if (!shift && key === 'ArrowDown') return 'next-unread';
    // Browser alternatives for the chords a browser keeps for itself (Ctrl+Tab, Ctrl+W, Ctrl+N).
    if (!shift && key === 'PageDown') return 'next-tab';
    if (!shift && key === 'PageUp') return 'previous-tab';
    if (shift && letter(chord, key) === 'w') return 'close-chat';
    if (shift && letter(chord, key) === 'n') return 'new-chat';
  }
  return null;
}

export interface ShortcutRow {
  action: ShortcutAction;
  what: MessageDescriptor;
  /** The chords, as the help dialog writes them. */
  keys: readonly string[];
  /** A browser keeps the first chord for itself (it works in the desktop app); `keys` then has another. */
  browserTakesFirst: boolean;
}

/** The help dialog's table, in the order it lists them. */
export function shortcutRows(mac: boolean): ShortcutRow[] {
  const cmd = mac ? 'Cmd' : 'Ctrl';
  return [
    {
      action: 'quick-switcher',
      what: { id: 'shortcuts.action.quickSwitcher' },
      keys: [`${cmd}+K`],
      browserTakesFirst: false,
    },
    {
      action: 'next-tab',
      what: { id: 'shortcuts.action.nextTab' },
      keys: ['Ctrl+Tab', 'Alt+Page Down'],
      browserTakesFirst: true,
    },
    {
      action: 'previous-tab',
      what: { id: 'shortcuts.action.previousTab' },
      keys: ['Ctrl+Shift+Tab', 'Alt+Page Up'],
      browserTakesFirst: true,
    },
    {
      action: 'next-unread',
      what: { id: 'shortcuts.action.nextUnread' },
      keys: ['Alt+Down'],
      browserTakesFirst: false,
    },
    {
      action: 'previous-unread',
      what: { id: 'shortcuts.action.previousUnread' },
      keys: ['Alt+Up'],
      browserTakesFirst: false,
    },
    {
      action: 'close-chat',
      what: { id: 'shortcuts.action.closeChat' },
      keys: [`${cmd}+W`, 'Alt+Shift+W'],
      browserTakesFirst: true,
    },
    {
      action: 'new-chat',
      what: { id: 'shortcuts.action.newChat' },
      keys: [`${cmd}+N`, 'Alt+Shift+N'],
      browserTakesFirst: true,
    },
    {
      action: 'settings',
      what: { id: 'shortcuts.action.settings' },
      keys: [`${cmd}+,`],
      browserTakesFirst: false,
    },
    {
      action: 'shortcuts',
      what: { id: 'shortcuts.action.shortcuts' },
      keys: ['F1', `${cmd}+/`],
      browserTakesFirst: false,
    },
  ];
}

/** Esc is the dialogs' own (components/Dialog.tsx); the help lists it without a mapping here. */
export const ESCAPE_ROW = { what: { id: 'shortcuts.action.escape' }, keys: ['Esc'] } as const;

/** A Mac, where Cmd is the command key (navigator.platform is deprecated but still the plain answer). */
export function isMac(platform: string): boolean {
  return /^mac/i.test(platform);
}
