// The envelope parser, pure: a live message is read once into from/to/type/ids/delay/fields; carbons come back
// with the INNER message's addresses and stanza-id and are believed only from our own bare JID (forged,
// nested, doubled or error carbons are dropped); archive results are believed only from our account (or with
// no from) and carry their query id, archive id and server time; presence and iq get their defaults; unknown
// elements and hostile attributes never throw and never yield an address or id that is not one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import { parseJid } from '../../../shared/jid.ts';
import {
  archiveEnvelope,
  delayStamp,
  forwardedMessage,
  ownStanzaId,
  parseEnvelope,
  unwrapArchiveResult,
  unwrapCarbon,
  type IqEnvelope,
  type MessageEnvelope,
  type PresenceEnvelope,
} from './envelope.ts';
import { NS_CARBONS, NS_DELAY, NS_FORWARD, NS_MAM, NS_SID } from './ns.ts';

const ME = 'me@example.org';
const OWN = parseJid(ME);
const MY_DESK = `${ME}/desk`;
const MY_PHONE = `${ME}/phone`;
const BOB = 'bob@example.net/phone';

const STAMP = '2024-05-01T10:00:00Z';
const STAMP_MS = Date.parse(STAMP);
const SERVER_STAMP = '2024-05-01T10:00:05Z';

function delay(stamp: string): Element {
  return xml('delay', { xmlns: NS_DELAY, stamp });
}

function stanzaId(id: string, by: string): Element {
  return xml('stanza-id', { xmlns: NS_SID, id, by });
}

function message(attrs: Record<string, string | undefined>, ...children: Element[]): Element {
  return xml('message', attrs, ...children);
}

function forwarded(inner: Element, ...extra: Element[]): Element {
  return xml('forwarded', { xmlns: NS_FORWARD }, ...extra, inner);
}

function carbon(
  direction: 'sent' | 'received',
  inner: Element,
  outer: Record<string, string | undefined> = {},
): Element {
  return message(
    { from: ME, to: MY_DESK, type: 'chat', ...outer },
    xml(direction, { xmlns: NS_CARBONS }, forwarded(inner)),
  );
}

function archiveResult(
  inner: Element,
  outer: Record<string, string | undefined> = { to: MY_DESK },
  result: Record<string, string> = { queryid: 'q1', id: 'arch-1' },
): Element {
  return message(outer, xml('result', { xmlns: NS_MAM, ...result }, forwarded(inner, delay(SERVER_STAMP))));
}

function parseMessage(stanza: Element): MessageEnvelope | null {
  const envelope = parseEnvelope(stanza, OWN);
  if (envelope === null) return null;
  assert.equal(envelope.kind, 'message');
  return envelope as MessageEnvelope;
}

