// Choosing "Offline" is not signing out (issue 10): against the real server, the contact sees us leave, the
// account stays in the engine (roster, history, own status) without a session, nothing reconnects by itself,
// and any other presence goes online again with the password held in memory; a restart honours the choice.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineEvent } from '../../../shared/contract.ts';
import type { SlixmppPeer } from '../../../e2e/harness/peer.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { sleep, snapshot, useServerScenario } from '../../../e2e/harness/scenario.ts';
import { startFaultProxy } from '../../../e2e/harness/fault-proxy.ts';
import { Engine } from '../engine.ts';
import { joined, newRoom, roomState, waitOccupants } from '../muc/muc-test-kit.ts';
import type { SecretBackend } from '../credentials.ts';

/** A password store in memory: what a keychain does for this engine, without one. */
function memoryBackend(): SecretBackend {
  const secrets = new Map<string, string>();
  return {
    name: 'safe-storage',
    probe: async () => null,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => void secrets.delete(account),
  };
}

describe('presence Offline keeps the account', () => {
  const scenario = useServerScenario();
  const { engine, peer } = scenario;

  const statuses = (client: Pick<EngineClient, 'events'>, from = 0): string[] =>
    client.events.slice(from).flatMap((e) => (e.event === 'connection.state' ? [e.payload.status] : []));

  /** Mutual subscription between the engine's account and a slixmpp peer. */
  async function befriend(a: EngineClient, p: SlixmppPeer): Promise<void> {
    assert.ok((await a.engine.invoke('roster.add', { account: a.account, jid: p.jid, subscribe: true })).ok);
    await p.waitFor('presence', (e) => e.presenceType === 'subscribe' && e.from === a.account);
    await p.approve(a.account);
    await p.subscribe(a.account);
    await a.waitForEvent(
      (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === p.jid),
    );
    const answer = { account: a.account, jid: p.jid, answer: 'approve' } as const;
    assert.ok((await a.engine.invoke('subscription.answer', answer)).ok);
    await p.waitFor('presence', (e) => e.presenceType === 'available' && e.from === a.jid);
  }

  const bodies = (events: readonly EngineEvent[], from = 0): string[] =>
    events
      .slice(from)
      .flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages.map((m) => m.body ?? '') : []));

  test('Offline: the contact sees us leave, roster and history stay, no reconnect; Away goes online again', async () => {
    const a = await engine('offline');
    const p = await peer('offlinepeer');
    await befriend(a, p);
    await p.sendMessage(a.account, 'before going offline');
    await a.waitForEvent(
      (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'before going offline'),
    );
    const firstJid = a.jid;
    const start = a.events.length;

    const off = await a.engine.invoke('presence.set', {
      account: a.account,
      show: 'offline',
      status: 'gone',
    });
    assert.deepEqual(off, { ok: true, value: { ok: true } });
    await p.waitFor('presence', (e) => e.from === firstJid && e.presenceType === 'unavailable');
    const paused = await a.waitForEvent(
      (e, i) => i >= start && e.event === 'connection.state' && e.payload.status === 'paused',
    );
    assert.deepEqual(paused.payload, {
      account: a.account,
      status: 'paused',
      jid: null,
      error: null,
      security: null,
      mechanism: null,
      rosterShown: true,
    });

    // Still the engine's account: roster, own choice and local history, without a session.
    const snap = await snapshot(a);
    assert.equal(snap.connection.status, 'paused');
    assert.ok(snap.roster.some((c) => c.jid === p.jid && c.subscription === 'both'));
    assert.deepEqual(snap.ownPresence, { show: 'offline', status: 'gone', priority: 0 });
    assert.equal(snap.presence.find((c) => c.jid === p.jid)?.best ?? null, null);
    const history = await a.engine.invoke('chat.history', { account: a.account, peer: p.jid });
    assert.ok(history.ok);
    assert.deepEqual(
      history.value.messages.map((m) => m.body),
      ['before going offline'],
    );
    const again = await a.engine.invoke('account.signIn', {
      jid: a.account,
      password: 'irrelevant',
      host: scenario.server.host,
      port: scenario.server.c2sPort,
    });
    assert.equal(
      again.ok ? 'ok' : again.error.code,
      'already-connected',
      'the account is still signed in here',
    );

    // Nothing goes online by itself: not the network-back signal, not the reconnect backoff (1 s at first).
    assert.ok((await a.engine.invoke('connection.retryNow', {})).ok);
    await p.sendMessage(a.account, 'while you were offline');
    await sleep(2_500);
    a.engine.flushEvents();
    assert.deepEqual(statuses(a, start), ['paused']);
    assert.deepEqual(bodies(a.events, start), [], 'no session: nothing arrives');
    const rosterAdd = await a.engine.invoke('roster.add', {
      account: a.account,
      jid: `x-${Date.now()}@${scenario.server.domain}`,
    });
    assert.equal(rosterAdd.ok ? 'ok' : rosterAdd.error.code, 'not-connected');

    // Away: a fresh session with the password held; the contact sees it, and what came meanwhile arrives.
    const back = await a.engine.invoke('presence.set', {
      account: a.account,
      show: 'away',
      status: 'back soon',
    });
    assert.deepEqual(back, { ok: true, value: { ok: true } });
    const seen = await p.waitFor('presence', (e) => e.presenceType === 'available' && e.show === 'away');
    assert.equal(seen.status, 'back soon');
    a.engine.flushEvents();
    assert.equal(statuses(a, start).at(-1), 'online'); // (the batcher may fold 'connecting' into it)
    await a.waitForEvent(
      (e) =>
        e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'while you were offline'),
      15_000,
    );
    assert.deepEqual((await snapshot(a)).ownPresence, { show: 'away', status: 'back soon', priority: 0 });
    const live = await a.engine.invoke('chat.send', { account: a.account, to: p.jid, body: 'online again' });
    assert.ok(live.ok);
    await p.waitFor('message', (e) => e.body === 'online again');
  });

  test('Offline while reconnecting to a server that is down stops the retries; Available tries again', async () => {
    const who = await scenario.account('retry');
    const a = await engine(who, { signIn: false });
    const proxy = await startFaultProxy({ host: scenario.server.host, port: scenario.server.c2sPort });
    try {
      const signedIn = await a.engine.invoke('account.signIn', {
        jid: who.jid,
        password: who.password,
        host: '127.0.0.1',
        port: proxy.port,
      });
      assert.ok(signedIn.ok);
      proxy.refuse(true);
      proxy.reset(); // the server looks down: the engine retries on its backoff
      await a.waitForEvent((e) => e.event === 'connection.state' && e.payload.status === 'reconnecting');
      const off = await a.engine.invoke('presence.set', { account: who.jid, show: 'offline' });
      assert.deepEqual(off, { ok: true, value: { ok: true } });
      a.engine.flushEvents();
      const triedBefore = proxy.accepted;
      const start = a.events.length;
      await sleep(3_000); // the backoff's first retries would have come in this time
      a.engine.flushEvents();
      assert.equal(proxy.accepted, triedBefore, 'no connection was tried while Offline');
      assert.deepEqual(statuses(a, start), []);
      assert.equal((await snapshot(a)).connection.status, 'paused');

      proxy.heal();
      const on = await a.engine.invoke('presence.set', { account: who.jid, show: 'available' });
      assert.deepEqual(on, { ok: true, value: { ok: true } });
      assert.equal((await snapshot(a)).connection.status, 'online');
    } finally {
      await proxy.close();
    }
  });

  test('Offline leaves the rooms we are in; Available joins them again', async () => {
    const alice = await engine('room-alice');
    const bob = await engine('room-bob');
    const room = newRoom(scenario.server);
    await joined(alice, room, 'alice');
    await joined(bob, room, 'bob');
    await waitOccupants(bob, room, (list) => list.has('alice'));

    assert.ok((await alice.engine.invoke('presence.set', { account: alice.account, show: 'offline' })).ok);
    await waitOccupants(bob, room, (list) => !list.has('alice'));
    const since = alice.events.length;
    assert.ok((await alice.engine.invoke('presence.set', { account: alice.account, show: 'available' })).ok);
    await waitOccupants(bob, room, (list) => list.has('alice'));
    await roomState(alice, room, (r) => r.status === 'joined', since);
  });

  test('a restart after Offline starts offline (nothing sent) with the cached roster; Available signs in', async () => {
    const who = await scenario.account('restart');
    const p = await peer('restartpeer');
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-offline-'));
    const backend = memoryBackend();
    const open = async () => {
      const created = await Engine.create({
        dataDir,
        extraCertificates: [scenario.server.certificate.certPem],
        batchIntervalMs: 5,
        secretBackends: [backend],
      });
      const events: EngineEvent[] = [];
      created.subscribe((batch) => events.push(...batch));
      return { engine: created, events };
    };
    const signIn = {
      jid: who.jid,
      password: who.password,
      host: scenario.server.host,
      port: scenario.server.c2sPort,
      remember: true,
    };
    const first = await open();
    try {
      assert.ok((await first.engine.invoke('account.signIn', signIn)).ok);
      assert.ok((await first.engine.invoke('roster.add', { account: who.jid, jid: p.jid, name: 'Pat' })).ok);
      const off = await first.engine.invoke('presence.set', {
        account: who.jid,
        show: 'offline',
        status: 'zzz',
      });
      assert.ok(off.ok);
    } finally {
      await first.engine.dispose(); // the app quits while Offline
    }

    const second = await open();
    try {
      const restored = await second.engine.invoke('account.restore', {});
      assert.deepEqual(restored, { ok: true, value: { results: [{ account: who.jid, error: null }] } });
      // The roster cache is shown by a task of its own.
      let snap = await second.engine.invoke('state.snapshot', {});
      for (let i = 0; i < 50 && snap.ok && snap.value.accounts[0]?.roster.length === 0; i++) {
        await sleep(20);
        snap = await second.engine.invoke('state.snapshot', {});
      }
      assert.ok(snap.ok);
      const mine = snap.value.accounts.find((s) => s.account === who.jid)!;
      assert.equal(mine.connection.status, 'paused');
      assert.deepEqual(mine.ownPresence, { show: 'offline', status: 'zzz', priority: 0 });
      assert.deepEqual(
        mine.roster.map((c) => [c.jid, c.name]),
        [[p.jid, 'Pat']],
      );
      second.engine.flushEvents();
      assert.deepEqual(
        second.events.flatMap((e) => (e.event === 'connection.state' ? [e.payload.status] : [])),
        ['paused'],
        'no sign-in was tried',
      );
      const on = await second.engine.invoke('presence.set', { account: who.jid, show: 'available' });
      assert.deepEqual(on, { ok: true, value: { ok: true } });
      const online = await second.engine.invoke('state.snapshot', {});
      assert.ok(online.ok);
      assert.equal(online.value.accounts.find((s) => s.account === who.jid)?.connection.status, 'online');
    } finally {
      await second.engine.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
