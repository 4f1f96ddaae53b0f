// Every account's connection state as the engine reports it ('connection.state', the snapshot), the saved
// accounts ('accounts.changed', 'account.saved'), and the renderer state that belongs with them: a sign-in
// command is in flight (keeps the sign-in form on screen), 'account.restore' is running at start.
import { create } from 'zustand';
import type { AccountConnection, ConnectionState, SavedAccount } from '../../shared/contract.ts';

import { OFFLINE } from '../../shared/connection.ts';

export { OFFLINE };

export type ConnectionMap = ReadonlyMap<string, AccountConnection>;

/**
 * Signed in: online, the session's own retry after a dropped link, or offline by the user's choice ('paused':
 * its roster and chats stay, history reads from this machine, messages wait in the outbox).
 */
export function hasSession(state: Pick<ConnectionState, 'status'> | undefined): boolean {
  return state?.status === 'online' || state?.status === 'reconnecting' || state?.status === 'paused';
}

/**
 * The main window shows the account: it has a session, or it is still connecting with this sign-in's roster
 * already on screen (the one cached at the last sign-in, or the one just fetched).
 */
export function showsAccount(state: Pick<ConnectionState, 'status' | 'rosterShown'> | undefined): boolean {
  return hasSession(state) || (state?.status === 'connecting' && state.rosterShown);
}

/** The accounts the main window shows (their rosters), in order. */
export function shownAccounts(connections: ConnectionMap): string[] {
  const list: string[] = [];
  for (const [account, state] of connections) if (showsAccount(state)) list.push(account);
  return list;
}

/** The accounts with a session, in the order they are shown. */
export function sessionAccounts(connections: ConnectionMap): string[] {
  const list: string[] = [];
  for (const [account, state] of connections) if (hasSession(state)) list.push(account);
  return list;
}

/**
 * The accounts the accounts area shows, in order: every saved account and every one that is signing in or
 * signed in. An offline account that is not saved (a first sign-in that failed) is the form's business.
 */
export function visibleAccounts(connections: ConnectionMap, saved: readonly SavedAccount[]): string[] {
  const savedSet = new Set(saved.map((a) => a.jid));
  const list: string[] = [];
  for (const [account, state] of connections) {
    if (savedSet.has(account) || state.status !== 'offline') list.push(account);
  }
  for (const a of saved) if (!connections.has(a.jid)) list.push(a.jid);
  return list;
}

/** Adds or replaces one account's state; the map keeps the order accounts were first seen in. */
export function applyConnection(connections: ConnectionMap, state: AccountConnection): ConnectionMap {
  const next = new Map(connections);
  next.set(state.account, state);
  return next;
}

interface ConnectionStore {
  connections: ConnectionMap;
  saved: readonly SavedAccount[];
  lastUsed: string | null;
  /** The account whose state changed last: what the status bar shows when no account is shown. */
  latest: string | null;
  signInPending: boolean;
  /** 'account.restore' has not answered yet. */
  restoring: boolean;
  /** The first 'state.snapshot' has answered: until then the app does not know what to show. */
  ready: boolean;
  setConnection: (state: AccountConnection) => void;
  resetConnections: (states: readonly AccountConnection[]) => void;
  setSaved: (saved: readonly SavedAccount[], lastUsed: string | null) => void;
  /** The account was removed: the UI forgets its state too. */
  removeConnection: (account: string) => void;
  setSignInPending: (pending: boolean) => void;
  setRestoring: (restoring: boolean) => void;
  setReady: () => void;
}

export const useConnection = create<ConnectionStore>()((set) => ({
  connections: new Map(),
  saved: [],
  lastUsed: null,
  latest: null,
  signInPending: false,
  restoring: false,
  ready: false,
  setConnection: (state) =>
    set((s) => ({ connections: applyConnection(s.connections, state), latest: state.account })),
  resetConnections: (states) => set({ connections: new Map(states.map((st) => [st.account, st])) }),
  setSaved: (saved, lastUsed) => set({ saved, lastUsed }),
  removeConnection: (account) =>
    set((s) => {
      if (!s.connections.has(account)) return s;
      const connections = new Map(s.connections);
      connections.delete(account);
      return { connections, latest: s.latest === account ? null : s.latest };
    }),
  setSignInPending: (signInPending) => set({ signInPending }),
  setRestoring: (restoring) => set({ restoring }),
  setReady: () => set({ ready: true }),
}));

/** One account's state (offline when the engine does not know it). */
export function connectionOf(connections: ConnectionMap, account: string): AccountConnection {
  return connections.get(account) ?? { ...OFFLINE, account };
}

/** What the status bar says about one connection state. */
export function describeConnection(state: ConnectionState): string {
  switch (state.status) {
    case 'connecting':
      return 'Connecting…';
    case 'online':
      return `Online${state.jid ? ` as ${state.jid}` : ''}${state.security === 'insecure' ? ' (unencrypted)' : ''}`;
    case 'reconnecting':
      return `Reconnecting${state.error ? `: ${state.error.message}` : '…'}`;
    case 'offline':
      return `Offline${state.error ? `: ${state.error.message}` : ''}`;
    case 'paused':
      return 'Offline: choose a presence to go online again';
  }
}

/** One account's state in a few words, for its entry in the accounts area (its address is shown beside). */
export function describeAccountStatus(state: ConnectionState): string {
  switch (state.status) {
    case 'connecting':
      return 'Connecting…';
    case 'online':
      return state.security === 'insecure' ? 'Online (unencrypted)' : 'Online';
    case 'reconnecting':
      return `Reconnecting${state.error ? `: ${state.error.message}` : '…'}`;
    case 'offline':
      return state.error ? `Offline: ${state.error.message}` : 'Signed out';
    case 'paused':
      return 'Offline';
  }
}

/**
 * The status bar's text for several accounts: how many are online, then each one that is not, with why.
 * One account (or none shown): that account's state as describeConnection says it.
 */
export function describeAccounts(states: readonly AccountConnection[]): string {
  if (states.length <= 1) return describeConnection(states[0] ?? OFFLINE);
  const online = states.filter((s) => s.status === 'online').length;
  const head =
    online === states.length
      ? `All ${states.length} accounts online`
      : `${online} of ${states.length} accounts online`;
  const others = states
    .filter((s) => s.status !== 'online')
    .map((s) => `${s.account}: ${describeAccountStatus(s)}`);
  return [head, ...others].join(' · ');
}
