// Rooms played by an external component (XEP-0114) at rogue.parley.test, through the real server
// (PARLEY_SERVER's kind): a hostile room service sending what a real one never would, and a room without an
// archive whose history is replayed at every join. A forged status 110 from
// another occupant, lines from an occupant that never joined, groupchat and 110s from a room we are not in,
// a room that sends 12,000 occupants and megabytes of text, voice requests forged or by the dozen: the engine
// stays in its bounds and keeps going.
import { test } from 'node:test';
import type { Element } from '@xmpp/xml';
import assert from 'node:assert/strict';
import { MAX_OCCUPANTS } from '../../../shared/muc.ts';
import { connectComponent, type ComponentClient } from '../../../e2e/harness/component.ts';
import { presenceComponentConfig } from '../../../e2e/harness/roster-seed.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { NS_PING } from '../xmpp/ns.ts';
import { occupantsSeen, roomLines, roomState, waitLine } from './muc-test-kit.ts';
import { SELF_PING } from './self-ping.ts';

const ROGUE = 'rogue.parley.test';
const SECRET = 'muc-hostile-secret';
const config = await presenceComponentConfig(ROGUE, SECRET);
const scenario = useServerScenario(config.serverOptions);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const occupant = (room: string, to: string, nick: string, extra = ''): string =>
  `<presence from='${room}/${nick}' to='${to}'><x xmlns='http://jabber.org/protocol/muc#user'>` +
  `<item affiliation='none' role='participant'/>${extra}</x></presence>`;
const line = (from: string, to: string, body: string, id: string): string =>
  `<message type='groupchat' from='${from}' to='${to}' id='${id}'><body>${body}</body></message>`;

let paces = 0;
/** What playJoin has answered already (the component's waitFor also looks at earlier stanzas). */
const answered = new WeakSet<Element>();
/** Sends in chunks, each followed by a ping the engine must answer first: the flood goes at its pace. */
async function flood(rogue: ComponentClient, to: string, stanzas: string[], chunk = 1_000): Promise<void> {
  for (let at = 0; at < stanzas.length; at += chunk) {
    const id = `pace-${++paces}`;
    const ping = `<iq type='get' id='${id}' from='pacer@${ROGUE}/r' to='${to}'><ping xmlns='urn:xmpp:ping'/></iq>`;
    await rogue.sendAll([...stanzas.slice(at, at + chunk), ping]);
    await rogue.waitFor((s) => s.attrs.id === id, 60_000);
  }
}

/**
 * Answers the engine's disco#info and join for `room`: `welcome` before our self-presence, `after` after it
 * (a room's history and subject). Resolves with our full JID and the join presence.
 */
async function playJoin(
  rogue: ComponentClient,
  room: string,
  welcome: (to: string) => string[],
  after: (to: string) => string[] = () => [],
) {
  const fresh = (s: Element): boolean => !answered.has(s);
  const disco = await rogue.waitFor((s) => fresh(s) && s.is('iq') && s.attrs.to === room, 20_000);
  answered.add(disco);
  rogue.send(
    `<iq type='result' id='${disco.attrs.id}' from='${room}' to='${disco.attrs.from}'>` +
      `<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/>` +
      `<feature var='http://jabber.org/protocol/muc'/></query></iq>`,
  );
  const join = await rogue.waitFor(
    (s) =>
      fresh(s) && s.is('presence') && (s.attrs.to ?? '').startsWith(`${room}/`) && s.attrs.type === undefined,
  );
  answered.add(join);
  const to = join.attrs.from!;
  await flood(rogue, to, [...welcome(to), occupant(room, to, 'me', "<status code='110'/>"), ...after(to)]);
  return to;
}

