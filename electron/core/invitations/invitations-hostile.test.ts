// Invitations from an external component (XEP-0114) at rogue.parley.test, through the real server
// (PARLEY_SERVER's kind), which can send from any bare address at its domain as a room would: a "mediated
// invitation" from an address whose disco#info says it is no room is ignored, a real-looking room's is kept
// with its reason cut to the bound and its inviter as the room's word only (it is not on our server); a
// stranger's direct invitation waits unchecked (no disco#info to the address it names); 110 strangers'
// invitations keep 100 and count the rest without asking their rooms once full, a rogue room claiming to
// relay a contact's ranks as a stranger's, a contact's own still gets in (the oldest stranger's goes); a
// flood of rooms that never answer their disco#info is refused past MAX_VERIFYING and counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { MAX_INVITE_REASON_CHARS, MAX_PENDING_INVITATIONS } from '../../../shared/invitations.ts';
import type { Invitation } from '../../../shared/invitations.ts';
import { connectComponent, type ComponentClient } from '../../../e2e/harness/component.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { presenceComponentConfig } from '../../../e2e/harness/roster-seed.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { MAX_VERIFYING } from './invitations-module.ts';

const ROGUE = 'rogue.parley.test';
const SECRET = 'invitations-hostile-secret';
const config = await presenceComponentConfig(ROGUE, SECRET);
const scenario = useServerScenario(config.serverOptions);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const directInvite = (from: string, room: string, to: string, reason = 'come in'): string =>
  `<message from='${from}' to='${to}'><x xmlns='jabber:x:conference' jid='${room}' reason='${reason}'/></message>`;

const invite = (room: string, to: string, reason = 'come in', from = `host@${ROGUE}`): string =>
  `<message from='${room}' to='${to}'><x xmlns='http://jabber.org/protocol/muc#user'>` +
  `<invite from='${from}'><reason>${reason}</reason></invite></x></message>`;

/**
 * Answers every disco#info the engine sends to the component until stopped: as a room for addresses that
 * `isRoom` accepts, else as a person's account; addresses `silent` names get no answer at all.
 */
function answerDiscos(
  rogue: ComponentClient,
  isRoom: (jid: string) => boolean,
  silent: (jid: string) => boolean = () => false,
  asked: string[] = [],
): () => void {
  const answered = new WeakSet<Element>();
  let running = true;
  void (async () => {
    while (running) {
      const iq = await rogue
        .waitFor((s) => !answered.has(s) && s.is('iq') && s.attrs.type === 'get', 500)
        .catch(() => null);
      if (!iq || !running) continue;
      answered.add(iq);
      const to = String(iq.attrs.to);
      asked.push(to);
      if (silent(to)) continue;
      const identity = isRoom(to)
        ? `<identity category='conference' type='text' name='Room ${to.split('@')[0]}'/>` +
          `<feature var='http://jabber.org/protocol/muc'/>`
        : `<identity category='account' type='registered'/>`;
      rogue.send(
        `<iq type='result' id='${iq.attrs.id}' from='${to}' to='${iq.attrs.from}'>` +
          `<query xmlns='http://jabber.org/protocol/disco#info'>${identity}</query></iq>`,
      );
    }
  })();
  return () => {
    running = false;
  };
}

async function listed(
  bob: EngineClient,
  pred: (list: Invitation[], more: number) => boolean,
): Promise<{ invitations: Invitation[]; more: number }> {
  const event = await bob
    .waitForEvent(
      (e) => e.event === 'invitations.changed' && pred(e.payload.invitations, e.payload.more),
      30_000,
    )
    .catch((error: unknown) => {
      const last = bob.events.findLast((e) => e.event === 'invitations.changed');
      const seen = last?.event === 'invitations.changed' ? last.payload : null;
      throw new Error(`${String(error)}; last list: ${seen?.invitations.length} kept, ${seen?.more} more`);
    });
  assert.equal(event.event, 'invitations.changed');
  return event.payload;
}

