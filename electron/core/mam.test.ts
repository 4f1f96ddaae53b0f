// XEP-0313 catch-up: the query and result parsing (unit, hostile results), and against a real Prosody the
// Converse.js #1548 case: 250 archived messages in pages of 50 come back exactly once, in order, both
// directions, resumable after lastId, with forged results (wrong sender, wrong queryid, duplicates) ignored.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import {
  archiveQuery,
  catchUp,
  isArchiveResult,
  NS_MAM,
  ownStanzaId,
  parseResult,
  toArchivedMessage,
  type ArchivedMessage,
} from './mam.ts';
import { parseJid } from '../../shared/jid.ts';
import type { XmppSession } from './xmpp/session.ts';
import { IqTracker } from './xmpp/iq-tracker.ts';
import { useProsodyScenario } from '../../e2e/harness/scenario.ts';
import { openRawSession } from '../../e2e/harness/raw-session.ts';

const ME = 'alice@example.org';
const OWN = parseJid(ME);

function result(
  opts: {
    from?: string | null;
    queryid?: string;
    id?: string;
    stamp?: string;
    inner?: { from?: string; to?: string; type?: string; body?: string | null; extra?: Element[] };
  } = {},
): Element {
  const inner = opts.inner ?? {};
  return xml(
    'message',
    { from: opts.from === null ? undefined : (opts.from ?? ME), to: `${ME}/desk` },
    xml(
      'result',
      { xmlns: NS_MAM, queryid: opts.queryid ?? 'q1', id: opts.id ?? 'arch-1' },
      xml(
        'forwarded',
        { xmlns: 'urn:xmpp:forward:0' },
        xml('delay', { xmlns: 'urn:xmpp:delay', stamp: opts.stamp ?? '2024-05-01T10:00:00Z' }),
        xml(
          'message',
          {
            xmlns: 'jabber:client',
            from: inner.from ?? 'bob@example.net/phone',
            to: inner.to ?? `${ME}/desk`,
            type: inner.type ?? 'chat',
            id: 'msg-1',
          },
          inner.body === null ? null : xml('body', {}, inner.body ?? 'hello'),
          ...(inner.extra ?? []),
        ),
      ),
    ),
  );
}

