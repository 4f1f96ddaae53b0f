// The application menu. Items the page carries out (settings, new chat, the quick switcher, closing a chat,
// About, the shortcuts list) go to it as a 'shell.menu' event; the rest are Electron roles. On macOS the
// first menu is the app's own (About, Settings, Hide, Quit); elsewhere those sit in File and Help.
import type { MenuItemConstructorOptions } from 'electron';
import type { MENU_ACTIONS } from '../../shared/desktop.ts';

export type MenuAction = (typeof MENU_ACTIONS)[number];

export interface AppMenuDeps {
  platform: NodeJS.Platform;
  /** Not packaged: Reload and the developer tools are in View. */
  isDev: boolean;
  /** Shows the main window and sends it 'shell.menu' {action}. */
  send: (action: MenuAction) => void;
  openExternal: (url: string) => void;
  /** Where to report a problem (package.json "bugs"); null: the item is left out. */
  bugsUrl: string | null;
}

/** package.json's "bugs" (a URL string or { url }), if it is an http(s) URL. */
export function bugsUrlOf(pkg: { bugs?: unknown }): string | null {
  const raw = typeof pkg.bugs === 'string' ? pkg.bugs : (pkg.bugs as { url?: unknown } | undefined)?.url;
  if (typeof raw !== 'string') return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

export function appMenuTemplate(deps: AppMenuDeps): MenuItemConstructorOptions[] {
  const mac = deps.platform === 'darwin';
  const action = (label: string, name: MenuAction, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => deps.send(name),
  });
  const about = action('About Parley', 'about');
  const settings = action('Settings…', 'settings', 'CmdOrCtrl+,');

  const appMenu: MenuItemConstructorOptions = {
    label: 'Parley',
    submenu: [
      about,
      { type: 'separator' },
      settings,
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit', label: 'Quit Parley' },
    ],
  };
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      action('New chat…', 'new-chat', 'CmdOrCtrl+N'),
      action('Go to…', 'quick-switcher', 'CmdOrCtrl+K'),
      { type: 'separator' },
      action('Close chat', 'close-chat', 'CmdOrCtrl+W'),
      ...(mac
        ? []
        : ([
            { type: 'separator' },
            settings,
            { type: 'separator' },
            { role: 'quit', label: 'Quit Parley', accelerator: 'Ctrl+Q' },
          ] as MenuItemConstructorOptions[])),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'pasteAndMatchStyle' },
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(deps.isDev
        ? ([
            { role: 'reload' },
            { role: 'forceReload' },
            { role: 'toggleDevTools' },
            { type: 'separator' },
          ] as MenuItemConstructorOptions[])
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  // The close role would take CmdOrCtrl+W, which closes a chat here.
  const windowMenu: MenuItemConstructorOptions = {
    label: 'Window',
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close', label: 'Close window', accelerator: 'CmdOrCtrl+Shift+W' }],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: 'Help',
    submenu: [
      action('Keyboard shortcuts', 'shortcuts', 'CmdOrCtrl+/'),
      ...(deps.bugsUrl
        ? [{ label: 'Report a problem…', click: () => deps.openExternal(deps.bugsUrl!) }]
        : []),
      ...(mac ? [] : ([{ type: 'separator' }, about] as MenuItemConstructorOptions[])),
    ],
  };
  return [...(mac ? [appMenu] : []), file, edit, view, windowMenu, help];
}
