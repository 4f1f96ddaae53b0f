// Private messages from a room played by an external component (XEP-0114) at rogue.parley.test, through the
// real server (PARLEY_SERVER's kind): a room service whose occupants come and go under ever new nicks, each
// writing to us privately, opens at most MAX_NEW_PRIVATE_PEERS private conversations; a nick already
// talking to us still gets through, and each private message is no contact's (fromRoster false).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import type { ChatMessage } from '../../../shared/contract.ts';
import { connectComponent, type ComponentClient } from '../../../e2e/harness/component.ts';
import { presenceComponentConfig } from '../../../e2e/harness/roster-seed.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { MAX_NEW_PRIVATE_PEERS } from '../chat/private-gate.ts';

const ROGUE = 'rogue.parley.test';
const SECRET = 'private-flood-secret';
const config = await presenceComponentConfig(ROGUE, SECRET);
const scenario = useServerScenario(config.serverOptions);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const presence = (room: string, to: string, nick: string, extra = '', type = ''): string =>
  `<presence from='${room}/${nick}' to='${to}'${type ? ` type='${type}'` : ''}>` +
  `<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/>${extra}</x></presence>`;
const pm = (room: string, to: string, nick: string, body: string): string =>
  `<message type='chat' from='${room}/${nick}' to='${to}'><body>${body}</body>` +
  `<x xmlns='http://jabber.org/protocol/muc#user'/></message>`;

/** Answers the engine's disco#info and join presence for `room` as a room would; resolves with our full JID. */
async function playJoin(rogue: ComponentClient, room: string): Promise<string> {
  const disco = await rogue.waitFor((s: Element) => s.is('iq') && s.attrs.to === room, 20_000);
  rogue.send(
    `<iq type='result' id='${disco.attrs.id}' from='${room}' to='${disco.attrs.from}'>` +
      `<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/>` +
      `<feature var='http://jabber.org/protocol/muc'/></query></iq>`,
  );
  const join = await rogue.waitFor(
    (s: Element) => s.is('presence') && (s.attrs.to ?? '').startsWith(`${room}/`) && !s.attrs.type,
    20_000,
  );
  const to = join.attrs.from!;
  await rogue.sendAll([presence(room, to, 'me', "<status code='110'/>")]);
  return to;
}

test(`a room whose nicks keep changing opens at most ${MAX_NEW_PRIVATE_PEERS} private conversations`, async () => {
  const bob = await scenario.engine('private-flood-bob');
  const rogue = await connectComponent({
    host: scenario.server.host,
    port: config.port,
    domain: ROGUE,
    secret: SECRET,
  });
  try {
    const room = `pmroom@${ROGUE}`;
    const joining = bob.engine.invoke('muc.join', { account: bob.account, room, nick: 'me' });
    const to = await playJoin(rogue, room);
    const joined = await joining;
    assert.ok(joined.ok, joined.ok ? '' : joined.error.message);

    // Each nick joins, writes to us privately and leaves: 20 more than the bound.
    const total = MAX_NEW_PRIVATE_PEERS + 20;
    await rogue.sendAll(
      range(total).flatMap((i) => [
        presence(room, to, `nick-${i}`),
        pm(room, to, `nick-${i}`, `hello ${i}`),
        presence(room, to, `nick-${i}`, '', 'unavailable'),
      ]),
    );
    // The first one, back and talking again: a conversation we hold already, so it gets through.
    await rogue.sendAll([presence(room, to, 'nick-0'), pm(room, to, 'nick-0', 'again')]);
    const privates = (): ChatMessage[] =>
      bob.events.flatMap((e) =>
        e.event === 'chat.messages' ? e.payload.messages.filter((m) => m.kind === 'private') : [],
      );
    await bob.waitForEvent(
      (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'again'),
      30_000,
    );
    bob.engine.flushEvents();
    const peers = new Set(privates().map((m) => m.peer));
    assert.equal(peers.size, MAX_NEW_PRIVATE_PEERS);
    assert.ok(peers.has(`${room}/nick-0`) && !peers.has(`${room}/nick-${total - 1}`));
    assert.ok(privates().every((m) => m.fromRoster === false && m.request === undefined));
    const late = await bob.engine.invoke('chat.history', {
      account: bob.account,
      peer: `${room}/nick-${total - 1}`,
      kind: 'private',
      limit: 10,
    });
    assert.ok(late.ok);
    assert.deepEqual(late.value.messages, [], 'past the bound nothing is stored');
  } finally {
    await rogue.close();
  }
});
