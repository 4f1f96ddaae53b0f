// Which accounts the UI shows, as hooks over the connection store (memoized: the same array until the
// accounts or their states change).
import { useMemo } from 'react';
import { sessionAccounts, shownAccounts, useConnection, visibleAccounts } from '../../stores/connection.ts';

/** The accounts signed in (online or reconnecting): the roster shows their contacts. */
export function useSessionAccounts(): string[] {
  const connections = useConnection((s) => s.connections);
  return useMemo(() => sessionAccounts(connections), [connections]);
}

/** The accounts the main window shows: signed in, or connecting with their roster on screen already. */
export function useShownAccounts(): string[] {
  const connections = useConnection((s) => s.connections);
  return useMemo(() => shownAccounts(connections), [connections]);
}

/** Every account the accounts area shows: saved ones and those signing in or signed in. */
export function useVisibleAccounts(): string[] {
  const connections = useConnection((s) => s.connections);
  const saved = useConnection((s) => s.saved);
  return useMemo(() => visibleAccounts(connections, saved), [connections, saved]);
}

/** More than one account is shown: chats, tabs, rows and hits then say which account they are on. */
export function useSeveralAccounts(): boolean {
  return useVisibleAccounts().length > 1;
}
