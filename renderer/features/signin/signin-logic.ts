// Sign-in form rules as pure functions: what to send, what the user is told when it fails.
import type {
  CommandRequest,
  EngineErrorPayload,
  ProxySettings,
  SavedAccount,
} from '../../../shared/contract.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { MAX_WEBSOCKET_URL_CHARS } from '../../../shared/limits.ts';
import { bareJid, bareJidProblem, tryParseJid } from '../../../shared/jid.ts';

export interface SignInForm {
  jid: string;
  password: string;
  remember: boolean;
  host: string;
  port: string;
  directTls: boolean;
  /** XMPP over WebSocket (RFC 7395) instead of TCP: host, port and direct TLS are then not used. */
  websocket: boolean;
  /** Optional wss:// URL; empty: the engine asks the domain's host-meta (XEP-0156). */
  websocketUrl: string;
  /** TCP through a proxy (not with WebSocket): its kind, host and port. */
  proxyType: 'none' | ProxySettings['type'];
  proxyHost: string;
  proxyPort: string;
}

export type FormField = 'jid' | 'password' | 'port' | 'websocketUrl' | 'proxyHost' | 'proxyPort';

/** The fields an empty form starts with for a proxy: none. */
export const NO_PROXY = { proxyType: 'none', proxyHost: '', proxyPort: '' } as const;

/** The text of a sign-in message in the current language. */
const say = (message: { id: string }, values?: Record<string, string>): string =>
  currentIntl().formatMessage(message, values);

/** The longest host name DNS allows (RFC 1035), as the contract's proxy schema. */
const MAX_HOST_CHARS = 253;

/** The proxy part of the form: absent for none, the settings, or the field that is wrong and why. */
function proxyOf(form: SignInForm): { proxy?: ProxySettings } | { field: FormField; message: string } {
  if (form.proxyType === 'none') return {};
  const host = form.proxyHost.trim();
  if (host === '' || host.length > MAX_HOST_CHARS || [...host].some((c) => c <= ' ' || c === '/')) {
    return { field: 'proxyHost', message: say({ id: 'signin.error.proxyHost' }) };
  }
  const port = Number(form.proxyPort.trim());
  if (form.proxyPort.trim() === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return { field: 'proxyPort', message: say({ id: 'signin.error.proxyPort' }) };
  }
  return { proxy: { type: form.proxyType, host, port } };
}

export type FormCheck =
  { ok: true; request: CommandRequest<'account.signIn'> } | { ok: false; field: FormField; message: string };

/** The form's own check of a WebSocket address; the engine checks it again (and ws:// needs its switch). */
function isWssUrl(text: string): boolean {
  if (text.length > MAX_WEBSOCKET_URL_CHARS || !URL.canParse(text)) return false;
  const url = new URL(text);
  return url.protocol === 'wss:' && url.hostname !== '' && url.username === '' && url.password === '';
}

