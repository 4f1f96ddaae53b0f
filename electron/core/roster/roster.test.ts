// Roster (RFC 6121 §2) end to end: a real Engine against a real Prosody 0.12, with slixmpp peers as the
// other sessions and as a hostile user. Every test registers its own accounts, so order does not matter.
// Versioning and the cached roster are in roster-cache.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import { sleep, snapshot, waitContact } from '../../../e2e/harness/scenario.ts';
import { contact, rosterBeforeSm, sortByJid, useRosterSuite, waitRemoved, wire } from './roster-test-kit.ts';

describe('roster (RFC 6121 §2)', () => {
  const suite = useRosterSuite();
  const { scenario, contactJid } = suite;
  const { account, engine, peer } = scenario;

  test('sign-in fetches contacts another session of the account added earlier', async () => {
    const alice = await account('alice');
    const carol = contactJid('carol');
    const dave = contactJid('dave');
    // Another session of the same account (slixmpp) edits the roster before Parley signs in.
    const other = await peer(alice, { resource: 'other' });
    await other.sendRaw(
      `<iq type="set" id="r1"><query xmlns="jabber:iq:roster"><item jid="${carol}" name="Carol"><group>Friends</group><group>Work</group></item></query></iq>`,
    );
    await other.sendRaw(
      `<iq type="set" id="r2"><query xmlns="jabber:iq:roster"><item jid="${dave}"/></query></iq>`,
    );
    const deadline = Date.now() + 5000;
    while ((await other.getRoster()).length < 2) {
      assert.ok(Date.now() < deadline, 'the other session did not see its own roster edits');
      await sleep(100);
    }

    const client = await engine(alice);
    const reset = await client.waitForEvent((e) => e.event === 'roster.changed' && e.payload.reset);
    assert.equal(reset.event, 'roster.changed');
    const expected = sortByJid([contact(carol, 'Carol', ['Friends', 'Work']), contact(dave, null, [])]);
    assert.deepEqual(sortByJid(reset.payload.upserts), expected);
    assert.deepEqual(reset.payload.removed, []);
    assert.deepEqual(sortByJid((await snapshot(client)).roster), expected);
    assert.ok(rosterBeforeSm.has(client.jid!), 'asked for before stream management, answered then');
  });

  test('pushes: add, rename, set groups and remove reach this engine and a second session', async () => {
    const alice = await account('alice');
    const one = await engine(alice);
    const two = await engine(alice);
    assert.notEqual(one.jid, two.jid, 'different data dirs bind different resources');
    const bob = contactJid('bob');

    const step = async (
      action: () => Promise<{ ok: boolean }>,
      check: (client: EngineClient, since: number) => Promise<void>,
    ): Promise<void> => {
      const marks = [one.events.length, two.events.length] as const;
      const result = await action();
      assert.ok(result.ok, JSON.stringify(result));
      await check(one, marks[0]);
      await check(two, marks[1]);
    };

    await step(
      () =>
        one.engine.invoke('roster.add', { account: one.account, jid: bob, name: 'Bob', groups: ['Friends'] }),
      async (client, since) => {
        assert.deepEqual(await waitContact(client, since, bob), contact(bob, 'Bob', ['Friends']));
      },
    );
    await step(
      () => one.engine.invoke('roster.update', { account: one.account, jid: bob, name: 'Bobby' }),
      async (client, since) => {
        // A rename keeps the groups the contact already had.
        assert.deepEqual(await waitContact(client, since, bob), contact(bob, 'Bobby', ['Friends']));
      },
    );
    await step(
      () => one.engine.invoke('roster.update', { account: one.account, jid: bob, groups: ['Work', 'Chess'] }),
      async (client, since) => {
        // Setting groups keeps the name.
        const updated = await waitContact(client, since, bob);
        assert.equal(updated.name, 'Bobby');
        assert.deepEqual([...updated.groups].sort(), ['Chess', 'Work']);
      },
    );
    // The second session edits too: the first must follow.
    await step(
      () => two.engine.invoke('roster.update', { account: two.account, jid: bob, name: null, groups: [] }),
      async (client, since) => {
        assert.deepEqual(await waitContact(client, since, bob), contact(bob, null, []));
      },
    );
    for (const client of [one, two]) {
      assert.deepEqual((await snapshot(client)).roster, [contact(bob, null, [])]);
    }
    await step(
      () => one.engine.invoke('roster.remove', { account: one.account, jid: bob }),
      async (client, since) => {
        await waitRemoved(client, since, bob);
      },
    );
    for (const client of [one, two]) assert.deepEqual((await snapshot(client)).roster, []);
  });

  test('a roster push from another user is ignored', async () => {
    const alice = await account('alice');
    const mallory = await account('mallory');
    const client = await engine(alice);
    const evil = await peer(mallory);
    const fullJid = client.jid!;
    const mark = wire.length;
    const since = client.events.length;

    await evil.sendRaw(
      `<iq type="set" to="${fullJid}" id="evil-1"><query xmlns="jabber:iq:roster"><item jid="evil@x" name="Evil"/></query></iq>`,
    );
    // Make sure the push really reached the engine (Prosody routes iqs to full JIDs without subscription).
    const deadline = Date.now() + 5000;
    while (
      !wire.slice(mark).some((e) => e.dir === 'in' && e.jid === fullJid && e.stanza.attrs.id === 'evil-1')
    ) {
      assert.ok(Date.now() < deadline, 'the hostile push never reached the engine');
      await sleep(50);
    }
    const delivered = wire.slice(mark).find((e) => e.dir === 'in' && e.stanza.attrs.id === 'evil-1')!.stanza;
    assert.match(
      delivered.attrs.from ?? '',
      new RegExp(`^${mallory.jid}/`),
      'the server stamped the real sender',
    );

    // Barrier: a legitimate change after it; once that arrives, the hostile one would have too.
    const sentinel = contactJid('sentinel');
    assert.ok((await client.engine.invoke('roster.add', { account: client.account, jid: sentinel })).ok);
    await waitContact(client, since, sentinel);
    client.engine.flushEvents();

    const mentionsEvil = client.events
      .slice(since)
      .some(
        (e) =>
          e.event === 'roster.changed' &&
          (e.payload.upserts.some((c) => c.jid === 'evil@x') || e.payload.removed.includes('evil@x')),
      );
    assert.equal(mentionsEvil, false, 'no roster event for the hostile item');
    assert.deepEqual((await snapshot(client)).roster, [contact(sentinel, null, [])]);
    // It was not acknowledged as a roster push either: the engine answered with an error, not a result.
    const answer = wire.find(
      (e) => e.dir === 'out' && e.jid === fullJid && e.stanza.attrs.id === 'evil-1',
    )?.stanza;
    assert.ok(answer, 'every iq set gets an answer (RFC 6120 §8.2.3)');
    assert.equal(answer.attrs.type, 'error');
    assert.equal(answer.attrs.to, delivered.attrs.from);
  });

  test('invalid input is refused with invalid-request; commands while signed out answer not-connected', async () => {
    const alice = await account('alice');
    const client = await engine(alice);
    const since = client.events.length;
    // (A domain-only address such as 'gateway.example' is a valid bare JID, RFC 7622 §3, so it is not here.)
    for (const jid of ['not a jid', `bob@${scenario.server.domain}/resource`, '@nodomain', 'a@b@c', '']) {
      const result = await client.engine.invoke('roster.add', { account: client.account, jid });
      assert.equal(result.ok, false, `roster.add ${JSON.stringify(jid)} must fail`);
      assert.equal(
        result.ok === false && result.error.code,
        'invalid-request',
        `roster.add ${JSON.stringify(jid)}`,
      );
    }
    // Our own address, in any case: refused before the server sees it (ejabberd would add it quietly).
    for (const jid of [client.account, client.account.toUpperCase()]) {
      const self = await client.engine.invoke('roster.add', {
        account: client.account,
        jid,
        subscribe: true,
      });
      assert.equal(!self.ok && self.error.code, 'invalid-request', jid);
      assert.match(!self.ok ? self.error.message : '', /your own address/);
    }
    const extra = await client.engine.invoke('roster.add', {
      account: client.account,
      jid: `bob@${scenario.server.domain}`,
      bogus: true,
    });
    assert.equal(!extra.ok && extra.error.code, 'invalid-request', 'unknown fields are refused');
    const tooManyGroups = await client.engine.invoke('roster.update', {
      account: client.account,
      jid: `bob@${scenario.server.domain}`,
      groups: Array.from({ length: 65 }, (_, i) => `g${i}`),
    });
    assert.equal(!tooManyGroups.ok && tooManyGroups.error.code, 'invalid-request');

    await client.signOut();
    const bob = contactJid('bob');
    const offline = [
      await client.engine.invoke('roster.add', { account: client.account, jid: bob }),
      await client.engine.invoke('roster.update', { account: client.account, jid: bob, name: 'B' }),
      await client.engine.invoke('roster.remove', { account: client.account, jid: bob }),
    ];
    for (const result of offline) {
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, 'not-connected');
    }
    // A never-signed-in engine says the same.
    const fresh = await engine(alice, { signIn: false });
    const never = await fresh.engine.invoke('roster.add', { account: fresh.account, jid: bob });
    assert.equal(!never.ok && never.error.code, 'not-connected');

    client.engine.flushEvents();
    assert.equal(
      client.events.slice(since).some((e) => e.event === 'roster.changed' && e.payload.upserts.length > 0),
      false,
      'nothing was added',
    );
    // And the server has nothing either.
    const again = await engine(alice);
    assert.deepEqual((await snapshot(again)).roster, []);
  });
});