test('forged 110s, a ghost occupant, and groupchat from outside the room change nothing they should not', async () => {
  const bob = await scenario.engine('hostile-room-bob');
  const rogue = await connectComponent({
    host: scenario.server.host,
    port: config.port,
    domain: ROGUE,
    secret: SECRET,
  });
  try {
    const room = `evil@${ROGUE}`;
    const other = `other@${ROGUE}`;
    const joining = bob.engine.invoke('muc.join', { account: bob.account, room, nick: 'me' });
    const to = await playJoin(rogue, room, (to) => [
      // Claims to be us before we are in: an occupant called mallory, not our self-presence.
      occupant(room, to, 'mallory', "<status code='110'/><status code='201'/>"),
      // A room we never joined tells us we are in it.
      occupant(other, to, 'me', "<status code='110'/>"),
    ]);
    const joined = await joining;
    assert.ok(joined.ok, joined.ok ? '' : joined.error.message);
    assert.equal(joined.value.nick, 'me');
    assert.equal(joined.value.occupants, 2);
    bob.engine.flushEvents();
    assert.deepEqual([...occupantsSeen(bob, room).keys()].sort(), ['mallory', 'me']);
    assert.ok(
      !bob.events.some((e) => e.event === 'muc.rooms' && e.payload.rooms.some((r) => r.room === other)),
      'no room we did not join',
    );

    await flood(rogue, to, [
      line(`${room}/ghost`, to, 'from a nick that never joined', 'g1'),
      line(`${other}/me`, to, 'a reflection from another room', 'r1'),
      line(`${room}/mallory`, to, 'done', 'd1'),
      // mallory leaving with a forged 110: an occupant leaving, not us.
      `<presence type='unavailable' from='${room}/mallory' to='${to}'><x xmlns='http://jabber.org/protocol/muc#user'><status code='110'/><status code='307'/></x></presence>`,
    ]);
    await waitLine(bob, room, 'done');
    const ghost = await waitLine(bob, room, 'from a nick that never joined');
    assert.equal(ghost.peerFull, `${room}/ghost`, 'kept, with the nick the room gave');
    bob.engine.flushEvents();
    assert.ok(!occupantsSeen(bob, room).has('ghost'), 'a line makes nobody an occupant');
    assert.ok(!roomLines(bob, other).length, 'nothing from a room we are not in');
    const shown = bob.events.flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages : []));
    assert.ok(!shown.some((m) => m.body === 'a reflection from another room'));
    const rooms = await bob.engine.invoke('muc.rooms', { account: bob.account });
    assert.ok(rooms.ok);
    assert.deepEqual(
      rooms.value.rooms.map((r) => [r.room, r.status, r.occupants]),
      [[room, 'joined', 1]],
      'still in; mallory gone',
    );
  } finally {
    await rogue.close();
  }
});

test(`a room of 12,000 occupants: ${MAX_OCCUPANTS} listed (and us), all counted, text bounded; the engine goes on`, async () => {
  const bob = await scenario.engine('hostile-big-bob', { batchIntervalMs: 16 });
  const rogue = await connectComponent({
    host: scenario.server.host,
    port: config.port,
    domain: ROGUE,
    secret: SECRET,
  });
  try {
    const room = `huge@${ROGUE}`;
    const long = 'x'.repeat(20_000);
    const joining = bob.engine.invoke('muc.join', { account: bob.account, room, nick: 'me' });
    const to = await playJoin(rogue, room, (to) =>
      range(12_000).map((i) =>
        i === 0
          ? `<presence from='${room}/n0' to='${to}'><status>${long}</status><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'><reason>${long}</reason></item></x></presence>`
          : occupant(room, to, `n${i}`),
      ),
    );
    const joined = await joining;
    assert.ok(joined.ok, joined.ok ? '' : joined.error.message);
    assert.equal(joined.value.occupants, 12_001);
    bob.engine.flushEvents();
    const list = occupantsSeen(bob, room);
    assert.equal(list.size, MAX_OCCUPANTS + 1, 'the first ones, and us');
    assert.ok(list.has('me'));
    assert.ok((list.get('n0')?.status?.length ?? 0) <= 1024, 'a status is bounded');
    const payloads = bob.events.filter((e) => e.event === 'muc.occupants').length;
    assert.ok(payloads <= 10, `the list came in ${payloads} payloads`);
    // Still serving: the room's line arrives and the state answers.
    await flood(rogue, to, [line(`${room}/n5`, to, 'still here', 's1')]);
    await waitLine(bob, room, 'still here');
    await roomState(bob, room, (r) => r.status === 'joined');
  } finally {
    await rogue.close();
  }
});

