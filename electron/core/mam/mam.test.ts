// XEP-0313 units: the archive query, result parsing (hostile results), and scroll-back (fetchOlder) against a
// scripted server (query shape, item-not-found fallback). Against a real Prosody: mam-catchup.test.ts and
// mam-scrollback.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { xml, type Element } from '@xmpp/xml';
import {
  archiveQuery,
  fetchOlder,
  isArchiveResult,
  NS_MAM,
  ownStanzaId,
  parseResult,
  toArchivedMessage,
} from './mam.ts';
import { parseJid } from '../../../shared/jid.ts';
import { IqTracker } from '../xmpp/iq-tracker.ts';
import { EngineError } from '../errors.ts';

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

  test('the query carries with/end filters and an RSM <before/>, empty for the last page', () => {
    const q = archiveQuery('q4', {
      with: 'bob@example.net',
      endAt: Date.UTC(2024, 0, 2),
      before: '',
      max: 50,
    });
    assert.equal(
      q.toString(),
      '<query xmlns="urn:xmpp:mam:2" queryid="q4"><x xmlns="jabber:x:data" type="submit">' +
        '<field var="FORM_TYPE" type="hidden"><value>urn:xmpp:mam:2</value></field>' +
        '<field var="with"><value>bob@example.net</value></field>' +
        '<field var="end"><value>2024-01-02T00:00:00.000Z</value></field></x>' +
        '<set xmlns="http://jabber.org/protocol/rsm"><max>50</max><before/></set></query>',
    );
    const older = archiveQuery('q5', { with: 'bob@example.net', before: 'A7', max: 20 });
    assert.equal(older.getChild('set', 'http://jabber.org/protocol/rsm')?.getChildText('before'), 'A7');
  });

  test('fetchOlder: before the id we hold; item-not-found falls back once to end; other errors pass', async () => {
    const peer = 'bob@example.net';
    const older = (
      server: ReturnType<typeof scriptedArchive>,
      o: Partial<Parameters<typeof fetchOlder>[2]>,
    ) =>
      fetchOlder(server.tracker, server.source, { ownBareJid: ME, peer, beforeId: null, endAt: null, ...o });

    // The archive knows the id: one query, `with` and <before>id</before>, no time filter.
    const known = scriptedArchive((queryId) => ({
      results: [
        result({ queryid: queryId, id: 'x1', inner: { body: 'one' } }),
        result({ queryid: queryId, id: 'x2', inner: { from: 'carol@example.net/pc', body: 'other chat' } }),
        result({ queryid: queryId, id: 'x1', inner: { body: 'one again' } }),
        result({
          queryid: queryId,
          id: 'x3',
          inner: { from: `${ME}/desk`, to: `${peer}/phone`, body: 'two' },
        }),
      ],
      complete: false,
    }));
    const page = await older(known, { beforeId: 'held-1', endAt: Date.UTC(2024, 0, 2) });
    assert.deepEqual(fields(known.queries[0]!), [
      ['FORM_TYPE', NS_MAM],
      ['with', peer],
    ]);
    assert.equal(rsm(known.queries[0]!, 'before'), 'held-1');
    assert.equal(rsm(known.queries[0]!, 'max'), '50');
    assert.deepEqual(
      page.messages.map((m) => [m.archiveId, m.direction, m.body]),
      [
        ['x1', 'in', 'one'],
        ['x3', 'out', 'two'],
      ],
      'oldest first, each id once, only this chat',
    );
    assert.equal(page.complete, false);

    // The id expired: once more with an empty <before/> and `end` = endAt.
    const expired = scriptedArchive((queryId, n) =>
      n === 0 ? 'item-not-found' : { results: [result({ queryid: queryId, id: 'y1' })], complete: true },
    );
    const fallback = await older(expired, { beforeId: 'gone', endAt: Date.UTC(2024, 0, 2), max: 10_000 });
    assert.equal(expired.queries.length, 2);
    assert.deepEqual(fields(expired.queries[1]!), [
      ['FORM_TYPE', NS_MAM],
      ['with', peer],
      ['end', '2024-01-02T00:00:00.000Z'],
    ]);
    assert.deepEqual([rsm(expired.queries[1]!, 'before'), rsm(expired.queries[1]!, 'max')], ['', '500']);
    assert.deepEqual([fallback.messages.map((m) => m.archiveId), fallback.complete], [['y1'], true]);

    // No anchors: the newest page of the chat, no `end`.
    const newest = scriptedArchive(() => ({ complete: true }));
    assert.deepEqual(await older(newest, { max: 0 }), { messages: [], complete: true, firstId: null });
    assert.deepEqual(fields(newest.queries[0]!), [
      ['FORM_TYPE', NS_MAM],
      ['with', peer],
    ]);
    assert.deepEqual([rsm(newest.queries[0]!, 'before'), rsm(newest.queries[0]!, 'max')], ['', '1']);

    // Only one retry, and only for item-not-found.
    const never = scriptedArchive(() => 'item-not-found');
    await assert.rejects(
      older(never, { beforeId: 'gone' }),
      (e) => e instanceof EngineError && e.code === 'not-found',
    );
    assert.equal(never.queries.length, 2);
    const down = scriptedArchive(() => 'service-unavailable');
    await assert.rejects(
      older(down, { beforeId: 'held-1' }),
      (e) => e instanceof EngineError && e.code === 'server-error',
    );
    assert.equal(down.queries.length, 1);
    await assert.rejects(older(down, { peer: 'bob@example.net/phone' }), /not valid/);
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
    const invite = xml(
      'x',
      { xmlns: 'http://jabber.org/protocol/muc#user' },
      xml('invite', { from: 'bob@example.net' }),
      xml('password', {}, 'sesame'),
    );
    const fromRoom = { from: 'room@rooms.example.net', type: 'normal', body: "the password is 'sesame'" };
    assert.equal(
      parse({ ...fromRoom, extra: [invite] }),
      null,
      "a room's mediated invitation is no chat from the room",
    );
    const direct = xml('x', { xmlns: 'jabber:x:conference', jid: 'room@rooms.example.net' });
    assert.equal(parse({ extra: [direct] }), null, 'nor a direct one');
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
    assert.equal(ownStanzaId(m, OWN), 'ours');
    assert.equal(ownStanzaId(xml('message', {}), OWN), null);
    assert.equal(isArchiveResult(result()), true);
    assert.equal(isArchiveResult(xml('message', {}, xml('body', {}, 'x'))), false);
  });
});

