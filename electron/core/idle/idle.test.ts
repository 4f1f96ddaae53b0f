// Auto-away and client state against the real server (PARLEY_SERVER: Prosody or ejabberd): a subscribed
// slixmpp peer sees our presence go away and extended away on idle reports and come back on activity, with
// XEP-0319's <idle since> on the wire (seen by another resource of our own account, which gets our
// presence as is); Do not disturb and a presence chosen while idle are left alone; and XEP-0352: while we
// say no window is on screen, the server holds a contact's presence back until we say one is again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/xml';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import type { SlixmppPeer } from '../../../e2e/harness/peer.ts';
import { openRawSession, type RawSession } from '../../../e2e/harness/raw-session.ts';
import { seedRoster } from '../../../e2e/harness/roster-seed.ts';
import { sleep, useServerScenario, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { startFaultProxy } from '../../../e2e/harness/fault-proxy.ts';
import { NS_IDLE } from '../presence/presence.ts';

describe(`auto-away and client state against ${serverKind()}`, () => {
  const scenario = useServerScenario();

  /** Our engine and a peer subscribed both ways (seeded while both are offline), both online. */
  async function pair(prefix: string): Promise<{ a: EngineClient; p: SlixmppPeer; me: ScenarioAccount }> {
    const me = await scenario.account(prefix);
    const friend = await scenario.account(`${prefix}-peer`);
    await seedRoster(scenario.server, me.user, [{ jid: friend.jid, subscription: 'both' }]);
    await seedRoster(scenario.server, friend.user, [{ jid: me.jid, subscription: 'both' }]);
    const p = await scenario.peer(friend);
    const a = await scenario.engine(me);
    await p.waitFor('presence', (e) => e.from === a.jid && e.presenceType === 'available');
    return { a, p, me };
  }

  const activity = async (a: EngineClient, idleSeconds: number): Promise<void> => {
    assert.deepEqual(await a.engine.invoke('presence.activity', { idleSeconds }), {
      ok: true,
      value: { ok: true },
    });
  };

  const setPresence = async (a: EngineClient, show: 'available' | 'dnd' | 'chat', status: string) => {
    const set = await a.engine.invoke('presence.set', { account: a.account, show, status });
    assert.equal(set.ok, true);
  };

  /** Another resource of our own account: the server hands it our presence exactly as the engine sent it. */
  async function observer(me: ScenarioAccount): Promise<RawSession> {
    const raw = await openRawSession(scenario.server, me, 'observer');
    await raw.session.send(xml('presence', {}, xml('priority', {}, '-1')));
    return raw;
  }
  const fromEngine = (a: EngineClient, pred: (s: Element) => boolean) => (s: Element) =>
    s.is('presence') && s.attrs.from === a.jid && pred(s);
  const idleOf = (s: Element): Element | undefined => s.getChild('idle', NS_IDLE);

  test('idle 400 s: away with <idle since>; 2000 s: xa, same since; activity: back, no <idle>', async () => {
    const { a, p, me } = await pair('idle');
    const raw = await observer(me);
    try {
      await setPresence(a, 'available', 'at my desk');
      await p.waitFor('presence', (e) => e.from === a.jid && e.status === 'at my desk');

      const reportedAt = Date.now();
      await activity(a, 400);
      const away = await p.waitFor('presence', (e) => e.from === a.jid && e.show === 'away');
      assert.equal(away.status, 'at my desk', "the user's status text stays");
      const awayWire = await raw.waitFor(fromEngine(a, (s) => s.getChildText('show') === 'away'));
      const since = Date.parse(idleOf(awayWire)?.attrs.since ?? '');
      assert.match(idleOf(awayWire)!.attrs.since!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(Math.abs(since - (reportedAt - 400_000)) < 5_000, `since ${since} is about now - 400 s`);
      await a.waitForEvent((e) => e.event === 'presence.own' && e.payload.show === 'away');

      await activity(a, 2000);
      const xa = await p.waitFor('presence', (e) => e.from === a.jid && e.show === 'xa');
      assert.equal(xa.status, 'at my desk');
      const xaWire = await raw.waitFor(fromEngine(a, (s) => s.getChildText('show') === 'xa'));
      assert.equal(idleOf(xaWire)?.attrs.since, idleOf(awayWire)?.attrs.since, 'idle since the same moment');

      const beforeBack = a.events.length;
      await activity(a, 0);
      const back = await p.waitFor('presence', (e) => e.from === a.jid && e.show === null);
      assert.deepEqual([back.presenceType, back.status], ['available', 'at my desk']);
      const backWire = await raw.waitFor(fromEngine(a, (s) => s.getChild('show') === undefined));
      assert.equal(idleOf(backWire), undefined, 'back: no <idle/>');
      await a.waitForEvent(
        (e, i) => i >= beforeBack && e.event === 'presence.own' && e.payload.show === 'available',
      );

      // Auto-away is not the user's choice: a new sign-in restores what they set, not 'away'.
      await activity(a, 400);
      await p.waitFor('presence', (e) => e.from === a.jid && e.show === 'away');
      await a.signOut();
      await a.signIn();
      const restored = await p.waitFor(
        'presence',
        (e) => e.from === a.jid && e.presenceType === 'available' && e.show === null,
      );
      assert.equal(restored.status, 'at my desk');
    } finally {
      await raw.session.close();
    }
  });

  test('auto-away turned off in the preferences while away: back at once, not at the next report', async () => {
    const { a, p } = await pair('prefs');
    await activity(a, 400);
    await p.waitFor('presence', (e) => e.from === a.jid && e.show === 'away');
    const off = await a.engine.invoke('prefs.set', { patch: { idle: { autoAway: false } } });
    assert.equal(off.ok, true);
    await p.waitFor('presence', (e) => e.from === a.jid && e.presenceType === 'available' && e.show === null);
    // And a lower threshold applies to the idle time so far: 400 s is past 5 minutes, not past 10.
    await a.engine.invoke('prefs.set', {
      patch: { idle: { autoAway: true, awayMinutes: 10, extendedAwayMinutes: 11 } },
    });
    await activity(a, 400);
    const mark = p.events.length;
    await a.engine.invoke('prefs.set', { patch: { idle: { awayMinutes: 6 } } });
    await p.waitFor('presence', (e) => p.events.indexOf(e) >= mark && e.from === a.jid && e.show === 'away');
  });

  test('Do not disturb is never replaced; a presence set while auto-away wins until the user is back', async () => {
    const { a, p } = await pair('busy');
    await setPresence(a, 'dnd', 'busy');
    await p.waitFor('presence', (e) => e.from === a.jid && e.show === 'dnd');
    const mark = p.events.length;
    await activity(a, 400);
    await activity(a, 2000);
    // Presence from one sender arrives in order: an away sent for the reports would come before this.
    await setPresence(a, 'dnd', 'still busy');
    await p.waitFor('presence', (e) => e.from === a.jid && e.status === 'still busy');
    const shows = p.events
      .slice(mark)
      .flatMap((e) => (e.type === 'presence' && e.from === a.jid ? [e.show] : []));
    assert.deepEqual(shows, ['dnd']);

    await setPresence(a, 'chat', 'chatty');
    await activity(a, 0);
    await activity(a, 400);
    await p.waitFor('presence', (e) => e.from === a.jid && e.show === 'away' && e.status === 'chatty');
    // Chosen while idle: it goes out as chosen and stays, however idle the next reports say we are.
    const chosen = p.events.length;
    await setPresence(a, 'available', 'by hand');
    await p.waitFor('presence', (e) => e.from === a.jid && e.status === 'by hand' && e.show === null);
    await activity(a, 500);
    await activity(a, 2000);
    await setPresence(a, 'available', 'by hand, later');
    await p.waitFor('presence', (e) => e.from === a.jid && e.status === 'by hand, later');
    const after = p.events
      .slice(chosen)
      .flatMap((e) => (e.type === 'presence' && e.from === a.jid ? [e.show] : []));
    assert.deepEqual(after, [null, null]);
    // Back at the desk, then idle again: auto-away works again.
    await activity(a, 0);
    await activity(a, 400);
    await p.waitFor(
      'presence',
      (e) => e.from === a.jid && e.show === 'away' && e.status === 'by hand, later',
    );
  });

  test('idle while the link is down: the resumed session tells the contact (a fresh one would anyway)', async () => {
    const me = await scenario.account('resume');
    const friend = await scenario.account('resume-peer');
    await seedRoster(scenario.server, me.user, [{ jid: friend.jid, subscription: 'both' }]);
    await seedRoster(scenario.server, friend.user, [{ jid: me.jid, subscription: 'both' }]);
    const p = await scenario.peer(friend);
    const a = await scenario.engine(me, { signIn: false });
    const proxy = await startFaultProxy({ host: scenario.server.host, port: scenario.server.c2sPort });
    try {
      const signedIn = await a.engine.invoke('account.signIn', {
        jid: me.jid,
        password: me.password,
        host: '127.0.0.1',
        port: proxy.port,
      });
      assert.ok(signedIn.ok);
      const jid = signedIn.value.jid;
      await p.waitFor('presence', (e) => e.from === jid && e.presenceType === 'available');
      proxy.refuse(true);
      proxy.reset();
      await a.waitForEvent((e) => e.event === 'connection.state' && e.payload.status === 'reconnecting');
      await activity(a, 400);
      const since = a.events.length;
      proxy.heal();
      assert.ok((await a.engine.invoke('connection.retryNow', {})).ok);
      await a.waitForEvent(
        (e, i) => i >= since && e.event === 'connection.state' && e.payload.status === 'online',
        20_000,
      );
      const away = await p.waitFor('presence', (e) => e.from === jid && e.show === 'away', 15_000);
      assert.equal(away.presenceType, 'available');
    } finally {
      await proxy.close();
    }
  });

  test('XEP-0352: while inactive the server holds a contact presence back; active delivers it', async () => {
    const { a, p } = await pair('csi');
    const seen = (status: string) => () =>
      a.events.some(
        (e) => e.event === 'presence.changed' && e.payload.contacts.some((c) => c.best?.status === status),
      );
    await p.setPresence('away', 'before');
    await a.waitForEvent(
      (e) => e.event === 'presence.changed' && e.payload.contacts.some((c) => c.best?.status === 'before'),
    );

    assert.deepEqual(await a.engine.invoke('client.visibility', { active: false }), {
      ok: true,
      value: { ok: true },
    });
    await sleep(300); // <inactive/> reaches the server before the peer's presence does
    await p.setPresence('away', 'held back');
    await sleep(1_500);
    a.engine.flushEvents();
    assert.equal(seen('held back')(), false, 'held by the server while we are inactive');

    await a.engine.invoke('client.visibility', { active: true });
    await a.waitForEvent(
      (e) => e.event === 'presence.changed' && e.payload.contacts.some((c) => c.best?.status === 'held back'),
      5_000,
    );
  });
});