/** Validates the form and builds 'account.signIn'. An empty password is allowed when one is remembered. */
export function buildSignIn(form: SignInForm, saved: readonly SavedAccount[]): FormCheck {
  const jidText = form.jid.trim();
  const problem = bareJidProblem(jidText);
  if (problem === 'too-long') return { ok: false, field: 'jid', message: say({ id: 'address.tooLong' }) };
  if (problem !== null || !jidText.includes('@')) {
    return { ok: false, field: 'jid', message: say({ id: 'signin.error.address' }) };
  }
  const jid = bareJid(jidText);
  const account = saved.find((a) => a.jid === jid);
  if (form.password === '' && !account?.passwordSaved) {
    return { ok: false, field: 'password', message: say({ id: 'signin.error.password' }) };
  }
  const password = form.password !== '' ? { password: form.password } : {};
  if (form.websocket) {
    const url = form.websocketUrl.trim();
    if (url !== '' && !isWssUrl(url)) {
      return {
        ok: false,
        field: 'websocketUrl',
        message: say({ id: 'signin.error.websocketUrl' }),
      };
    }
    return {
      ok: true,
      request: {
        jid,
        ...password,
        transport: 'websocket',
        ...(url !== '' ? { websocketUrl: url } : {}),
        remember: form.remember,
      },
    };
  }
  const host = form.host.trim();
  const portText = form.port.trim();
  let port: number | undefined;
  if (portText !== '') {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return { ok: false, field: 'port', message: say({ id: 'signin.error.port' }) };
    }
  }
  const proxy = proxyOf(form);
  if ('field' in proxy) return { ok: false, ...proxy };
  return {
    ok: true,
    request: {
      jid,
      ...password,
      ...(host !== '' ? { host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(form.directTls ? { directTls: true } : {}),
      ...proxy,
      remember: form.remember,
    },
  };
}

/** The form filled from a saved account (connection settings only; passwords never come back). */
export function formFromSaved(account: SavedAccount): SignInForm {
  return {
    jid: account.jid,
    password: '',
    remember: account.passwordSaved,
    host: account.host ?? '',
    port: account.port === null ? '' : String(account.port),
    directTls: account.directTls,
    websocket: account.transport === 'websocket',
    websocketUrl: account.websocketUrl ?? '',
    ...(account.proxy
      ? {
          proxyType: account.proxy.type,
          proxyHost: account.proxy.host,
          proxyPort: String(account.proxy.port),
        }
      : NO_PROXY),
  };
}

export interface ErrorText {
  title: string;
  detail: string | null;
}

/** What the user reads when sign-in fails, per contract error code. */
export function describeSignInError(error: EngineErrorPayload, jid: string): ErrorText {
  const domain = tryParseJid(jid)?.domain ?? jid;
  const detail = error.message || null;
  // The engine's words name the proxy when it is the proxy that failed (proxy-tunnel.ts): not the server's fault.
  const atProxy = /^(The proxy|Could not reach the proxy)/.test(error.message);
  if (atProxy && ['unreachable', 'timeout', 'dns-failed'].includes(error.code)) {
    return { title: say({ id: 'signin.failed.proxy' }), detail };
  }
  switch (error.code) {
    case 'auth-failed':
      // The title says it all; the engine's sentence ("The password is wrong.") would only repeat it.
      if (error.condition === 'not-authorized' || error.condition === null) {
        return { title: say({ id: 'signin.failed.password' }), detail: null };
      }
      // Disabled, expired, a server that could not check, or one we do not know (its words, bounded).
      return { title: say({ id: 'signin.failed' }), detail };
    case 'unknown-account':
      return { title: say({ id: 'signin.failed.unknownAccount' }, { domain, jid }), detail };
    case 'unreachable':
      return {
        title: say({ id: 'signin.failed.unreachable' }, { domain }),
        detail,
      };
    case 'dns-failed':
      return {
        title: say({ id: 'signin.failed.dns' }, { domain }),
        detail,
      };
    case 'timeout':
      return { title: say({ id: 'signin.failed.timeout' }, { domain }), detail };
    case 'tls-untrusted':
      return { title: say({ id: 'signin.failed.untrusted' }), detail };
    case 'tls-failed':
      return { title: say({ id: 'signin.failed.tls' }), detail };
    case 'insecure-refused':
      return { title: say({ id: 'signin.failed.insecure' }), detail };
    case 'not-supported':
      // XEP-0156 discovery found no usable WebSocket address (the engine's message says what it found).
      if (error.condition?.startsWith('host-meta')) {
        return {
          title: say({ id: 'signin.failed.noWebsocket' }, { domain }),
          detail,
        };
      }
      return { title: error.message || say({ id: 'signin.failed' }), detail: null };
    case 'no-mechanism':
      if (error.condition === 'plain-on-pinned-link') {
        return {
          title: say({ id: 'signin.failed.plainOnPinned' }),
          detail: null,
        };
      }
      return { title: say({ id: 'signin.failed.noMechanism' }), detail };
    case 'not-found':
      // No remembered password, or one that may not go to the connection settings asked for: the engine says which.
      return {
        title: error.message || say({ id: 'signin.failed.noPassword' }),
        detail: null,
      };
    case 'already-connected':
      return { title: say({ id: 'signin.failed.alreadyConnected' }), detail };
    case 'conflict':
      return { title: say({ id: 'signin.failed.conflict' }), detail };
    default:
      return { title: error.message || say({ id: 'signin.failed' }), detail: null };
  }
}