describe('MAM parsing (unit)', () => {
  test('the page query carries the queryid, RSM max/after and a start filter only when asked', () => {
    const first = archiveQuery('q1', { after: null, startAt: null, max: 50 });
    assert.equal(
      first.toString(),
      '<query xmlns="urn:xmpp:mam:2" queryid="q1"><set xmlns="http://jabber.org/protocol/rsm"><max>50</max></set></query>',
    );
    const next = archiveQuery('q2', { after: 'A9', startAt: null, max: 20 });
    assert.equal(next.getChild('set', 'http://jabber.org/protocol/rsm')?.getChildText('after'), 'A9');
    assert.equal(next.getChild('x', 'jabber:x:data'), undefined);
    const since = archiveQuery('q3', { after: null, startAt: Date.UTC(2024, 0, 2), max: 50 });
    const fields = since.getChild('x', 'jabber:x:data')!.getChildren('field');
    assert.deepEqual(
      fields.map((f) => [f.attrs.var, f.getChildText('value')]),
      [
        ['FORM_TYPE', NS_MAM],
        ['start', '2024-01-02T00:00:00.000Z'],
      ],
    );
  });

  test('a result from our archive parses into an incoming message with its ids and times', () => {
    const raw = parseResult(
      result({
        inner: {
          extra: [
            xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: 'orig-1' }),
            xml('thread', {}, 't1'),
            xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2024-05-01T09:59:00Z' }),
          ],
        },
      }),
      OWN,
      'q1',
    );
    assert.ok(raw);
    const m = toArchivedMessage(raw, OWN)!;
    assert.deepEqual(
      { ...m, stanza: null },
      {
        archiveId: 'arch-1',
        stanzaId: 'arch-1',
        serverAt: Date.UTC(2024, 4, 1, 10, 0, 0),
        sentAt: Date.UTC(2024, 4, 1, 9, 59, 0),
        direction: 'in',
        peer: 'bob@example.net',
        peerResource: 'phone',
        type: 'chat',
        body: 'hello',
        subject: null,
        thread: 't1',
        messageId: 'msg-1',
        originId: 'orig-1',
        ack: null,
        stanza: null,
      },
    );
  });

  test('a result with no from (the server on our behalf) is accepted; our messages are outgoing', () => {
    const raw = parseResult(
      result({ from: null, inner: { from: `${ME}/phone`, to: 'bob@example.net' } }),
      OWN,
      'q1',
    );
    const m = toArchivedMessage(raw!, OWN)!;
    assert.equal(m.direction, 'out');
    assert.equal(m.peer, 'bob@example.net');
    assert.equal(m.peerResource, null);
  });

  test('results from anyone else, with a wrong queryid or malformed are ignored', () => {
    assert.equal(parseResult(result({ from: 'mallory@example.net' }), OWN, 'q1'), null);
    assert.equal(parseResult(result({ from: `${ME}/desk` }), OWN, 'q1'), null, 'our full JID is a client');
    assert.equal(parseResult(result({ from: 'example.org' }), OWN, 'q1'), null);
    assert.equal(parseResult(result({ from: '@@bad' }), OWN, 'q1'), null);
    assert.equal(parseResult(result({ queryid: 'q2' }), OWN, 'q1'), null);
    assert.equal(parseResult(result({ id: '' }), OWN, 'q1'), null);
    assert.equal(parseResult(result({ id: 'x'.repeat(257) }), OWN, 'q1'), null);
    const noForward = xml('message', { from: ME }, xml('result', { xmlns: NS_MAM, queryid: 'q1', id: 'a' }));
    assert.equal(parseResult(noForward, OWN, 'q1'), null);
    const twoResults = result();
    twoResults.append(result().getChildElements()[0]!);
    assert.equal(parseResult(twoResults, OWN, 'q1'), null);
    const badStamp = parseResult(result({ stamp: 'yesterday' }), OWN, 'q1');
    assert.equal(badStamp?.serverAt, null);
  });

  test('archived messages that are not 1:1 history we can attribute are dropped', () => {
    const parse = (inner: NonNullable<Parameters<typeof result>[0]>['inner']) =>
      toArchivedMessage(parseResult(result({ inner }), OWN, 'q1')!, OWN);
    assert.equal(parse({ type: 'error' }), null);
    assert.equal(parse({ type: 'groupchat' }), null);
    assert.equal(parse({ from: 'bob@example.net', to: 'carol@example.net' }), null, 'neither side is us');
    assert.equal(parse({ from: `${ME}/a`, to: '@@' }), null);
    assert.equal(parse({ body: null }), null, 'nothing to show (a chat state)');
    const receipt = parse({ body: null, extra: [xml('received', { xmlns: 'urn:xmpp:receipts', id: 'm7' })] });
    assert.deepEqual(receipt?.ack, {
      kind: 'delivered',
      id: 'm7',
      from: 'bob@example.net',
      fromFull: 'bob@example.net/phone',
    });
    const long = parse({ body: 'x'.repeat(200_000) });
    assert.equal(long?.body?.length, 100_000);
  });

  test('ownStanzaId trusts only the stanza-id stamped by our own account; isArchiveResult', () => {
    const m = xml(
      'message',
      { from: 'bob@example.net' },
      xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: 'bob@example.net', id: 'theirs' }),
      xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: `${ME}/x`, id: 'full' }),
      xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: 'Alice@Example.org', id: 'ours' }),
    );
    assert.equal(ownStanzaId(m, ME), 'ours');
    assert.equal(ownStanzaId(xml('message', {}), ME), null);
    assert.equal(isArchiveResult(result()), true);
    assert.equal(isArchiveResult(xml('message', {}, xml('body', {}, 'x'))), false);
  });
});