test("a mediated invitation from an address that is no room is ignored; a room's is kept, its reason bounded", async () => {
  const bob = await scenario.engine('inv-hostile-bob');
  const rogue = await connectComponent({
    host: scenario.server.host,
    port: config.port,
    domain: ROGUE,
    secret: SECRET,
  });
  const asked: string[] = [];
  const stop = answerDiscos(rogue, (jid) => jid.startsWith('room'), undefined, asked);
  try {
    rogue.send(invite(`mallory@${ROGUE}`, bob.account, 'forged'));
    rogue.send(invite(`room-real@${ROGUE}`, bob.account, 'y'.repeat(5_000)));
    const { invitations } = await listed(bob, (list) => list.length > 0);
    assert.deepEqual(
      invitations.map((i) => [
        i.room,
        i.roomName,
        i.kind,
        i.stranger,
        i.fromVerified,
        i.from,
        i.reason?.length,
      ]),
      [
        [
          `room-real@${ROGUE}`,
          'Room room-real',
          'mediated',
          true,
          false, // a room that is not on our server: its word only
          `host@${ROGUE}`,
          MAX_INVITE_REASON_CHARS,
        ],
      ],
    );
    const now = await bob.engine.invoke('invitations.list', { account: bob.account });
    assert.ok(now.ok);
    assert.deepEqual(
      now.value.invitations.map((i) => i.room),
      [`room-real@${ROGUE}`],
      'the forged one never shows',
    );
    // A stranger's direct invitation waits unchecked: no disco#info goes to the address it names.
    rogue.send(directInvite(`mallory@${ROGUE}/x`, `victim@${ROGUE}`, bob.account));
    const both = await listed(bob, (list) => list.length === 2);
    const unchecked = both.invitations.find((i) => i.room === `victim@${ROGUE}`);
    assert.deepEqual(
      [unchecked?.kind, unchecked?.stranger, unchecked?.roomName, unchecked?.from],
      ['direct', true, null, `mallory@${ROGUE}`],
    );
    assert.ok(!asked.includes(`victim@${ROGUE}`), `asked: ${asked.join(', ')}`);
    // No message request either: an invitation is not a chat.
    assert.equal(
      bob.events.some((e) => e.event === 'chat.requests' && e.payload.requests.length > 0),
      false,
    );
  } finally {
    stop();
    await rogue.close();
  }
});

test(`${MAX_PENDING_INVITATIONS} invitations kept: strangers' past it counted, a contact's still gets in; unanswered rooms past ${MAX_VERIFYING} refused`, async () => {
  const bob = await scenario.engine('inv-bounds-bob');
  const friend = `friend@${ROGUE}`;
  const added = await bob.engine.invoke('roster.add', { account: bob.account, jid: friend });
  assert.ok(added.ok);
  const rogue = await connectComponent({
    host: scenario.server.host,
    port: config.port,
    domain: ROGUE,
    secret: SECRET,
  });
  const asked: string[] = [];
  const stop = answerDiscos(
    rogue,
    (jid) => jid.startsWith('room'),
    (jid) => jid.startsWith('silent'),
    asked,
  );
  try {
    const total = MAX_PENDING_INVITATIONS + 10;
    // A few at a time: every room answers, so none is refused for waiting.
    for (let at = 0; at < total; at += MAX_VERIFYING / 2) {
      await rogue.sendAll(
        range(Math.min(MAX_VERIFYING / 2, total - at)).map((i) =>
          invite(`room-${at + i}@${ROGUE}`, bob.account),
        ),
      );
      await listed(bob, (list, more) => list.length + more >= Math.min(at + MAX_VERIFYING / 2, total));
    }
    const full = await listed(bob, (list, more) => list.length + more === total);
    assert.equal(full.invitations.length, MAX_PENDING_INVITATIONS);
    assert.equal(full.more, 10);
    assert.ok(
      full.invitations.some((i) => i.room === 'room-0@' + ROGUE),
      "the first ones stay: strangers' wait",
    );

    // Once the list was full, the strangers' rooms past it were refused without a disco#info.
    const late = range(6).map((i) => `room-${total - 1 - i}@${ROGUE}`);
    assert.deepEqual(
      late.filter((room) => asked.includes(room)),
      [],
    );

    // A room on another server that claims to relay the friend's invitation ranks as a stranger's: refused.
    const claimed = full.more;
    rogue.send(invite(`room-claims@${ROGUE}`, bob.account, 'says a friend', `${friend}/desk`));
    const stillFull = await listed(bob, (_list, more) => more === claimed + 1);
    assert.ok(!stillFull.invitations.some((i) => i.room === `room-claims@${ROGUE}`));

    // The friend's own (direct) invitation is a contact's.
    rogue.send(directInvite(`${friend}/desk`, `room-friend@${ROGUE}`, bob.account, 'from a friend'));
    const after = await listed(bob, (list) => list.some((i) => i.room === `room-friend@${ROGUE}`));
    assert.equal(after.invitations.length, MAX_PENDING_INVITATIONS);
    const friends = after.invitations.find((i) => i.room === `room-friend@${ROGUE}`);
    assert.deepEqual([friends?.stranger, friends?.fromVerified, friends?.kind], [false, true, 'direct']);
    assert.equal(
      after.invitations.some((i) => i.room === `room-0@${ROGUE}`),
      false,
      "the oldest stranger's made way",
    );

    // Rooms that never answer, each claiming to relay the friend (so worth asking while the list is full of
    // strangers'): MAX_VERIFYING wait, the rest are refused and counted.
    const before = after.more;
    await rogue.sendAll(
      range(MAX_VERIFYING + 8).map((i) => invite(`silent-${i}@${ROGUE}`, bob.account, 'x', friend)),
    );
    const refused = await listed(bob, (_list, more) => more >= before + 8);
    assert.equal(refused.more, before + 8);
  } finally {
    stop();
    await rogue.close();
  }
});
