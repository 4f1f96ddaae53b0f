// One account's proxy (Settings › Network): none, SOCKS5 or HTTP CONNECT, with host and port; saved with
// account.setProxy for its next connection. The engine's refusal (a WebSocket account) shows beside it.
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useIntl } from 'react-intl';
import type { SavedAccount } from '../../../shared/account-commands.ts';
import { Refusal } from './PreferenceControls.tsx';
import { setProxy } from './settings-actions.ts';
import { proxyOf, type ProxyKind as Kind } from './settings-logic.ts';

export function ProxyForm({ account }: { account: SavedAccount }) {
  const { formatMessage: t } = useIntl();
  const [kind, setKind] = useState<Kind>(account.proxy?.type ?? 'none');
  const [host, setHost] = useState(account.proxy?.host ?? '');
  const [port, setPort] = useState(account.proxy ? String(account.proxy.port) : '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const ids = { kind: useId(), host: useId(), port: useId(), error: useId() };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setSaved(false);
    const proxy = proxyOf(kind, host, port);
    if (typeof proxy === 'string') {
      setError(proxy);
      return;
    }
    const refused = await setProxy(account.jid, proxy);
    setError(refused);
    setSaved(refused === null);
  };
  const describedBy = error ? ids.error : undefined;
  return (
    <form
      className="settings-proxy"
      aria-label={t({ id: 'settings.proxy.label' }, { account: account.jid })}
      onSubmit={(e) => void submit(e)}
    >
      <strong>{account.jid}</strong>
      <div className="settings-proxy-fields">
        <label htmlFor={ids.kind}>{t({ id: 'settings.proxy.kind' })}</label>
        <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="none">{t({ id: 'settings.proxy.none' })}</option>
          <option value="socks5">SOCKS5</option>
          <option value="http">HTTP CONNECT</option>
        </select>
        <label htmlFor={ids.host}>{t({ id: 'settings.proxy.host' })}</label>
        <input
          id={ids.host}
          type="text"
          value={host}
          disabled={kind === 'none'}
          aria-describedby={describedBy}
          onChange={(e) => setHost(e.target.value)}
        />
        <label htmlFor={ids.port}>{t({ id: 'settings.proxy.port' })}</label>
        <input
          id={ids.port}
          type="text"
          inputMode="numeric"
          className="settings-port"
          value={port}
          disabled={kind === 'none'}
          aria-describedby={describedBy}
          onChange={(e) => setPort(e.target.value)}
        />
        <button type="submit" className="small">
          {t({ id: 'dialog.save' })}
        </button>
      </div>
      <div role="status" className="hint">
        {saved ? t({ id: 'settings.proxy.saved' }) : ''}
      </div>
      <Refusal id={ids.error} error={error} />
    </form>
  );
}
