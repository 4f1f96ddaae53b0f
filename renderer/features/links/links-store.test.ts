// The link queue: an open link's dialog is never replaced by a newer link; later ones wait (a few, the rest
// dropped and counted) and open one by one as each is done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXmppUri, type XmppUri } from '../../../shared/xmpp-uri.ts';
import { MAX_QUEUED_LINKS, useLinks } from './links-store.ts';

function uri(text: string): XmppUri {
  const parsed = parseXmppUri(text);
  assert.ok(parsed.ok);
  return parsed.uri;
}

const openJid = () => useLinks.getState().link?.uri.jid ?? null;

test('a link opened while another is open waits for it instead of replacing it', () => {
  const links = useLinks.getState();
  assert.equal(links.show(uri('xmpp:harmless@example.com')), true);
  const first = useLinks.getState().link!;
  links.choose('me@example.com');
  assert.equal(links.show(uri('xmpp:victim@example.com?remove')), true);
  assert.equal(openJid(), 'harmless@example.com', 'the open dialog stays');
  assert.equal(useLinks.getState().link?.seq, first.seq);
  assert.equal(useLinks.getState().link?.account, 'me@example.com', 'and keeps its chosen account');
  links.done();
  assert.equal(openJid(), 'victim@example.com');
  assert.equal(useLinks.getState().link?.account, null, 'the next one asks for its own account');
  assert.notEqual(useLinks.getState().link?.seq, first.seq);
  links.done();
  assert.equal(useLinks.getState().link, null);
  assert.deepEqual(useLinks.getState().queued, []);
});

test('a few links wait; past them links are dropped and counted once', () => {
  const links = useLinks.getState();
  links.show(uri('xmpp:open@example.com'));
  for (let i = 0; i < MAX_QUEUED_LINKS; i++) assert.equal(links.show(uri(`xmpp:q${i}@example.com`)), true);
  assert.equal(links.show(uri('xmpp:late1@example.com')), false);
  assert.equal(links.show(uri('xmpp:late2@example.com')), false);
  assert.equal(links.takeDropped(), 2);
  assert.equal(links.takeDropped(), 0);
  const seen = [openJid()];
  for (let i = 0; i < MAX_QUEUED_LINKS; i++) {
    links.done();
    seen.push(openJid());
  }
  assert.deepEqual(seen, ['open@example.com', 'q0@example.com', 'q1@example.com', 'q2@example.com']);
  links.done();
  assert.equal(openJid(), null);
  // The same link opened twice after one another is two openings.
  links.show(uri('xmpp:same@example.com'));
  const seq = useLinks.getState().link!.seq;
  links.show(uri('xmpp:same@example.com'));
  links.done();
  assert.equal(openJid(), 'same@example.com');
  assert.notEqual(useLinks.getState().link!.seq, seq);
  links.done();
});