describe('parseEnvelope: live messages', () => {
  test('a chat message is read once: addresses, type, id, own stanza-id, delay and fields', () => {
    const stanza = message(
      { from: 'Bob@Example.NET/phone', to: MY_DESK, type: 'chat', id: 'm1' },
      xml('body', {}, 'hello'),
      xml('subject', {}, 'topic'),
      xml('thread', {}, 't1'),
      xml('origin-id', { xmlns: NS_SID, id: 'o1' }),
      stanzaId('sid-1', ME),
      delay(STAMP),
    );
    const envelope = parseMessage(stanza);
    assert.ok(envelope);
    assert.equal(envelope.via, 'live');
    assert.equal(envelope.message, stanza);
    assert.equal(envelope.type, 'chat');
    assert.equal(envelope.id, 'm1');
    assert.deepEqual(envelope.from, { local: 'bob', domain: 'example.net', resource: 'phone' });
    assert.equal(envelope.fromBare, 'bob@example.net');
    assert.deepEqual(envelope.to, { local: 'me', domain: 'example.org', resource: 'desk' });
    assert.equal(envelope.stanzaId, 'sid-1');
    assert.equal(envelope.delay, STAMP_MS);
    assert.equal(envelope.archive, null);
    assert.deepEqual(envelope.fields, {
      messageId: 'm1',
      originId: 'o1',
      body: 'hello',
      subject: 'topic',
      thread: 't1',
    });
  });

  test("a message without a type is 'normal', without id/delay/stanza-id those are null", () => {
    const envelope = parseMessage(message({ from: BOB, to: MY_DESK }, xml('body', {}, 'hi')));
    assert.ok(envelope);
    assert.equal(envelope.type, 'normal');
    assert.equal(envelope.id, null);
    assert.equal(envelope.delay, null);
    assert.equal(envelope.stanzaId, null);
    assert.equal(envelope.fields.body, 'hi');
    assert.equal(envelope.fields.subject, null);
  });

  test("a message of a type RFC 6121 does not define is 'normal' (§5.2.2), not dropped", () => {
    for (const type of ['bogus', 'CHAT', '', 'x'.repeat(1_000)]) {
      const envelope = parseMessage(message({ from: BOB, to: MY_DESK, type }, xml('body', {}, 'hi')));
      assert.equal(envelope?.type, 'normal', JSON.stringify(type.slice(0, 10)));
    }
    for (const type of ['chat', 'groupchat', 'headline', 'normal']) {
      assert.equal(
        parseMessage(message({ from: BOB, to: MY_DESK, type }, xml('body', {}, 'hi')))?.type,
        type,
      );
    }
  });

  test('a message without from or to has null addresses', () => {
    const envelope = parseMessage(message({}, xml('body', {}, 'from the server')));
    assert.ok(envelope);
    assert.equal(envelope.from, null);
    assert.equal(envelope.fromBare, null);
    assert.equal(envelope.to, null);
  });

  test('a stanza-id stamped by anyone but our bare JID is not ours', () => {
    const byOthers = message(
      { from: BOB, to: MY_DESK, type: 'chat' },
      stanzaId('forged-1', 'bob@example.net'),
      stanzaId('forged-2', MY_DESK), // our full JID: not our archive
      stanzaId('forged-3', 'example.org'),
    );
    assert.equal(parseMessage(byOthers)?.stanzaId, null);
    assert.equal(ownStanzaId(byOthers, OWN), null);
    const mixed = message(
      { from: BOB, to: MY_DESK, type: 'chat' },
      stanzaId('forged', 'bob@example.net'),
      stanzaId('ours', 'ME@example.org'),
    );
    assert.equal(parseMessage(mixed)?.stanzaId, 'ours');
    assert.equal(ownStanzaId(mixed, OWN), 'ours');
  });
});

