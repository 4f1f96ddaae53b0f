// The tray icon: its image and tooltip say whether anything is unread or every account is offline, and its
// menu holds what must work even where tray clicks do not (several Linux desktops): Show/Hide, our presence
// for every signed-in account, each account's state, Settings, Quit. Rebuilt only when what it shows changed.
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { AccountConnection, EngineEvent } from '../../shared/contract.ts';
import type { OwnShow } from '../../shared/schemas.ts';

export type TrayLook = 'normal' | 'unread' | 'offline';

/** The tray image file for a look (assets/tray/): macOS gets template images, drawn in the menu bar's colour. */
export function trayImageFile(look: TrayLook, platform: NodeJS.Platform): string {
  if (platform !== 'darwin') return `${look}.png`;
  const name = { normal: 'tray', unread: 'trayUnread', offline: 'trayOffline' }[look];
  return `${name}Template.png`;
}

/** The parts of Electron's Tray used here (a fake in tests). */
export interface TrayLike {
  setImage(image: NativeImage | string): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export const PRESENCE_CHOICES: readonly { show: OwnShow; label: string }[] = [
  { show: 'available', label: 'Available' },
  { show: 'chat', label: 'Free for chat' },
  { show: 'away', label: 'Away' },
  { show: 'xa', label: 'Extended away' },
  { show: 'dnd', label: 'Do not disturb' },
  { show: 'offline', label: 'Offline' },
];

export interface ShellTrayDeps {
  Tray: new (image: NativeImage | string) => TrayLike;
  /** Menu.buildFromTemplate. */
  buildMenu: (template: MenuItemConstructorOptions[]) => unknown;
  /** The image for a file name under assets/tray/ (nativeImage.createFromPath). */
  image: (file: string) => NativeImage | string;
  platform: NodeJS.Platform;
  /** engine.invoke: the presence submenu sends 'presence.set'. */
  invoke: (command: 'presence.set', payload: { account: string; show: OwnShow }) => Promise<{ ok: boolean }>;
  isWindowVisible: () => boolean;
  showWindow: () => void;
  hideWindow: () => void;
  /** 'shell.menu' {action: 'settings'} to the page (after showing it). */
  openSettings: () => void;
  quit: () => void;
}

interface AccountLine {
  status: AccountConnection['status'];
  show: OwnShow;
}

function accountStateLabel({ status, show }: AccountLine): string {
  switch (status) {
    case 'online':
      return PRESENCE_CHOICES.find((choice) => choice.show === show)?.label ?? 'Available';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return 'Reconnecting…';
    default:
      return 'Offline';
  }
}

export class ShellTray {
  readonly #deps: ShellTrayDeps;
  readonly #tray: TrayLike;
  /** Signed-in accounts (connecting, online, reconnecting or paused), in the order they appeared. */
  readonly #accounts = new Map<string, AccountLine>();
  /** Our presence per account as last announced (cleared when the account signs out). */
  readonly #shows = new Map<string, OwnShow>();
  #unread = 0;
  #pageSaysOffline = false;
  #shown = '';

  constructor(deps: ShellTrayDeps) {
    this.#deps = deps;
    this.#tray = new deps.Tray(deps.image(trayImageFile('offline', deps.platform)));
    // macOS opens the menu on click; elsewhere a click toggles the window (where the desktop reports it).
    if (deps.platform !== 'darwin') this.#tray.on('click', () => this.#toggleWindow());
    this.refresh();
  }

