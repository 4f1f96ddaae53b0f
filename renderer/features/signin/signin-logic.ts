// Sign-in form rules as pure functions: what to send, what the user is told when it fails.
import type {
  CommandRequest,
  EngineErrorPayload,
  ProxySettings,
  SavedAccount,
} from '../../../shared/contract.ts';
import { MAX_WEBSOCKET_URL_CHARS } from '../../../shared/limits.ts';
import { ADDRESS_TOO_LONG, bareJid, bareJidProblem, tryParseJid } from '../../../shared/jid.ts';

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

/** The longest host name DNS allows (RFC 1035), as the contract's proxy schema. */
const MAX_HOST_CHARS = 253;

/** The proxy part of the form: absent for none, the settings, or the field that is wrong and why. */
function proxyOf(form: SignInForm): { proxy?: ProxySettings } | { field: FormField; message: string } {
  if (form.proxyType === 'none') return {};
  const host = form.proxyHost.trim();
  if (host === '' || host.length > MAX_HOST_CHARS || [...host].some((c) => c <= ' ' || c === '/')) {
    return { field: 'proxyHost', message: 'Enter the proxy’s host name or IP address.' };
  }
  const port = Number(form.proxyPort.trim());
  if (form.proxyPort.trim() === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return { field: 'proxyPort', message: 'The proxy port is a number from 1 to 65535.' };
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
  if (problem === 'too-long') return { ok: false, field: 'jid', message: ADDRESS_TOO_LONG };
  if (problem !== null || !jidText.includes('@')) {
    return { ok: false, field: 'jid', message: 'Enter your address as name@example.com.' };
  }
  const jid = bareJid(jidText);
  const account = saved.find((a) => a.jid === jid);
  if (form.password === '' && !account?.passwordSaved) {
    return { ok: false, field: 'password', message: 'Enter your password.' };
  }
  const password = form.password !== '' ? { password: form.password } : {};
  if (form.websocket) {
    const url = form.websocketUrl.trim();
    if (url !== '' && !isWssUrl(url)) {
      return {
        ok: false,
        field: 'websocketUrl',
        message: 'The WebSocket address is a wss:// URL, such as wss://example.com/xmpp-websocket.',
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
      return { ok: false, field: 'port', message: 'The port is a number from 1 to 65535.' };
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
    return { title: 'Could not connect through the proxy. Check the proxy under Advanced.', detail };
  }
  switch (error.code) {
    case 'auth-failed':
      // The title says it all; the engine's sentence ("The password is wrong.") would only repeat it.
      if (error.condition === 'not-authorized' || error.condition === null) {
        return { title: 'Wrong password. Check it and try again.', detail: null };
      }
      // Disabled, expired, a server that could not check, or one we do not know (its words, bounded).
      return { title: 'Sign-in failed.', detail };
    case 'unknown-account':
      return { title: `The server ${domain} has no account ${jid}.`, detail };
    case 'unreachable':
      return {
        title: `Could not reach the server for ${domain}. Check the address, your network, or the host and port under Advanced.`,
        detail,
      };
    case 'dns-failed':
      return {
        title: `The domain ${domain} could not be found. Check the address or set a host under Advanced.`,
        detail,
      };
    case 'timeout':
      return { title: `The server for ${domain} did not answer in time. Try again later.`, detail };
    case 'tls-untrusted':
      return { title: 'The server’s certificate is not trusted.', detail };
    case 'tls-failed':
      return { title: 'A secure connection to the server could not be set up.', detail };
    case 'insecure-refused':
      return { title: 'Parley will not sign in over an unencrypted connection.', detail };
    case 'not-supported':
      // XEP-0156 discovery found no usable WebSocket address (the engine's message says what it found).
      if (error.condition?.startsWith('host-meta')) {
        return {
          title: `No WebSocket address was found for ${domain}. Enter it under Advanced.`,
          detail,
        };
      }
      return { title: error.message || 'Sign-in failed.', detail: null };
    case 'no-mechanism':
      if (error.condition === 'plain-on-pinned-link') {
        return {
          title:
            'This server only takes a plain-text password, and its certificate is one you trusted yourself: ' +
            'whoever holds that certificate would read your password. Parley did not send it.',
          detail: null,
        };
      }
      return { title: 'The server offers no sign-in method Parley can use safely.', detail };
    case 'not-found':
      // No remembered password, or one that may not go to the connection settings asked for: the engine says which.
      return {
        title: error.message || 'No password is remembered for this account. Enter your password.',
        detail: null,
      };
    case 'already-connected':
      return { title: 'Already signed in.', detail };
    case 'conflict':
      return { title: 'Another session took over this account.', detail };
    default:
      return { title: error.message || 'Sign-in failed.', detail: null };
  }
}
