// "Remove account": a confirmation before the account is signed out and forgotten ('account.forget').
import { useState, type ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { Dialog } from '../../components/Dialog.tsx';
import { removeAccount } from './account-actions.ts';

export function RemoveAccountDialog({ account, onClose }: { account: string; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { formatMessage: t } = useIntl();
  const remove = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const failure = await removeAccount(account);
    setBusy(false);
    if (failure === null) onClose();
    else setError(failure);
  };
  return (
    <Dialog title={t({ id: 'accounts.removeDialog.title' })} role="alertdialog" onClose={onClose}>
      <p>
        {t(
          { id: 'accounts.removeDialog.question' },
          { account, strong: (chunks: ReactNode[]) => <strong>{chunks}</strong> },
        )}
      </p>
      <div role="alert" className="form-error">
        {error && <p>{error}</p>}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose} data-autofocus>
          {t({ id: 'dialog.cancel' })}
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
          {t({ id: 'accounts.removeDialog.submit' })}
        </button>
      </div>
    </Dialog>
  );
}
