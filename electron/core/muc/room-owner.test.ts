// The room's password in its configuration form, against the harness server's real MUC service (Prosody,
// then ejabberd): muc.config.get never carries it (text-private values stay in main); a submit that changes
// another setting and leaves the password blank, as the form shows it, keeps it (another engine still needs
// it to join); a password the owner types replaces it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { join, joined, newRoom } from './muc-test-kit.ts';
import { KEEP_SECRET_HINT } from './room-owner.ts';

const SECRET = 'secret-sesame-42';

describe(`the room password in its settings against ${serverKind()}`, () => {
  const scenario = useServerScenario();

  const submit = async (owner: EngineClient, room: string, values: Record<string, string[]>) => {
    const answer = await owner.engine.invoke('muc.config.submit', { account: owner.account, room, values });
    assert.ok(answer.ok, answer.ok ? '' : answer.error.message);
  };
  /** Joins (and leaves again) with this password; the refusal's code, or 'joined'. */
  const tryJoin = async (client: EngineClient, room: string, password?: string) => {
    const answer = await join(client, room, 'bob', password);
    if (!answer.ok) return answer.error.code;
    assert.ok((await client.engine.invoke('muc.leave', { account: client.account, room })).ok);
    return answer.value.status;
  };

  test('config.get carries no password; a blank one keeps it; a typed one replaces it', async () => {
    const owner = await scenario.engine('secret-owner');
    const bob = await scenario.engine('secret-bob');
    const room = newRoom(scenario.server, 'secret');
    await joined(owner, room, 'owner');
    await submit(owner, room, {
      'muc#roomconfig_passwordprotectedroom': ['1'],
      'muc#roomconfig_roomsecret': [SECRET],
    });
    assert.equal(await tryJoin(bob, room), 'password-required');

    const form = await owner.engine.invoke('muc.config.get', { account: owner.account, room });
    assert.ok(form.ok, form.ok ? '' : form.error.message);
    const secret = form.value.fields.find((f) => f.var === 'muc#roomconfig_roomsecret');
    assert.equal(secret?.type, 'text-private');
    assert.deepEqual(secret?.values, [], 'the password is not shown');
    assert.equal(secret?.desc, KEEP_SECRET_HINT, 'the field says that blank keeps it');
    assert.ok(!JSON.stringify(form.value).includes(SECRET), 'nowhere in the form');
    assert.ok(!JSON.stringify(owner.events).includes(SECRET), 'nor in any event');

    // Another setting saved with the form as shown (the password blank): the room keeps its password.
    await submit(owner, room, {
      'muc#roomconfig_roomname': ['Renamed'],
      'muc#roomconfig_roomsecret': [''],
    });
    assert.equal(await tryJoin(bob, room), 'password-required');
    assert.equal(await tryJoin(bob, room, SECRET), 'joined');
    // Unsent: the same.
    await submit(owner, room, { 'muc#roomconfig_roomname': ['Renamed again'] });
    assert.equal(await tryJoin(bob, room, SECRET), 'joined');

    await submit(owner, room, { 'muc#roomconfig_roomsecret': ['a-new-one'] });
    assert.equal(await tryJoin(bob, room, 'a-new-one'), 'joined');
    assert.notEqual(await tryJoin(bob, room, SECRET), 'joined', 'the old password no longer works');
  });
});