/** A server answering each archive query with `answer(queryid, n)`: results then <fin/>, or an error condition. */
function scriptedArchive(
  answer: (queryId: string, n: number) => { results?: Element[]; complete: boolean } | string,
) {
  const source = new EventEmitter<{ stanza: [Element] }>();
  const queries: Element[] = [];
  const tracker: IqTracker = new IqTracker(
    async (iq) => {
      const query = iq.getChild('query', NS_MAM)!;
      const reply = answer(query.attrs.queryid ?? '', queries.length);
      queries.push(query);
      setImmediate(() => {
        if (typeof reply === 'string') {
          const condition = xml(reply, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' });
          tracker.handleReply(
            xml('iq', { type: 'error', id: iq.attrs.id }, xml('error', { type: 'cancel' }, condition)),
          );
          return;
        }
        for (const r of reply.results ?? []) source.emit('stanza', r);
        const fin = xml('fin', { xmlns: NS_MAM, complete: reply.complete ? 'true' : undefined });
        tracker.handleReply(xml('iq', { type: 'result', id: iq.attrs.id }, fin));
      });
    },
    `${ME}/desk`,
    2_000,
  );
  return { tracker, source, queries };
}

function fields(query: Element): Array<[string | undefined, string | null]> {
  const form = query.getChild('x', 'jabber:x:data');
  return (form?.getChildren('field') ?? []).map((f) => [f.attrs.var, f.getChildText('value')]);
}

function rsm(query: Element, name: string): string | null {
  return query.getChild('set', 'http://jabber.org/protocol/rsm')?.getChildText(name) ?? null;
}
