// What the status bar and the accounts area say about connection states, in the active language (the
// English-only describe* in stores/connection.ts stay for screens not converted yet). Engine error texts
// come from the engine and stay as they are.
import type { IntlShape } from 'react-intl';
import type { AccountConnection, ConnectionState } from '../../../shared/contract.ts';

type Format = IntlShape['formatMessage'];

/** The status bar's words for one connection. */
export function connectionWords(t: Format, state: ConnectionState): string {
  const insecure = state.security === 'insecure';
  switch (state.status) {
    case 'connecting':
      return t({ id: 'connection.connecting' });
    case 'online':
      if (!state.jid)
        return insecure ? t({ id: 'connection.onlineInsecure' }) : t({ id: 'connection.online' });
      return insecure
        ? t({ id: 'connection.onlineAsInsecure' }, { jid: state.jid })
        : t({ id: 'connection.onlineAs' }, { jid: state.jid });
    case 'reconnecting':
      return state.error
        ? t({ id: 'connection.reconnectingBecause' }, { reason: state.error.message })
        : t({ id: 'connection.reconnecting' });
    case 'offline':
      return state.error
        ? t({ id: 'connection.offlineBecause' }, { reason: state.error.message })
        : t({ id: 'connection.offline' });
    case 'paused':
      return t({ id: 'connection.paused' });
  }
}

/** One account's state in a few words, beside its address in the accounts area. */
export function accountStatusWords(t: Format, state: ConnectionState): string {
  switch (state.status) {
    case 'online':
      return state.security === 'insecure'
        ? t({ id: 'connection.onlineInsecure' })
        : t({ id: 'connection.online' });
    case 'offline':
      return state.error
        ? t({ id: 'connection.offlineBecause' }, { reason: state.error.message })
        : t({ id: 'connection.signedOut' });
    case 'paused':
      return t({ id: 'connection.offline' });
    default:
      return connectionWords(t, state);
  }
}

/** Several accounts: how many are online, then each one that is not, with why. */
export function accountsWords(
  t: Format,
  states: readonly AccountConnection[],
  offline: ConnectionState,
): string {
  if (states.length <= 1) return connectionWords(t, states[0] ?? offline);
  const online = states.filter((s) => s.status === 'online').length;
  const head =
    online === states.length
      ? t({ id: 'connection.allOnline' }, { count: states.length })
      : t({ id: 'connection.someOnline' }, { online, count: states.length });
  const others = states
    .filter((s) => s.status !== 'online')
    .map((s) => `${s.account}: ${accountStatusWords(t, s)}`);
  return [head, ...others].join(' · ');
}
