// XEP-0313 scroll-back (fetchOlder) against a real Prosody: one chat's archive walked backwards with RSM
// <before/> (every message once, in order; a time filter; an unknown id falling back), forged results and
// other chats ignored. The query shape and the item-not-found fallback against a scripted server are in
// mam.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { fetchOlder, NS_MAM, type ArchivedMessage, type OlderPage } from './mam.ts';
import type { XmppSession } from '../xmpp/session.ts';
import { IqTracker } from '../xmpp/iq-tracker.ts';
import { sleep, useServerScenario, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { openRawSession, type RawSession } from '../../../e2e/harness/raw-session.ts';
import { forgedResult } from './mam-test-kit.ts';

describe(`MAM scroll-back against ${serverKind()}`, () => {
  const scenario = useServerScenario();
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
    if (scenario.server.kind === 'ejabberd') {
      // ejabberd 23.01's archive ids are its storage times (µs): an id it does not hold is a point in time,
      // never item-not-found, so there is no fallback; 'no-such-id' reads as 0 and nothing is older.
      const lost = await older({ beforeId: 'no-such-id', endAt: cut });
      assert.deepEqual([lost.messages.length, lost.complete], [0, true]);
      return;
    }
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
