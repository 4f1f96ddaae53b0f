import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXmppUri, type XmppUri } from '../../../shared/xmpp-uri.ts';
import { accountFor, draftWith, linkNick, linkPurpose, linkTarget } from './link-logic.ts';

function uri(text: string): XmppUri {
  const parsed = parseXmppUri(text);
  assert.ok(parsed.ok);
  return parsed.uri;
}

test('the account: the one the link names when signed in, else the only one, else the user picks', () => {
  const named = uri('xmpp://bob@example.com/peer@example.com');
  assert.equal(accountFor(named, ['alice@example.com', 'bob@example.com']), 'bob@example.com');
  // Named but not signed in here: with one account that one, with several the user picks.
  assert.equal(accountFor(named, ['alice@example.com']), 'alice@example.com');
  assert.equal(accountFor(named, ['alice@example.com', 'carol@example.com']), null);
  const plain = uri('xmpp:peer@example.com');
  assert.equal(accountFor(plain, ['alice@example.com']), 'alice@example.com');
  assert.equal(accountFor(plain, ['alice@example.com', 'bob@example.com']), null);
  assert.equal(accountFor(plain, []), null);
});

test('the target without its resource, and a room link’s nick', () => {
  const join = uri('xmpp:Room@Conference.example.com/Night%20Owl?join');
  assert.equal(linkTarget(join), 'room@conference.example.com');
  assert.equal(linkNick(join), 'Night Owl');
  assert.equal(linkNick(uri('xmpp:room@conference.example.com?join')), null);
});

test('the picker says what the link asks', () => {
  assert.equal(linkPurpose(uri('xmpp:sam@example.com?subscribe')), 'add sam@example.com to your contacts');
  assert.equal(linkPurpose(uri('xmpp:r@c.example?join')), 'join the room r@c.example');
  assert.equal(linkPurpose(uri('xmpp:sam@example.com?remove')), 'remove sam@example.com from your contacts');
  assert.equal(linkPurpose(uri('xmpp:sam@example.com?frobnicate')), 'open a chat with sam@example.com');
  assert.equal(
    linkPurpose(uri('xmpp:sam@example.com?unsubscribe')),
    'stop seeing when sam@example.com is online',
  );
});

test('a link’s body joins the draft instead of replacing what the user typed', () => {
  assert.equal(draftWith('', 'hi'), 'hi');
  assert.equal(draftWith('  ', 'hi'), 'hi');
  assert.equal(draftWith('my words', 'hi'), 'my words\nhi');
  // The same link opened twice does not write its body twice.
  assert.equal(draftWith('hi', 'hi'), 'hi');
  assert.equal(draftWith('mine', ''), 'mine');
});
