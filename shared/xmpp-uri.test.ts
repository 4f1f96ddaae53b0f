import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_URI_CHARS, MAX_URI_PARAMS, parseXmppUri, type XmppUri } from './xmpp-uri.ts';

function parsed(text: string): XmppUri {
  const result = parseXmppUri(text);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.error}`);
  return result.uri;
}

function refused(text: string): string {
  const result = parseXmppUri(text);
  assert.equal(result.ok, false, `${text.slice(0, 80)} was accepted`);
  return result.ok ? '' : result.error;
}

test('RFC 5122 examples: a bare address, a full one, a domain, the authority form', () => {
  assert.deepEqual(parsed('xmpp:node@example.com'), {
    account: null,
    jid: 'node@example.com',
    action: 'message',
    params: {},
  });
  assert.equal(parsed('xmpp:node@example.com/resource').jid, 'node@example.com/resource');
  assert.equal(parsed('xmpp:example.com').jid, 'example.com');
  const withAccount = parsed('xmpp://guest@example.com/support@example.com?message');
  assert.equal(withAccount.account, 'guest@example.com');
  assert.equal(withAccount.jid, 'support@example.com');
  assert.equal(withAccount.action, 'message');
  // The scheme is case-insensitive; the address is normalised (RFC 7622).
  assert.equal(parsed('XMPP:Juliet@Example.COM/Balcony').jid, 'juliet@example.com/Balcony');
});

test('RFC 5122 percent-encoding and IRI characters: decoded per part, UTF-8', () => {
  // RFC 5122 §2.8.1: node 'nasty!#$%()*+,-.;=?[\]^_`{|}~node' would not be a JID (its '#' etc. aside, the
  // decoded node must pass RFC 7622); these are the example's valid cousins.
  assert.equal(
    parsed(
      "xmpp:node@example.com/repulsive%20!%23%22$%25&'()*+,-.%2F:;%3C=%3E%3F%40%5B%5C%5D%5E_%60%7B%7C%7D~resource",
    ).jid,
    'node@example.com/repulsive !#"$%&\'()*+,-./:;<=>?@[\\]^_`{|}~resource',
  );
  assert.equal(parsed('xmpp:ji%C5%99i@%C4%8Dechy.example/v%20Praze').jid, 'jiři@čechy.example/v Praze');
  // The same address written as an IRI (raw non-ASCII).
  assert.equal(parsed('xmpp:jiři@čechy.example/v%20Praze').jid, 'jiři@čechy.example/v Praze');
  assert.equal(parsed('xmpp:%E5%8C%97@example.cn').jid, '北@example.cn');
  assert.equal(parsed('xmpp:😀@example.com').jid, '😀@example.com');
});

test('XEP-0147 message: body, subject, thread and type decoded; other keys dropped', () => {
  const uri = parsed(
    'xmpp:romeo@montague.net?message;subject=Test%20Message;body=Here%27s%20a%20test%20message;thread=t1;type=chat;evil=1',
  );
  assert.equal(uri.action, 'message');
  assert.deepEqual(uri.params, {
    subject: 'Test Message',
    body: "Here's a test message",
    thread: 't1',
    type: 'chat',
  });
  assert.equal(parsed('xmpp:a@b.example?message;body=line%0Anext%09tab').params.body, 'line\nnext\ttab');
  assert.equal(parsed('xmpp:a@b.example?message;body=%F0%9F%98%80').params.body, '😀');
  assert.equal(parsed('xmpp:a@b.example?message;body=').params.body, '');
});

test('XEP-0147 roster, subscribe, join, invite, remove, unsubscribe', () => {
  const roster = parsed('xmpp:romeo@montague.net?roster;name=Romeo%20Montague;group=Friends');
  assert.equal(roster.action, 'roster');
  assert.deepEqual(roster.params, { name: 'Romeo Montague', group: 'Friends' });
  const subscribe = parsed('xmpp:someone@example.com?subscribe;name=Sam');
  assert.deepEqual([subscribe.action, subscribe.params], ['subscribe', { name: 'Sam' }]);
  const join = parsed('xmpp:darkcave@chat.shakespeare.lit?join;password=cauldronburn');
  assert.deepEqual([join.action, join.params], ['join', { password: 'cauldronburn' }]);
  const invite = parsed('xmpp:darkcave@chat.shakespeare.lit?invite;jid=Hecate@Shakespeare.lit');
  assert.deepEqual([invite.action, invite.params], ['invite', { jid: 'hecate@shakespeare.lit' }]);
  assert.equal(parsed('xmpp:romeo@montague.net?remove').action, 'remove');
  assert.equal(parsed('xmpp:romeo@montague.net?unsubscribe').action, 'unsubscribe');
  // A key from another action does nothing here.
  assert.deepEqual(parsed('xmpp:romeo@montague.net?remove;body=x').params, {});
  // Actions are matched without case.
  assert.equal(parsed('xmpp:romeo@montague.net?JOIN').action, 'join');
});

