// The desktop app's unread total and "every account offline" go to the shell ('shell.unread'): the tray image,
// the Dock or launcher badge, the Windows overlay. The same total the window title shows as "(n) Parley".
// Sent when it changes, at most once per UNREAD_DEBOUNCE_MS (a catch-up raises it message by message); only
// from the main window of the desktop app (pop-outs would repeat it; browser mode has no shell to tell).
import type { ParleyBridge } from '../../../shared/bridge.ts';
import type { ConnectionMap } from '../../stores/connection.ts';
import { useChats } from '../../stores/chats.ts';
import { useConnection } from '../../stores/connection.ts';

export const UNREAD_DEBOUNCE_MS = 250;

export interface UnreadState {
  count: number;
  offline: boolean;
}

/** The most 'shell.unread' carries (its schema's bound): past it the badge stays at the bound. */
export const MAX_UNREAD_SENT = 1_000_000;

/** The sum of every conversation's unread count (as the window title has it), at most MAX_UNREAD_SENT. */
export function unreadTotal(chats: ReadonlyMap<string, { unread: number }>): number {
  let total = 0;
  for (const chat of chats.values()) total += chat.unread;
  return Math.min(total, MAX_UNREAD_SENT);
}

/** No account is online (none signed in, or each connecting, reconnecting or paused). */
export function everyAccountOffline(connections: ConnectionMap): boolean {
  for (const state of connections.values()) if (state.status === 'online') return false;
  return true;
}

export interface UnreadSyncDeps {
  invoke: (state: UnreadState) => void;
  read: () => UnreadState;
  /** Calls back on every change of what read() depends on; returns an unsubscribe. */
  subscribe: (onChange: () => void) => () => void;
}

/** Sends the current state at once, then changes at most once per UNREAD_DEBOUNCE_MS. Returns a stop. */
export function syncUnread(deps: UnreadSyncDeps): () => void {
  let sent: UnreadState | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const same = (a: UnreadState | null, b: UnreadState) => a?.count === b.count && a.offline === b.offline;
  const send = () => {
    timer = null;
    const now = deps.read();
    if (same(sent, now)) return;
    sent = now;
    deps.invoke(now);
  };
  // The first change after a send starts the wait; the state at its end is what goes (a steady stream of
  // changes still reaches the shell every UNREAD_DEBOUNCE_MS).
  const onChange = () => {
    if (timer === null && !same(sent, deps.read())) timer = setTimeout(send, UNREAD_DEBOUNCE_MS);
  };
  const unsubscribe = deps.subscribe(onChange);
  send();
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
  };
}

/** The page's registration (stores/sync.ts): the desktop app's main window only. Returns a stop. */
export function startUnreadSync(bridge: Pick<ParleyBridge, 'invoke'>, view: 'main' | 'chat'): () => void {
  if (!window.parley || view !== 'main') return () => undefined;
  return syncUnread({
    invoke: (state) => void bridge.invoke('shell.unread', state).catch(() => undefined),
    read: () => ({
      count: unreadTotal(useChats.getState().chats),
      offline: everyAccountOffline(useConnection.getState().connections),
    }),
    subscribe: (onChange) => {
      const stops = [useChats.subscribe(onChange), useConnection.subscribe(onChange)];
      return () => stops.forEach((stop) => stop());
    },
  });
}
