// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineErrorPayload, SavedAccount } from '../../../shared/contract.ts';
import { ADDRESS_TOO_LONG } from '../../../shared/jid.ts';
import {
  buildSignIn,
  describeSignInError,
  formFromSaved,
  NO_PROXY,
  type SignInForm,
} from './signin-logic.ts';

const form: SignInForm = {
  jid: 'Alice@Example.com',
  password: 'pw',
  remember: true,
  host: '',
  port: '',
  directTls: false,
  websocket: false,
  websocketUrl: '',
  ...NO_PROXY,
};
const saved: SavedAccount = {
  jid: 'bob@example.com',
  host: '127.0.0.1',
  port: 5223,
  directTls: true,
  passwordSaved: true,
  passwordStorage: 'keychain',
  keepSignedIn: false,
  proxy: null,
  pinnedFingerprint256: null,
};

test('buildSignIn normalizes the JID and leaves empty advanced fields out', () => {
  assert.deepEqual(buildSignIn(form, []), {
    ok: true,
    request: { jid: 'alice@example.com', password: 'pw', remember: true },
  });
  assert.deepEqual(buildSignIn({ ...form, host: ' xmpp.example.com ', port: '5222', directTls: true }, []), {
    ok: true,
    request: {
      jid: 'alice@example.com',
      password: 'pw',
      host: 'xmpp.example.com',
      port: 5222,
      directTls: true,
      remember: true,
    },
  });
});

test('buildSignIn rejects bad JIDs, missing passwords and bad ports before sending', () => {
  for (const jid of ['', 'alice', 'alice@', '@example.com', 'alice@example.com/res', 'al ice@example.com']) {
    const r = buildSignIn({ ...form, jid }, []);
    assert.equal(r.ok ? 'ok' : r.field, 'jid', jid);
  }
  const noPw = buildSignIn({ ...form, password: '' }, []);
  assert.equal(noPw.ok ? 'ok' : noPw.field, 'password');
  for (const port of ['0', '70000', '5.5', 'abc']) {
    const r = buildSignIn({ ...form, port }, []);
    assert.equal(r.ok ? 'ok' : r.field, 'port', port);
  }
});

test('an address with a part over 1023 bytes is called too long, not badly formed', () => {
  for (const jid of [`${'a'.repeat(3_000)}@example.com`, `alice@${'b'.repeat(3_000)}`]) {
    const r = buildSignIn({ ...form, jid }, []);
    assert.deepEqual(r.ok ? 'ok' : [r.field, r.message], ['jid', ADDRESS_TOO_LONG]);
  }
  const formatted = buildSignIn({ ...form, jid: 'alice' }, []);
  assert.equal(formatted.ok ? 'ok' : formatted.message, 'Enter your address as name@example.com.');
});

test('a saved account with a remembered password signs in without one', () => {
  const f = formFromSaved(saved);
  assert.deepEqual(f, {
    jid: 'bob@example.com',
    password: '',
    remember: true,
    host: '127.0.0.1',
    port: '5223',
    directTls: true,
    websocket: false,
    websocketUrl: '',
    proxyType: 'none',
    proxyHost: '',
    proxyPort: '',
  });
  assert.deepEqual(buildSignIn(f, [saved]), {
    ok: true,
    request: { jid: 'bob@example.com', host: '127.0.0.1', port: 5223, directTls: true, remember: true },
  });
  const r = buildSignIn(f, [{ ...saved, passwordSaved: false }]);
  assert.equal(r.ok ? 'ok' : r.field, 'password');
});

test('error texts name the problem', () => {
  const err = (code: EngineErrorPayload['code'], message = 'x'): EngineErrorPayload => ({
    code,
    message,
    condition: null,
    certificate: null,
  });
  assert.match(describeSignInError(err('auth-failed'), 'a@b.c').title, /Wrong password/);
  assert.match(describeSignInError(err('unknown-account'), 'a@b.c').title, /no account a@b\.c/);
  for (const code of ['unreachable', 'dns-failed', 'timeout'] as const) {
    assert.match(describeSignInError(err(code), 'a@b.c').title, /b\.c/);
  }
  assert.equal(describeSignInError(err('internal', 'Boom'), 'a@b.c').title, 'Boom');
});

