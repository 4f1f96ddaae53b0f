// "Remove account": a confirmation before the account is signed out and forgotten ('account.forget').
import { useState } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { removeAccount } from './account-actions.ts';

export function RemoveAccountDialog({ account, onClose }: { account: string; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const failure = await removeAccount(account);
    setBusy(false);
    if (failure === null) onClose();
    else setError(failure);
  };
  return (
    <Dialog title="Remove account" role="alertdialog" onClose={onClose}>
      <p>
        Remove <strong>{account}</strong> from Parley? It is signed out, and its remembered password and
        connection settings are deleted. Any other accounts stay signed in.
      </p>
      <div role="alert" className="form-error">
        {error && <p>{error}</p>}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
          Remove
        </button>
      </div>
    </Dialog>
  );
}
