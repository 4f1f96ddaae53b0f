// Showing a notice: through the shell ('shell.notify': Electron's Notification in main) when the page runs in
// the desktop app, else the Web Notification API (browser mode). Browser mode asks for permission once, on
// the first user gesture after this is installed or at the first notice. The page plays the sound itself
// (both kinds are shown silent) so that its own setting decides.
import { getBridge } from '../../transport/bridge.ts';
import type { Notice } from './notify-policy.ts';

const SOUND_URL = new URL('../../../assets/sounds/notify.wav', import.meta.url).href;

export type Activate = (notice: Notice) => void;

/** Browser mode's live notifications by tag: the next one of a tag closes the previous. Bounded. */
const live = new Map<string, Notification>();
const MAX_LIVE = 50;
let asked = false;
let sound: HTMLAudioElement | null = null;

function webNotifications(): typeof Notification | null {
  return typeof Notification === 'function' ? Notification : null;
}

function askPermission(): void {
  const Web = webNotifications();
  if (asked || !Web || Web.permission !== 'default') return;
  asked = true;
  void Web.requestPermission().catch(() => undefined);
}

/** Browser mode: asks for permission at the first click or key press (a user gesture), once. */
export function askPermissionOnGesture(): void {
  if (window.parley || !webNotifications() || webNotifications()!.permission !== 'default') return;
  const ask = (): void => {
    window.removeEventListener('pointerdown', ask, true);
    window.removeEventListener('keydown', ask, true);
    askPermission();
  };
  window.addEventListener('pointerdown', ask, true);
  window.addEventListener('keydown', ask, true);
}

function showInPage(notice: Notice, activate: Activate): boolean {
  const Web = webNotifications();
  if (!Web) return false;
  if (Web.permission !== 'granted') {
    askPermission();
    return false;
  }
  live.get(notice.tag)?.close();
  live.delete(notice.tag);
  if (live.size >= MAX_LIVE) {
    const oldest = live.keys().next().value;
    if (oldest !== undefined) {
      live.get(oldest)?.close();
      live.delete(oldest);
    }
  }
  const shown = new Web(notice.title, { body: notice.body, tag: notice.tag, silent: true });
  shown.onclick = () => {
    window.focus();
    shown.close();
    activate(notice);
  };
  shown.onclose = () => {
    if (live.get(notice.tag) === shown) live.delete(notice.tag);
  };
  live.set(notice.tag, shown);
  return true;
}

/** Shows the notice; true when it was shown. */
export async function showNotice(notice: Notice, activate: Activate): Promise<boolean> {
  if (!window.parley) return showInPage(notice, activate);
  const result = await getBridge().invoke('shell.notify', { ...notice, silent: true });
  return result.ok;
}

/** The notification sound (a browser may refuse to play before the first user gesture: then none). */
export function playSound(): void {
  sound ??= new Audio(SOUND_URL);
  sound.currentTime = 0;
  void sound.play().catch(() => undefined);
}
