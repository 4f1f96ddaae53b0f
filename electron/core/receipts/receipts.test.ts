// XEP-0184 receipts and XEP-0333 chat markers: the builders and the ack parser (unit, hostile inputs), and
// against a real Prosody a receipt request to a slixmpp peer answered with 'delivered' and 'read' acks, and
// our own receipts and markers parsed back by a second Parley session.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import {
  displayedMarker,
  MAX_ACK_ID_CHARS,
  NS_MARKERS,
  NS_RECEIPTS,
  parseAck,
  PendingMarkers,
  receiptFor,
  requestReceipt,
} from './receipts.ts';
import type { XmppSession } from '../xmpp/session.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { openRawSession } from '../../../e2e/harness/raw-session.ts';

const PEER = 'bob@example.net/phone';

function incoming(attrs: Record<string, string | undefined>, ...children: Element[]): Element {
  return xml(
    'message',
    { from: PEER, to: 'alice@example.org/desk', type: 'chat', id: 'm1', ...attrs },
    ...children,
  );
}
const request = () => xml('request', { xmlns: NS_RECEIPTS });
const markable = () => xml('markable', { xmlns: NS_MARKERS });

describe('receipts and markers (unit)', () => {
  test('requestReceipt adds one request and one markable', () => {
    const m = xml('message', { to: 'bob@example.net', id: 'x' }, xml('body', {}, 'hi'));
    requestReceipt(requestReceipt(m));
    assert.equal(m.getChildren('request', NS_RECEIPTS).length, 1);
    assert.equal(m.getChildren('markable', NS_MARKERS).length, 1);
  });

  test('receiptFor answers the sending resource with the requested id and a store hint', () => {
    const receipt = receiptFor(incoming({}, xml('body', {}, 'hi'), request()))!;
    assert.equal(receipt.attrs.to, PEER);
    assert.equal(receipt.attrs.type, 'chat');
    assert.match(receipt.attrs.id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(receipt.getChild('received', NS_RECEIPTS)?.attrs.id, 'm1');
    assert.ok(receipt.getChild('store', 'urn:xmpp:hints'));
    assert.equal(
      receiptFor(incoming({ type: undefined }, request()))?.attrs.type,
      undefined,
      'normal stays untyped',
    );
  });

  test('receiptFor refuses what must not be acknowledged', () => {
    assert.equal(receiptFor(incoming({}, xml('body', {}, 'hi'))), null, 'nothing requested');
    assert.equal(receiptFor(incoming({ type: 'error' }, request())), null);
    assert.equal(receiptFor(incoming({ type: 'groupchat' }, request())), null);
    assert.equal(receiptFor(incoming({ id: undefined }, request())), null, 'no id');
    assert.equal(receiptFor(incoming({ id: '' }, request())), null);
    assert.equal(receiptFor(incoming({ id: 'x'.repeat(MAX_ACK_ID_CHARS + 1) }, request())), null);
    assert.equal(receiptFor(incoming({ from: undefined }, request())), null, 'no sender');
    assert.equal(receiptFor(incoming({ from: 'bad@@jid' }, request())), null);
    const ackOfAck = incoming({}, request(), xml('received', { xmlns: NS_RECEIPTS, id: 'z' }));
    assert.equal(receiptFor(ackOfAck), null, 'never answer an ack with an ack');
    assert.equal(receiptFor(xml('presence', { from: PEER, id: 'p' }, request())), null);
  });

  test('displayedMarker answers markable messages only, keeping the thread', () => {
    const marker = displayedMarker(incoming({}, xml('body', {}, 'hi'), markable(), xml('thread', {}, 't9')))!;
    assert.equal(marker.attrs.to, PEER);
    assert.equal(marker.attrs.type, 'chat');
    assert.equal(marker.getChild('displayed', NS_MARKERS)?.attrs.id, 'm1');
    assert.equal(marker.getChildText('thread'), 't9');
    assert.equal(displayedMarker(incoming({}, xml('body', {}, 'hi'))), null, 'not markable');
    assert.equal(displayedMarker(incoming({ type: 'groupchat' }, markable())), null);
    assert.equal(displayedMarker(incoming({ id: undefined }, markable())), null);
  });

  test('parseAck reads receipts and the three markers, with the sender', () => {
    const received = parseAck(incoming({ id: 'r' }, xml('received', { xmlns: NS_RECEIPTS, id: 'm1' })));
    assert.deepEqual(received, { kind: 'delivered', id: 'm1', from: 'bob@example.net', fromFull: PEER });
    const at = (name: string) => parseAck(incoming({}, xml(name, { xmlns: NS_MARKERS, id: 'm2' })))?.kind;
    assert.equal(at('received'), 'delivered');
    assert.equal(at('displayed'), 'read');
    assert.equal(at('acknowledged'), 'read');
    assert.equal(at('markable'), undefined);
  });

  test('parseAck drops hostile or broken acks', () => {
    const ack = (attrs: Record<string, string | undefined>, id: string | null = 'm1') =>
      parseAck(incoming(attrs, xml('received', { xmlns: NS_RECEIPTS, id: id ?? undefined })));
    assert.equal(ack({}, null), null, 'no id');
    assert.equal(ack({}, ''), null);
    assert.equal(ack({}, 'x'.repeat(MAX_ACK_ID_CHARS + 1)), null, 'oversized id');
    assert.equal(ack({}, 'x'.repeat(MAX_ACK_ID_CHARS))?.id.length, MAX_ACK_ID_CHARS);
    assert.equal(ack({ from: undefined }), null, 'no sender');
    assert.equal(ack({ from: 'a b@c' }), null, 'invalid sender');
    assert.equal(ack({ type: 'error' }), null);
    assert.equal(ack({ type: 'groupchat' }), null);
    assert.equal(parseAck(incoming({}, xml('received', { xmlns: 'urn:xmpp:other', id: 'm1' }))), null);
    assert.equal(
      parseAck(xml('iq', { from: PEER }, xml('received', { xmlns: NS_RECEIPTS, id: 'm1' }))),
      null,
    );
    assert.equal(parseAck(incoming({}, xml('body', {}, 'hi'))), null);
  });

  test('markers waiting to be sent are bounded: a flood from many chats keeps the most recent ones', () => {
    const markers = new PendingMarkers();
    const total = PendingMarkers.MAX_CHATS * 3;
    for (let i = 0; i < total; i++) {
      markers.noteReceived(`s${i}@evil.example`, incoming({ from: `s${i}@evil.example/x` }, markable()));
    }
    assert.equal(markers.size, PendingMarkers.MAX_CHATS);
    assert.equal(markers.take('s0@evil.example'), null, 'the oldest were let go');
    const newest = markers.take(`s${total - 1}@evil.example`);
    assert.equal(newest?.attrs.to, `s${total - 1}@evil.example/x`);
    // A chat that speaks again moves to the end: it is not the next to go.
    markers.noteReceived(`s${total - 2}@evil.example`, incoming({ from: 'a@b/c', id: 'again' }, markable()));
    for (let i = 0; i < PendingMarkers.MAX_CHATS - 1; i++) {
      markers.noteReceived(`n${i}@evil.example`, incoming({ from: `n${i}@evil.example/x` }, markable()));
    }
    assert.ok(markers.take(`s${total - 2}@evil.example`), 'still waiting');
  });
});

describe(`receipts against ${serverKind()}`, () => {
  const scenario = useServerScenario();
  const sessions: XmppSession[] = [];
  after(async () => {
    for (const s of sessions) await s.close();
  });

  test("a receipt request to a slixmpp peer comes back as 'delivered', its marker as 'read'", async () => {
    const alice = await scenario.account('alice');
    const bob = await scenario.peer('bob', { resource: 'desk' });
    const a = await openRawSession(scenario.server, alice, 'a');
    sessions.push(a.session);
    await a.session.send(xml('presence'));

    const id = randomUUID();
    await a.session.send(
      requestReceipt(
        xml('message', { to: `${bob.jid}/desk`, type: 'chat', id }, xml('body', {}, 'did you get it?')),
      ),
    );
    const got = await bob.waitFor('message', (e) => e.id === id);
    assert.equal(got.receiptRequested, true);
    // The harness peer does not load slixmpp's xep_0184, so it answers by hand, as a client would.
    await bob.sendRaw(
      `<message to='${got.from}' type='chat' id='r-${id}'><received xmlns='urn:xmpp:receipts' id='${id}'/></message>`,
    );
    await bob.sendRaw(
      `<message to='${got.from}' type='chat' id='d-${id}'><displayed xmlns='urn:xmpp:chat-markers:0' id='${id}'/></message>`,
    );
    const delivered = parseAck(await a.waitFor((s) => s.attrs.id === `r-${id}`));
    assert.deepEqual(delivered, { kind: 'delivered', id, from: bob.jid, fromFull: `${bob.jid}/desk` });
    const read = parseAck(await a.waitFor((s) => s.attrs.id === `d-${id}`));
    assert.deepEqual(read, { kind: 'read', id, from: bob.jid, fromFull: `${bob.jid}/desk` });

    // The other way, between two Parley sessions (slixmpp reports only messages with a body): carol asks,
    // alice answers with receiptFor and displayedMarker, carol parses both back to her message id.
    const carol = await scenario.account('carol');
    const c = await openRawSession(scenario.server, carol, 'c');
    sessions.push(c.session);
    const theirs = randomUUID();
    await c.session.send(
      requestReceipt(
        xml('message', { to: `${alice.jid}/a`, type: 'chat', id: theirs }, xml('body', {}, 'and you?')),
      ),
    );
    const incomingMessage = await a.waitFor((s) => s.attrs.id === theirs);
    const receipt = receiptFor(incomingMessage)!;
    const marker = displayedMarker(incomingMessage)!;
    assert.equal(receipt.attrs.to, `${carol.jid}/c`);
    await a.session.send(receipt);
    await a.session.send(marker);
    const back = { from: alice.jid, fromFull: `${alice.jid}/a`, id: theirs };
    assert.deepEqual(parseAck(await c.waitFor((s) => s.attrs.id === receipt.attrs.id)), {
      kind: 'delivered',
      ...back,
    });
    assert.deepEqual(parseAck(await c.waitFor((s) => s.attrs.id === marker.attrs.id)), {
      kind: 'read',
      ...back,
    });
  });
});
