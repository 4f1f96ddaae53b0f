// `npm run bench -- muc [runs]`: the engine's side of a room of 5,000 occupants, against the harness Prosody
// on loopback. The room is played by an external component (XEP-0114) on its own domain: it answers the
// room's disco#info and, to our join presence, sends 5,000 occupant presences and then our self-presence
// (status 110), the way a MUC service does; once we are in, every occupant changes presence (away, with a
// status) at once: a storm of 5,000. (A real
// room of 5,000 needs 5,000 joins, and its service broadcasts each to all the others: O(n²) stanzas to make
// the room, which would measure the service.) The browser-mode figures of issue 11 §4 come with the room UI.
//
// Figures (medians over the runs), one JSON line each:
//   muc_join_5000_ms          muc.join invoked -> answered (5,000 occupants collected, the list complete)
//   muc_join_occupant_events  'muc.occupants' payloads that carried that list (split by the batcher)
//   muc_storm_5000_ms         first of 5,000 presence changes sent -> the last one in a 'muc.occupants' event
//   muc_storm_busy_ms         this process's event-loop busy time over the storm (the component's writes,
//                             the engine's parsing and handling); baseline: the same for the bare session
//   muc_storm_occupant_events 'muc.occupants' payloads the storm became
// Each line carries `baseline`: a bare session receiving the same 5,000 presences from the component in the
// same run (the server's share), and `ratio`.
import { performance } from 'node:perf_hooks';
import { xml } from '@xmpp/xml';
import { startProsody } from '../../e2e/harness/prosody.ts';
import { presenceComponentConfig } from '../../e2e/harness/roster-seed.ts';
import { connectComponent, type ComponentClient } from '../../e2e/harness/component.ts';
import { startEngine, type EngineClient } from '../../e2e/harness/engine-client.ts';
import { openRawSession } from '../../e2e/harness/raw-session.ts';
import type { XmppServer } from '../../e2e/harness/server.ts';
import { median, report } from './_stats.ts';

const DOMAIN = 'parley.test';
const ROOMS = `fakerooms.${DOMAIN}`;
const SECRET = 'muc-bench-component';
const OCCUPANTS = 5_000;
const USER = 'muc-bench';
const PASSWORD = 'muc-bench-password';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function occupantPresence(room: string, to: string, nick: string, self = false, status = ''): string {
  const statuses = self ? '<status code="110"/>' : '';
  return (
    `<presence from="${escape(`${room}/${nick}`)}" to="${escape(to)}">` +
    (status ? `<show>away</show><status>${escape(status)}</status>` : '') +
    `<x xmlns="http://jabber.org/protocol/muc#user"><item affiliation="none" role="participant"/>${statuses}</x>` +
    '</presence>'
  );
}

/** Plays `room`: answers disco#info, and a join with OCCUPANTS occupants then the self-presence. */
function playRoom(component: ComponentClient, room: string, prefix: string): Promise<string> {
  return (async () => {
    const disco = await component.waitFor(
      (s) => s.is('iq') && s.attrs.to === room && s.attrs.type === 'get',
      30_000,
    );
    component.send(
      xml(
        'iq',
        { type: 'result', id: disco.attrs.id, from: room, to: disco.attrs.from },
        xml(
          'query',
          { xmlns: 'http://jabber.org/protocol/disco#info' },
          xml('identity', { category: 'conference', type: 'text', name: 'bench' }),
          xml('feature', { var: 'http://jabber.org/protocol/muc' }),
        ),
      ).toString(),
    );
    const joinPresence = await component.waitFor(
      (s) => s.is('presence') && (s.attrs.to ?? '').startsWith(`${room}/`),
      30_000,
    );
    const who = joinPresence.attrs.from!;
    const nick = joinPresence.attrs.to!.slice(room.length + 1);
    const stanzas = Array.from({ length: OCCUPANTS }, (_, i) => occupantPresence(room, who, `${prefix}${i}`));
    stanzas.push(occupantPresence(room, who, nick, true));
    await component.sendAll(stanzas, 200);
    return who;
  })();
}

function occupantPayloads(client: EngineClient, room: string, since: number): number {
  return client.events.filter((e, i) => i >= since && e.event === 'muc.occupants' && e.payload.room === room)
    .length;
}