describe('parseEnvelope: carbons', () => {
  test("a 'sent' carbon is the inner message with via 'carbon-sent'", () => {
    const inner = message(
      { from: MY_PHONE, to: BOB, type: 'chat', id: 'c1' },
      xml('body', {}, 'from my phone'),
      stanzaId('sid-sent', ME),
    );
    const envelope = parseMessage(carbon('sent', inner));
    assert.ok(envelope);
    assert.equal(envelope.via, 'carbon-sent');
    assert.equal(envelope.message, inner);
    assert.equal(envelope.fromBare, ME);
    assert.equal(envelope.from?.resource, 'phone');
    assert.deepEqual(envelope.to, parseJid(BOB));
    assert.equal(envelope.id, 'c1');
    assert.equal(envelope.stanzaId, 'sid-sent');
    assert.equal(envelope.fields.body, 'from my phone');
  });

  test("a 'received' carbon is the inner message with via 'carbon-received'", () => {
    const inner = message(
      { from: BOB, to: MY_PHONE, type: 'chat', id: 'c2' },
      xml('body', {}, 'to my phone'),
      stanzaId('sid-received', ME),
    );
    const envelope = parseMessage(carbon('received', inner));
    assert.ok(envelope);
    assert.equal(envelope.via, 'carbon-received');
    assert.equal(envelope.fromBare, 'bob@example.net');
    assert.deepEqual(envelope.to, parseJid(MY_PHONE));
    assert.equal(envelope.stanzaId, 'sid-received');
    assert.equal(envelope.fields.body, 'to my phone');
  });

  test('unwrapCarbon gives the direction and the forwarded message', () => {
    const inner = message({ from: BOB, to: MY_PHONE, type: 'chat' }, xml('body', {}, 'x'));
    const result = unwrapCarbon(carbon('received', inner), ME);
    assert.ok(result);
    assert.equal(result.direction, 'received');
    assert.equal(result.message, inner);
    assert.equal(unwrapCarbon(message({ from: BOB }, xml('body', {}, 'plain')), ME), null);
  });

  const sentInner = (): Element =>
    message({ from: MY_PHONE, to: BOB, type: 'chat' }, xml('body', {}, 'words put in my mouth'));

  test('a carbon whose wrapper comes from a contact is dropped', () => {
    assert.equal(parseEnvelope(carbon('sent', sentInner(), { from: 'bob@example.net' }), OWN), null);
    assert.equal(parseEnvelope(carbon('sent', sentInner(), { from: BOB }), OWN), null);
    assert.equal(parseEnvelope(carbon('sent', sentInner(), { from: 'example.org' }), OWN), null);
  });

  test('a carbon without a from, or from our FULL JID, is dropped', () => {
    assert.equal(parseEnvelope(carbon('sent', sentInner(), { from: undefined }), OWN), null);
    assert.equal(parseEnvelope(carbon('sent', sentInner(), { from: MY_PHONE }), OWN), null);
  });

  test('a carbon inside a carbon is dropped', () => {
    const nested = carbon('sent', carbon('sent', sentInner()));
    assert.equal(parseEnvelope(nested, OWN), null);
  });

  test('a message with two carbon wrappers is dropped', () => {
    const doubled = message(
      { from: ME, to: MY_DESK },
      xml('sent', { xmlns: NS_CARBONS }, forwarded(sentInner())),
      xml('received', { xmlns: NS_CARBONS }, forwarded(sentInner())),
    );
    assert.equal(parseEnvelope(doubled, OWN), null);
  });

  test('a carbon of an error message is dropped', () => {
    const inner = message({ from: BOB, to: MY_PHONE, type: 'error' }, xml('error', { type: 'cancel' }));
    assert.equal(parseEnvelope(carbon('received', inner), OWN), null);
  });

  test("a 'sent' carbon not from us, or a 'received' carbon not to us, is dropped", () => {
    const notMine = message({ from: BOB, to: 'carol@example.net' }, xml('body', {}, 'x'));
    assert.equal(parseEnvelope(carbon('sent', notMine), OWN), null);
    assert.equal(parseEnvelope(carbon('received', notMine), OWN), null);
    const sentNoTo = message({ from: MY_PHONE }, xml('body', {}, 'x'));
    assert.equal(parseEnvelope(carbon('sent', sentNoTo), OWN), null);
    const receivedNoFrom = message({ to: MY_PHONE }, xml('body', {}, 'x'));
    assert.equal(parseEnvelope(carbon('received', receivedNoFrom), OWN), null);
  });

  test('a carbon holding zero or two forwarded messages is dropped', () => {
    const empty = message(
      { from: ME },
      xml('sent', { xmlns: NS_CARBONS }, xml('forwarded', { xmlns: NS_FORWARD })),
    );
    assert.equal(parseEnvelope(empty, OWN), null);
    const two = message(
      { from: ME },
      xml('sent', { xmlns: NS_CARBONS }, xml('forwarded', { xmlns: NS_FORWARD }, sentInner(), sentInner())),
    );
    assert.equal(parseEnvelope(two, OWN), null);
  });
});

