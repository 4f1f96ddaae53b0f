// XEP-0280 carbons: hostile wrappers refused by unwrapCarbon (unit), and against a real Prosody two
// resources of one account seeing each other's conversation, while a contact's forged carbon is refused.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { enableCarbonsIq, looksLikeCarbon, unwrapCarbon } from './carbons.ts';
import { NS_CARBONS, NS_HINTS } from '../xmpp/ns.ts';

/** XEP-0280 §6: the sender asked that this message not be copied to other devices. */
function isPrivate(message: Element): boolean {
  return Boolean(message.getChild('private', NS_CARBONS));
}

/** Marks a message as not to be carbon-copied: <private/> plus the XEP-0334 <no-copy/> hint. */
function markPrivate(message: Element): Element {
  if (!isPrivate(message)) message.append(xml('private', { xmlns: NS_CARBONS }));
  if (!message.getChild('no-copy', NS_HINTS)) message.append(xml('no-copy', { xmlns: NS_HINTS }));
  return message;
}
import type { XmppSession } from '../xmpp/session.ts';
import { useServerScenario, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { openRawSession } from '../../../e2e/harness/raw-session.ts';

const ME = 'alice@example.org';

function carbon(
  direction: 'sent' | 'received',
  inner: { from?: string; to?: string; type?: string; body?: string; extra?: Element[] },
  outerFrom: string | null = ME,
): Element {
  return xml(
    'message',
    { from: outerFrom ?? undefined, to: `${ME}/laptop`, type: 'chat' },
    xml(
      direction,
      { xmlns: 'urn:xmpp:carbons:2' },
      xml(
        'forwarded',
        { xmlns: 'urn:xmpp:forward:0' },
        xml(
          'message',
          { xmlns: 'jabber:client', from: inner.from, to: inner.to, type: inner.type ?? 'chat', id: 'm1' },
          xml('body', {}, inner.body ?? 'hi'),
          ...(inner.extra ?? []),
        ),
      ),
    ),
  );
}

describe('unwrapCarbon (unit)', () => {
  test('a received carbon from our bare JID unwraps to the forwarded message', () => {
    const got = unwrapCarbon(carbon('received', { from: 'bob@example.net/phone', to: `${ME}/desk` }), ME);
    assert.equal(got?.direction, 'received');
    assert.equal(got?.message.attrs.from, 'bob@example.net/phone');
    assert.equal(got?.message.getChildText('body'), 'hi');
  });

  test('a sent carbon from our bare JID unwraps when the inner sender is one of our resources', () => {
    const got = unwrapCarbon(carbon('sent', { from: `${ME}/desk`, to: 'bob@example.net' }), ME);
    assert.equal(got?.direction, 'sent');
    assert.equal(got?.message.attrs.to, 'bob@example.net');
  });

  test('JIDs are compared normalized (case of the account and domain)', () => {
    const stanza = carbon(
      'received',
      { from: 'bob@example.net', to: 'Alice@Example.org/desk' },
      'ALICE@example.ORG',
    );
    assert.equal(unwrapCarbon(stanza, ME)?.direction, 'received');
  });

  test('a carbon whose wrapper comes from anyone but our bare JID is refused', () => {
    const inner = { from: `${ME}/desk`, to: 'bob@example.net' };
    assert.equal(unwrapCarbon(carbon('sent', inner, 'mallory@example.net'), ME), null);
    assert.equal(unwrapCarbon(carbon('sent', inner, 'mallory@example.net/x'), ME), null);
    assert.equal(unwrapCarbon(carbon('sent', inner, 'example.org'), ME), null, 'our server domain');
    assert.equal(
      unwrapCarbon(carbon('sent', inner, `${ME}/desk`), ME),
      null,
      'our full JID (§11: the bare JID)',
    );
    assert.equal(unwrapCarbon(carbon('sent', inner, null), ME), null, 'no from at all');
    assert.equal(unwrapCarbon(carbon('sent', inner, 'not a jid@@'), ME), null);
  });

  test("a 'sent' carbon whose inner sender is someone else is refused (words put in our mouth)", () => {
    assert.equal(
      unwrapCarbon(carbon('sent', { from: 'bob@example.net/x', to: 'carol@example.net' }), ME),
      null,
    );
    assert.equal(unwrapCarbon(carbon('sent', { to: 'bob@example.net' }), ME), null, 'no inner from');
    assert.equal(unwrapCarbon(carbon('sent', { from: `${ME}/desk` }), ME), null, 'no inner to');
  });

  test("a 'received' carbon not addressed to us, or without a sender, is refused", () => {
    assert.equal(
      unwrapCarbon(carbon('received', { from: 'bob@example.net', to: 'carol@example.net' }), ME),
      null,
    );
    assert.equal(unwrapCarbon(carbon('received', { to: `${ME}/desk` }), ME), null);
    assert.equal(unwrapCarbon(carbon('received', { from: 'bob@example.net', to: '@@' }), ME), null);
  });

  test('nested carbons, error messages and malformed wrappers are refused', () => {
    const nested = carbon('received', {
      from: 'bob@example.net',
      to: ME,
      extra: [carbon('sent', { from: `${ME}/desk`, to: 'carol@example.net' }).getChildElements()[0]!],
    });
    assert.equal(unwrapCarbon(nested, ME), null, 'carbon inside a carbon');
    assert.equal(
      unwrapCarbon(carbon('received', { from: 'bob@example.net', to: ME, type: 'error' }), ME),
      null,
    );
    const noForwarded = xml('message', { from: ME }, xml('received', { xmlns: 'urn:xmpp:carbons:2' }));
    assert.equal(unwrapCarbon(noForwarded, ME), null, 'missing <forwarded/>');
    const emptyForwarded = xml(
      'message',
      { from: ME },
      xml('sent', { xmlns: 'urn:xmpp:carbons:2' }, xml('forwarded', { xmlns: 'urn:xmpp:forward:0' })),
    );
    assert.equal(unwrapCarbon(emptyForwarded, ME), null, 'no inner message');
    const two = carbon('sent', { from: `${ME}/desk`, to: 'bob@example.net' });
    two
      .getChildElements()[0]!
      .getChildElements()[0]!
      .append(xml('message', { from: `${ME}/desk`, to: 'x@y' }));
    assert.equal(unwrapCarbon(two, ME), null, 'two inner messages');
    const both = carbon('sent', { from: `${ME}/desk`, to: 'bob@example.net' });
    both.append(carbon('received', { from: 'bob@example.net', to: ME }).getChildElements()[0]!);
    assert.equal(unwrapCarbon(both, ME), null, 'both <sent/> and <received/>');
    const wrongNs = xml(
      'message',
      { from: ME },
      xml(
        'sent',
        { xmlns: 'urn:xmpp:carbons:1' },
        carbon('sent', { from: ME, to: 'b@c' }).getChildElements()[0]!.getChildElements()[0]!,
      ),
    );
    assert.equal(unwrapCarbon(wrongNs, ME), null, 'old namespace');
    const notMessage = carbon('sent', { from: `${ME}/desk`, to: 'bob@example.net' });
    notMessage.name = 'iq';
    assert.equal(unwrapCarbon(notMessage, ME), null);
    assert.equal(unwrapCarbon(carbon('sent', { from: `${ME}/desk`, to: 'b@c' }), 'not a jid@@'), null);
  });

  test('looksLikeCarbon, isPrivate, markPrivate and the enable payload', () => {
    assert.equal(looksLikeCarbon(carbon('sent', { from: ME, to: 'b@c' })), true);
    assert.equal(looksLikeCarbon(xml('message', {}, xml('body', {}, 'x'))), false);
    const m = xml('message', { to: 'bob@example.net' }, xml('body', {}, 'secret'));
    assert.equal(isPrivate(m), false);
    markPrivate(markPrivate(m));
    assert.equal(isPrivate(m), true);
    assert.equal(m.getChildren('private', 'urn:xmpp:carbons:2').length, 1);
    assert.equal(m.getChildren('no-copy', 'urn:xmpp:hints').length, 1);
    assert.equal(enableCarbonsIq().toString(), '<enable xmlns="urn:xmpp:carbons:2"/>');
  });
});

describe(`carbons against ${serverKind()}`, () => {
  const scenario = useServerScenario();
  const sessions: XmppSession[] = [];
  after(async () => {
    for (const s of sessions) await s.close();
  });

  async function twoResources(acc: ScenarioAccount) {
    const a = await openRawSession(scenario.server, acc, 'a');
    const b = await openRawSession(scenario.server, acc, 'b');
    sessions.push(a.session, b.session);
    for (const s of [a, b]) {
      await s.session.send(xml('presence'));
      await s.iq.request('set', null, enableCarbonsIq());
    }
    return { a, b };
  }

  test('resource B sees what resource A receives and sends; private messages are not copied', async () => {
    const alice = await scenario.account('alice');
    const bob = await scenario.peer('bob', { resource: 'desk' });
    const { a, b } = await twoResources(alice);
    const carbonOf = (direction: 'sent' | 'received', body: string) => (s: Element) => {
      const c = unwrapCarbon(s, alice.jid);
      return c?.direction === direction && c.message.getChildText('body') === body;
    };

    // A contact writes to A's full JID: A gets the message, B a 'received' carbon of it.
    await bob.sendMessage(`${alice.jid}/a`, 'hello A');
    const direct = await a.waitFor((s) => s.is('message') && s.getChildText('body') === 'hello A');
    assert.equal(unwrapCarbon(direct, alice.jid), null, 'the original is not a carbon');
    const received = unwrapCarbon(await b.waitFor(carbonOf('received', 'hello A')), alice.jid)!;
    assert.equal(received.message.attrs.from, `${bob.jid}/desk`);
    assert.equal(received.message.attrs.to, `${alice.jid}/a`);

    // A writes to the contact: B gets a 'sent' carbon.
    const id = randomUUID();
    await a.session.send(
      xml('message', { to: `${bob.jid}/desk`, type: 'chat', id }, xml('body', {}, 'from A')),
    );
    await bob.waitFor('message', (e) => e.body === 'from A');
    const sent = unwrapCarbon(await b.waitFor(carbonOf('sent', 'from A')), alice.jid)!;
    assert.equal(sent.message.attrs.from, `${alice.jid}/a`);
    assert.equal(sent.message.attrs.to, `${bob.jid}/desk`);
    assert.equal(sent.message.attrs.id, id);

    // A private message reaches the contact but is not copied to B; the next normal one is.
    await a.session.send(
      markPrivate(xml('message', { to: `${bob.jid}/desk`, type: 'chat' }, xml('body', {}, 'private'))),
    );
    await bob.waitFor('message', (e) => e.body === 'private');
    await a.session.send(xml('message', { to: `${bob.jid}/desk`, type: 'chat' }, xml('body', {}, 'after')));
    await b.waitFor(carbonOf('sent', 'after'));
    assert.equal(b.inbox.filter(carbonOf('sent', 'private')).length, 0);
    assert.equal(b.inbox.filter((s) => s.toString().includes('private')).length, 0);
  });

  test("a contact's forged carbons reach B but unwrapCarbon refuses them", async () => {
    const alice = await scenario.account('alice');
    const bob = await scenario.peer('mallory', { resource: 'desk' });
    const { b } = await twoResources(alice);
    const forged = (direction: 'sent' | 'received', body: string, innerFrom: string, innerTo: string) =>
      `<message to='${alice.jid}/b' type='chat'><${direction} xmlns='urn:xmpp:carbons:2'>` +
      `<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='${innerFrom}' to='${innerTo}' type='chat'>` +
      `<body>${body}</body></message></forwarded></${direction}></message>`;
    await bob.sendRaw(forged('sent', 'forged sent', `${alice.jid}/a`, 'carol@example.net'));
    await bob.sendRaw(forged('received', 'forged received', 'carol@example.net/x', `${alice.jid}/a`));
    // Claiming to come from alice's bare JID in the wrapper is not possible: Prosody stamps the real sender;
    // ejabberd 23.01 refuses the stanza and ends the sender's stream with invalid-from (RFC 6120 §4.9.3.9),
    // after relaying the two forgeries sent before it.
    await bob.sendRaw(
      `<message to='${alice.jid}/b' from='${alice.jid}' type='chat'><body>marker</body></message>`,
    );
    if (scenario.server.kind === 'ejabberd') {
      const gone = await bob.waitFor('disconnected');
      assert.equal(gone.streamError, 'invalid-from');
    } else {
      const marker = await b.waitFor((s) => s.getChildText('body') === 'marker');
      assert.equal(marker.attrs.from, `${bob.jid}/desk`, 'the server rewrote the spoofed from');
    }
    for (const body of ['forged sent', 'forged received']) {
      const arrived = await b.waitFor((s) => s.toString().includes(body));
      assert.equal(looksLikeCarbon(arrived), true, `${body} arrived as a wrapper`);
      assert.equal(arrived.attrs.from, `${bob.jid}/desk`);
      assert.equal(unwrapCarbon(arrived, alice.jid), null, `${body} refused`);
    }
  });
});
