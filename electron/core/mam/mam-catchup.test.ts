// XEP-0313 catch-up against a real Prosody, the Converse.js #1548 case: 250 archived messages in pages of 50
// come back exactly once, in order, both directions, resumable after lastId, with forged results (wrong
// sender, wrong queryid, duplicates) ignored. Parsing and hostile results are unit-tested in mam.test.ts.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { catchUp as catchUpPages, NS_MAM, ownStanzaId, type ArchivedMessage } from './mam.ts';
import { parseJid } from '../../../shared/jid.ts';
import type { XmppSession } from '../xmpp/session.ts';
import { IqTracker } from '../xmpp/iq-tracker.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { openRawSession } from '../../../e2e/harness/raw-session.ts';
import { forgedResult, forgedXml } from './mam-test-kit.ts';

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

describe(`MAM catch-up against ${serverKind()}`, () => {
  const scenario = useServerScenario();
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

    // An afterId the archive does not know (expired): Prosody answers item-not-found and the walk restarts
    // from the beginning (or startAt). ejabberd 23.01's archive ids are its storage times (µs) and an id it
    // does not hold is read as a point in time, never item-not-found ('no-such-id' as 0): the same whole
    // archive comes back, with no restart needed.
    const lost = await catchUp(b.iq, b.session, {
      ownBareJid: alice.jid,
      afterId: 'no-such-id',
      pageSize: 50,
    });
    assert.equal(lost.afterIdLost, scenario.server.kind === 'prosody');
    assert.equal(lost.complete, true);
    assertArchive(lost.messages, expected, bob.jid);
    if (scenario.server.kind === 'prosody') {
      const future = await catchUp(b.iq, b.session, {
        ownBareJid: alice.jid,
        afterId: 'no-such-id',
        startAt: Date.now() + 3_600_000,
      });
      assert.deepEqual([future.afterIdLost, future.messages.length, future.complete], [true, 0, true]);
    }

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
