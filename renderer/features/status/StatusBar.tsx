// The connection state, always on screen: one account's as before; with several, how many are online and
// what is wrong with the others.
import { useMemo } from 'react';
import { useIntl } from 'react-intl';
import { OFFLINE, connectionOf, useConnection } from '../../stores/connection.ts';
import { useVisibleAccounts } from '../accounts/use-accounts.ts';
import { accountsWords } from './connection-words.ts';

export function StatusBar() {
  const connections = useConnection((s) => s.connections);
  const latest = useConnection((s) => s.latest);
  const accounts = useVisibleAccounts();
  const { formatMessage: t } = useIntl();
  const states = useMemo(() => {
    if (accounts.length > 0) return accounts.map((a) => connectionOf(connections, a));
    // Nothing to show yet (a first sign-in): the account whose state changed last, as before.
    const last = latest === null ? undefined : connections.get(latest);
    return last ? [last] : [];
  }, [accounts, connections, latest]);
  const status =
    states.length === 1 ? states[0]!.status : states.some((s) => s.status !== 'online') ? 'mixed' : 'online';
  return (
    <footer className="status-bar" data-status={states.length === 0 ? OFFLINE.status : status}>
      <span className={`conn-dot conn-${states.length === 0 ? 'offline' : status}`} aria-hidden="true" />
      <span role="status" aria-live="polite" aria-label={t({ id: 'connection.label' })}>
        {accountsWords(t, states, OFFLINE)}
      </span>
    </footer>
  );
}
