// The unread total outside the window: the Dock badge on macOS, the launcher badge on Linux (Electron's
// setBadgeCount speaks the LauncherEntry D-Bus API and returns false where no dock listens: Unity, Plasma,
// Dash to Dock do), an overlay on the taskbar button on Windows; and the tray's image. The window title's
// "(n) Parley" stays the page's.
import type { NativeImage } from 'electron';

export interface BadgeDeps {
  platform: NodeJS.Platform;
  /** app.setBadgeCount (macOS, Linux). */
  setBadgeCount: (count: number) => boolean;
  /** The main window's setOverlayIcon (Windows); null while there is no main window. */
  overlayTarget: () => { setOverlayIcon(overlay: NativeImage | null, description: string): void } | null;
  /** The pre-rendered overlay (assets/tray/badge-unread.png). */
  overlayImage: () => NativeImage;
  tray: { setUnread(count: number, offline: boolean): void } | null;
}

export const unreadDescription = (count: number): string =>
  count === 1 ? '1 unread message' : `${count} unread messages`;

export class UnreadBadge {
  readonly #deps: BadgeDeps;
  #count = 0;
  #offline = false;

  constructor(deps: BadgeDeps) {
    this.#deps = deps;
  }

  get count(): number {
    return this.#count;
  }

  /** The 'shell.unread' handler's work. */
  set(count: number, offline: boolean): void {
    this.#count = count;
    this.#offline = offline;
    this.#deps.tray?.setUnread(count, offline);
    this.apply();
  }

  /** Shows the current count again (a new main window has no overlay yet). */
  apply(): void {
    const { platform } = this.#deps;
    if (platform === 'darwin' || platform === 'linux') {
      this.#deps.setBadgeCount(this.#count);
    } else if (platform === 'win32') {
      const target = this.#deps.overlayTarget();
      if (!target) return;
      if (this.#count > 0) target.setOverlayIcon(this.#deps.overlayImage(), unreadDescription(this.#count));
      else target.setOverlayIcon(null, '');
    }
  }

  /** The contract handler: { count, offline } arrive validated. */
  handler() {
    return async ({ count, offline }: { count: number; offline: boolean }) => {
      this.set(count, offline);
      return { ok: true } as const;
    };
  }

  get offline(): boolean {
    return this.#offline;
  }
}