test("a wrong password is one plain sentence; other refusals keep the engine's (bounded) words as detail", () => {
  const refused = (condition: string | null, message: string): EngineErrorPayload => ({
    code: 'auth-failed',
    message,
    condition,
    certificate: null,
  });
  for (const condition of ['not-authorized', null]) {
    assert.deepEqual(describeSignInError(refused(condition, 'The password is wrong.'), 'a@b.c'), {
      title: 'Wrong password. Check it and try again.',
      detail: null,
    });
  }
  const disabled = describeSignInError(
    refused('account-disabled', 'This account has been disabled by the server.'),
    'a@b.c',
  );
  assert.equal(disabled.title, 'Sign-in failed.');
  assert.equal(disabled.detail, 'This account has been disabled by the server.');
  const unknown = describeSignInError(
    refused('aborted', 'Sign-in failed (aborted). The server said: slow down'),
    'a@b.c',
  );
  assert.equal(unknown.detail, 'Sign-in failed (aborted). The server said: slow down');
});

test("a remembered password refused for other connection settings: the form says so, in the engine's words", () => {
  const message =
    'The remembered password is only sent to the server it was saved for. Enter it to sign in with other connection settings.';
  const shown = describeSignInError(
    { code: 'not-found', message, condition: null, certificate: null },
    'a@b.example',
  );
  assert.equal(shown.title, message);
  assert.match(
    describeSignInError({ code: 'not-found', message: '', condition: null, certificate: null }, 'a@b.example')
      .title,
    /No password is remembered/,
  );
});

test('WebSocket: transport and the optional wss:// URL are sent, host, port and direct TLS are not', () => {
  const advanced = { ...form, host: 'xmpp.example.com', port: '5222', directTls: true, websocket: true };
  assert.deepEqual(buildSignIn(advanced, []), {
    ok: true,
    request: { jid: 'alice@example.com', password: 'pw', transport: 'websocket', remember: true },
  });
  assert.deepEqual(buildSignIn({ ...advanced, websocketUrl: ' wss://example.com/xmpp-websocket ' }, []), {
    ok: true,
    request: {
      jid: 'alice@example.com',
      password: 'pw',
      transport: 'websocket',
      websocketUrl: 'wss://example.com/xmpp-websocket',
      remember: true,
    },
  });
  for (const websocketUrl of [
    'https://example.com/ws',
    'ws://example.com/ws',
    'wss://alice:pw@example.com/ws',
    'example.com/ws',
    `wss://example.com/${'x'.repeat(2048)}`,
  ]) {
    const r = buildSignIn({ ...advanced, websocketUrl }, []);
    assert.equal(r.ok ? 'ok' : r.field, 'websocketUrl', websocketUrl);
  }
});

test('a saved WebSocket account fills the form so that the same request (and remembered password) follows', () => {
  const account: SavedAccount = {
    ...saved,
    host: null,
    port: null,
    directTls: false,
    transport: 'websocket',
    websocketUrl: 'wss://example.com/xmpp-websocket',
  };
  const f = formFromSaved(account);
  assert.equal(f.websocket, true);
  assert.equal(f.websocketUrl, 'wss://example.com/xmpp-websocket');
  assert.deepEqual(buildSignIn(f, [account]), {
    ok: true,
    request: {
      jid: 'bob@example.com',
      transport: 'websocket',
      websocketUrl: 'wss://example.com/xmpp-websocket',
      remember: true,
    },
  });
  const discovered = formFromSaved({ ...account, websocketUrl: null });
  assert.deepEqual(buildSignIn(discovered, [account]), {
    ok: true,
    request: { jid: 'bob@example.com', transport: 'websocket', remember: true },
  });
});

