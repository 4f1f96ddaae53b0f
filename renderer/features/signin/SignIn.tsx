// The sign-in screen: address, password, remember; Advanced (host, port, direct TLS, or WebSocket with an
// optional URL; a proxy for TCP); saved accounts; clear
// errors per failure; the certificate prompt for tls-untrusted. While other accounts are signed in it is the
// "add account" form (with Cancel back to the main window): signing in here never touches the others.
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useIntl } from 'react-intl';
import type { CertificateInfo, CommandRequest, SavedAccount } from '../../../shared/contract.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useConnection } from '../../stores/connection.ts';
import { useUi } from '../../stores/ui.ts';
import { applySaved } from '../../stores/sync.ts';
import { useShownAccounts } from '../accounts/use-accounts.ts';
import { CertificateDialog } from './CertificateDialog.tsx';
import { ProxyFields } from './ProxyFields.tsx';
import { buildSignIn, describeSignInError, formFromSaved, NO_PROXY } from './signin-logic.ts';
import type { ErrorText, FormField, SignInForm } from './signin-logic.ts';

const EMPTY: SignInForm = {
  jid: '',
  password: '',
  remember: false,
  host: '',
  port: '',
  directTls: false,
  websocket: false,
  websocketUrl: '',
  ...NO_PROXY,
};

type SignInRequest = CommandRequest<'account.signIn'>;

/** The account the form starts with: the one asked for (Sign in on its card), else the last one used. */
function startAccount(adding: boolean): SavedAccount | null {
  const { saved, lastUsed } = useConnection.getState();
  const wanted = useUi.getState().addAccount?.jid ?? (adding ? null : lastUsed);
  return saved.find((a) => a.jid === wanted) ?? null;
}

const hasAdvanced = (a: SavedAccount): boolean =>
  a.host !== null || a.port !== null || a.directTls || a.transport === 'websocket' || a.proxy !== null;

