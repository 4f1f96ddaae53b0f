// Start at login (preferences.window.startAtLogin). macOS and Windows: Electron's login item. Linux, where
// Electron's setLoginItemSettings does nothing: an XDG autostart entry (~/.config/autostart/parley.desktop)
// that desktops following the freedesktop autostart spec run at login. Only a packaged app registers itself:
// unpackaged, the executable is Electron, not Parley.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Quotes one Exec argument as the Desktop Entry spec says. Two levels: the Exec rules (in double quotes, " ` $
 * and \ take a backslash; % is doubled), then the string-value rule that a backslash is written \\ — so a
 * quoted " is \\" in the file and a literal backslash four of them. Readers (GLib's key-file parser) undo the
 * second level first.
 */
export function quoteExecArgument(argument: string): string {
  let quoted = '"';
  for (const char of argument) {
    if (char === '%') quoted += '%%';
    else if (char === '\\') quoted += '\\\\\\\\';
    else quoted += '"`$'.includes(char) ? `\\\\${char}` : char;
  }
  return `${quoted}"`;
}

export function autostartEntry(executable: string): string {
  // A control character (a newline would end the Exec line early) never belongs in an executable path.
  for (const char of executable) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) throw new Error('the executable path has a control character');
  }
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Parley',
    'Comment=XMPP chat',
    `Exec=${quoteExecArgument(executable)}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes (on) or removes (off) the autostart entry at `file`. */
export async function setLinuxAutostart(file: string, executable: string, enabled: boolean): Promise<void> {
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, autostartEntry(executable), { mode: 0o644 });
}

/** Where the entry goes: $XDG_CONFIG_HOME/autostart, else ~/.config/autostart. */
export function linuxAutostartFile(env: NodeJS.ProcessEnv, home: string): string {
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : null;
  return path.join(configHome ?? path.join(home, '.config'), 'autostart', 'parley.desktop');
}

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  packaged: boolean;
  /** app.setLoginItemSettings (macOS, Windows). */
  setLoginItemSettings: (settings: { openAtLogin: boolean }) => void;
  /** Linux: the autostart file and the executable it starts (the AppImage itself when run from one). */
  linux: { file: string; executable: string };
}

/** Applies startAtLogin, only when it changed (the first call always applies). */
export class LoginItem {
  readonly #deps: LoginItemDeps;
  #current: boolean | null = null;

  constructor(deps: LoginItemDeps) {
    this.#deps = deps;
  }

  async set(enabled: boolean): Promise<void> {
    if (enabled === this.#current || !this.#deps.packaged) return;
    this.#current = enabled;
    if (this.#deps.platform === 'linux') {
      await setLinuxAutostart(this.#deps.linux.file, this.#deps.linux.executable, enabled);
    } else {
      this.#deps.setLoginItemSettings({ openAtLogin: enabled });
    }
  }
}
