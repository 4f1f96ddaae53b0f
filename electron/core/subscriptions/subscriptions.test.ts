// Presence subscriptions (RFC 6121 §3) end to end: a real Engine against a real Prosody 0.12, with a
// scripted slixmpp peer on the other side. Every test registers its own accounts, so order does not matter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import type { SlixmppPeer } from '../../../e2e/harness/peer.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import {
  rosterItem,
  sleep,
  snapshot,
  useServerScenario,
  waitContact,
} from '../../../e2e/harness/scenario.ts';
import { XmppSession } from '../xmpp/session.ts';

// Incoming-stanza tap (test-only, by wrapping the prototype): lets a test see what the server delivered.
const received: Array<{ jid: string; stanza: Element }> = [];
const originalEmit = XmppSession.prototype.emit;
type Emit = (name: string, ...args: unknown[]) => boolean;

describe('subscriptions (RFC 6121 §3)', () => {
  const scenario = useServerScenario();

  /** A fresh Parley user (engine signed in) and a fresh slixmpp contact, both online. */
  async function pair(): Promise<{
    alice: EngineClient;
    bob: SlixmppPeer;
    aliceJid: string;
    bobJid: string;
  }> {
    const [a, b] = await Promise.all([scenario.account('alice'), scenario.account('bob')]);
    const alice = await scenario.engine(a);
    const bob = await scenario.peer(b, { resource: 'peer', onSubscribe: 'ignore' });
    return { alice, bob, aliceJid: alice.account, bobJid: bob.jid };
  }

  /** The first subscription.requests event at or after index `since` that lists `jid`. */
  function waitRequest(client: EngineClient, since: number, jid: string) {
    return client.waitForEvent(
      (e, i) =>
        i >= since && e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === jid),
    );
  }

  /** The notices about `jid` in the first subscription.notice event at or after index `since` that has any. */
  async function noticesFor(client: EngineClient, since: number, jid: string) {
    const event = await client.waitForEvent(
      (e, i) =>
        i >= since && e.event === 'subscription.notice' && e.payload.notices.some((n) => n.jid === jid),
    );
    assert.equal(event.event, 'subscription.notice');
    return event.payload.notices.filter((n) => n.jid === jid);
  }

  /** Every subscription.requests event since `since`, and the snapshot, list `jid` and only it: never twice. */
  async function assertOnlyRequest(client: EngineClient, since: number, jid: string): Promise<void> {
    client.engine.flushEvents();
    for (const e of client.events.slice(since)) {
      if (e.event === 'subscription.requests')
        assert.deepEqual(
          e.payload.requests.map((r) => r.jid),
          [jid],
        );
    }
    assert.deepEqual(
      (await snapshot(client)).requests.map((r) => r.jid),
      [jid],
    );
  }

  /** Alice subscribes to Bob and Bob to Alice, both approved: subscription 'both' on Alice's side. */
  async function mutual(
    alice: EngineClient,
    bob: SlixmppPeer,
    aliceJid: string,
    bobJid: string,
  ): Promise<void> {
    const since = alice.events.length;
    assert.ok(
      (await alice.engine.invoke('roster.add', { account: alice.account, jid: bobJid, subscribe: true })).ok,
    );
    await bob.waitFor('presence', (e) => e.presenceType === 'subscribe' && e.from === aliceJid);
    await bob.approve(aliceJid);
    await waitContact(alice, since, bobJid, (c) => c.subscription === 'to');
    await bob.subscribe(aliceJid);
    await waitRequest(alice, since, bobJid);
    // A contact already in the roster shows the waiting request on its roster entry.
    await waitContact(alice, since, bobJid, (c) => c.subscription === 'to' && c.pendingIn);
    assert.ok(
      (
        await alice.engine.invoke('subscription.answer', {
          account: alice.account,
          jid: bobJid,
          answer: 'approve',
        })
      ).ok,
    );
    await waitContact(
      alice,
      since,
      bobJid,
      (c) => c.subscription === 'both' && !c.pendingOut && !c.pendingIn,
    );
  }

  // Registered after the scenario's hooks: the server is up before the tap goes in.
  before(() => {
    (XmppSession.prototype as { emit: Emit }).emit = function (
      this: XmppSession,
      name: string,
      ...args: unknown[]
    ) {
      if (name === 'stanza') received.push({ jid: this.jid, stanza: args[0] as Element });
      return (originalEmit as Emit).call(this, name, ...args);
    };
  });

  after(() => {
    XmppSession.prototype.emit = originalEmit;
  });

  test('outbound: add with subscribe → pending; the contact approves → "to", a notice, and their presence', async () => {
    const { alice, bob, aliceJid, bobJid } = await pair();
    const since = alice.events.length;
    assert.ok(
      (
        await alice.engine.invoke('roster.add', {
          account: alice.account,
          jid: bobJid,
          name: 'Bob',
          subscribe: true,
        })
      ).ok,
    );
    const pending = await waitContact(alice, since, bobJid, (c) => c.pendingOut);
    assert.equal(pending.subscription, 'none');
    assert.equal(pending.name, 'Bob');

    const request = await bob.waitFor(
      'presence',
      (e) => e.presenceType === 'subscribe' && e.from === aliceJid,
    );
    assert.equal(request.from, aliceJid, 'the request comes from the bare JID (RFC 6121 §3.1.2)');
    await bob.approve(aliceJid);

    const approved = await waitContact(alice, since, bobJid, (c) => c.subscription === 'to');
    assert.equal(approved.pendingOut, false);
    assert.equal(approved.pendingIn, false);
    assert.deepEqual(await noticesFor(alice, since, bobJid), [{ jid: bobJid, kind: 'subscribed' }]);
    const presence = await alice.waitForEvent(
      (e, i) =>
        i >= since &&
        e.event === 'presence.changed' &&
        e.payload.contacts.some((c) => c.jid === bobJid && c.best !== null),
    );
    assert.equal(presence.event, 'presence.changed');
    const bobPresence = presence.payload.contacts.find((c) => c.jid === bobJid)!;
    assert.equal(bobPresence.best?.resource, 'peer');
    assert.equal(bobPresence.best?.show, 'available');

    // The next change of theirs reaches us too.
    const before = alice.events.length;
    await bob.setPresence('away', 'lunch');
    const away = await alice.waitForEvent(
      (e, i) =>
        i >= before &&
        e.event === 'presence.changed' &&
        e.payload.contacts.some((c) => c.jid === bobJid && c.best?.show === 'away'),
    );
    assert.equal(
      away.event === 'presence.changed' && away.payload.contacts.find((c) => c.jid === bobJid)?.best?.status,
      'lunch',
    );
    assert.equal((await rosterItem(alice, bobJid))?.subscription, 'to');
  });

  test('outbound: the contact denies → notice "unsubscribed", subscription stays none, no longer pending', async () => {
    const { alice, bob, aliceJid, bobJid } = await pair();
    const since = alice.events.length;
    assert.ok(
      (await alice.engine.invoke('roster.add', { account: alice.account, jid: bobJid, subscribe: true })).ok,
    );
    await waitContact(alice, since, bobJid, (c) => c.pendingOut);
    await bob.waitFor('presence', (e) => e.presenceType === 'subscribe' && e.from === aliceJid);
    await bob.deny(aliceJid);

    assert.deepEqual(await noticesFor(alice, since, bobJid), [{ jid: bobJid, kind: 'unsubscribed' }]);
    const denied = await waitContact(alice, since, bobJid, (c) => !c.pendingOut);
    assert.equal(denied.subscription, 'none');
    const item = await rosterItem(alice, bobJid);
    assert.equal(item?.subscription, 'none');
    assert.equal(item?.pendingOut, false);
    alice.engine.flushEvents();
    assert.equal(
      alice.events.some(
        (e) =>
          e.event === 'presence.changed' &&
          e.payload.contacts.some((c) => c.jid === bobJid && c.best !== null),
      ),
      false,
      'no presence from someone who denied us',
    );
  });

  test('inbound: a request is listed once; approve → the requester is subscribed and the request is gone', async () => {
    const { alice, bob, aliceJid, bobJid } = await pair();
    const since = alice.events.length;
    await bob.subscribe(aliceJid);
    await bob.subscribe(aliceJid); // asking twice must not list it twice
    const listed = await waitRequest(alice, since, bobJid);
    assert.equal(listed.event, 'subscription.requests');
    assert.deepEqual(
      listed.payload.requests.map((r) => r.jid),
      [bobJid],
    );
    // Wait until the second request has certainly arrived, then check it was not listed again.
    await sleep(300);
    await assertOnlyRequest(alice, since, bobJid);

    const mark = alice.events.length;
    assert.ok(
      (
        await alice.engine.invoke('subscription.answer', {
          account: alice.account,
          jid: bobJid,
          answer: 'approve',
        })
      ).ok,
    );
    await bob.waitFor('presence', (e) => e.presenceType === 'subscribed' && e.from === aliceJid);
    const cleared = await alice.waitForEvent((e, i) => i >= mark && e.event === 'subscription.requests');
    assert.deepEqual(cleared.event === 'subscription.requests' && cleared.payload.requests, []);
    assert.deepEqual((await snapshot(alice)).requests, []);
    const item = await waitContact(alice, since, bobJid, (c) => c.subscription === 'from');
    assert.equal(item.pendingIn, false);
    // Bob now receives Alice's presence.
    await bob.waitFor('presence', (e) => e.presenceType === 'available' && e.from.startsWith(`${aliceJid}/`));
    const bobRoster = await bob.getRoster();
    assert.equal(bobRoster.find((i) => i.jid === aliceJid)?.subscription, 'to');
  });

  test('inbound: deny → the requester gets "unsubscribed" and the request is gone', async () => {
    const { alice, bob, aliceJid, bobJid } = await pair();
    const since = alice.events.length;
    await bob.subscribe(aliceJid);
    await waitRequest(alice, since, bobJid);
    assert.ok(
      (
        await alice.engine.invoke('subscription.answer', {
          account: alice.account,
          jid: bobJid,
          answer: 'deny',
        })
      ).ok,
    );
    await bob.waitFor('presence', (e) => e.presenceType === 'unsubscribed' && e.from === aliceJid);
    assert.deepEqual((await snapshot(alice)).requests, []);
    assert.notEqual((await rosterItem(alice, bobJid))?.subscription, 'from');
    const bobRoster = await bob.getRoster();
    assert.equal(bobRoster.find((i) => i.jid === aliceJid)?.subscription ?? 'none', 'none');
  });

  test('inbound: approve-and-subscribe → the requester gets "subscribed" and a request back', async () => {
    const { alice, bob, aliceJid, bobJid } = await pair();
    const since = alice.events.length;
    await bob.subscribe(aliceJid);
    await waitRequest(alice, since, bobJid);
    assert.ok(
      (
        await alice.engine.invoke('subscription.answer', {
          account: alice.account,
          jid: bobJid,
          answer: 'approve-and-subscribe',
        })
      ).ok,
    );
    await bob.waitFor('presence', (e) => e.presenceType === 'subscribed' && e.from === aliceJid);
    await bob.waitFor('presence', (e) => e.presenceType === 'subscribe' && e.from === aliceJid);
    const item = await waitContact(alice, since, bobJid, (c) => c.subscription === 'from' && c.pendingOut);
    assert.equal(item.pendingIn, false);
    assert.deepEqual((await snapshot(alice)).requests, []);
    // Bob approves in turn: mutual.
    await bob.approve(aliceJid);
    await waitContact(alice, since, bobJid, (c) => c.subscription === 'both' && !c.pendingOut);
  });

  test('inbound: a request the server re-delivers after a reconnect is listed exactly once', async () => {
    const { alice, bob, aliceJid, bobJid } = await pair();
    let since = alice.events.length;
    await bob.subscribe(aliceJid);
    await waitRequest(alice, since, bobJid);
    await alice.signOut();

    since = alice.events.length;
    const mark = received.length;
    await alice.signIn();
    // Prosody re-sends the pending request after our initial presence (RFC 6121 §3.1.3).
    const deadline = Date.now() + 5000;
    const redelivered = () =>
      received
        .slice(mark)
        .some(
          (r) =>
            r.jid === alice.jid &&
            r.stanza.name === 'presence' &&
            r.stanza.attrs.type === 'subscribe' &&
            r.stanza.attrs.from?.startsWith(bobJid),
        );
    while (!redelivered()) {
      assert.ok(Date.now() < deadline, 'Prosody did not re-deliver the pending request');
      await sleep(50);
    }
    await sleep(100);
    await assertOnlyRequest(alice, since, bobJid);

    // And it can still be answered.
    assert.ok(
      (
        await alice.engine.invoke('subscription.answer', {
          account: alice.account,
          jid: bobJid,
          answer: 'approve',
        })
      ).ok,
    );
    await bob.waitFor('presence', (e) => e.presenceType === 'subscribed' && e.from === aliceJid);
    assert.deepEqual((await snapshot(alice)).requests, []);
  });

  test('unsubscribe: both → from, the contact gets "unsubscribe"; cancel: from → none, the contact gets "unsubscribed"', async () => {
    const { alice, bob, aliceJid, bobJid } = await pair();
    await mutual(alice, bob, aliceJid, bobJid);
    // Precondition for the presence assertion below: bob shows as online first.
    await alice.waitForEvent(
      (e) =>
        e.event === 'presence.changed' && e.payload.contacts.some((c) => c.jid === bobJid && c.best !== null),
    );

    let since = alice.events.length;
    assert.ok(
      (await alice.engine.invoke('subscription.unsubscribe', { account: alice.account, jid: bobJid })).ok,
    );
    await bob.waitFor('presence', (e) => e.presenceType === 'unsubscribe' && e.from === aliceJid);
    const from = await waitContact(alice, since, bobJid, (c) => c.subscription !== 'both');
    assert.equal(from.subscription, 'from');
    assert.equal(from.pendingOut, false);
    // RFC 6121 §3.3.2 has the contact's server send their 'unavailable' now; Prosody 0.12 does not, so the
    // engine forgets their presence itself when the push ends our subscription: no stale "online".
    const bobPresence = (await snapshot(alice)).presence.find((p) => p.jid === bobJid);
    assert.equal(bobPresence?.best ?? null, null, 'bob no longer shows as online');

    since = alice.events.length;
    assert.ok((await alice.engine.invoke('subscription.cancel', { account: alice.account, jid: bobJid })).ok);
    await bob.waitFor('presence', (e) => e.presenceType === 'unsubscribed' && e.from === aliceJid);
    const none = await waitContact(alice, since, bobJid, (c) => c.subscription !== 'from');
    assert.equal(none.subscription, 'none');
    assert.equal((await rosterItem(alice, bobJid))?.subscription, 'none');
    assert.equal((await bob.getRoster()).find((i) => i.jid === aliceJid)?.subscription ?? 'none', 'none');
  });

  test('pre-approval (RFC 6121 §3.4): approved before asking; the later request is answered by the server', async () => {
    const { alice, bob, aliceJid, bobJid } = await pair();
    const since = alice.events.length;
    const wireMark = received.length;
    const result = await alice.engine.invoke('subscription.preApprove', {
      account: alice.account,
      jid: bobJid,
    });
    if (scenario.server.kind === 'ejabberd') {
      // ejabberd 23.01 does not offer pre-approval (optional in RFC 6121 §3.4: no
      // urn:xmpp:features:pre-approval among its stream features), so the engine refuses it as not
      // supported, and Bob's later request reaches Alice to answer.
      assert.equal(result.ok ? 'ok' : result.error.code, 'not-supported');
      const mark = alice.events.length;
      await bob.subscribe(aliceJid);
      await alice.waitForEvent(
        (e, i) =>
          i >= mark &&
          e.event === 'subscription.requests' &&
          e.payload.requests.some((r) => r.jid === bobJid),
      );
      return;
    }
    assert.deepEqual(
      result,
      { ok: true, value: { ok: true } },
      'Prosody 0.12 advertises urn:xmpp:features:pre-approval',
    );
    // §3.4.1: the server records the pre-approval in a roster item and pushes it. Prosody 0.12 pushes
    // subscription="none" without approved="true" (it keeps the flag internally), so preApproved must
    // mirror exactly what the push said.
    const item = await waitContact(alice, since, bobJid, () => true);
    const push = received
      .slice(wireMark)
      .filter((r) => r.jid === alice.jid && r.stanza.name === 'iq' && r.stanza.attrs.type === 'set')
      .map((r) => r.stanza.getChild('query', 'jabber:iq:roster')?.getChild('item'))
      .find((i) => i?.attrs.jid === bobJid);
    assert.ok(push, 'the server pushed the pre-approved item');
    assert.equal(item.preApproved, push.attrs.approved === 'true');
    assert.equal(item.subscription, 'none');
    assert.equal(item.pendingOut, false);
    assert.equal(item.pendingIn, false);

    const mark = alice.events.length;
    await bob.subscribe(aliceJid);
    // The server answers for Alice: Bob is subscribed without Alice doing anything.
    await bob.waitFor('presence', (e) => e.presenceType === 'subscribed' && e.from === aliceJid);
    const subscribed = await waitContact(alice, mark, bobJid, (c) => c.subscription === 'from');
    assert.equal(subscribed.preApproved, false, 'the pre-approval is used up');
    await sleep(200);
    alice.engine.flushEvents();
    assert.deepEqual((await snapshot(alice)).requests, [], 'nothing left for Alice to answer');
    assert.equal(
      alice.events
        .slice(mark)
        .some((e) => e.event === 'subscription.requests' && e.payload.requests.length > 0),
      false,
      'the server did not deliver the pre-approved request to Alice (§3.4)',
    );
  });
});