test('a room without an archive: joined with its history, shown once however often it is replayed', async () => {
  const bob = await scenario.engine('history-bob');
  const rogue = await connectComponent({
    host: scenario.server.host,
    port: config.port,
    domain: ROGUE,
    secret: SECRET,
  });
  try {
    const room = `plain@${ROGUE}`;
    const history = (to: string) => [
      ...['h1', 'h2'].map(
        (id, i) =>
          `<message type='groupchat' from='${room}/alice' to='${to}' id='${id}'><body>earlier ${i}</body>` +
          `<delay xmlns='urn:xmpp:delay' from='${room}' stamp='2026-01-01T00:00:0${i}Z'/></message>`,
      ),
      `<message type='groupchat' from='${room}' to='${to}' id='s1'><subject>Plans</subject></message>`,
    ];
    const first = bob.engine.invoke('muc.join', { account: bob.account, room, nick: 'me' });
    await playJoin(rogue, room, () => [], history);
    const joined = await first;
    assert.ok(joined.ok, joined.ok ? '' : joined.error.message);
    const join = rogue.received.findLast((s) => s.is('presence') && s.attrs.to === `${room}/me`);
    const x = join?.getChild('x', 'http://jabber.org/protocol/muc');
    assert.ok(x && !x.getChild('history'), 'no archive: the room sends its history');
    await roomState(bob, room, (r) => r.subject === 'Plans');
    const earlier = await waitLine(bob, room, 'earlier 1');
    assert.equal(earlier.delayed, true);

    assert.ok((await bob.engine.invoke('muc.leave', { account: bob.account, room })).ok);
    const again = bob.engine.invoke('muc.join', { account: bob.account, room, nick: 'me' });
    await playJoin(
      rogue,
      room,
      () => [],
      (to) => [
        ...history(to),
        `<message type='groupchat' from='${room}/alice' to='${to}' id='n1'><body>new one</body></message>`,
      ],
    );
    assert.ok((await again).ok);
    await waitLine(bob, room, 'new one');
    bob.engine.flushEvents();
    assert.deepEqual(
      roomLines(bob, room).map((m) => m.body),
      ['earlier 0', 'earlier 1', 'new one'],
    );
  } finally {
    await rogue.close();
  }
});

test('XEP-0410: a self-ping answered service-unavailable means still joined; not-acceptable rejoins', async () => {
  SELF_PING.intervalMs = 300;
  const rogue = await connectComponent({
    host: scenario.server.host,
    port: config.port,
    domain: ROGUE,
    secret: SECRET,
  });
  try {
    const bob = await scenario.engine('ping-bob');
    const room = `pinged@${ROGUE}`;
    const first = bob.engine.invoke('muc.join', { account: bob.account, room, nick: 'me' });
    await playJoin(rogue, room, () => []);
    assert.ok((await first).ok);
    const nextPing = async () => {
      const ping = await rogue.waitFor(
        (s) =>
          !answered.has(s) &&
          s.is('iq') &&
          s.attrs.to === `${room}/me` &&
          Boolean(s.getChild('ping', NS_PING)),
        10_000,
      );
      answered.add(ping);
      return ping;
    };
    const answer = (ping: Element, condition: string) =>
      rogue.send(
        `<iq type='error' id='${ping.attrs.id}' from='${room}/me' to='${ping.attrs.from}'><error type='cancel'>` +
          `<${condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
      );
    const joins = () => rogue.received.filter((s) => s.is('presence') && s.attrs.to === `${room}/me`).length;
    answer(await nextPing(), 'service-unavailable');
    const second = await nextPing();
    assert.equal(joins(), 1, 'still joined: no rejoin');
    bob.engine.flushEvents();
    const since = bob.events.length;
    answer(second, 'not-acceptable');
    await playJoin(rogue, room, () => []);
    await roomState(bob, room, (r) => r.status === 'joined', since);
    assert.equal(joins(), 2, 'joined again once');
  } finally {
    SELF_PING.intervalMs = 5 * 60_000;
    await rogue.close();
  }
});

test("voice requests: only the room's own are kept, at most 20, the last ones; an occupant's forgery is not one", async () => {
  const bob = await scenario.engine('hostile-voice-bob');
  const rogue = await connectComponent({
    host: scenario.server.host,
    port: config.port,
    domain: ROGUE,
    secret: SECRET,
  });
  try {
    const room = `asks@${ROGUE}`;
    const ask = (from: string, to: string, nick: string): string =>
      `<message from='${from}' to='${to}'><x xmlns='jabber:x:data' type='form'>` +
      `<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#request</value></field>` +
      `<field var='muc#roomnick'><value>${nick}</value></field></x></message>`;
    const joining = bob.engine.invoke('muc.join', { account: bob.account, room, nick: 'me' });
    const to = await playJoin(
      rogue,
      room,
      () => [],
      (to) => [
        // We are a moderator here: voice requests are ours to answer.
        `<presence from='${room}/me' to='${to}'><x xmlns='http://jabber.org/protocol/muc#user'>` +
          `<item affiliation='owner' role='moderator'/><status code='110'/></x></presence>`,
      ],
    );
    assert.ok((await joining).ok);
    await roomState(bob, room, (r) => r.role === 'moderator');
    await flood(rogue, to, [
      ...range(25).map((i) => ask(room, to, `v${i}`)),
      ask(`${room}/forger`, to, 'forger'),
      ask(room, to, 'n'.repeat(5_000)),
      ask(room, to, 'last'),
    ]);
    const state = await roomState(bob, room, (r) => r.voiceRequests?.some((v) => v.nick === 'last') === true);
    assert.deepEqual(
      state.voiceRequests?.map((v) => v.nick),
      [...range(19).map((i) => `v${i + 6}`), 'last'],
    );
  } finally {
    await rogue.close();
  }
});
