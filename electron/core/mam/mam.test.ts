// XEP-0313 catch-up: the query and result parsing (unit, hostile results), and against a real Prosody the
// Converse.js #1548 case: 250 archived messages in pages of 50 come back exactly once, in order, both
// directions, resumable after lastId, with forged results (wrong sender, wrong queryid, duplicates) ignored.
// Scroll-back (fetchOlder): one chat's archive walked backwards with RSM <before/>, against a scripted server
// (query shape, item-not-found fallback) and a real Prosody (every message once, time filter, forgeries).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import {
  archiveQuery,
  catchUp as catchUpPages,
  fetchOlder,
  isArchiveResult,
  NS_MAM,
  ownStanzaId,
  parseResult,
  toArchivedMessage,
  type ArchivedMessage,
  type OlderPage,
} from './mam.ts';
import { parseJid } from '../../../shared/jid.ts';
import type { XmppSession } from '../xmpp/session.ts';
import { IqTracker } from '../xmpp/iq-tracker.ts';
import { EngineError } from '../errors.ts';
import { sleep, useProsodyScenario, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import { openRawSession, type RawSession } from '../../../e2e/harness/raw-session.ts';

const ME = 'alice@example.org';
const OWN = parseJid(ME);

/** catchUp with every page's messages collected (the engine stores each page as it comes instead). */
async function catchUp(...[iq, source, opts]: Parameters<typeof catchUpPages>) {
  const messages: ArchivedMessage[] = [];
  const result = await catchUpPages(iq, source, {
    ...opts,
    onPage: async (page, lastId) => {
      messages.push(...page);
      await opts.onPage?.(page, lastId);
    },
  });
  return { ...result, messages };
}

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
    assert.equal(
      ownStanzaId(live, parseJid(alice.jid)),
      second.messages.find((m) => m.body === 'r5-in0')?.archiveId,
    );

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

describe('MAM scroll-back against Prosody', () => {
  const scenario = useProsodyScenario();
  const sessions: XmppSession[] = [];
  after(async () => {
    for (const s of sessions) await s.close();
  });

  let me: ScenarioAccount;
  let peerA: ScenarioAccount;
  let query: RawSession;
  let inboxA: RawSession;
  /** The chat with peer A in archive order, as `direction:body`. */
  const chatA: string[] = [];
  /** Epoch ms between the first 80 and the last 40 messages with A, a second clear of both. */
  let cut = 0;

  // 120 messages with A (both directions) and 30 with B, interleaved in rounds; each batch has arrived before
  // the next starts, so the archive order is the order sent.
  before(async () => {
    me = await scenario.account('me');
    peerA = await scenario.account('pa');
    const peerB = await scenario.account('pb');
    const mine = await openRawSession(scenario.server, me, 'talk');
    query = await openRawSession(scenario.server, me, 'query');
    inboxA = await openRawSession(scenario.server, peerA, 'a');
    const inboxB = await openRawSession(scenario.server, peerB, 'b');
    sessions.push(mine.session, query.session, inboxA.session, inboxB.session);
    for (const s of [mine, inboxA, inboxB]) await s.session.send(xml('presence'));

    const batch = async (from: RawSession, to: RawSession, toJid: string, tag: string, n: number) => {
      for (let i = 0; i < n; i++) {
        await from.session.send(
          xml('message', { to: toJid, type: 'chat', id: randomUUID() }, xml('body', {}, `${tag}${i}`)),
        );
      }
      await to.waitFor((s) => s.getChildText('body') === `${tag}${n - 1}`);
    };
    const round = async (r: number) => {
      await batch(mine, inboxA, peerA.jid, `a-r${r}-out`, 20);
      await batch(inboxB, mine, me.jid, `b-r${r}-in`, 5);
      await batch(inboxA, mine, me.jid, `a-r${r}-in`, 20);
      await batch(mine, inboxB, peerB.jid, `b-r${r}-out`, 5);
      for (let i = 0; i < 20; i++) chatA.push(`out:a-r${r}-out${i}`);
      for (let i = 0; i < 20; i++) chatA.push(`in:a-r${r}-in${i}`);
    };
    await round(0);
    await round(1);
    // Prosody keeps whole seconds in `end`: leave a gap of more than one on both sides of the cut.
    await sleep(1100);
    cut = Date.now();
    await sleep(1100);
    await round(2);
    assert.equal(chatA.length, 120);
  });

  const older = (o: Partial<Parameters<typeof fetchOlder>[2]>, iq?: IqTracker, source?: EventEmitter) =>
    fetchOlder(iq ?? query.iq, source ?? query.session, {
      ownBareJid: me.jid,
      peer: peerA.jid,
      beforeId: null,
      endAt: null,
      max: 50,
      ...o,
    });
  const label = (m: ArchivedMessage) => `${m.direction}:${m.body}`;

  function assertChatA(got: ArchivedMessage[], want: string[]): void {
    assert.deepEqual(got.map(label), want);
    assert.equal(new Set(got.map((m) => m.archiveId)).size, got.length, 'archive ids are unique');
    for (const m of got) assert.equal(m.peer, peerA.jid);
    for (let i = 1; i < got.length; i++) assert.ok(got[i]!.serverAt! >= got[i - 1]!.serverAt!);
  }

  test('pages of 50 walked back from the newest: every message with A once, in order, none with B', async () => {
    const pages: OlderPage[] = [];
    let beforeId: string | null = null;
    for (;;) {
      const page = await older({ beforeId });
      pages.push(page);
      // The page's RSM <first/> is its oldest archive id: where a walk continues.
      assert.equal(page.firstId, page.messages[0]!.archiveId);
      if (page.complete) break;
      assert.ok(pages.length < 5, 'the walk ends');
      beforeId = page.firstId;
    }
    assert.deepEqual(
      pages.map((p) => [p.messages.length, p.complete]),
      [
        [50, false],
        [50, false],
        [20, true],
      ],
    );
    assertChatA(
      pages.toReversed().flatMap((p) => p.messages),
      chatA,
    );
  });

  test('endAt alone: the newest page at or before that time, then back from its oldest id', async () => {
    const page = await older({ endAt: cut });
    assertChatA(page.messages, chatA.slice(30, 80));
    assert.equal(page.complete, false);
    for (const m of page.messages) assert.ok(m.serverAt! <= cut);
    const rest = await older({ beforeId: page.messages[0]!.archiveId });
    assertChatA(rest.messages, chatA.slice(0, 30));
    assert.equal(rest.complete, true);
  });

  test('a beforeId the archive does not know falls back to endAt (or to the newest page)', async () => {
    const atCut = await older({ endAt: cut });
    const lost = await older({ beforeId: 'no-such-id', endAt: cut });
    assert.deepEqual(
      lost.messages.map((m) => m.archiveId),
      atCut.messages.map((m) => m.archiveId),
    );
    assert.equal(lost.complete, false);
    const newest = await older({ beforeId: 'no-such-id' });
    assertChatA(newest.messages, chatA.slice(70));
  });

  test('forged results (a contact over the wire, wrong queryid, not our bare JID) and other chats are ignored', async () => {
    const source = new EventEmitter<{ stanza: [Element] }>();
    query.session.on('stanza', (s) => source.emit('stanza', s));
    const tracker = new IqTracker(
      async (el) => {
        const queryId = el.getChild('query', NS_MAM)?.attrs.queryid;
        if (queryId) {
          const forgedId = `wire-${randomUUID()}`;
          const wire = forgedResult(undefined, queryId, forgedId, 'forged over the wire', me.jid, peerA.jid);
          wire.attrs.to = `${me.jid}/query`;
          await inboxA.session.send(wire);
          const arrived = await query.waitFor((s) => s.getChild('result', NS_MAM)?.attrs.id === forgedId);
          assert.equal(arrived.attrs.from, `${peerA.jid}/a`);
          const forge = (from: string | undefined, qid: string, body: string, peer = peerA.jid) =>
            source.emit('stanza', forgedResult(from, qid, `inj-${randomUUID()}`, body, me.jid, peer));
          forge(undefined, 'wrong-queryid', 'forged wrong queryid');
          forge(`${me.jid}/talk`, queryId, 'forged full jid');
          forge('mallory@example.net', queryId, 'forged stranger');
          forge(me.jid, queryId, 'forged other chat', 'mallory@example.net');
        }
        await query.session.send(el);
      },
      query.session.jid,
      10_000,
    );
    query.trackers.add(tracker);
    const page = await older({}, tracker, source);
    assertChatA(page.messages, chatA.slice(70));
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
