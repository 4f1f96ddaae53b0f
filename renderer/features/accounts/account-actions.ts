// Commands about one account, from the accounts area: sign out, sign in again, remove.
import { getBridge } from '../../transport/bridge.ts';
import { useConnection } from '../../stores/connection.ts';
import { useUi } from '../../stores/ui.ts';
import { forgetAccountState } from '../../stores/sync.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';

export async function signOut(account: string): Promise<void> {
  const result = await getBridge().invoke('account.signOut', { account });
  if (!result.ok) {
    const t = currentIntl().formatMessage;
    useUi.getState().addToast(t({ id: 'accounts.signOutFailed' }, { account, reason: result.error.message }));
  }
}

/**
 * Signs a saved account in again: at once with its remembered password and settings; else, or when that
 * fails, through the form (which then says why, or asks about the certificate).
 */
export async function signInAgain(account: string): Promise<void> {
  const saved = useConnection.getState().saved.find((a) => a.jid === account);
  if (!saved?.passwordSaved) {
    useUi.getState().showAddAccount(account);
    return;
  }
  const result = await getBridge().invoke('account.signIn', {
    jid: saved.jid,
    ...(saved.host !== null ? { host: saved.host } : {}),
    ...(saved.port !== null ? { port: saved.port } : {}),
    ...(saved.directTls ? { directTls: true } : {}),
    remember: true,
  });
  if (result.ok) {
    const { passwordStorage: _storage, passwordWarning, ...state } = result.value;
    useConnection.getState().setConnection(state);
    if (passwordWarning) useUi.getState().addToast(passwordWarning);
  } else if (result.error.code !== 'already-connected') {
    useUi.getState().showAddAccount(account, result.error);
  }
}

/** Signs the account out and deletes its remembered password and settings; its chats leave the UI. */
export async function removeAccount(account: string): Promise<string | null> {
  const result = await getBridge().invoke('account.forget', { account });
  if (!result.ok) return result.error.message;
  forgetAccountState(account);
  return null;
}
