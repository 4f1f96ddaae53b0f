// Closing a stream-managed session right after a send (as signing out does: unavailable presence, then the
// close): RFC 6120 §4.4 allows nothing after our </stream:stream>, yet the ack request <r/> queued by the
// send used to follow it. Checked on the plaintext our TLS socket writes, against a real Prosody.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { xml } from '@xmpp/xml';
import { serverKind, startServer, type XmppServer } from '../../../e2e/harness/server.ts';
import { openRawSession } from '../../../e2e/harness/raw-session.ts';

let server: XmppServer;
before(async () => {
  server = await startServer(serverKind(), { accounts: [{ user: 'closer', password: 'closer-password' }] });
});
after(async () => {
  await server?.stop();
});

test('nothing is written after our closing </stream:stream>, not even a queued <r/>', async () => {
  const raw = await openRawSession(
    server,
    { jid: `closer@${server.domain}`, password: 'closer-password' },
    'close-test',
    { streamManagement: true },
  );
  assert.ok(raw.session.streamManaged);
  const written: string[] = [];
  const write = tls.TLSSocket.prototype.write;
  tls.TLSSocket.prototype.write = function (this: tls.TLSSocket, chunk: unknown, ...rest: unknown[]) {
    written.push(String(chunk));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof write;
  try {
    await raw.session.send(xml('presence', { type: 'unavailable' }));
    await raw.session.close();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    tls.TLSSocket.prototype.write = write;
  }
  const all = written.join('');
  const end = all.indexOf('</stream:stream>');
  assert.ok(end >= 0, `the stream was closed: ${all}`);
  assert.ok(all.indexOf('unavailable') < end, 'the presence went before the close');
  assert.equal(all.slice(end + '</stream:stream>'.length).trim(), '', `after the close: ${all.slice(end)}`);
});