describe('parseEnvelope: archive results', () => {
  const inner = (): Element =>
    message(
      { from: BOB, to: MY_DESK, type: 'chat', id: 'orig-1' },
      xml('body', {}, 'archived words'),
      delay(STAMP),
    );

  test("an archive result from our bare JID is via 'archive' with query id, archive id and server time", () => {
    const stanza = archiveResult(inner(), { from: ME, to: MY_DESK });
    const envelope = parseMessage(stanza);
    assert.ok(envelope);
    assert.equal(envelope.via, 'archive');
    assert.equal(envelope.fromBare, 'bob@example.net');
    assert.equal(envelope.id, 'orig-1');
    assert.equal(envelope.stanzaId, 'arch-1');
    assert.deepEqual(envelope.archive, { queryId: 'q1', serverAt: Date.parse(SERVER_STAMP) });
    assert.equal(envelope.delay, STAMP_MS, "the inner message's own delay is kept apart");
    assert.equal(envelope.fields.body, 'archived words');
    const direct = archiveEnvelope(stanza, OWN);
    assert.equal(direct?.archiveId, 'arch-1');
  });

  test('an archive result with no from is ours too', () => {
    const result = unwrapArchiveResult(archiveResult(inner()), OWN);
    assert.ok(result);
    assert.equal(result.queryId, 'q1');
    assert.equal(result.archiveId, 'arch-1');
    assert.equal(result.serverAt, Date.parse(SERVER_STAMP));
    assert.equal(result.message.attrs.id, 'orig-1');
    assert.equal(parseMessage(archiveResult(inner()))?.via, 'archive');
  });

  test('an archive result from anyone else (a contact, our full JID, another server) is null', () => {
    for (const from of ['bob@example.net', BOB, MY_PHONE, 'example.org', 'evil.example', '@@']) {
      assert.equal(parseEnvelope(archiveResult(inner(), { from, to: MY_DESK }), OWN), null, from);
      assert.equal(unwrapArchiveResult(archiveResult(inner(), { from, to: MY_DESK }), OWN), null, from);
      assert.equal(archiveEnvelope(archiveResult(inner(), { from, to: MY_DESK }), OWN), null, from);
    }
  });

  test('an archive result without a usable query id or archive id is null', () => {
    assert.equal(parseEnvelope(archiveResult(inner(), { from: ME }, { id: 'a' }), OWN), null);
    assert.equal(parseEnvelope(archiveResult(inner(), { from: ME }, { queryid: 'q' }), OWN), null);
    const long = 'x'.repeat(257);
    assert.equal(parseEnvelope(archiveResult(inner(), { from: ME }, { queryid: long, id: 'a' }), OWN), null);
    assert.equal(parseEnvelope(archiveResult(inner(), { from: ME }, { queryid: 'q', id: long }), OWN), null);
  });

  test('an archive result with no delay on <forwarded/> has a null server time', () => {
    const stanza = message(
      { from: ME },
      xml('result', { xmlns: NS_MAM, queryid: 'q', id: 'a' }, forwarded(inner())),
    );
    assert.equal(unwrapArchiveResult(stanza, OWN)?.serverAt, null);
  });
});

describe('parseEnvelope: presence and iq', () => {
  test("presence without a type is 'available', with from, bare and delay", () => {
    const stanza = xml('presence', { from: BOB }, delay(STAMP));
    const envelope = parseEnvelope(stanza, OWN) as PresenceEnvelope;
    assert.equal(envelope.kind, 'presence');
    assert.equal(envelope.stanza, stanza);
    assert.equal(envelope.type, 'available');
    assert.deepEqual(envelope.from, parseJid(BOB));
    assert.equal(envelope.fromBare, 'bob@example.net');
    assert.equal(envelope.delay, STAMP_MS);
    const unavailable = parseEnvelope(xml('presence', { from: BOB, type: 'unavailable' }), OWN);
    assert.equal((unavailable as PresenceEnvelope).type, 'unavailable');
    assert.equal((unavailable as PresenceEnvelope).delay, null);
  });

  test('an iq carries its type, id, from and its first child as payload', () => {
    const ping = xml('ping', { xmlns: 'urn:xmpp:ping' });
    const stanza = xml('iq', { type: 'get', id: 'i1', from: BOB }, ping, xml('extra', {}));
    const envelope = parseEnvelope(stanza, OWN) as IqEnvelope;
    assert.equal(envelope.kind, 'iq');
    assert.equal(envelope.type, 'get');
    assert.equal(envelope.id, 'i1');
    assert.deepEqual(envelope.from, parseJid(BOB));
    assert.equal(envelope.payload, ping);
    const bare = parseEnvelope(xml('iq', { type: 'result', id: 'i2' }), OWN) as IqEnvelope;
    assert.equal(bare.from, null);
    assert.equal(bare.payload, null);
    assert.equal((parseEnvelope(xml('iq', { id: 'i3' }), OWN) as IqEnvelope).type, '');
  });

  test('unknown element names are null', () => {
    for (const name of ['a', 'stream:features', 'r', 'enabled', 'Message']) {
      assert.equal(parseEnvelope(xml(name, { from: BOB }), OWN), null, name);
    }
  });
});

