// The accounts area. One account: the top bar (address, presence picker, "Add account", the account menu
// with Sign out and Remove…). Several: the top bar holds "Add account", and a strip below lists every account
// with its state at a glance (dot and words, the error), its own presence picker, Sign in when signed out,
// and its account menu. Choosing Offline in a picker keeps the account here; signing out is in the menu.
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { OFFLINE, hasSession, useConnection } from '../../stores/connection.ts';
import { useUi } from '../../stores/ui.ts';
import { PresencePicker } from '../presence/PresencePicker.tsx';
import { RemoveAccountDialog } from './RemoveAccountDialog.tsx';
import { AccountMenu } from './AccountMenu.tsx';
import { signInAgain } from './account-actions.ts';
import { useVisibleAccounts } from './use-accounts.ts';
import { accountStatusWords } from '../status/connection-words.ts';
import { SettingsButton } from '../settings/SettingsEntry.tsx';
import './accounts.css';

function AddAccountButton() {
  const { formatMessage: t } = useIntl();
  return (
    <button type="button" onClick={() => useUi.getState().showAddAccount()}>
      {t({ id: 'accounts.add' })}
    </button>
  );
}

function AccountCard({ account, onRemove }: { account: string; onRemove: (account: string) => void }) {
  const { formatMessage: t } = useIntl();
  const known = useConnection((s) => s.connections.get(account));
  const state = known ?? { ...OFFLINE, account };
  const signedIn = hasSession(state);
  const busy = state.status === 'connecting';
  const dot = state.status === 'offline' && state.error ? 'failed' : state.status;
  return (
    <li className="account-card" data-status={state.status}>
      <div
        className="account-card-inner"
        role="group"
        aria-label={t({ id: 'accounts.menu.labelFor' }, { account })}
      >
        <div className="account-head">
          <span className={`conn-dot conn-${dot}`} aria-hidden="true" />
          <span className="account-jid" title={state.jid ?? account}>
            {account}
          </span>{' '}
          <span className={`account-status${state.error ? ' has-error' : ''}`}>
            {accountStatusWords(t, state)}
          </span>
          <span className="account-buttons">
            {!signedIn && !busy && (
              <button
                type="button"
                className="small"
                aria-label={t({ id: 'accounts.signInFor' }, { account })}
                onClick={() => void signInAgain(account)}
              >
                {t({ id: 'accounts.signIn' })}
              </button>
            )}
            <AccountMenu account={account} labelled onRemove={onRemove} />
          </span>
        </div>
        {signedIn && (
          <div className="account-actions">
            <PresencePicker account={account} labelled />
          </div>
        )}
      </div>
    </li>
  );
}

/** The top bar's account part, and (with several accounts) the strip of account cards below it. */
export function AccountsBar() {
  const accounts = useVisibleAccounts();
  const only = accounts.length === 1 ? accounts[0]! : null;
  const jid = useConnection((s) => (only ? (s.connections.get(only)?.jid ?? only) : null));
  const [removing, setRemoving] = useState<string | null>(null);
  const { formatMessage: t } = useIntl();
  const removeDialog = removing !== null && (
    <RemoveAccountDialog account={removing} onClose={() => setRemoving(null)} />
  );

  if (only !== null) {
    return (
      <>
        <header className="top-bar">
          <h1 className="app-name">Parley</h1>
          <span className="own-jid" title={jid ?? undefined}>
            {jid?.split('/')[0]}
          </span>
          <PresencePicker account={only} labelled={false} />
          <AddAccountButton />
          <SettingsButton />
          <AccountMenu account={only} labelled={false} onRemove={setRemoving} />
        </header>
        {removeDialog}
      </>
    );
  }
  return (
    <>
      <header className="top-bar">
        <h1 className="app-name">Parley</h1>
        <span className="own-jid">{t({ id: 'accounts.count' }, { count: accounts.length })}</span>
        <AddAccountButton />
        <SettingsButton />
      </header>
      <section className="accounts-strip" aria-label={t({ id: 'accounts.strip.label' })}>
        <ul>
          {accounts.map((account) => (
            <AccountCard key={account} account={account} onRemove={setRemoving} />
          ))}
        </ul>
      </section>
      {removeDialog}
    </>
  );
}
