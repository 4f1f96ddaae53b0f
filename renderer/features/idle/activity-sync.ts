// Browser mode's idle time (the desktop app reports the system's from main: electron/main/idle-monitor.ts):
// the last input in this page goes to the engine every 15 s as 'presence.activity', and at once on the first
// input after a report that could have made us away, so "back" follows the user's return without waiting;
// the page hidden or shown goes as 'client.visibility' (XEP-0352). Only the main window reports: pop-outs
// would contradict it (one idle, one not) and the engine takes each report as the whole truth.
import type { ParleyBridge } from '../../../shared/bridge.ts';

export const ACTIVITY_REPORT_MS = 15_000;
/** The shortest away threshold the preferences allow (1 minute): a report this idle may have made us away. */
const AWAY_POSSIBLE_SECONDS = 60;
/** Input events closer together than this are one (pointermove fires per frame). */
const INPUT_THROTTLE_MS = 1_000;
const INPUT_EVENTS = ['pointermove', 'pointerdown', 'keydown', 'wheel', 'touchstart', 'focus'] as const;

export interface ActivityEnvironment {
  /** Where input events arrive (window). */
  input: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** The page's visibility (document). */
  page: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>;
  now: () => number;
}

/** Starts reporting; returns a function that stops it. */
export function syncActivity(bridge: Pick<ParleyBridge, 'invoke'>, env: ActivityEnvironment): () => void {
  let lastInput = env.now();
  let lastReported = 0;
  const report = (idleSeconds: number): void => {
    lastReported = idleSeconds;
    void bridge.invoke('presence.activity', { idleSeconds }).catch(() => undefined);
  };
  const onInput = (): void => {
    const at = env.now();
    if (at - lastInput < INPUT_THROTTLE_MS) return;
    lastInput = at;
    if (lastReported >= AWAY_POSSIBLE_SECONDS) report(0);
  };
  const tick = (): void => report(Math.max(0, Math.floor((env.now() - lastInput) / 1000)));

  let visible = true; // the engine's default
  const onVisibility = (): void => {
    const now = env.page.visibilityState === 'visible';
    if (now === visible) return;
    visible = now;
    void bridge.invoke('client.visibility', { active: now }).catch(() => undefined);
  };

  const options = { passive: true, capture: true } as const;
  for (const name of INPUT_EVENTS) env.input.addEventListener(name, onInput, options);
  env.page.addEventListener('visibilitychange', onVisibility);
  onVisibility(); // a page opened in a background tab starts hidden
  const timer = setInterval(tick, ACTIVITY_REPORT_MS);
  return () => {
    clearInterval(timer);
    for (const name of INPUT_EVENTS) env.input.removeEventListener(name, onInput, options);
    env.page.removeEventListener('visibilitychange', onVisibility);
  };
}

/** The page's registration (stores/sync.ts): browser mode's main window only. */
export function startActivitySync(bridge: Pick<ParleyBridge, 'invoke'>, view: 'main' | 'chat'): void {
  if (window.parley || view !== 'main') return;
  syncActivity(bridge, { input: window, page: document, now: () => Date.now() });
}
