// The desktop app's half of auto-away and XEP-0352: the system's idle time every 15 s (and at once on a
// screen lock or unlock) goes to the engine as 'presence.activity'; whether any window of ours is on screen
// goes as 'client.visibility' when that changes. The engine decides what to do with both (core/idle/).
//
// A locked screen does not jump to Extended away at once: the idle time counts from the last input before
// the lock (so XEP-0319's 'since' stays true), and keeps counting while locked even where the OS stops its
// idle counter then; unlocking is activity, so "back" follows the unlock at once.
import type { BrowserWindow, PowerMonitor } from 'electron';

export const IDLE_POLL_MS = 15_000;
/**
 * After a report that may have made us away (a minute or more: the shortest threshold), the idle time is
 * looked at this often, so "back" follows the user's return within seconds (a status typed into the
 * picker before that would be taken as the user choosing Away). One cheap system call; a report only on return.
 */
export const BACK_CHECK_MS = 2_000;
const AWAY_POSSIBLE_SECONDS = 60;

export type MonitoredWindow = Pick<BrowserWindow, 'isVisible' | 'isMinimized' | 'isDestroyed' | 'on'>;

export interface IdleMonitorDeps {
  powerMonitor: Pick<PowerMonitor, 'getSystemIdleTime' | 'on' | 'off'>;
  /** Electron's app: 'browser-window-created' hands us each new window to watch. */
  app: {
    on(event: 'browser-window-created', listener: (event: unknown, win: MonitoredWindow) => void): unknown;
    off(event: 'browser-window-created', listener: (event: unknown, win: MonitoredWindow) => void): unknown;
  };
  /** Every window of ours now (WindowManager.all()). */
  windows: () => readonly MonitoredWindow[];
  reportIdle: (idleSeconds: number) => void;
  reportVisibility: (active: boolean) => void;
  now?: () => number;
}

const WINDOW_EVENTS = ['show', 'hide', 'minimize', 'restore', 'focus', 'closed'] as const;

function onScreen(win: MonitoredWindow): boolean {
  return !win.isDestroyed() && win.isVisible() && !win.isMinimized();
}

/** Starts polling and watching; returns a function that stops both. */
export function startIdleMonitor(deps: IdleMonitorDeps): () => void {
  const now = deps.now ?? Date.now;
  /** While the screen is locked: when the user last touched the machine before the lock (ms). */
  let lockedSince: number | null = null;

  let lastReported = 0;
  const report = (idleSeconds: number): void => {
    lastReported = idleSeconds;
    deps.reportIdle(idleSeconds);
  };
  const idleNow = (): number => {
    const system = deps.powerMonitor.getSystemIdleTime();
    const sinceLock = lockedSince === null ? 0 : Math.floor((now() - lockedSince) / 1000);
    return Math.max(system, sinceLock);
  };
  const poll = (): void => report(idleNow());
  const checkBack = (): void => {
    if (lastReported < AWAY_POSSIBLE_SECONDS) return;
    const idle = idleNow();
    if (idle < lastReported) report(idle);
  };
  const onLock = (): void => {
    lockedSince = now() - deps.powerMonitor.getSystemIdleTime() * 1000;
    poll();
  };
  const onUnlock = (): void => {
    lockedSince = null;
    report(0); // typing the password was input, whatever the counter says yet
  };

  let active = true; // the engine's default: a window opens at start
  let stopped = false;
  const check = (): void => {
    if (stopped) return;
    const visible = deps.windows().some(onScreen);
    if (visible === active) return;
    active = visible;
    deps.reportVisibility(visible);
  };
  // After the event: a window's state (and WindowManager's list on 'closed') settles in the same turn.
  const later = (): void => {
    setImmediate(check);
    checkBack(); // a window shown or focused: the user is likely back
  };
  const watch = (_event: unknown, win: MonitoredWindow): void => {
    for (const name of WINDOW_EVENTS) win.on(name as 'show', later);
    later();
  };

  const timer = setInterval(poll, IDLE_POLL_MS);
  const backTimer = setInterval(checkBack, BACK_CHECK_MS);
  timer.unref?.();
  backTimer.unref?.();
  deps.powerMonitor.on('lock-screen', onLock);
  deps.powerMonitor.on('unlock-screen', onUnlock);
  deps.app.on('browser-window-created', watch);
  for (const win of deps.windows()) watch(null, win);
  return () => {
    stopped = true;
    clearInterval(timer);
    clearInterval(backTimer);
    deps.powerMonitor.off('lock-screen', onLock);
    deps.powerMonitor.off('unlock-screen', onUnlock);
    deps.app.off('browser-window-created', watch);
  };
}
