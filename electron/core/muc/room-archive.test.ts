// A room's archive through the shared pager (mam/archive-pager.ts), against a scripted room: queries go to
// the room, only the room's own results are believed, the first join takes the newest page only, a rejoin
// walks forward from the id held (a lost id: the newest page), bounded; scrolling up pages back.
// Against real rooms on both servers: muc-rooms.test.ts ("the room's archive…", "muc.history walks back…").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { xml, type Element } from '@xmpp/xml';
import { IqTracker } from '../xmpp/iq-tracker.ts';
import { NS_MAM, NS_RSM } from '../xmpp/ns.ts';
import { forgedResult } from '../mam/mam-test-kit.ts';
import { catchUpRoom, MAX_ROOM_PAGES, olderRoomPage } from './room-archive.ts';

const ME = 'alice@example.org';
const ROOM = 'lobby@rooms.example.org';

/** A room line as the room's archive sends it: from the room's bare JID unless `from` says otherwise (null: none). */
const roomResult = (queryId: string, id: string, body: string, from: string | null = ROOM): Element =>
  forgedResult(from ?? undefined, queryId, id, body, `${ME}/desk`, ROOM, 'groupchat');

interface Page {
  results?: (queryId: string) => Element[];
  complete?: boolean;
  last?: string;
}

/** The room answering query n with `answer(n)`: its results, then <fin/> from the room; or an error. */
function scriptedRoom(answer: (n: number) => Page | 'item-not-found') {
  const source = new EventEmitter<{ stanza: [Element] }>();
  const queries: Array<{ to: string | undefined; query: Element }> = [];
  const tracker: IqTracker = new IqTracker(
    async (iq) => {
      const query = iq.getChild('query', NS_MAM)!;
      const reply = answer(queries.length);
      queries.push({ to: iq.attrs.to, query });
      setImmediate(() => {
        const base = { id: iq.attrs.id, from: ROOM };
        if (reply === 'item-not-found') {
          const condition = xml(reply, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' });
          tracker.handleReply(
            xml('iq', { type: 'error', ...base }, xml('error', { type: 'cancel' }, condition)),
          );
          return;
        }
        for (const r of reply.results?.(query.attrs.queryid ?? '') ?? []) source.emit('stanza', r);
        const set = xml('set', { xmlns: NS_RSM }, reply.last ? xml('last', {}, reply.last) : null);
        const fin = xml('fin', { xmlns: NS_MAM, complete: reply.complete ? 'true' : undefined }, set);
        tracker.handleReply(xml('iq', { type: 'result', ...base }, fin));
      });
    },
    `${ME}/desk`,
    2_000,
  );
  return { tracker, source, queries };
}

const rsm = (query: Element, name: string): string | null =>
  query.getChild('set', NS_RSM)?.getChildText(name) ?? null;

async function catchUp(room: ReturnType<typeof scriptedRoom>, afterId: string | null, pageSize = 50) {
  const bodies: string[] = [];
  const complete = await catchUpRoom(room.tracker, room.source, ROOM, {
    afterId,
    pageSize,
    onPage: (results) => bodies.push(...results.map((r) => r.fields.body ?? '')),
  });
  return { bodies, complete };
}

describe("a room's archive (unit)", () => {
  test('the first join: the newest page only, asked of the room; results from anyone else are ignored', async () => {
    const room = scriptedRoom(() => ({
      complete: false,
      results: (q) => [
        roomResult(q, 'a1', 'one'),
        roomResult(q, 'x1', 'from our server', null),
        roomResult(q, 'x2', 'from our account', ME),
        roomResult(q, 'x3', 'from an occupant', `${ROOM}/mallory`),
        roomResult(q, 'x4', 'from another room', 'other@rooms.example.org'),
        roomResult('another-query', 'x5', 'wrong queryid'),
        roomResult(q, 'a1', 'one again'),
        roomResult(q, 'a2', 'two'),
      ],
    }));
    const { bodies, complete } = await catchUp(room, null, 500);
    assert.deepEqual(bodies, ['one', 'two']);
    assert.equal(complete, true, 'the newest page is all a first join takes');
    assert.equal(room.queries.length, 1);
    assert.equal(room.queries[0]!.to, ROOM);
    assert.deepEqual(
      [rsm(room.queries[0]!.query, 'before'), rsm(room.queries[0]!.query, 'max')],
      ['', '100'],
    );
  });

  test('a rejoin walks forward from the id held, each line once; a lost id falls back to the newest page', async () => {
    const pages: Page[] = [
      { last: 'b2', results: (q) => [roomResult(q, 'b1', 'one'), roomResult(q, 'b2', 'two')] },
      {
        last: 'b3',
        complete: true,
        results: (q) => [roomResult(q, 'b2', 'two again'), roomResult(q, 'b3', 'three')],
      },
    ];
    const room = scriptedRoom((n) => pages[n]!);
    assert.deepEqual(await catchUp(room, 'b0'), { bodies: ['one', 'two', 'three'], complete: true });
    assert.deepEqual(
      room.queries.map(({ query }) => [rsm(query, 'after'), rsm(query, 'before')]),
      [
        ['b0', null],
        ['b2', null],
      ],
    );

    const lost = scriptedRoom((n) =>
      n === 0 ? 'item-not-found' : { results: (q) => [roomResult(q, 'c9', 'newest')] },
    );
    assert.deepEqual(await catchUp(lost, 'gone'), { bodies: ['newest'], complete: true });
    assert.deepEqual(
      lost.queries.map(({ query }) => [rsm(query, 'after'), rsm(query, 'before')]),
      [
        ['gone', null],
        [null, ''],
      ],
    );
  });

  test(`a walk that never ends stops after ${MAX_ROOM_PAGES} pages and says it is not complete`, async () => {
    const room = scriptedRoom((n) => ({
      last: `p${n}`,
      results: (q) => [roomResult(q, `p${n}`, `line ${n}`)],
    }));
    const { bodies, complete } = await catchUp(room, 'start');
    assert.equal(complete, false);
    assert.equal(room.queries.length, MAX_ROOM_PAGES);
    assert.equal(bodies.length, MAX_ROOM_PAGES);
  });

  test('scrolling up: the page before the oldest id held; a lost id falls back to the newest page up to its time', async () => {
    const room = scriptedRoom((n) =>
      n === 0 ? 'item-not-found' : { complete: true, results: (q) => [roomResult(q, 'd1', 'oldest')] },
    );
    const endAt = Date.UTC(2024, 4, 1, 9);
    const page = await olderRoomPage(room.tracker, room.source, ROOM, { beforeId: 'held', endAt, max: 1000 });
    assert.deepEqual(
      [page.results.map((r) => r.archiveId), page.complete, page.firstId],
      [['d1'], true, 'd1'],
    );
    assert.deepEqual(
      room.queries.map(({ to, query }) => [to, rsm(query, 'before'), rsm(query, 'max')]),
      [
        [ROOM, 'held', '100'],
        [ROOM, '', '100'],
      ],
    );
    const end = room.queries[1]!.query.getChild('x', 'jabber:x:data')
      ?.getChildren('field')
      .find((f) => f.attrs.var === 'end');
    assert.equal(end?.getChildText('value'), new Date(endAt).toISOString());
  });
});
