// 'shell.menu': an app-menu (or tray) item the page carries out, the same way as its key. In the desktop app
// a menu item's accelerator and the page's own key handler may both see one key press; the menu's echo of
// an action the keys just ran is dropped (closing two chats for one Ctrl+W would be wrong).
import { useEffect } from 'react';
import { getBridge } from '../../transport/bridge.ts';
import type { ShortcutAction } from './key-map.ts';
import { runMenuAction, type MenuAction } from './shortcut-actions.ts';

/** A menu action this soon after the same action from a key press is that key press's echo. */
export const ECHO_MS = 300;

let lastKey: { action: ShortcutAction; at: number } | null = null;

/** The keys ran `action` now (Shortcuts.tsx). */
export function noteKeyAction(action: ShortcutAction, now = Date.now()): void {
  lastKey = { action, at: now };
}

/** Whether a menu action arriving `now` repeats the last key press rather than being a new request. */
export function isEcho(action: MenuAction, now = Date.now()): boolean {
  return lastKey !== null && lastKey.action === action && now - lastKey.at < ECHO_MS;
}

export function handleMenuAction(action: MenuAction, now = Date.now()): void {
  if (isEcho(action, now)) return;
  runMenuAction(action);
}

/** Listens to 'shell.menu' while mounted (once, in the main window). */
export function useMenuSync(): void {
  useEffect(() => getBridge().on('shell.menu', ({ action }) => handleMenuAction(action)), []);
}
