// Disco and caps of a real engine against a real Prosody, probed by a raw XMPP session of the same account
// (so the server routes our iqs to the engine's full JID and reflects the engine's presence to us): the
// disco#info answer lists our identity and every module's features; the presence carries a caps <c/> whose
// verification string is the hash of what a node#ver query answers, and a wrong node is item-not-found; an
// iq the engine does not implement gets service-unavailable; hostile iqs do not stop the engine answering.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { capsVerification, parseDiscoInfo } from './caps.ts';
import { NS_CAPS, NS_DISCO_INFO, NS_PING, NS_STANZAS } from '../xmpp/ns.ts';
import type { XmppSession } from '../xmpp/session.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { openRawSession, type RawSession } from '../../../e2e/harness/raw-session.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';

const WAIT_MS = 10_000;
const TEST_OPTIONS = { timeout: 60_000 };

/** Sends an iq from `raw` and resolves with the result or error iq carrying the same id (bounded wait). */
function sendIq(raw: RawSession, attrs: Record<string, string>, ...children: Element[]): Promise<Element> {
  const id = attrs.id ?? randomUUID();
  return new Promise<Element>((resolve, reject) => {
    const onStanza = (stanza: Element): void => {
      if (!stanza.is('iq') || stanza.attrs.id !== id) return;
      if (stanza.attrs.type !== 'result' && stanza.attrs.type !== 'error') return;
      clearTimeout(timer);
      raw.session.off('stanza', onStanza);
      resolve(stanza);
    };
    const timer = setTimeout(() => {
      raw.session.off('stanza', onStanza);
      reject(new Error(`no answer to iq ${id} within ${WAIT_MS} ms`));
    }, WAIT_MS);
    raw.session.on('stanza', onStanza);
    raw.session.send(xml('iq', { ...attrs, id }, ...children)).catch((error: unknown) => {
      clearTimeout(timer);
      raw.session.off('stanza', onStanza);
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

/** The (type, condition) of an error iq's <error/>. */
function errorOf(iq: Element): { type: string | undefined; condition: string | undefined } {
  const error = iq.getChild('error');
  return {
    type: error?.attrs.type,
    condition: error?.getChildElements().find((c) => c.getNS() === NS_STANZAS && c.name !== 'text')?.name,
  };
}

describe(`disco and caps against ${serverKind()}`, () => {
  const sessions: XmppSession[] = [];
  after(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
  });
  const scenario = useServerScenario();

  /** An engine signed in, a raw session of the same account that saw its presence, and its full JID. */
  async function engineAndProbe(): Promise<{
    client: EngineClient;
    raw: RawSession;
    jid: string;
    presence: Element;
  }> {
    const acc = await scenario.account('disco');
    const raw = await openRawSession(scenario.server, acc, 'probe');
    sessions.push(raw.session);
    await raw.session.send(xml('presence'));
    const client = await scenario.engine(acc);
    const jid = client.jid;
    assert.ok(jid, 'the engine is signed in with a full JID');
    const presence = await raw.waitFor(
      (s) => s.is('presence') && s.attrs.from === jid && s.attrs.type === undefined,
      WAIT_MS,
    );
    return { client, raw, jid, presence };
  }

  test(
    'disco#info to the engine answers identity client/pc and every feature Parley supports',
    TEST_OPTIONS,
    async () => {
      const { raw, jid } = await engineAndProbe();
      const reply = await sendIq(raw, { type: 'get', to: jid }, xml('query', { xmlns: NS_DISCO_INFO }));
      assert.equal(reply.attrs.type, 'result', reply.toString());
      assert.equal(reply.attrs.from, jid);
      const query = reply.getChild('query', NS_DISCO_INFO);
      assert.ok(query, 'the result holds a disco#info query');
      const info = parseDiscoInfo(query);
      assert.ok(info, 'our own answer is hashable');
      assert.ok(
        info.identities.some((i) => i.category === 'client' && i.type === 'pc'),
        `identity client/pc in ${JSON.stringify(info.identities)}`,
      );
      for (const feature of [
        'urn:xmpp:receipts',
        'urn:xmpp:chat-markers:0',
        'urn:xmpp:carbons:2',
        'urn:xmpp:ping',
        'http://jabber.org/protocol/disco#info',
        'http://jabber.org/protocol/caps',
        'urn:xmpp:sid:0',
        'urn:xmpp:delay',
      ]) {
        assert.ok(info.features.includes(feature), `${feature} in ${info.features.join(', ')}`);
      }
    },
  );

  test(
    "the engine's presence carries caps whose string is the hash of its node#ver answer",
    TEST_OPTIONS,
    async () => {
      const { raw, jid, presence } = await engineAndProbe();
      const c = presence.getChild('c', NS_CAPS);
      assert.ok(c, `caps on the presence: ${presence.toString()}`);
      assert.equal(c.attrs.hash, 'sha-1');
      assert.equal(c.attrs.node, 'urn:parley:caps');
      const ver = c.attrs.ver;
      assert.ok(ver, 'a verification string');

      const node = `urn:parley:caps#${ver}`;
      const reply = await sendIq(raw, { type: 'get', to: jid }, xml('query', { xmlns: NS_DISCO_INFO, node }));
      assert.equal(reply.attrs.type, 'result', reply.toString());
      const query = reply.getChild('query', NS_DISCO_INFO);
      assert.ok(query);
      assert.equal(query.attrs.node, node, 'the answer names the node asked about');
      const info = parseDiscoInfo(query);
      assert.ok(info);
      assert.equal(capsVerification(info), ver, 'what we advertise is what we answer');

      // A node with another verification string, or another software's node, is not ours.
      for (const wrong of [
        `urn:parley:caps#${ver}x`,
        'urn:parley:caps#',
        'http://other.example/caps#' + ver,
        '',
      ]) {
        const error = await sendIq(
          raw,
          { type: 'get', to: jid },
          xml('query', { xmlns: NS_DISCO_INFO, node: wrong }),
        );
        assert.equal(error.attrs.type, 'error', `node ${JSON.stringify(wrong)}: ${error.toString()}`);
        assert.equal(errorOf(error).condition, 'item-not-found', `node ${JSON.stringify(wrong)}`);
      }
    },
  );

  test(
    'the privacy switches change our disco answer and caps at once, announced by a new presence',
    TEST_OPTIONS,
    async () => {
      const { client, raw, jid, presence } = await engineAndProbe();
      const verOf = (p: Element) => p.getChild('c', NS_CAPS)?.attrs.ver;
      const features = async () => {
        const reply = await sendIq(raw, { type: 'get', to: jid }, xml('query', { xmlns: NS_DISCO_INFO }));
        const info = parseDiscoInfo(reply.getChild('query', NS_DISCO_INFO)!);
        assert.ok(info, reply.toString());
        return info;
      };
      /** Sets `privacy`, then the presence the engine sends after it (with its caps ver). */
      const switchTo = async (privacy: Record<string, boolean>) => {
        const since = raw.inbox.length;
        const set = await client.engine.invoke('prefs.set', { patch: { privacy } });
        assert.ok(set.ok, JSON.stringify(set));
        return raw.waitFor(
          (s) => raw.inbox.indexOf(s) >= since && s.is('presence') && s.attrs.from === jid && !s.attrs.type,
          WAIT_MS,
        );
      };
      const NS_VERSION = 'jabber:iq:version';
      const NS_CHAT_STATES = 'http://jabber.org/protocol/chatstates';
      const before = await features();
      for (const f of ['urn:xmpp:receipts', 'urn:xmpp:chat-markers:0', NS_CHAT_STATES, NS_VERSION]) {
        assert.ok(before.features.includes(f), `${f} while its switch is on`);
      }
      const ver0 = verOf(presence);
      assert.equal(capsVerification(before), ver0);

      const receiptsOff = await switchTo({ receipts: false });
      const ver1 = verOf(receiptsOff);
      assert.ok(ver1 && ver1 !== ver0, 'the next presence carries a new caps ver');
      const withoutReceipts = await features();
      assert.ok(!withoutReceipts.features.includes('urn:xmpp:receipts'), withoutReceipts.features.join());
      assert.ok(withoutReceipts.features.includes('urn:xmpp:chat-markers:0'), 'only that switch changed');
      assert.equal(capsVerification(withoutReceipts), ver1, 'what we advertise is what we answer');

      const allOff = await switchTo({
        readMarkers: false,
        typingNotifications: false,
        softwareVersion: false,
      });
      const quiet = await features();
      for (const f of ['urn:xmpp:receipts', 'urn:xmpp:chat-markers:0', NS_CHAT_STATES, NS_VERSION]) {
        assert.ok(!quiet.features.includes(f), `no ${f} while its switch is off`);
      }
      assert.equal(capsVerification(quiet), verOf(allOff));

      const back = await switchTo({
        receipts: true,
        readMarkers: true,
        typingNotifications: true,
        softwareVersion: true,
      });
      assert.equal(verOf(back), ver0, 'all on again: the first caps ver');
      assert.deepEqual((await features()).features, before.features);
    },
  );

  test('an iq the engine does not implement is answered service-unavailable', TEST_OPTIONS, async () => {
    const { raw, jid } = await engineAndProbe();
    const id = randomUUID();
    const version = await sendIq(
      raw,
      { type: 'get', to: jid, id },
      xml('query', { xmlns: 'jabber:iq:last' }),
    );
    assert.equal(version.attrs.type, 'error', version.toString());
    assert.equal(version.attrs.id, id);
    assert.equal(version.attrs.from, jid);
    assert.deepEqual(errorOf(version), { type: 'cancel', condition: 'service-unavailable' });

    const set = await sendIq(raw, { type: 'set', to: jid }, xml('query', { xmlns: 'urn:example:unknown' }));
    assert.deepEqual(errorOf(set), { type: 'cancel', condition: 'service-unavailable' });
  });

  test('after hostile iqs the engine still answers a ping', TEST_OPTIONS, async () => {
    const { client, raw, jid } = await engineAndProbe();
    client.engine.flushEvents();
    const since = client.events.length;

    // A get with no child at all, and one with two: RFC 6120 §8.2.3 wants exactly one. Prosody itself refuses
    // them (bad-request) before they reach us; were they delivered, the engine answers service-unavailable.
    const refused = ['bad-request', 'service-unavailable'];
    const empty = await sendIq(raw, { type: 'get', to: jid });
    assert.equal(empty.attrs.type, 'error', empty.toString());
    assert.ok(refused.includes(errorOf(empty).condition ?? ''), empty.toString());
    const strayFirst = await sendIq(
      raw,
      { type: 'get', to: jid },
      xml('junk', { xmlns: 'urn:example:junk' }),
      xml('ping', { xmlns: NS_PING }),
    );
    assert.equal(strayFirst.attrs.type, 'error', strayFirst.toString());
    assert.ok(refused.includes(errorOf(strayFirst).condition ?? ''), strayFirst.toString());

    // A disco query with junk inside and a huge node: refused, not crashed.
    const junk = await sendIq(
      raw,
      { type: 'get', to: jid },
      xml(
        'query',
        { xmlns: NS_DISCO_INFO, node: 'n'.repeat(5_000) },
        xml('identity', {}),
        xml('feature', {}),
        xml('x', { xmlns: 'jabber:x:data' }),
      ),
    );
    assert.equal(junk.attrs.type, 'error', junk.toString());
    assert.equal(errorOf(junk).condition, 'item-not-found');

    // A ping as a set (only get is defined) reaches the engine, which has no handler for it.
    const pingSet = await sendIq(raw, { type: 'set', to: jid }, xml('ping', { xmlns: NS_PING }));
    assert.equal(pingSet.attrs.type, 'error', pingSet.toString());
    assert.equal(errorOf(pingSet).condition, 'service-unavailable');

    // An iq with no type and one of an unknown type: no answer required, and no harm done.
    await raw.session.send(xml('iq', { to: jid, id: randomUUID() }, xml('ping', { xmlns: NS_PING })));
    await raw.session.send(
      xml('iq', { to: jid, type: 'bogus', id: randomUUID() }, xml('ping', { xmlns: NS_PING })),
    );

    const pong = await sendIq(raw, { type: 'get', to: jid }, xml('ping', { xmlns: NS_PING }));
    assert.equal(pong.attrs.type, 'result', pong.toString());
    assert.equal(pong.attrs.from, jid);

    client.engine.flushEvents();
    const states = client.events
      .slice(since)
      .flatMap((e) => (e.event === 'connection.state' ? [e.payload.status] : []));
    assert.deepEqual(
      states.filter((s) => s !== 'online'),
      [],
      'the session was never dropped',
    );
  });
});