test('an unknown action, an empty one or none only opens the chat, with nothing of it kept', () => {
  for (const text of [
    'xmpp:romeo@montague.net',
    'xmpp:romeo@montague.net?',
    'xmpp:romeo@montague.net?command;node=reboot',
    'xmpp:romeo@montague.net?register;password=x',
    'xmpp:romeo@montague.net?;body=hi',
    'xmpp:romeo@montague.net?__proto__;body=hi',
  ]) {
    const uri = parsed(text);
    assert.equal(uri.action, 'message', text);
    assert.deepEqual(uri.params, {}, text);
  }
});

test('duplicate keys: the first wins; empty pairs and bare keys are skipped', () => {
  assert.deepEqual(parsed('xmpp:a@b.example?message;body=first;body=second').params, { body: 'first' });
  assert.deepEqual(parsed('xmpp:a@b.example?message;;;body=x;;;').params, { body: 'x' });
  assert.deepEqual(parsed('xmpp:a@b.example?message;body;subject=s;=v').params, { subject: 's' });
  // '=' after the first belongs to the value; a second '?' is part of the query text.
  assert.deepEqual(parsed('xmpp:a@b.example?message;body=a=b?c').params, { body: 'a=b?c' });
  // A fragment is dropped.
  assert.deepEqual(parsed('xmpp:a@b.example?message;body=x#frag').params, { body: 'x' });
  // A prototype-looking key is just an unknown key.
  const params = parsed('xmpp:a@b.example?message;__proto__=x;constructor=y').params;
  assert.deepEqual(Object.keys(params), []);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('bad addresses are refused with a reason', () => {
  assert.match(refused('xmpp:'), /names no address/);
  assert.match(refused('xmpp:?join'), /names no address/);
  assert.match(
    refused('xmpp:@example.com'),
    /address in the link is not valid \(the username part is empty\)/,
  );
  assert.match(refused('xmpp:a@b..example'), /not valid/);
  assert.match(refused('xmpp:a%40b@example.com'), /username part contains '@'/);
  assert.match(refused('xmpp:a@example.com%2Fx'), /domain contains '\/'/);
  assert.match(refused('xmpp:a%00b@example.com'), /not valid/);
  assert.match(refused('xmpp://example.com/b@example.com'), /account in the link has no user name/);
  assert.match(refused('xmpp://guest@example.com'), /names no address/);
  assert.match(refused('xmpp://guest@/b@example.com'), /account in the link is not valid/);
  assert.match(refused('xmpp:room@conf.example?invite;jid=not@an@address/'), /address to invite/);
  assert.match(refused('mailto:a@example.com'), /not an xmpp: link/);
  assert.match(refused('xmppx:a@example.com'), /not an xmpp: link/);
  assert.match(refused(''), /empty/);
});

test('hostile text: broken escapes, controls, bidi, spaces and lone surrogates are refused', () => {
  assert.match(refused('xmpp:a@b.example?message;body=%FF'), /%-escape/);
  assert.match(refused('xmpp:a@b.example?message;body=%C0%80'), /%-escape/); // overlong NUL
  assert.match(refused('xmpp:a@b.example?message;body=%ED%A0%80'), /%-escape/); // encoded surrogate
  assert.match(refused('xmpp:a@b.example?message;body=%'), /%-escape/);
  assert.match(refused('xmpp:a@b.example?message;body=%G1'), /%-escape/);
  assert.match(refused('xmpp:a%ZZ@b.example'), /%-escape/);
  assert.match(refused('xmpp:a@b.example?message;body=%00'), /control character/);
  assert.match(refused('xmpp:a@b.example?message;body=%1B%5B31m'), /control character/);
  assert.match(refused('xmpp:a@b.example?message;body=a b'), /space or a control/);
  assert.match(refused('xmpp:a@b.example\n?message'), /space or a control/);
  assert.match(refused('xmpp:a@b.example\u0085'), /space or a control/);
  assert.match(refused('xmpp:a\u202Eb@b.example'), /text-direction/);
  assert.match(refused('xmpp:a@b.example?message;body=\uD800'), /invalid character/);
  assert.match(refused('xmpp:a@b.example?message;body=\uDC00x'), /invalid character/);
  assert.match(refused('xmpp:a@b.example?message;body=<script>'), /may not hold \(<\)/);
  assert.match(refused('xmpp:a@b.example?message;body="x"'), /may not hold/);
  // What a %-escape decodes to is checked too: bidi controls and C1 controls in every part and value.
  const rlo = '%E2%80%AE';
  for (const link of [
    `xmpp:${rlo}moc.elpmaxe@evil.com`,
    `xmpp:a@${rlo}evil.com`,
    `xmpp:a@b.example/${rlo}res`,
    `xmpp://me${rlo}@b.example/a@b.example`,
    `xmpp:room@conf.example?invite;jid=${rlo}moc.elpmaxe@evil.com`,
    `xmpp:a@b.example?roster;name=${rlo}Bank`,
    `xmpp:a@b.example?roster;group=${rlo}Friends`,
    `xmpp:a@b.example?message;body=${rlo}txt.exe`,
    'xmpp:a@b.example?message;body=%E2%81%A6x', // U+2066 LRI
    'xmpp:a@b.example?message;body=%E2%80%8Fx', // U+200F RLM
  ])
    assert.match(refused(link), /text-direction/, link);
  for (const link of [
    'xmpp:a@b.example?message;body=%C2%9B31m', // C1 CSI U+009B
    'xmpp:a@b.example?message;subject=%C2%85', // NEL
    'xmpp:a@b.example?message;body=%7F',
    'xmpp:a%C2%9B@b.example',
    'xmpp:a@b.example/r%0Ax',
    'xmpp:a%09b@b.example',
  ])
    assert.match(refused(link), /control character/, link);
  // Text a value may hold stays: tabs and line breaks in a body, other scripts, '%20'.
  assert.equal(parsed('xmpp:a@b.example?message;body=one%0D%0Atwo%09three').params.body, 'one\r\ntwo\tthree');
  assert.equal(parsed('xmpp:a@b.example?message;body=%D7%A9%D7%9C%D7%95%D7%9D%20x').params.body, 'שלום x');
});

test('length and count limits', () => {
  const long = `xmpp:a@b.example?message;body=${'x'.repeat(MAX_URI_CHARS)}`;
  assert.match(refused(long), /too long/);
  const justFits = `xmpp:a@b.example?message;body=`;
  const body = 'y'.repeat(MAX_URI_CHARS - justFits.length);
  assert.equal(parsed(justFits + body).params.body, body);
  const many = `xmpp:a@b.example?message${';subject=s'.repeat(MAX_URI_PARAMS + 1)}`;
  assert.match(refused(many), /too many parameters/);
  const enough = `xmpp:a@b.example?message${';subject=s'.repeat(MAX_URI_PARAMS)}`;
  assert.equal(parsed(enough).params.subject, 's');
  // Empty pairs count too: ';;;' cannot smuggle in thousands of segments.
  assert.match(refused(`xmpp:a@b.example?message${';'.repeat(1000)}`), /too many parameters/);
});

test('the worst inputs at the length limit get an answer (linear scans, no backtracking)', () => {
  assert.match(refused(`xmpp:${'%'.repeat(MAX_URI_CHARS - 5)}`), /%-escape/);
  assert.match(refused(`xmpp:a@b.example?${';'.repeat(MAX_URI_CHARS - 18)}`), /too many parameters/);
  assert.equal(
    parsed(`xmpp:a@b.example?message;body=${'%E2%82%AC'.repeat(900)}`).params.body,
    '€'.repeat(900),
  );
  assert.match(refused(`xmpp:${'a@'.repeat(4000)}b`), /not valid/);
  assert.match(refused(`xmpp:a@b.example/${'/'.repeat(MAX_URI_CHARS - 18)}`), /resource part is too long/);
  assert.equal(parsed(`xmpp:a@b.example/${'/'.repeat(1000)}`).jid.length, 1000 + 'a@b.example/'.length);
  assert.equal(parsed(`xmpp:a@b.example?${'?'.repeat(MAX_URI_CHARS - 18)}`).action, 'message');
  assert.match(refused(`xmpp:${'//'.repeat(4000)}`), /no user name/);
});

test('never throws on anything a caller may pass', () => {
  for (const value of [undefined, null, 42, {}, []] as unknown[]) {
    assert.equal(parseXmppUri(value as string).ok, false);
  }
});
