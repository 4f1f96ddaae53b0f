// Room discovery against a real server (both passes): the account's MUC service is found through our
// server's disco, its public rooms are listed (rooms a raw owner session created and configured), and each
// room's disco#info gives its name, description, occupant count and whether it needs a password.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import type { RawSession } from '../../../e2e/harness/raw-session.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { createConfiguredRoom } from '../muc/muc-test-kit.ts';

describe(`room discovery against ${serverKind()}`, () => {
  const scenario = useServerScenario();
  const owners: RawSession[] = [];

  const directory = async (client: EngineClient, refresh = false) => {
    const answer = await client.engine.invoke('rooms.directory', {
      account: client.account,
      ...(refresh ? { refresh } : {}),
    });
    assert.ok(answer.ok, JSON.stringify(answer));
    return answer.value;
  };

  test('lists the service rooms with name, description, occupants and password', async () => {
    const owner = await scenario.account('rd-owner');
    const [plain, locked] = [scenario.room('plain'), scenario.room('locked')];
    owners.push(
      await createConfiguredRoom(scenario.server, owner, plain, {
        'muc#roomconfig_roomname': 'Plain Talk',
        'muc#roomconfig_roomdesc': 'Where anyone can say anything',
        'muc#roomconfig_publicroom': '1',
      }),
      await createConfiguredRoom(scenario.server, owner, locked, {
        'muc#roomconfig_roomname': 'Locked Den',
        'muc#roomconfig_publicroom': '1',
        'muc#roomconfig_passwordprotectedroom': '1',
        'muc#roomconfig_roomsecret': 'pw',
      }),
    );
    const me = await scenario.engine('rd-me');
    const listing = await directory(me);
    assert.equal(listing.service, scenario.server.mucDomain, 'found through disco on the server');
    const listed = new Map(listing.rooms.map((r) => [r.jid, r.name]));
    assert.ok(listed.has(plain) && listed.has(locked), JSON.stringify(listing.rooms));

    const info = await me.engine.invoke('rooms.directoryInfo', {
      account: me.account,
      rooms: [plain, locked],
    });
    assert.ok(info.ok, JSON.stringify(info));
    const [p, l] = info.value.rooms;
    assert.deepEqual(
      [p!.jid, p!.name, p!.description, p!.occupants, p!.passwordProtected, p!.error],
      [plain, 'Plain Talk', 'Where anyone can say anything', 1, false, null],
    );
    assert.deepEqual([l!.name, l!.passwordProtected, l!.occupants], ['Locked Den', true, 1]);

    // Cached for the session; a refresh asks the service again and sees a new room.
    const later = scenario.room('later');
    owners.push(
      await createConfiguredRoom(scenario.server, owner, later, { 'muc#roomconfig_publicroom': '1' }),
    );
    assert.ok(!(await directory(me)).rooms.some((r) => r.jid === later), 'the cached list');
    assert.ok(
      (await directory(me, true)).rooms.some((r) => r.jid === later),
      'after a refresh',
    );

    const missing = await me.engine.invoke('rooms.directoryInfo', {
      account: me.account,
      rooms: [`nobody-here@${scenario.server.mucDomain}`],
    });
    assert.ok(missing.ok);
    assert.equal(missing.value.rooms[0]!.occupants, null);
    for (const raw of owners) await raw.session.close();
  });
});
