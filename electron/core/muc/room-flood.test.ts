// A flood of room lines through the real server (PARLEY_SERVER's kind) from a room played by an external
// component (XEP-0114): the engine writes them in batches (room-messages.ts, FLUSH_SPACING_MS apart), and
// every line is shown once and stored once, in the order the room sent them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { connectComponent } from '../../../e2e/harness/component.ts';
import { presenceComponentConfig } from '../../../e2e/harness/roster-seed.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';

const ROOMS = 'floodrooms.parley.test';
const SECRET = 'room-flood-secret';
const LINES = 1_500;
const config = await presenceComponentConfig(ROOMS, SECRET);
const scenario = useServerScenario(config.serverOptions);

const roomLine = (room: string, to: string, n: number): string =>
  `<message type='groupchat' from='${room}/nick-${n % 13}' to='${to}' id='m${n}'>` +
  `<body>flood line ${n}</body><stanza-id xmlns='urn:xmpp:sid:0' by='${room}' id='sid-${n}'/></message>`;

test(`${LINES} room lines in a flood are each shown and stored once, in order`, async () => {
  const bob = await scenario.engine('room-flood-bob');
  const service = await connectComponent({
    host: scenario.server.host,
    port: config.port,
    domain: ROOMS,
    secret: SECRET,
  });
  try {
    const room = `lounge@${ROOMS}`;
    const joining = bob.engine.invoke('muc.join', { account: bob.account, room, nick: 'me' });
    const disco = await service.waitFor((s: Element) => s.is('iq') && s.attrs.to === room, 20_000);
    service.send(
      `<iq type='result' id='${disco.attrs.id}' from='${room}' to='${disco.attrs.from}'>` +
        `<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/>` +
        `<feature var='http://jabber.org/protocol/muc'/></query></iq>`,
    );
    const join = await service.waitFor(
      (s: Element) => s.is('presence') && (s.attrs.to ?? '').startsWith(`${room}/`),
      20_000,
    );
    const to = join.attrs.from!;
    await service.sendAll([
      `<presence from='${room}/me' to='${to}'><x xmlns='http://jabber.org/protocol/muc#user'>` +
        `<item affiliation='none' role='participant'/><status code='110'/></x></presence>`,
    ]);
    const joined = await joining;
    assert.ok(joined.ok, joined.ok ? '' : joined.error.message);

    const since = bob.events.length;
    await service.sendAll(Array.from({ length: LINES }, (_, i) => roomLine(room, to, i + 1)));
    await bob.waitForEvent(
      (e, i) =>
        i >= since &&
        e.event === 'chat.messages' &&
        e.payload.messages.some((m) => m.body === `flood line ${LINES}`),
      60_000,
    );
    bob.engine.flushEvents();
    const expected = Array.from({ length: LINES }, (_, i) => `flood line ${i + 1}`);
    const shown = bob.events
      .slice(since)
      .flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages : []))
      .filter((m) => m.peer === room);
    assert.deepEqual(
      shown.map((m) => m.body),
      expected,
    );
    assert.ok(shown.every((m) => m.kind === 'groupchat' && m.direction === 'in'));

    // The history holds each once, in the same order (paged back from the newest, 500 a page).
    const stored: string[] = [];
    let beforeSeq: number | undefined;
    for (;;) {
      const page = await bob.engine.invoke('muc.history', {
        account: bob.account,
        room,
        limit: 500,
        ...(beforeSeq === undefined ? {} : { beforeSeq }),
      });
      assert.ok(page.ok, page.ok ? '' : page.error.message);
      stored.unshift(...page.value.messages.map((m) => m.body ?? ''));
      if (page.value.complete || page.value.messages.length === 0) break;
      beforeSeq = page.value.messages[0]!.seq;
    }
    assert.deepEqual(stored, expected);
  } finally {
    await service.close();
  }
});
