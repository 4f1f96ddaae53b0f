// Carbons (XEP-0280) and receipts (XEP-0184) through the engine, against the server PARLEY_SERVER names: what another device of
// ours sends or receives shows up in the right chat, sent messages move to 'delivered', and forged carbons
// or receipts from anyone else change nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerScenario, sleep, type ScenarioAccount } from '../../../e2e/harness/scenario.ts';
import type { EngineClient } from '../../../e2e/harness/engine-client.ts';
import type { ChatMessage } from '../../../shared/contract.ts';

const messagesOf = (client: EngineClient, peer: string): ChatMessage[] =>
  client.events.flatMap((e) =>
    e.event === 'chat.messages' ? e.payload.messages.filter((m) => m.peer === peer) : [],
  );

const statesOf = (client: EngineClient, id: string): string[] =>
  client.events.flatMap((e) =>
    e.event === 'chat.states' ? e.payload.updates.filter((u) => u.id === id).map((u) => u.state) : [],
  );

async function until(client: EngineClient, predicate: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    client.engine.flushEvents();
    await sleep(25);
  }
}

/** A and B subscribed to each other (so receipts may flow, XEP-0184 §8). */
async function befriend(a: EngineClient, b: EngineClient): Promise<void> {
  assert.ok(
    (await a.engine.invoke('roster.add', { account: a.account, jid: b.account, subscribe: true })).ok,
  );
  await b.waitForEvent(
    (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === a.account),
  );
  assert.ok(
    (
      await b.engine.invoke('subscription.answer', {
        account: b.account,
        jid: a.account,
        answer: 'approve-and-subscribe',
      })
    ).ok,
  );
  await a.waitForEvent(
    (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === b.account),
  );
  assert.ok(
    (await a.engine.invoke('subscription.answer', { account: a.account, jid: b.account, answer: 'approve' }))
      .ok,
  );
  await until(
    a,
    () =>
      a.events.some(
        (e) =>
          e.event === 'roster.changed' &&
          e.payload.upserts.some((c) => c.jid === b.account && c.subscription === 'both'),
      ),
    'mutual subscription',
  );
}

describe('carbons and receipts through the engine', () => {
  const scenario = useServerScenario();
  const { engine, account, peer } = scenario;

  test("a message sent from one device shows in the same chat on the account's other device", async () => {
    const alice: ScenarioAccount = await account('carbon-a');
    const bob = await engine('carbon-b');
    const laptop = await engine(alice);
    const phone = await engine(alice);
    assert.notEqual(laptop.jid, phone.jid, 'two resources of one account');
    const sent = await laptop.engine.invoke('chat.send', {
      account: laptop.account,
      to: bob.account,
      body: 'from the laptop',
    });
    assert.ok(sent.ok);
    await until(phone, () => messagesOf(phone, bob.account).length > 0, 'the sent carbon on the phone');
    const copy = messagesOf(phone, bob.account)[0]!;
    assert.equal(copy.direction, 'out');
    assert.equal(copy.body, 'from the laptop');
    assert.equal(copy.originId, sent.value.originId);
    // And what bob sends to the account reaches both devices, each exactly once.
    assert.ok(
      (await bob.engine.invoke('chat.send', { account: bob.account, to: alice.jid, body: 'to both' })).ok,
    );
    for (const device of [laptop, phone]) {
      await until(
        device,
        () => messagesOf(device, bob.account).some((m) => m.direction === 'in'),
        'the reply',
      );
    }
    await sleep(200);
    for (const device of [laptop, phone]) {
      assert.deepEqual(
        messagesOf(device, bob.account)
          .filter((m) => m.direction === 'in')
          .map((m) => m.body),
        ['to both'],
      );
    }
  });

  test('a sent message reaches "sent" (server ack) and then "delivered" (the contact\'s receipt)', async () => {
    const [alice, bob] = [await engine('receipt-a'), await engine('receipt-b')];
    await befriend(alice, bob);
    const sent = await alice.engine.invoke('chat.send', {
      account: alice.account,
      to: bob.account,
      body: 'did you get this?',
    });
    assert.ok(sent.ok);
    await until(alice, () => statesOf(alice, sent.value.id).includes('delivered'), "'delivered'");
    if (scenario.server.kind === 'ejabberd') {
      // ejabberd routes each session in its own process: the contact's receipt can reach us before the
      // server's answer to our separately written <r/>, and then 'sent' is skipped; never after 'delivered'.
      await sleep(300); // a late ack must not bring 'sent' back
      const states = statesOf(alice, sent.value.id).join(' > ');
      assert.ok(['sent > delivered', 'delivered'].includes(states), states);
      return;
    }
    assert.deepEqual(statesOf(alice, sent.value.id), ['sent', 'delivered']);
  });

  test('forged carbons and receipts from anyone else change nothing', async () => {
    const alice = await engine('forged-a');
    const bob = await engine('forged-b');
    const mallory = await peer('forged-m');
    await befriend(alice, bob);
    const sent = await alice.engine.invoke('chat.send', {
      account: alice.account,
      to: bob.account,
      body: 'private',
    });
    assert.ok(sent.ok);
    await until(alice, () => statesOf(alice, sent.value.id).includes('delivered'), "bob's real receipt");
    const before = alice.events.length;
    // Mallory claims to be a carbon of a message alice "sent", and acknowledges alice's message as read.
    await mallory.sendRaw(
      `<message to="${alice.jid}" type="chat"><sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">` +
        `<message from="${alice.jid}" to="${bob.account}" type="chat" id="forged"><body>I never wrote this</body></message>` +
        `</forwarded></sent></message>`,
    );
    await mallory.sendRaw(
      `<message to="${alice.jid}" type="chat"><displayed xmlns="urn:xmpp:chat-markers:0" id="${sent.value.id}"/></message>`,
    );
    // A fence: a real message from bob after the forgeries, so they have certainly been handled.
    assert.ok(
      (await bob.engine.invoke('chat.send', { account: bob.account, to: alice.account, body: 'fence' })).ok,
    );
    await until(alice, () => messagesOf(alice, bob.account).some((m) => m.body === 'fence'), 'the fence');
    const after = alice.events.slice(before);
    assert.ok(
      !after.some(
        (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'I never wrote this'),
      ),
      'the forged carbon is not shown',
    );
    assert.ok(!statesOf(alice, sent.value.id).includes('read'), 'a stranger cannot mark it read');
  });
});
