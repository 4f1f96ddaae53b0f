// The account's XEP-0191 blocklist against a real server (both passes): read at sign-in, changed by the
// server's pushes when another device of the account blocks or unblocks, by our own commands, and never by a
// push from anyone else. 'blocking.list' answers what the engine holds; 'blocking.changed' says each change.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import type { EngineEvent } from '../../../shared/contract.ts';
import type { Blocklist, BlocklistChange } from '../../../shared/blocking.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { openRawSession, type RawSession } from '../../../e2e/harness/raw-session.ts';
import { useServerScenario, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { NS_BLOCKING } from '../xmpp/ns.ts';

describe(`the blocklist against ${serverKind()}`, () => {
  const scenario = useServerScenario();
  const sessions: RawSession[] = [];

  const device = async (acc: ScenarioAccount, resource: string): Promise<RawSession> => {
    const raw = await openRawSession(scenario.server, acc, resource);
    sessions.push(raw);
    return raw;
  };
  /** A block or unblock sent by a raw session for its own account (the server pushes it to our engine). */
  const change = (from: RawSession, kind: 'block' | 'unblock', jids: string[]) =>
    from.iq.request(
      'set',
      null,
      xml(kind, { xmlns: NS_BLOCKING }, ...jids.map((jid) => xml('item', { jid }))),
    );

  const list = async (client: EngineClient): Promise<Blocklist> => {
    const answer = await client.engine.invoke('blocking.list', { account: client.account });
    assert.ok(answer.ok, JSON.stringify(answer));
    return answer.value;
  };
  /** The first 'blocking.changed' at or after `since` that satisfies `pred`. */
  const changed = async (client: EngineClient, since: number, pred: (c: BlocklistChange) => boolean) => {
    const event = await client.waitForEvent(
      (e: EngineEvent, i) => i >= since && e.event === 'blocking.changed' && pred(e.payload),
      15_000,
    );
    return (event as Extract<EngineEvent, { event: 'blocking.changed' }>).payload;
  };
  const changes = (client: EngineClient, since = 0): BlocklistChange[] =>
    client.events.slice(since).flatMap((e) => (e.event === 'blocking.changed' ? [e.payload] : []));

  test('the list is read at sign-in: what another device blocked earlier is listed', async () => {
    const acc = await scenario.account('bl-start');
    const phone = await device(acc, 'phone');
    const early = `early-${acc.user}@${scenario.server.domain}`;
    await change(phone, 'block', [early, 'spam.example']);
    const me = await scenario.engine(acc);
    const reset = await changed(me, 0, (c) => c.reset && c.status === 'loaded');
    assert.deepEqual([...reset.blocked].sort(), [early, 'spam.example'].sort());
    assert.equal(reset.account, acc.jid);
    const answer = await list(me);
    assert.deepEqual(
      [answer.status, [...answer.blocked].sort(), answer.more],
      ['loaded', reset.blocked.sort(), 0],
    );
  });

  test('a block from another device of the account is listed; its unblock takes it out; unblock-all empties it', async () => {
    const acc = await scenario.account('bl-push');
    const me = await scenario.engine(acc);
    await changed(me, 0, (c) => c.reset && c.status === 'loaded');
    const laptop = await device(acc, 'laptop');
    const [eve, trent] = [
      `eve-${acc.user}@${scenario.server.domain}`,
      `trent-${acc.user}@${scenario.server.domain}`,
    ];

    let since = me.events.length;
    await change(laptop, 'block', [eve]);
    const blocked = await changed(me, since, (c) => c.blocked.includes(eve));
    assert.deepEqual([blocked.reset, blocked.unblocked], [false, []]);
    assert.deepEqual((await list(me)).blocked, [eve]);

    since = me.events.length;
    await change(laptop, 'unblock', [eve]);
    await changed(me, since, (c) => c.unblocked.includes(eve));
    assert.deepEqual((await list(me)).blocked, [], 'gone once unblocked');

    // XEP-0191 §3.3: an unblock without items unblocks everyone.
    await change(laptop, 'block', [eve, trent]);
    await changed(me, since, (c) => c.blocked.includes(trent));
    since = me.events.length;
    await change(laptop, 'unblock', []);
    await changed(me, since, (c) => c.unblocked.includes(eve) && c.unblocked.includes(trent));
    assert.deepEqual((await list(me)).blocked, []);
  });

  test("our own block and unblock are listed at once, and the other device's list agrees", async () => {
    const acc = await scenario.account('bl-own');
    const me = await scenario.engine(acc);
    const mallory = `mallory-${acc.user}@${scenario.server.domain}`;
    assert.ok((await me.engine.invoke('blocking.block', { account: acc.jid, jid: mallory })).ok);
    assert.deepEqual((await list(me)).blocked, [mallory], 'listed when the command answers');
    const other = await device(acc, 'tablet');
    const onServer = await other.iq.request('get', null, xml('blocklist', { xmlns: NS_BLOCKING }));
    const items = onServer.getChild('blocklist', NS_BLOCKING)?.getChildren('item') ?? [];
    assert.deepEqual(
      items.map((i) => i.attrs.jid),
      [mallory],
      'the server holds it',
    );
    assert.ok((await me.engine.invoke('blocking.unblock', { account: acc.jid, jid: mallory })).ok);
    assert.deepEqual((await list(me)).blocked, []);
  });

  test('a block or unblock push from someone else is refused and changes nothing', async () => {
    const acc = await scenario.account('bl-spoof');
    const me = await scenario.engine(acc);
    await changed(me, 0, (c) => c.reset && c.status === 'loaded');
    const phone = await device(acc, 'phone');
    const kept = `kept-${acc.user}@${scenario.server.domain}`;
    await change(phone, 'block', [kept]);
    await changed(me, 0, (c) => c.blocked.includes(kept));

    const strangerAccount = await scenario.account('bl-stranger');
    const stranger = await device(strangerAccount, 'spoof');
    const forged = `forged-${acc.user}@${scenario.server.domain}`;
    const since = me.events.length;
    for (const [kind, jid] of [
      ['block', forged],
      ['unblock', kept],
    ] as const) {
      const reply = await stranger.iq
        .request('set', me.jid, xml(kind, { xmlns: NS_BLOCKING }, xml('item', { jid })))
        .then(
          () => 'result',
          (error: unknown) => String((error as { condition?: string }).condition),
        );
      assert.equal(reply, 'service-unavailable', `${kind} from a stranger refused`);
    }
    assert.deepEqual((await list(me)).blocked, [kept], 'the list is as before');

    // A real change after the forged ones: once its event is in, no event named the forged pushes.
    const later = `later-${acc.user}@${scenario.server.domain}`;
    await change(phone, 'block', [later]);
    await changed(me, since, (c) => c.blocked.includes(later));
    for (const c of changes(me, since)) {
      assert.ok(!c.blocked.includes(forged) && !c.unblocked.includes(kept), JSON.stringify(c));
    }
  });

  test('signing out forgets the list until the next session reads it again', async () => {
    const acc = await scenario.account('bl-out');
    const me = await scenario.engine(acc);
    const blocked = `out-${acc.user}@${scenario.server.domain}`;
    assert.ok((await me.engine.invoke('blocking.block', { account: acc.jid, jid: blocked })).ok);
    const since = me.events.length;
    await me.signOut();
    await changed(me, since, (c) => c.reset && c.status === 'not-loaded' && c.blocked.length === 0);
    await me.signIn();
    const again = await changed(me, since, (c) => c.reset && c.status === 'loaded');
    assert.deepEqual(again.blocked, [blocked]);
  });

  after(() => Promise.all(sessions.map((raw) => raw.session.close().catch(() => undefined))));
});