export function SignIn() {
  const allSaved = useConnection((s) => s.saved);
  const connections = useConnection((s) => s.connections);
  const sessions = useShownAccounts();
  const adding = sessions.length > 0;
  const asked = useUi((s) => s.addAccount);
  const { formatMessage: t } = useIntl();
  // Accounts already signed in are not offered again.
  const saved = allSaved.filter((a) => !sessions.includes(a.jid));
  const [start] = useState(() => startAccount(adding));
  const [form, setForm] = useState<SignInForm>(() =>
    start ? formFromSaved(start) : { ...EMPTY, jid: useUi.getState().addAccount?.jid ?? '' },
  );
  const [advanced, setAdvanced] = useState(() => (start ? hasAdvanced(start) : false));
  // Signing in from an account's card failed: say why here (or ask about the certificate).
  const failure = asked?.failure ?? null;
  const [error, setError] = useState<(ErrorText & { field: FormField | null }) | null>(() =>
    failure && failure.code !== 'tls-untrusted'
      ? { ...describeSignInError(failure, asked?.jid ?? ''), field: null }
      : null,
  );
  const [busy, setBusy] = useState(false);
  const [certPrompt, setCertPrompt] = useState<{
    request: SignInRequest;
    certificate: CertificateInfo;
  } | null>(() => {
    if (failure?.code !== 'tls-untrusted' || !failure.certificate || !start) return null;
    const check = buildSignIn(formFromSaved(start), allSaved);
    return check.ok ? { request: check.request, certificate: failure.certificate } : null;
  });
  // The server takes only PLAIN and its certificate is pinned: the user may allow it for this account.
  const [plainPrompt, setPlainPrompt] = useState<SignInRequest | null>(null);
  const ids = { error: useId(), advanced: useId() };
  // An account with a cached roster leaves the form while it connects (the main window shows that roster):
  // a failure after that brings the form back through the UI store, saying why.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // The saved accounts as of now ('accounts.changed' keeps them current after this); the form takes the last
  // used one if nothing was typed yet.
  useEffect(() => {
    void getBridge()
      .invoke('account.saved', {})
      .then((result) => {
        if (!result.ok) return;
        applySaved(result.value.accounts, result.value.lastUsed);
        if (adding) return;
        const last = result.value.accounts.find((a) => a.jid === result.value.lastUsed);
        if (!last) return;
        setForm((f) => (f.jid === '' ? formFromSaved(last) : f));
        if (hasAdvanced(last)) setAdvanced(true);
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per showing of the form
  }, []);

  const update = <K extends keyof SignInForm>(key: K, value: SignInForm[K]): void => {
    setForm((f) => ({ ...f, [key]: value }));
    if (error?.field === key) setError(null);
  };

  const signIn = async (request: SignInRequest): Promise<void> => {
    setBusy(true);
    setError(null);
    setPlainPrompt(null);
    useConnection.getState().setSignInPending(true);
    // The add-account form this sign-in came from, if any: only that one closes when it succeeds (the
    // session can show before the answer, and the user may have opened Add account again meanwhile).
    const addForm = useUi.getState().addAccount;
    const result = await getBridge().invoke('account.signIn', request);
    useConnection.getState().setSignInPending(false);
    setBusy(false);
    if (result.ok) {
      const { passwordStorage: _storage, passwordWarning, ...state } = result.value;
      useConnection.getState().setConnection(state);
      setForm((f) => ({ ...f, password: '' }));
      if (passwordWarning) useUi.getState().addToast(passwordWarning);
      if (addForm !== null && useUi.getState().addAccount === addForm) useUi.getState().hideAddAccount();
      return;
    }
    if (!mounted.current) {
      useUi.getState().showAddAccount(request.jid, result.error);
      return;
    }
    if (result.error.code === 'tls-untrusted' && result.error.certificate) {
      setCertPrompt({ request, certificate: result.error.certificate });
      return;
    }
    if (result.error.code === 'no-mechanism' && result.error.condition === 'plain-on-pinned-link') {
      setPlainPrompt(request);
    }
    setError({
      ...describeSignInError(result.error, request.jid),
      field: result.error.code === 'not-found' ? 'password' : null,
    });
  };

  const allowPlain = async (request: SignInRequest): Promise<void> => {
    setBusy(true);
    const result = await getBridge().invoke('account.allowPlainPassword', {
      account: request.jid,
      allowed: true,
    });
    setBusy(false);
    if (!result.ok) {
      setPlainPrompt(null);
      setError({ title: t({ id: 'signin.allowPlainFailed' }), detail: result.error.message, field: null });
      return;
    }
    await signIn(request);
  };

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    if (busy) return;
    const check = buildSignIn(form, saved);
    if (!check.ok) {
      setError({ title: check.message, detail: null, field: check.field });
      if (!['jid', 'password'].includes(check.field)) setAdvanced(true);
      document.getElementById(`signin-${check.field}`)?.focus();
      return;
    }
    void signIn(check.request);
  };

  const trust = async (): Promise<void> => {
    if (!certPrompt) return;
    setBusy(true);
    const { request, certificate } = certPrompt;
    const result = await getBridge().invoke('account.trustCertificate', {
      account: request.jid,
      fingerprint256: certificate.fingerprint256,
    });
    setBusy(false);
    setCertPrompt(null);
    if (!result.ok) {
      setError({
        title: t({ id: 'signin.trustFailed' }),
        detail: result.error.message,
        field: null,
      });
      return;
    }
    await signIn(request);
  };

  const forget = async (jid: string): Promise<void> => {
    const result = await getBridge().invoke('account.forget', { account: jid });
    if (!result.ok) {
      setError({
        title: t({ id: 'signin.forgetFailed' }, { jid }),
        detail: result.error.message,
        field: null,
      });
      return;
    }
    const { saved: list, lastUsed: last } = useConnection.getState();
    useConnection.getState().setSaved(
      list.filter((a) => a.jid !== jid),
      last,
    );
  };

  const chooseSaved = (account: SavedAccount): void => {
    const next = formFromSaved(account);
    setForm(next);
    setError(null);
    if (account.passwordSaved) {
      const check = buildSignIn(next, saved);
      if (check.ok) void signIn(check.request);
    } else {
      document.getElementById('signin-password')?.focus();
    }
  };

  const invalid = (field: FormField) =>
    error?.field === field ? { 'aria-invalid': true, 'aria-describedby': ids.error } : {};
  // A session that ended on its own (e.g. replaced by another client) says why, until the user acts.
  const formState = connections.get(form.jid.trim().toLowerCase());
  const connectionError = formState?.status === 'offline' ? formState.error : null;
  const sessionError = !error && !busy && connectionError ? connectionError.message : null;

  return (
    <main className="signin" aria-labelledby="signin-title">
      <form className="signin-card" onSubmit={onSubmit} noValidate aria-busy={busy}>
        <h1 id="signin-title">
          {!adding
            ? t({ id: 'signin.title' })
            : asked?.jid
              ? t({ id: 'signin.title.account' }, { jid: asked.jid })
              : t({ id: 'signin.title.add' })}
        </h1>
        {saved.length > 0 && (
          <section className="saved-accounts" aria-label={t({ id: 'signin.saved' })}>
            <h2>{t({ id: 'signin.saved' })}</h2>
            <ul>
              {saved.map((account) => (
                <li key={account.jid}>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => chooseSaved(account)}
                    disabled={busy}
                  >
                    {account.jid}
                    <span className="hint">
                      {' · '}
                      {account.passwordSaved
                        ? t({ id: 'signin.saved.remembered' })
                        : t({ id: 'signin.saved.enterPassword' })}
                    </span>
                  </button>
                  <button
                    type="button"
                    className="small"
                    onClick={() => void forget(account.jid)}
                    aria-label={t({ id: 'signin.forget.label' }, { jid: account.jid })}
                    disabled={busy}
                  >
                    {t({ id: 'signin.forget' })}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        <label htmlFor="signin-jid">{t({ id: 'signin.address' })}</label>
        <input
          id="signin-jid"
          type="text"
          inputMode="email"
          autoComplete="username"
          spellCheck={false}
          placeholder="name@example.com"
          value={form.jid}
          onChange={(e) => update('jid', e.target.value)}
          {...invalid('jid')}
        />
        <label htmlFor="signin-password">{t({ id: 'signin.password' })}</label>
        <input
          id="signin-password"
          type="password"
          autoComplete="current-password"
          value={form.password}
          placeholder={
            saved.find((a) => a.jid === form.jid.trim().toLowerCase())?.passwordSaved
              ? t({ id: 'signin.password.remembered' })
              : ''
          }
          onChange={(e) => update('password', e.target.value)}
          {...invalid('password')}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={form.remember}
            onChange={(e) => update('remember', e.target.checked)}
          />
          {t({ id: 'signin.remember' })}
        </label>
        <button
          type="button"
          className="disclosure"
          aria-expanded={advanced}
          aria-controls={ids.advanced}
          onClick={() => setAdvanced((a) => !a)}
        >
          {t({ id: 'signin.advanced' })}
        </button>
        <div id={ids.advanced} className="advanced" hidden={!advanced}>
          <label htmlFor="signin-host">{t({ id: 'signin.host' })}</label>
          <input
            id="signin-host"
            type="text"
            spellCheck={false}
            placeholder={t({ id: 'signin.host.placeholder' })}
            value={form.host}
            disabled={form.websocket}
            onChange={(e) => update('host', e.target.value)}
          />
          <label htmlFor="signin-port">{t({ id: 'signin.port' })}</label>
          <input
            id="signin-port"
            type="number"
            min={1}
            max={65535}
            placeholder="5222"
            value={form.port}
            disabled={form.websocket}
            onChange={(e) => update('port', e.target.value)}
            {...invalid('port')}
          />
          <label className="check">
            <input
              type="checkbox"
              checked={form.directTls}
              disabled={form.websocket}
              onChange={(e) => update('directTls', e.target.checked)}
            />
            {t({ id: 'signin.directTls' })}
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.websocket}
              onChange={(e) => update('websocket', e.target.checked)}
            />
            {t({ id: 'signin.websocket' })}
          </label>
          {form.websocket && (
            <>
              <label htmlFor="signin-websocketUrl">{t({ id: 'signin.websocketUrl' })}</label>
              <input
                id="signin-websocketUrl"
                type="url"
                spellCheck={false}
                placeholder={t({ id: 'signin.websocketUrl.placeholder' })}
                value={form.websocketUrl}
                onChange={(e) => update('websocketUrl', e.target.value)}
                {...invalid('websocketUrl')}
              />
            </>
          )}
          <ProxyFields form={form} update={update} invalid={invalid} />
        </div>
        <div id={ids.error} role="alert" className="form-error">
          {error && (
            <>
              <p>{error.title}</p>
              {error.detail && error.detail !== error.title && <p className="detail">{error.detail}</p>}
            </>
          )}
          {sessionError && <p>{sessionError}</p>}
        </div>
        {plainPrompt && (
          <button type="button" disabled={busy} onClick={() => void allowPlain(plainPrompt)}>
            {t({ id: 'signin.allowPlain' }, { jid: plainPrompt.jid })}
          </button>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t({ id: 'signin.submit.busy' }) : t({ id: 'signin.submit' })}
        </button>
        {adding && (
          <button type="button" onClick={() => useUi.getState().hideAddAccount()} disabled={busy}>
            {t({ id: 'dialog.cancel' })}
          </button>
        )}
      </form>
      {certPrompt && (
        <CertificateDialog
          jid={certPrompt.request.jid}
          certificate={certPrompt.certificate}
          busy={busy}
          onTrust={() => void trust()}
          onCancel={() => {
            setCertPrompt(null);
            setError({
              title: t({ id: 'signin.certificate.declined' }),
              detail: null,
              field: null,
            });
          }}
        />
      )}
    </main>
  );
}
