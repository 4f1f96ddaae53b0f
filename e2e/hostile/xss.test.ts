// XSS payloads in every field the UI shows, from a rogue server: contact names and groups, status texts,
// subscription nicks and texts, bodies, subjects, threads, message-request previews and error texts. The
// engine hands each one on as the very text that was sent (entities decoded once, never twice; child
// markup never turned into text markup), cut to the contract's limits, in events that pass the contract's
// schemas. That it is then shown as inert text is the renderer's part (e2e/browser/hostile-text.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { events as eventSchemas, MAX_NAME_CHARS, MAX_STATUS_CHARS } from '../../shared/contract.ts';
import { barrier, rogueClient, rogueServer, watchCrashes } from './kit.ts';

watchCrashes();

const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  '"><svg onload=window.__pwned=1>',
  "javascript:window.__pwned=1//'",
  '&lt;script&gt; stays as typed, never decoded twice',
  '\u202Egnp.exe\u202C',
];
const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xmlAttr = (s: string) => xmlText(s).replace(/'/g, '&apos;').replace(/"/g, '&quot;');

test('every field the UI shows carries the payload as sent, as text, and every event passes the contract', async () => {
  const items = PAYLOADS.map(
    (p, i) =>
      `<item jid='c${i}@rogue.test' name='${xmlAttr(p)}' subscription='both'><group>${xmlText(p)}</group></item>`,
  ).join('');
  const rogue = await rogueServer({ roster: items });
  const client = await rogueClient(rogue);
  const connection = await client.online();
  const to = connection.jid!;
  for (const [i, p] of PAYLOADS.entries()) {
    connection.send(
      `<presence from='c${i}@rogue.test/r' to='${to}'><status>${xmlText(p)}</status></presence>` +
        `<presence from='s${i}@evil.example' to='alice@rogue.test' type='subscribe'>` +
        `<nick xmlns='http://jabber.org/protocol/nick'>${xmlText(p)}</nick><status>${xmlText(p)}</status></presence>` +
        `<message from='c${i}@rogue.test/r' to='${to}' type='chat' id='m${i}'><body>${xmlText(p)}</body>` +
        `<subject>${xmlText(p)}</subject><thread>${xmlText(p)}</thread></message>` +
        `<message from='stranger${i}@evil.example/r' to='${to}' type='chat' id='r${i}'><body>${xmlText(p)}</body></message>`,
    );
  }
  // Markup inside a body is not text of it; a roster push renames a contact with a payload too.
  connection.send(
    `<message from='c0@rogue.test/r' to='${to}' type='chat' id='markup'><body>before <b onclick='x()'>bold</b> after</body></message>` +
      `<iq type='set' id='push'><query xmlns='jabber:iq:roster'><item jid='c1@rogue.test' name='${xmlAttr('x'.repeat(5_000))}' subscription='both'/></query></iq>` +
      `<presence from='c9@rogue.test/long' to='${to}'><status>${'s'.repeat(5_000)}</status></presence>`,
  );
  await barrier(client, connection);
  await client.waitForEvent(
    (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.id === 'markup'),
  );
  await barrier(client, connection);

  const snap = await client.snapshot();
  const messages = client.events.flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages : []));
  for (const [i, p] of PAYLOADS.entries()) {
    const contact = snap.roster.find((c) => c.jid === `c${i}@rogue.test`);
    if (i !== 1) {
      // (c1 is renamed by the push below)
      assert.equal(contact?.name, p, `contact name ${i}`);
      assert.deepEqual(contact?.groups, [p], `group ${i}`);
    }
    const status = snap.presence.find((c) => c.jid === `c${i}@rogue.test`)?.best?.status;
    assert.equal(status, p, `status ${i}`);
    const request = snap.requests.find((r) => r.jid === `s${i}@evil.example`);
    assert.equal(request?.nick, p, `nick ${i}`);
    assert.equal(request?.status, p, `request text ${i}`);
    const message = messages.find((m) => m.id === `m${i}`);
    assert.equal(message?.body, p, `body ${i}`);
    assert.equal(message?.subject, p, `subject ${i}`);
    assert.equal(message?.thread, p, `thread ${i}`);
    const preview = snap.messageRequests?.find((r) => r.jid === `stranger${i}@evil.example`)?.preview;
    assert.equal(preview, p, `message request preview ${i}`);
  }
  const markup = messages.find((m) => m.id === 'markup');
  assert.ok(markup?.body !== null && !markup?.body?.includes('<'), `no markup in "${markup?.body}"`);
  const renamed = snap.roster.find((c) => c.jid === 'c1@rogue.test');
  assert.ok(renamed?.name?.startsWith('xxx'), 'the push renamed the contact');
  assert.ok((renamed?.name?.length ?? 0) <= MAX_NAME_CHARS, `a name of ${renamed?.name?.length} characters`);
  const long = snap.presence
    .find((c) => c.jid === 'c2@rogue.test')
    ?.resources.find((r) => r.resource === 'long');
  assert.ok(
    (long?.status?.length ?? 0) <= MAX_STATUS_CHARS,
    `a status of ${long?.status?.length} characters`,
  );

  for (const event of client.events) {
    const checked = eventSchemas[event.event].safeParse(event.payload);
    assert.ok(checked.success, `${event.event} passes its schema: ${checked.error?.message}`);
  }
});

test('a server error text on a message we sent reaches the UI as text', async () => {
  const rogue = await rogueServer({ roster: "<item jid='bob@rogue.test' subscription='both'/>" });
  const client = await rogueClient(rogue);
  const connection = await client.online();
  const sent = await client.engine.invoke('chat.send', {
    account: client.account,
    to: 'bob@rogue.test',
    body: 'hi',
  });
  assert.ok(sent.ok);
  const out = await connection.waitFor((e) => e.is('message') && e.getChildText('body') === 'hi');
  const text = PAYLOADS[0]!;
  connection.send(
    `<message from='bob@rogue.test' type='error' id='${out.attrs.id}'><error type='cancel'>` +
      `<not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>${xmlText(text)}</text></error></message>`,
  );
  const failed = await client.waitForEvent((e) => e.event === 'chat.failed');
  assert.equal(failed.event, 'chat.failed');
  const message = failed.payload.failures[0]?.error.message ?? '';
  assert.ok(message.includes(text), `the server's text, as text: ${message}`);
  assert.ok(eventSchemas['chat.failed'].safeParse(failed.payload).success);
});
