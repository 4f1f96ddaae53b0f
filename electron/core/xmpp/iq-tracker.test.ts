// The IQ tracker's sender check (RFC 6120 §8.1.2.1): a reply counts only from the entity the request went
// to, with JIDs compared part by part (RFC 7622): localpart and domain case-folded, the resourcepart as
// written, so our own address with the resource spelled in upper case is another client, not us.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import { IqTracker } from './iq-tracker.ts';
import { normalJid } from '../../../shared/jid.ts';

const OWN = 'alice@example.org/desk';

/** A tracker whose sent requests are collected; `answer` feeds it a reply to the last one. */
function tracker() {
  const sent: Element[] = [];
  const iq = new IqTracker(async (stanza) => void sent.push(stanza), OWN, 2_000);
  const answer = (from: string | undefined, type = 'result') =>
    iq.handleReply(xml('iq', { type, id: sent.at(-1)!.attrs.id, from }));
  return { iq, sent, answer };
}

test('normalJid folds localpart and domain, keeps the resourcepart as written, and refuses invalid ones', () => {
  assert.equal(normalJid('Alice@Example.ORG/Desk'), 'alice@example.org/Desk');
  assert.notEqual(normalJid('alice@example.org/DESK'), normalJid('alice@example.org/desk'));
  assert.equal(normalJid('@@bad'), null);
  assert.equal(normalJid(''), null);
});

test('a request to our own account: answered without from, by our bare JID, or by this very resource', async () => {
  for (const from of [undefined, 'alice@example.org', 'ALICE@example.org', 'alice@EXAMPLE.org/desk']) {
    const { iq, answer } = tracker();
    const reply = iq.request('get', null, xml('query', { xmlns: 'jabber:iq:roster' }));
    assert.equal(answer(from), true, `from ${from}`);
    assert.equal((await reply).attrs.type, 'result');
  }
});

test('our own address with another resource (or the same in another case) is not us: its reply is ignored', async () => {
  for (const from of ['alice@example.org/DESK', 'alice@example.org/Desk', 'alice@example.org/phone', '']) {
    const { iq, answer } = tracker();
    const reply = iq.request('get', null, xml('query', { xmlns: 'jabber:iq:roster' }));
    assert.equal(answer(from), false, `from ${JSON.stringify(from)}`);
    assert.equal(answer(undefined), true, 'the real answer still settles it');
    await reply;
  }
});

test('a request to a contact: only that full JID (resource as written) answers it', async () => {
  const { iq, answer } = tracker();
  const reply = iq.request('get', 'Bob@Example.NET/Phone', xml('ping', { xmlns: 'urn:xmpp:ping' }));
  for (const from of [undefined, 'bob@example.net', 'bob@example.net/phone', 'mallory@example.net/Phone']) {
    assert.equal(answer(from), false, `from ${from}`);
  }
  assert.equal(answer('bob@example.net/Phone', 'error'), true);
  await assert.rejects(reply);
});