describe('MAM catch-up against Prosody', () => {
  const scenario = useProsodyScenario();
  const sessions: XmppSession[] = [];
  after(async () => {
    for (const s of sessions) await s.close();
  });

  /** Bodies in archive order, with the origin-ids of the ones we sent. */
  const expected: Array<{ body: string; direction: 'in' | 'out' }> = [];
  const originIds = new Map<string, string>();

  test('250 archived messages, pages of 50: each exactly once, in order, both directions, resumable', async () => {
    const alice = await scenario.account('alice');
    const bob = await scenario.peer('bob', { resource: 'desk' });
    const a = await openRawSession(scenario.server, alice, 'a');
    const b = await openRawSession(scenario.server, alice, 'b');
    sessions.push(a.session, b.session);
    await a.session.send(xml('presence'));

    // Five rounds of 20 sent by A, then 30 from the contact; each round finished before the next.
    const sendFromA = async (body: string) => {
      const id = randomUUID();
      originIds.set(body, id);
      expected.push({ body, direction: 'out' });
      await a.session.send(
        xml(
          'message',
          { to: bob.jid, type: 'chat', id },
          xml('body', {}, body),
          xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id }),
        ),
      );
    };
    const round = async (r: number, outCount: number, inCount: number) => {
      for (let i = 0; i < outCount; i++) await sendFromA(`r${r}-out${i}`);
      if (outCount > 0) await bob.waitFor('message', (e) => e.body === `r${r}-out${outCount - 1}`);
      for (let i = 0; i < inCount; i++) expected.push({ body: `r${r}-in${i}`, direction: 'in' });
      if (inCount > 0) {
        await bob.sendMany(alice.jid, inCount, `r${r}-in`);
        await a.waitFor((s) => s.getChildText('body') === `r${r}-in${inCount - 1}`);
      }
    };
    for (let r = 0; r < 5; r++) await round(r, 20, 30);
    assert.equal(expected.length, 250);

    const pages: number[] = [];
    const first = await catchUp(b.iq, b.session, {
      ownBareJid: alice.jid,
      afterId: null,
      pageSize: 50,
      onPage: (messages) => void pages.push(messages.length),
    });
    assertArchive(first.messages, expected, bob.jid);
    assert.equal(first.complete, true);
    assert.equal(first.afterIdLost, false);
    assert.deepEqual(pages, [50, 50, 50, 50, 50]);
    assert.equal(first.lastId, first.messages.at(-1)!.archiveId);

    // Only what is newer than lastId comes back the second time.
    const before = expected.length;
    await round(5, 2, 1);
    const second = await catchUp(b.iq, b.session, {
      ownBareJid: alice.jid,
      afterId: first.lastId,
      pageSize: 50,
    });
    assertArchive(second.messages, expected.slice(before), bob.jid);
    assert.equal(second.complete, true);
    assert.equal(second.lastId, second.messages.at(-1)!.archiveId);
    assert.notEqual(second.lastId, first.lastId);

    // Nothing new: no messages, lastId unchanged.
    const third = await catchUp(b.iq, b.session, { ownBareJid: alice.jid, afterId: second.lastId });
    assert.deepEqual(
      { n: third.messages.length, lastId: third.lastId, complete: third.complete, pages: third.pages },
      { n: 0, lastId: second.lastId, complete: true, pages: 1 },
    );

    // maxPages stops early with complete: false; resuming from its lastId gets the rest, nothing lost or doubled.
    const bounded = await catchUp(b.iq, b.session, {
      ownBareJid: alice.jid,
      afterId: null,
      pageSize: 50,
      maxPages: 2,
    });
    assert.equal(bounded.complete, false);
    assert.equal(bounded.messages.length, 100);
    assert.equal(bounded.lastId, bounded.messages.at(-1)!.archiveId);
    const rest = await catchUp(b.iq, b.session, {
      ownBareJid: alice.jid,
      afterId: bounded.lastId,
      pageSize: 50,
    });
    assert.equal(rest.complete, true);
    assertArchive([...bounded.messages, ...rest.messages], expected, bob.jid);

    // An afterId the archive does not know (expired): the walk restarts from the beginning (or startAt).
    const lost = await catchUp(b.iq, b.session, {
      ownBareJid: alice.jid,
      afterId: 'no-such-id',
      pageSize: 50,
    });
    assert.equal(lost.afterIdLost, true);
    assert.equal(lost.complete, true);
    assertArchive(lost.messages, expected, bob.jid);
    const future = await catchUp(b.iq, b.session, {
      ownBareJid: alice.jid,
      afterId: 'no-such-id',
      startAt: Date.now() + 3_600_000,
    });
    assert.deepEqual([future.afterIdLost, future.messages.length, future.complete], [true, 0, true]);

    // A live message carries our server's stanza-id, which is the archive id catch-up reports for it.
    const live = await a.waitFor((s) => s.getChildText('body') === 'r5-in0');
    assert.equal(ownStanzaId(live, alice.jid), second.messages.find((m) => m.body === 'r5-in0')?.archiveId);

    // Forged results during a catch-up: over the wire from a contact (with the live queryid), and injected
    // with our bare JID but a wrong queryid, from our full JID, and a duplicate archive id. All ignored.
    const source = new EventEmitter<{ stanza: [Element] }>();
    b.session.on('stanza', (s) => source.emit('stanza', s));
    let mamPages = 0;
    const firstPageIds: string[] = [];
    source.on('stanza', (s) => {
      const r = s.getChild('result', NS_MAM);
      if (mamPages === 1 && r?.attrs.id) firstPageIds.push(r.attrs.id);
    });
    const tracker = new IqTracker(
      async (el) => {
        const queryId = el.getChild('query', NS_MAM)?.attrs.queryid;
        if (queryId && ++mamPages === 2) {
          const forgedId = `wire-${randomUUID()}`;
          await bob.sendRaw(forgedXml(alice.jid, queryId, forgedId, 'forged over the wire'));
          const arrived = await b.waitFor((s) => s.getChild('result', NS_MAM)?.attrs.id === forgedId);
          assert.equal(arrived.attrs.from, `${bob.jid}/desk`);
          source.emit(
            'stanza',
            forgedResult(undefined, 'wrong-queryid', 'inj-1', 'forged wrong queryid', alice.jid, bob.jid),
          );
          source.emit(
            'stanza',
            forgedResult(`${alice.jid}/a`, queryId, 'inj-2', 'forged full jid', alice.jid, bob.jid),
          );
          source.emit(
            'stanza',
            forgedResult('mallory@example.net', queryId, 'inj-3', 'forged stranger', alice.jid, bob.jid),
          );
          source.emit(
            'stanza',
            forgedResult(undefined, queryId, firstPageIds[0]!, 'forged duplicate', alice.jid, bob.jid),
          );
        }
        await b.session.send(el);
      },
      b.session.jid,
      10_000,
    );
    b.trackers.add(tracker);
    const guarded = await catchUp(tracker, source, { ownBareJid: alice.jid, afterId: null, pageSize: 50 });
    assert.equal(firstPageIds.length, 50);
    assert.equal(guarded.complete, true);
    assertArchive(guarded.messages, expected, bob.jid);
    assert.equal(
      guarded.messages.some((m) => m.body?.startsWith('forged')),
      false,
    );
  });

  function assertArchive(
    got: ArchivedMessage[],
    want: Array<{ body: string; direction: 'in' | 'out' }>,
    peer: string,
  ): void {
    assert.deepEqual(
      got.map((m) => `${m.direction}:${m.body}`),
      want.map((m) => `${m.direction}:${m.body}`),
    );
    assert.equal(new Set(got.map((m) => m.archiveId)).size, got.length, 'archive ids are unique');
    for (const m of got) {
      assert.equal(m.peer, peer);
      assert.equal(m.type, 'chat');
      assert.ok(m.serverAt !== null && Math.abs(m.serverAt - Date.now()) < 600_000);
      if (m.direction === 'out') assert.equal(m.originId, originIds.get(m.body!));
    }
    for (let i = 1; i < got.length; i++) assert.ok(got[i]!.serverAt! >= got[i - 1]!.serverAt!);
  }
});

/** A result that would pass as a message from `peer` to `own` if its wrapper were believed. */
function forgedResult(
  from: string | undefined,
  queryId: string,
  id: string,
  body: string,
  own: string,
  peer: string,
): Element {
  return xml(
    'message',
    { from },
    xml(
      'result',
      { xmlns: NS_MAM, queryid: queryId, id },
      xml(
        'forwarded',
        { xmlns: 'urn:xmpp:forward:0' },
        xml('delay', { xmlns: 'urn:xmpp:delay', stamp: new Date().toISOString() }),
        xml(
          'message',
          { xmlns: 'jabber:client', from: `${peer}/desk`, to: own, type: 'chat' },
          xml('body', {}, body),
        ),
      ),
    ),
  );
}

function forgedXml(to: string, queryId: string, id: string, body: string): string {
  return (
    `<message to='${to}/b'><result xmlns='${NS_MAM}' queryid='${queryId}' id='${id}'>` +
    `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:00Z'/>` +
    `<message xmlns='jabber:client' from='${to}/a' to='eve@example.net' type='chat'><body>${body}</body></message>` +
    `</forwarded></result></message>`
  );
}
