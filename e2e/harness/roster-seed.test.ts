// A seeded 2,000-contact roster with 1,000 contacts online through an external component: a real Engine
// signs in and gets exactly that roster and presence, in a few event batches. On the server PARLEY_SERVER
// names; how the Prosody seed is written is checked in roster-seed-prosody.test.ts.
import { MAX_ITEMS } from '../../electron/core/event-batcher.ts';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.ts';
import type { EngineEvent } from '../../shared/contract.ts';
import { serverKind, startServer, type XmppServer } from './server.ts';
import {
  presenceComponentConfig,
  seedRoster,
  startPresenceComponent,
  type PresenceComponent,
  type SeedContact,
} from './roster-seed.ts';

const USER = 'big';
const PASSWORD = 'big-password';
const SECRET = 'component-secret';
const TOTAL = 2_000;
const ONLINE = 1_000;

describe('seeded roster + presence component', () => {
  let server: XmppServer;
  let component: PresenceComponent;
  let bots: string;
  let contacts: SeedContact[];
  const groupNames = ['Family', 'Work', 'Friends', 'Club', 'Ünïcode "quoted"'];

  before(async () => {
    const domain = 'parley.test';
    bots = `bots.${domain}`;
    const config = await presenceComponentConfig(bots, SECRET);
    server = await startServer(serverKind(), {
      domain,
      accounts: [{ user: USER, password: PASSWORD }],
      ...config.serverOptions,
    });
    contacts = Array.from({ length: TOTAL }, (_, i): SeedContact => {
      const online = i < ONLINE;
      return {
        jid: `c${i}@${bots}`,
        name: i % 7 === 0 ? undefined : `Contact ${i}`,
        groups: i % 11 === 0 ? [] : [groupNames[i % groupNames.length]!, ...(i % 3 === 0 ? ['Starred'] : [])],
        subscription: online ? 'both' : (['none', 'to', 'from', 'both'] as const)[i % 4]!,
      };
    });
    await seedRoster(server, USER, contacts);
    component = await startPresenceComponent(server, bots, SECRET);
    component.setOnline(
      contacts.slice(0, ONLINE).map((c) => c.jid),
      { show: 'away', status: 'seeded' },
    );
    // sendPresence while the user is offline: the server drops it, but the component remembers the show.
    component.sendPresence(`c0@${bots}`, `${USER}@${domain}`, 'dnd', 'busy bot');
  });

  after(async () => {
    await component?.close();
    await server?.stop();
  });

  test('an engine signing in gets the whole roster and the online contacts, in few batches', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-roster-seed-'));
    const engine = await Engine.create({ dataDir, extraCertificates: [server.certificate.certPem] });
    const batches: EngineEvent[][] = [];
    const unsubscribe = engine.subscribe((batch) => batches.push(batch));
    try {
      const start = performance.now();
      const result = await engine.invoke('account.signIn', {
        jid: `${USER}@${server.domain}`,
        password: PASSWORD,
        host: server.host,
        port: server.c2sPort,
      });
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      const signedIn = performance.now() - start;

      // Wait (up to 10 s) for presence of every online contact.
      const deadline = Date.now() + 10_000;
      let onlineCount = 0;
      while (Date.now() < deadline) {
        const snap = await engine.invoke('state.snapshot', {});
        assert.ok(snap.ok);
        onlineCount = snap.value.accounts[0]!.presence.filter(
          (p) => p.best !== null && p.jid.endsWith(`@${bots}`),
        ).length;
        if (onlineCount >= ONLINE) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const allPresence = performance.now() - start;
      engine.flushEvents();

      const snap = await engine.invoke('state.snapshot', {});
      assert.ok(snap.ok);
      const mine = snap.value.accounts[0]!;
      const roster = new Map(mine.roster.map((c) => [c.jid, c]));
      assert.equal(roster.size, TOTAL);
      for (const seed of contacts) {
        const got = roster.get(seed.jid);
        assert.ok(got, `missing ${seed.jid}`);
        assert.equal(got.name, seed.name ?? null);
        assert.deepEqual([...got.groups].sort(), [...(seed.groups ?? [])].sort());
        assert.equal(got.subscription, seed.subscription);
      }
      // The server also reflects our own presence (our bare JID): count contacts only.
      const online = mine.presence.filter((p) => p.best !== null && roster.has(p.jid));
      assert.equal(online.length, ONLINE);
      const onlineJids = new Set(online.map((p) => p.jid));
      for (const seed of contacts.slice(0, ONLINE)) assert.ok(onlineJids.has(seed.jid), seed.jid);
      const c0 = online.find((p) => p.jid === `c0@${bots}`);
      assert.equal(c0?.best?.show, 'dnd');
      assert.equal(c0?.best?.status, 'busy bot');
      const c1 = online.find((p) => p.jid === `c1@${bots}`);
      assert.equal(c1?.best?.show, 'away');
      assert.equal(c1?.best?.resource, 'bot');
      assert.equal(component.received.probesAnswered, ONLINE);

      // The engine coalesces: the roster as one reset (split into frames of MAX_ITEMS contacts, first one
      // resetting), and the 1,000 presences in a handful of batches.
      const rosterEvents = batches.flat().filter((e) => e.event === 'roster.changed');
      const chunks = Math.ceil(TOTAL / MAX_ITEMS['roster.changed']);
      assert.deepEqual(
        rosterEvents.map((e) => (e.event === 'roster.changed' ? e.payload.reset : null)),
        [true, ...Array<boolean>(chunks - 1).fill(false)],
      );
      const upserted = rosterEvents.flatMap((e) =>
        e.event === 'roster.changed' ? e.payload.upserts.map((c) => c.jid) : [],
      );
      assert.equal(new Set(upserted).size, TOTAL);
      assert.equal(upserted.length, TOTAL);
      // The first part goes out at once with the state saying the roster is on screen, still connecting.
      const firstRoster = batches.find((b) => b.some((e) => e.event === 'roster.changed'))!;
      const firstPart = firstRoster.find((e) => e.event === 'roster.changed');
      assert.ok(firstPart?.event === 'roster.changed' && firstPart.payload.reset);
      assert.equal(firstPart.payload.upserts.length, MAX_ITEMS['roster.changed']);
      const stateThen = firstRoster.find((e) => e.event === 'connection.state');
      assert.ok(stateThen?.event === 'connection.state');
      assert.deepEqual([stateThen.payload.status, stateThen.payload.rosterShown], ['connecting', true]);
      const presenceBatches = batches.filter((b) => b.some((e) => e.event === 'presence.changed'));
      const presenceItems = batches
        .flat()
        .reduce((n, e) => n + (e.event === 'presence.changed' ? e.payload.contacts.length : 0), 0);
      assert.ok(presenceItems >= ONLINE, `${presenceItems} presence items`);
      assert.ok(
        presenceBatches.length <= 30,
        `${presenceBatches.length} presence batches for ${ONLINE} contacts`,
      );
      console.warn(
        `roster-seed: sign-in ${signedIn.toFixed(0)} ms, all presence ${allPresence.toFixed(0)} ms, ` +
          `${batches.length} batches (${presenceBatches.length} with presence, ${presenceItems} items)`,
      );
    } finally {
      unsubscribe();
      await engine.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
