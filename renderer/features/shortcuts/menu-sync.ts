// 'shell.menu': an app-menu (or tray) item the page carries out, the same way as its key. In the desktop app
// a menu item's accelerator and the page's own key handler may both see one key press (which comes first
// depends on the platform); the second report of the same action from the other source is that press's
// echo and is dropped (closing two chats for one Ctrl+W would be wrong).
import { useEffect } from 'react';
import { getBridge } from '../../transport/bridge.ts';
import type { ShortcutAction } from './key-map.ts';
import { runMenuAction, runShortcut, type MenuAction } from './shortcut-actions.ts';

/** The same action from the other source this soon after is the same key press. */
export const ECHO_MS = 300;

type Source = 'key' | 'menu';
let last: { action: MenuAction | ShortcutAction; source: Source; at: number } | null = null;

/** Whether `action` from `source` now only repeats what the other source just ran; if not, it is noted. */
function isEcho(action: MenuAction | ShortcutAction, source: Source, now: number): boolean {
  if (last !== null && last.action === action && last.source !== source && now - last.at < ECHO_MS) {
    last = null;
    return true;
  }
  last = { action, source, at: now };
  return false;
}

/** A shortcut key was pressed (Shortcuts.tsx). */
export function handleKeyAction(action: ShortcutAction, now = Date.now()): void {
  if (!isEcho(action, 'key', now)) runShortcut(action);
}

/** An app-menu item was chosen. */
export function handleMenuAction(action: MenuAction, now = Date.now()): void {
  if (!isEcho(action, 'menu', now)) runMenuAction(action);
}

/** Listens to 'shell.menu' while mounted (once, in the main window). */
export function useMenuSync(): void {
  useEffect(() => getBridge().on('shell.menu', ({ action }) => handleMenuAction(action)), []);
}