test('discovery that found no WebSocket address points at the Advanced field', () => {
  const shown = describeSignInError(
    {
      code: 'not-supported',
      message: 'https://b.example/.well-known/host-meta answered HTTP 404.',
      condition: 'host-meta-missing',
      certificate: null,
    },
    'a@b.example',
  );
  assert.equal(shown.title, 'No WebSocket address was found for b.example. Enter it under Advanced.');
  assert.match(shown.detail ?? '', /HTTP 404/);
});

test('a proxy goes with a TCP sign-in, checked first; none by default; WebSocket ignores it', () => {
  const socks = { ...form, proxyType: 'socks5' as const, proxyHost: ' proxy.lan ', proxyPort: '1080' };
  assert.deepEqual(buildSignIn(socks, []), {
    ok: true,
    request: {
      jid: 'alice@example.com',
      password: 'pw',
      proxy: { type: 'socks5', host: 'proxy.lan', port: 1080 },
      remember: true,
    },
  });
  const http = buildSignIn({ ...socks, proxyType: 'http', proxyHost: '10.0.0.1', proxyPort: '3128' }, []);
  assert.deepEqual(http.ok && http.request.proxy, { type: 'http', host: '10.0.0.1', port: 3128 });
  for (const proxyHost of ['', '   ', 'a b', 'http://proxy', 'x'.repeat(254)]) {
    const r = buildSignIn({ ...socks, proxyHost }, []);
    assert.equal(r.ok ? 'ok' : r.field, 'proxyHost', proxyHost);
  }
  for (const proxyPort of ['', '0', '65536', '80.5', 'eighty']) {
    const r = buildSignIn({ ...socks, proxyPort }, []);
    assert.equal(r.ok ? 'ok' : r.field, 'proxyPort', proxyPort);
  }
  // Host and port typed but the kind left at none: no proxy.
  const none = buildSignIn({ ...socks, proxyType: 'none' }, []);
  assert.equal(none.ok && 'proxy' in none.request, false);
  const overWebSocket = buildSignIn({ ...socks, proxyPort: 'eighty', websocket: true }, []);
  assert.equal(overWebSocket.ok && 'proxy' in overWebSocket.request, false);
});

test('a saved account fills the proxy fields, and the same request follows', () => {
  const account: SavedAccount = { ...saved, proxy: { type: 'http', host: 'proxy.lan', port: 8080 } };
  const f = formFromSaved(account);
  assert.deepEqual([f.proxyType, f.proxyHost, f.proxyPort], ['http', 'proxy.lan', '8080']);
  const again = buildSignIn(f, [account]);
  assert.deepEqual(again.ok && again.request.proxy, account.proxy);
});

test('a failure at the proxy points at the proxy, not the server', () => {
  const at = (message: string, code: EngineErrorPayload['code'] = 'unreachable'): EngineErrorPayload => ({
    code,
    message,
    condition: null,
    certificate: null,
  });
  for (const [message, code] of [
    ['Could not reach the proxy at 127.0.0.1:1080 (ECONNREFUSED).', 'unreachable'],
    ['The proxy at 127.0.0.1:1080 refused: host unreachable (for xmpp.example.com:5222).', 'unreachable'],
    ['The proxy at 127.0.0.1:1080 did not open the connection in time.', 'timeout'],
    ['The proxy proxy.lan could not be found (DNS).', 'dns-failed'],
  ] as const) {
    const shown = describeSignInError(at(message, code), 'a@example.com');
    assert.equal(shown.title, 'Could not connect through the proxy. Check the proxy under Advanced.');
    assert.equal(shown.detail, message);
  }
  assert.match(
    describeSignInError(at('Could not reach the server at x:5222 (ECONNREFUSED).'), 'a@b.c').title,
    /server for b\.c/,
  );
});
