// The per-account sections: Accounts (each saved account with its state, sign in or out, remove, add one),
// Network (its proxy, for the next connection) and Advanced (the certificate trusted by hand, the data
// folder and the diagnostics log).
import { useEffect, useId, useState } from 'react';
import { useIntl } from 'react-intl';
import type { AppInfo } from '../../../shared/preferences.ts';
import type { SavedAccount } from '../../../shared/account-commands.ts';
import { OFFLINE, describeAccountStatus, hasSession, useConnection } from '../../stores/connection.ts';
import { useUi } from '../../stores/ui.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useVisibleAccounts } from '../accounts/use-accounts.ts';
import { signInAgain, signOut } from '../accounts/account-actions.ts';
import { RemoveAccountDialog } from '../accounts/RemoveAccountDialog.tsx';
import { Refusal, Toggle } from './PreferenceControls.tsx';
import { ProxyForm } from './ProxyForm.tsx';
import { forgetCertificates } from './settings-actions.ts';
import { useSettingsView } from './settings-view.ts';

function AccountEntry({ account, onRemove }: { account: string; onRemove: () => void }) {
  const { formatMessage: t } = useIntl();
  const state = useConnection((s) => s.connections.get(account)) ?? { ...OFFLINE, account };
  const running = hasSession(state) || state.status === 'connecting';
  return (
    <li className="settings-account" aria-label={account}>
      <span className="settings-account-jid">{account}</span>
      <span className="hint">{describeAccountStatus(state)}</span>
      <span className="settings-account-buttons">
        {running ? (
          <button type="button" className="small" onClick={() => void signOut(account)}>
            {t({ id: 'accounts.signOut' })}
          </button>
        ) : (
          <button type="button" className="small" onClick={() => void signInAgain(account)}>
            {t({ id: 'accounts.signIn' })}
          </button>
        )}
        <button type="button" className="small" onClick={onRemove}>
          {t({ id: 'accounts.remove' })}
        </button>
      </span>
    </li>
  );
}

export function AccountsSection() {
  const { formatMessage: t } = useIntl();
  const accounts = useVisibleAccounts();
  const [removing, setRemoving] = useState<string | null>(null);
  return (
    <>
      <ul className="settings-accounts">
        {accounts.map((account) => (
          <AccountEntry key={account} account={account} onRemove={() => setRemoving(account)} />
        ))}
      </ul>
      <button
        type="button"
        onClick={() => {
          useSettingsView.getState().hide();
          useUi.getState().showAddAccount();
        }}
      >
        {t({ id: 'accounts.add' })}
      </button>
      {removing !== null && <RemoveAccountDialog account={removing} onClose={() => setRemoving(null)} />}
    </>
  );
}

function useSavedAccounts(): readonly SavedAccount[] {
  return useConnection((s) => s.saved);
}

export function NetworkSection() {
  const { formatMessage: t } = useIntl();
  const saved = useSavedAccounts();
  return (
    <>
      <p className="hint">{t({ id: 'settings.network.hint' })}</p>
      {saved.length === 0 && <p>{t({ id: 'settings.network.noAccounts' })}</p>}
      {saved.map((account) => (
        <ProxyForm key={account.jid} account={account} />
      ))}
    </>
  );
}

function PinnedCertificate({ account }: { account: SavedAccount }) {
  const { formatMessage: t } = useIntl();
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const pinned = account.pinnedFingerprint256;
  return (
    <div
      className="settings-row"
      role="group"
      aria-label={t({ id: 'settings.certificate.label' }, { account: account.jid })}
    >
      <strong>{account.jid}</strong>
      {pinned === null ? (
        <p className="hint">{t({ id: 'settings.certificate.none' })}</p>
      ) : (
        <>
          <p>
            {t(
              { id: 'settings.certificate.pinned' },
              { fingerprint: <span className="fingerprint">{pinned}</span> },
            )}
          </p>
          <button
            type="button"
            className="small"
            aria-describedby={error ? errorId : undefined}
            onClick={() => void forgetCertificates(account.jid).then(setError)}
          >
            {t({ id: 'settings.certificate.forget' })}
          </button>
        </>
      )}
      <Refusal id={errorId} error={error} />
    </div>
  );
}

function useAppInfo(): AppInfo | null {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    let live = true;
    void getBridge()
      .invoke('app.info', {})
      .then((result) => {
        if (live && result.ok) setInfo(result.value);
      });
    return () => {
      live = false;
    };
  }, []);
  return info;
}

export function AdvancedSection() {
  const { formatMessage: t } = useIntl();
  const saved = useSavedAccounts();
  const info = useAppInfo();
  return (
    <>
      <h3 className="settings-subhead">{t({ id: 'settings.advanced.certificates' })}</h3>
      {saved.map((account) => (
        <PinnedCertificate key={account.jid} account={account} />
      ))}
      <h3 className="settings-subhead">{t({ id: 'settings.advanced.data' })}</h3>
      <dl className="settings-facts">
        <dt>{t({ id: 'settings.advanced.dataFolder' })}</dt>
        <dd className="fingerprint">{info?.dataDir ?? '…'}</dd>
        <dt>{t({ id: 'settings.advanced.diagnosticsLog' })}</dt>
        <dd className="fingerprint">{info?.diagnosticsLogPath ?? '…'}</dd>
      </dl>
      <Toggle
        section="advanced"
        field="diagnosticsLog"
        label={t({ id: 'settings.advanced.writeDiagnosticsLog' })}
        hint={t({ id: 'settings.advanced.writeDiagnosticsLog.hint' })}
      />
    </>
  );
}
