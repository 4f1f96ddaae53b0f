// Connection state as the engine reports it ('connection.state' and the snapshot), plus the one bit of
// renderer state that belongs with it: a sign-in command is in flight (keeps the sign-in form on screen).
import { create } from 'zustand';
import type { ConnectionState } from '../../shared/contract.ts';

export const OFFLINE: ConnectionState = {
  status: 'offline',
  jid: null,
  error: null,
  security: null,
  mechanism: null,
};

interface ConnectionStore {
  state: ConnectionState;
  signInPending: boolean;
  /** The first 'state.snapshot' has answered: until then the app does not know what to show. */
  ready: boolean;
  setState: (state: ConnectionState) => void;
  setSignInPending: (pending: boolean) => void;
  setReady: () => void;
}

export const useConnection = create<ConnectionStore>()((set) => ({
  state: OFFLINE,
  signInPending: false,
  ready: false,
  setState: (state) => set({ state }),
  setSignInPending: (signInPending) => set({ signInPending }),
  setReady: () => set({ ready: true }),
}));

/** What the status bar says about a connection state. */
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
  }
}
