// The OS says the machine woke up or the screen was unlocked: connections that looked up may be dead, and a
// reconnect waiting out its backoff should try now. (The network coming back is seen by the renderer's
// 'online' event, which Electron's main process has no equivalent of; it sends the same command.)
import type { PowerMonitor } from 'electron';

export const WAKE_EVENTS = ['resume', 'unlock-screen'] as const;

/** Calls `retryNow` on every wake event; returns a function that stops listening. */
export function retryOnWake(
  powerMonitor: Pick<PowerMonitor, 'on' | 'off'>,
  retryNow: () => void,
): () => void {
  const listener = () => retryNow();
  for (const event of WAKE_EVENTS) powerMonitor.on(event as 'resume', listener);
  return () => {
    for (const event of WAKE_EVENTS) powerMonitor.off(event as 'resume', listener);
  };
}