describe('parseEnvelope: hostile input', () => {
  test('an invalid from ("@@") gives null addresses, not a throw', () => {
    const envelope = parseMessage(message({ from: '@@', to: '@@', type: 'chat' }, xml('body', {}, 'x')));
    assert.ok(envelope);
    assert.equal(envelope.from, null);
    assert.equal(envelope.fromBare, null);
    assert.equal(envelope.to, null);
    const presence = parseEnvelope(xml('presence', { from: '@@' }), OWN) as PresenceEnvelope;
    assert.equal(presence.from, null);
    assert.equal(presence.fromBare, null);
    const iq = parseEnvelope(xml('iq', { type: 'get', from: '@@', id: 'x' }), OWN) as IqEnvelope;
    assert.equal(iq.from, null);
    assert.equal(
      parseEnvelope(carbon('sent', message({ from: MY_PHONE, to: BOB }), { from: '@@' }), OWN),
      null,
    );
  });

  test('ids longer than 256 characters are dropped as null, not truncated', () => {
    const huge = 'i'.repeat(257);
    const envelope = parseMessage(
      message(
        { from: BOB, to: MY_DESK, type: 'chat', id: huge },
        xml('origin-id', { xmlns: NS_SID, id: huge }),
        stanzaId(huge, ME),
      ),
    );
    assert.ok(envelope);
    assert.equal(envelope.id, null);
    assert.equal(envelope.fields.messageId, null);
    assert.equal(envelope.fields.originId, null);
    assert.equal(envelope.stanzaId, null);
    const edge = 'e'.repeat(256);
    assert.equal(parseMessage(message({ from: BOB, id: edge }))?.id, edge);
    assert.equal(parseMessage(message({ from: BOB, id: '' }))?.id, null);
  });

  test('an unparseable delay stamp is null', () => {
    assert.equal(delayStamp(xml('message', {}, delay('not a date'))), null);
    assert.equal(delayStamp(xml('message', {}, xml('delay', { xmlns: NS_DELAY }))), null);
    assert.equal(delayStamp(xml('message', {}, xml('delay', { xmlns: 'urn:other', stamp: STAMP }))), null);
    assert.equal(delayStamp(xml('message', {}, delay(STAMP))), STAMP_MS);
  });
});

describe('forwardedMessage', () => {
  test('the one jabber:client message a <forwarded/> holds', () => {
    const inner = message({ from: BOB });
    assert.equal(forwardedMessage(forwarded(inner, delay(STAMP))), inner);
    const explicit = xml('message', { xmlns: 'jabber:client', from: BOB });
    assert.equal(forwardedMessage(forwarded(explicit)), explicit);
  });

  test('none, two, or a message of another namespace: null', () => {
    assert.equal(forwardedMessage(xml('forwarded', { xmlns: NS_FORWARD })), null);
    assert.equal(forwardedMessage(xml('forwarded', { xmlns: NS_FORWARD }, message({}), message({}))), null);
    assert.equal(forwardedMessage(forwarded(xml('message', { xmlns: 'jabber:server' }))), null);
  });
});
