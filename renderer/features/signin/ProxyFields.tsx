// The sign-in form's proxy fields (under Advanced): the kind (none, SOCKS5, HTTP CONNECT), then its host and
// port. Only for TCP: a WebSocket sign-in has none, so they are disabled with it.
import { useIntl } from 'react-intl';
import type { FormField, SignInForm } from './signin-logic.ts';

interface ProxyFieldsProps {
  form: SignInForm;
  update: <K extends keyof SignInForm>(key: K, value: SignInForm[K]) => void;
  /** aria-invalid / aria-describedby for the field the last check refused. */
  invalid: (field: FormField) => object;
}

export function ProxyFields({ form, update, invalid }: ProxyFieldsProps) {
  const off = form.websocket;
  const { formatMessage: t } = useIntl();
  return (
    <>
      <label htmlFor="signin-proxyType">{t({ id: 'signin.proxy' })}</label>
      <select
        id="signin-proxyType"
        value={form.proxyType}
        disabled={off}
        onChange={(e) => update('proxyType', e.target.value as SignInForm['proxyType'])}
      >
        <option value="none">{t({ id: 'signin.proxy.none' })}</option>
        <option value="socks5">SOCKS5</option>
        <option value="http">HTTP (CONNECT)</option>
      </select>
      {form.proxyType !== 'none' && (
        <>
          <label htmlFor="signin-proxyHost">{t({ id: 'signin.proxy.host' })}</label>
          <input
            id="signin-proxyHost"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="proxy.example.com"
            value={form.proxyHost}
            disabled={off}
            onChange={(e) => update('proxyHost', e.target.value)}
            {...invalid('proxyHost')}
          />
          <label htmlFor="signin-proxyPort">{t({ id: 'signin.proxy.port' })}</label>
          <input
            id="signin-proxyPort"
            type="number"
            min={1}
            max={65535}
            value={form.proxyPort}
            disabled={off}
            onChange={(e) => update('proxyPort', e.target.value)}
            {...invalid('proxyPort')}
          />
        </>
      )}
    </>
  );
}
