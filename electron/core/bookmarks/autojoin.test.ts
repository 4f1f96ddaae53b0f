// Autojoin is spread: against a scripted server whose rooms never answer (and so keep each join waiting),
// eight autojoin bookmarks send three join presences, not eight; each room that lets us in, or refuses us,
// lets the next one go. A refusal is kept as the bookmark's joinError.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import type { EngineEvent } from '../../../shared/contract.ts';
import { barrier, rogueClient, rogueServer, sleep, watchCrashes } from '../../../e2e/hostile/kit.ts';
import { NS_MUC, NS_MUC_USER } from '../muc/muc-user.ts';
import { NS_DISCO_INFO } from '../xmpp/ns.ts';
import { AUTOJOIN_AT_ONCE } from './autojoin.ts';
import { NS_LEGACY_BOOKMARKS, NS_PRIVATE } from './bookmark-xml.ts';

const SERVICE = 'rooms.rogue.test';
const ROOMS = Array.from({ length: 8 }, (_, i) => `room${i}@${SERVICE}`);

describe('autojoin (scripted server)', () => {
  watchCrashes();

  test('a few joins at a time: the next goes when one is let in or refused', async () => {
    const rogue = await rogueServer({
      onIq: (iq) => {
        const { id, to } = iq.attrs;
        if (iq.attrs.type === 'get' && iq.getChild('query', NS_PRIVATE)) {
          return (
            `<iq type='result' id='${id}'><query xmlns='${NS_PRIVATE}'>` +
            `<storage xmlns='${NS_LEGACY_BOOKMARKS}'>` +
            ROOMS.map((jid) => `<conference jid='${jid}' autojoin='true'/>`).join('') +
            `</storage></query></iq>`
          );
        }
        // Each room answers its disco#info (the join asks it first), then never its join presence.
        if (to?.endsWith(`@${SERVICE}`) && iq.getChild('query', NS_DISCO_INFO)) {
          return (
            `<iq type='result' id='${id}' from='${to}'><query xmlns='${NS_DISCO_INFO}'>` +
            `<identity category='conference' type='text'/><feature var='${NS_MUC}'/></query></iq>`
          );
        }
        return undefined;
      },
    });
    const client = await rogueClient(rogue);
    const connection = await client.online();
    const joins = (): string[] =>
      connection.received
        .filter((e: Element) => e.is('presence') && e.getChild('x', NS_MUC) !== undefined)
        .map((e) => e.attrs.to!.split('/')[0]!);
    const joinsReach = async (count: number): Promise<void> => {
      for (let i = 0; i < 100 && joins().length < count; i++) await sleep(50);
      await barrier(client, connection);
      await sleep(300); // time for any join that should not go out
      assert.equal(joins().length, count, `joins sent: ${joins().join(', ')}`);
    };

    await joinsReach(AUTOJOIN_AT_ONCE);
    assert.deepEqual(joins(), ROOMS.slice(0, AUTOJOIN_AT_ONCE));

    // The first room lets us in (status 110): one more join goes out.
    connection.send(
      `<presence from='${ROOMS[0]}/alice' to='${connection.jid}'><x xmlns='${NS_MUC_USER}'>` +
        `<item affiliation='member' role='participant'/><status code='110'/></x></presence>`,
    );
    await joinsReach(AUTOJOIN_AT_ONCE + 1);
    // The second refuses (a password): another goes, and the bookmark says why.
    connection.send(
      `<presence from='${ROOMS[1]}/alice' to='${connection.jid}' type='error'><error type='auth'>` +
        `<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>`,
    );
    await joinsReach(AUTOJOIN_AT_ONCE + 2);
    const refused = await client.waitForEvent(
      (e: EngineEvent) =>
        e.event === 'bookmarks.changed' &&
        e.payload.bookmarks.some((b) => b.room === ROOMS[1] && b.joinError !== null),
    );
    assert.equal(refused.event, 'bookmarks.changed');
    const room1 = refused.payload.bookmarks.find((b) => b.room === ROOMS[1])!;
    assert.match(room1.joinError!, /password/i);
    assert.equal(refused.payload.bookmarks.find((b) => b.room === ROOMS[0])!.joinError, null);
  });
});