/** The bare session's wall time and this process's busy time (component writes + parsing) for the 5,000. */
async function baselineMs(
  server: XmppServer,
  component: ComponentClient,
): Promise<{ ms: number; busyMs: number }> {
  const acc = { jid: `baseline@${DOMAIN}`, password: 'baseline-password' };
  await server.register('baseline', acc.password).catch(() => undefined);
  const raw = await openRawSession(server, acc, 'bench');
  try {
    const to = raw.session.jid;
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      raw.session.on('stanza', (s) => {
        if (s.is('presence') && ++seen === OCCUPANTS) resolve();
      });
    });
    const start = performance.now();
    const elu = performance.eventLoopUtilization();
    await component.sendAll(
      Array.from({ length: OCCUPANTS }, (_, i) => occupantPresence(`base@${ROOMS}`, to, `b${i}`)),
      200,
    );
    await done;
    return { ms: performance.now() - start, busyMs: performance.eventLoopUtilization(elu).active };
  } finally {
    await raw.session.close();
  }
}

async function run(server: XmppServer, component: ComponentClient, n: number) {
  const client = await startEngine(server, USER, PASSWORD);
  try {
    const room = `bench${n}@${ROOMS}`;
    const playing = playRoom(component, room, 'n');
    let since = client.events.length;
    const joinStart = performance.now();
    const joined = await client.engine.invoke('muc.join', { account: client.account, room, nick: 'me' });
    const joinMs = performance.now() - joinStart;
    if (!joined.ok) throw new Error(`join failed: ${joined.error.message}`);
    const who = await playing;
    client.engine.flushEvents();
    const joinEvents = occupantPayloads(client, room, since);

    since = client.events.length;
    const last = `n${OCCUPANTS - 1}`;
    const arrived = client.waitForEvent(
      (e, i) =>
        i >= since &&
        e.event === 'muc.occupants' &&
        e.payload.room === room &&
        e.payload.upserts.some((o) => o.nick === last && o.status === 'storm'),
      60_000,
    );
    const stormStart = performance.now();
    const elu = performance.eventLoopUtilization();
    await component.sendAll(
      Array.from({ length: OCCUPANTS }, (_, i) => occupantPresence(room, who, `n${i}`, false, 'storm')),
      200,
    );
    await arrived;
    const stormMs = performance.now() - stormStart;
    const stormBusyMs = performance.eventLoopUtilization(elu).active;
    client.engine.flushEvents();
    const stormEvents = occupantPayloads(client, room, since);
    const baseline = await baselineMs(server, component);
    return { joinMs, joinEvents, stormMs, stormBusyMs, stormEvents, baseline };
  } finally {
    await client.dispose();
  }
}

export async function main(args: string[]): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 5));
  const config = await presenceComponentConfig(ROOMS, SECRET);
  const server = await startProsody({
    domain: DOMAIN,
    accounts: [{ user: USER, password: PASSWORD }],
    extraConfig: config.extraConfig,
  });
  const component = await connectComponent({
    host: server.host,
    port: config.port,
    domain: ROOMS,
    secret: SECRET,
    keep: 100,
  });
  try {
    await run(server, component, 0); // warm-up: JIT, the first sign-in's SQLite file
    const results = [];
    for (let i = 1; i <= runs; i++) results.push(await run(server, component, i));
    const line = (metric: string, values: number[], unit: string, baselines: number[] | null) => {
      const value = median(values);
      const extra: Record<string, number> = {};
      if (baselines !== null) {
        const base = median(baselines);
        extra.baseline = Math.round(base * 10) / 10;
        extra.ratio = Math.round((value / base) * 100) / 100;
      }
      report({ metric, value: Math.round(value * 10) / 10, unit, runs, occupants: OCCUPANTS, ...extra });
    };
    const baseMs = results.map((r) => r.baseline.ms);
    line(
      'muc_join_5000_ms',
      results.map((r) => r.joinMs),
      'ms',
      baseMs,
    );
    line(
      'muc_join_occupant_events',
      results.map((r) => r.joinEvents),
      'events',
      null,
    );
    line(
      'muc_storm_5000_ms',
      results.map((r) => r.stormMs),
      'ms',
      baseMs,
    );
    const baseBusy = results.map((r) => r.baseline.busyMs);
    line(
      'muc_storm_busy_ms',
      results.map((r) => r.stormBusyMs),
      'ms',
      baseBusy,
    );
    line(
      'muc_storm_occupant_events',
      results.map((r) => r.stormEvents),
      'events',
      null,
    );
  } finally {
    await component.close();
    await server.stop();
  }
}