  get look(): TrayLook {
    if (this.#unread > 0) return 'unread';
    const anyOnline = [...this.#accounts.values()].some((line) => line.status === 'online');
    return this.#pageSaysOffline || !anyOnline ? 'offline' : 'normal';
  }

  get tooltip(): string {
    if (this.#unread > 0) return `Parley — ${this.#unread} unread`;
    return this.look === 'offline' ? 'Parley — offline' : 'Parley';
  }

  /** From 'shell.unread': the page's unread total and whether it sees every account offline. */
  setUnread(count: number, offline: boolean): void {
    this.#unread = count;
    this.#pageSaysOffline = offline;
    this.refresh();
  }

  /** The accounts as 'state.snapshot' has them (at start, before any event). */
  seed(
    accounts: readonly {
      account: string;
      connection: { status: AccountLine['status'] };
      ownPresence: { show: OwnShow };
    }[],
  ): void {
    for (const { account, connection, ownPresence } of accounts) {
      if (connection.status !== 'offline')
        this.#accounts.set(account, { status: connection.status, show: ownPresence.show });
    }
    this.refresh();
  }

  /** An engine event batch: account states and our own presence. */
  applyEvents(batch: readonly EngineEvent[]): void {
    let touched = false;
    for (const item of batch) {
      if (item.event === 'connection.state') {
        const { account, status } = item.payload;
        if (status === 'offline') {
          touched = this.#accounts.delete(account) || touched;
          this.#shows.delete(account);
        } else {
          this.#accounts.set(account, { status, show: this.#shows.get(account) ?? 'available' });
          touched = true;
        }
      } else if (item.event === 'presence.own') {
        const { account, show } = item.payload;
        // It may come before the account's first state: kept until then.
        this.#shows.set(account, show);
        const line = this.#accounts.get(account);
        if (line) {
          line.show = show;
          touched = true;
        }
      }
    }
    if (touched) this.refresh();
  }

  /** Sets the image, tooltip and menu again if anything they show changed (a window shown or hidden too). */
  refresh(): void {
    const visible = this.#deps.isWindowVisible();
    const key = JSON.stringify([this.look, this.tooltip, visible, [...this.#accounts]]);
    if (key === this.#shown) return;
    this.#shown = key;
    this.#tray.setImage(this.#deps.image(trayImageFile(this.look, this.#deps.platform)));
    this.#tray.setToolTip(this.tooltip);
    this.#tray.setContextMenu(this.#deps.buildMenu(this.menuTemplate(visible)));
  }

  menuTemplate(windowVisible: boolean): MenuItemConstructorOptions[] {
    const accounts = [...this.#accounts];
    const shows = new Set(accounts.map(([, line]) => (line.status === 'paused' ? 'offline' : line.show)));
    const common = shows.size === 1 ? [...shows][0] : null;
    const presence: MenuItemConstructorOptions[] = PRESENCE_CHOICES.map(({ show, label }) => ({
      label,
      type: 'radio',
      checked: show === common,
      enabled: accounts.length > 0,
      click: () => this.#setPresence(show),
    }));
    const accountItems: MenuItemConstructorOptions[] = accounts.map(([account, line]) => ({
      label: `${account}: ${accountStateLabel(line)}`,
      enabled: false,
    }));
    return [
      windowVisible
        ? { label: 'Hide Parley', click: () => this.#deps.hideWindow() }
        : { label: 'Show Parley', click: () => this.#deps.showWindow() },
      { type: 'separator' },
      { label: 'Status', submenu: presence, enabled: accounts.length > 0 },
      ...(accountItems.length > 0
        ? [{ type: 'separator' } as const, ...accountItems]
        : [{ label: 'No account signed in', enabled: false }]),
      { type: 'separator' },
      { label: 'Settings…', click: () => this.#deps.openSettings() },
      { label: 'Quit Parley', click: () => this.#deps.quit() },
    ];
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #toggleWindow(): void {
    if (this.#deps.isWindowVisible()) this.#deps.hideWindow();
    else this.#deps.showWindow();
    this.refresh();
  }

  #setPresence(show: OwnShow): void {
    for (const account of this.#accounts.keys()) {
      void this.#deps.invoke('presence.set', { account, show }).then((result) => {
        if (!result.ok) console.warn(`tray: could not set the presence of ${account}`);
      });
    }
  }
}
