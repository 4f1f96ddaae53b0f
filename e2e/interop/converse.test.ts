// Interop with a second real client (issue 9): Converse.js 14 in Chromium, signed in over the server's
// WebSocket, and a Parley engine on the same server. Roster subscription both ways, messages both ways with
// Unicode and markup kept literal, XEP-0184 receipts both ways, XEP-0333 displayed markers from Converse, and
// what Parley does today with a XEP-0308 correction. Converse is driven through its own API (see
// e2e/harness/converse.ts); its wire log says which acknowledgements it really sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expect } from '@playwright/test';
import type { ChatMessage } from '../../shared/contract.ts';
import { NS_MARKERS, NS_RECEIPTS } from '../../electron/core/xmpp/ns.ts';
import type { EngineClient } from '../harness/engine-client.ts';
import { startConverseBrowser } from '../harness/converse.ts';
import type { ConverseBrowser, ConverseClient } from '../harness/converse.ts';
import { rosterItem, sleep, useServerScenario, waitContact } from '../harness/scenario.ts';

const NS_CORRECTION = 'urn:xmpp:message-correct:0'; // XEP-0308: Parley does not speak it yet

/** Unicode beyond the BMP, right-to-left text, and HTML that must stay text on both sides. */
const TRICKY = 'Grüße 👋🏽 שלום 日本語 — <b>not bold</b> & <img src=x onerror="window.__pwned=1"> "quoted"';

const inMessages = (client: EngineClient, peer: string): ChatMessage[] =>
  client.events.flatMap((e) =>
    e.event === 'chat.messages'
      ? e.payload.messages.filter((m) => m.peer === peer && m.direction === 'in')
      : [],
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

async function parleySends(parley: EngineClient, to: string, body: string): Promise<string> {
  const sent = await parley.engine.invoke('chat.send', { account: parley.account, to, body });
  assert.ok(sent.ok, `chat.send: ${sent.ok ? '' : sent.error.message}`);
  return sent.value.id;
}

describe('interop with Converse.js over the WebSocket', () => {
  let browser: ConverseBrowser | undefined;
  let converse: ConverseClient;
  let parley: EngineClient;
  /** What the roster subscription in `before` saw on the way (asserted by its own test). */
  let converseSawRequest = false;
  // Registered before the scenario's hooks, so Converse leaves before the server stops.
  after(async () => {
    await converse?.close();
    await browser?.close();
  });

  const scenario = useServerScenario({ websocket: true });

  before(async () => {
    browser = await startConverseBrowser(scenario.server);
    converse = await browser.open(await scenario.account('converse'));
    parley = await scenario.engine('parley');

    // Parley asks; Converse shows the request, approves it and asks back; Parley approves.
    const since = parley.events.length;
    const added = await parley.engine.invoke('roster.add', {
      account: parley.account,
      jid: converse.jid,
      name: 'Converse',
      subscribe: true,
    });
    assert.ok(added.ok);
    converseSawRequest = (await converse.waitForContact(parley.account, (c) => c.requesting)).requesting;
    await converse.acceptRequest(parley.account);
    await parley.waitForEvent(
      (e, i) =>
        i >= since &&
        e.event === 'subscription.requests' &&
        e.payload.requests.some((r) => r.jid === converse.jid),
    );
    const answered = await parley.engine.invoke('subscription.answer', {
      account: parley.account,
      jid: converse.jid,
      answer: 'approve',
    });
    assert.ok(answered.ok);
    await waitContact(parley, since, converse.jid, (c) => c.subscription === 'both');
    await converse.waitForContact(parley.account, (c) => c.subscription === 'both');
  });

  test('roster subscription both ways: Parley asks, Converse approves and asks back, Parley approves', async () => {
    assert.ok(converseSawRequest, "Converse listed Parley's request as waiting for an answer");
    const contact = await rosterItem(parley, converse.jid);
    assert.equal(contact?.subscription, 'both');
    assert.equal(contact?.name, 'Converse');
    assert.equal(contact?.pendingIn, false);
    const seen = await converse.waitForContact(parley.account, (c) => c.status === 'online');
    assert.deepEqual(
      { subscription: seen.subscription, requesting: seen.requesting },
      { subscription: 'both', requesting: false },
    );
    // Each sees the other online.
    await parley.waitForEvent(
      (e) =>
        e.event === 'presence.changed' &&
        e.payload.contacts.some((c) => c.jid === converse.jid && c.best?.show === 'available'),
    );
  });

  test('roster subscription the other way: Converse asks, Parley approves and asks back, Converse approves by itself', async () => {
    const other = await scenario.engine('parley-other');
    await converse.addContact(other.account, 'Other');
    await other.waitForEvent(
      (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === converse.jid),
    );
    const answered = await other.engine.invoke('subscription.answer', {
      account: other.account,
      jid: converse.jid,
      answer: 'approve-and-subscribe',
    });
    assert.ok(answered.ok);
    // Converse approves a request from someone it asked itself (no auto_subscribe needed).
    await waitContact(other, 0, converse.jid, (c) => c.subscription === 'both');
    const seen = await converse.waitForContact(other.account, (c) => c.subscription === 'both');
    assert.equal(seen.requesting, false);
  });

  test("Parley → Converse: shown literally; 'delivered' by Converse's receipt, 'read' by its displayed marker once the chat is on screen", async () => {
    // Converse's chat with Parley is not open yet: a message arrives in the background.
    const id = await parleySends(parley, converse.jid, TRICKY);
    const shown = await converse.waitForMessages(parley.account, (ms) => ms.some((m) => m.msgid === id));
    assert.deepEqual(
      shown.filter((m) => m.msgid === id).map((m) => ({ body: m.body, sender: m.sender })),
      [{ body: TRICKY, sender: 'them' }],
    );
    await converse.waitForWire('out', NS_RECEIPTS, 'received', id);
    await until(parley, () => statesOf(parley, id).includes('delivered'), "'delivered'");
    assert.equal(await converse.wireCount('out', NS_MARKERS, 'displayed', id), 0, 'not displayed yet');
    assert.ok(
      !statesOf(parley, id).includes('read'),
      "not 'read' while Converse's chat is in the background",
    );

    // Showing the chat sends a displayed marker for the newest message.
    await converse.openChat(parley.account);
    await converse.waitForWire('out', NS_MARKERS, 'displayed', id);
    await until(parley, () => statesOf(parley, id).includes('read'), "'read'");

    // Converse's UI shows the text as text: no element made from the markup, no script run.
    const text = converse.page.locator('converse-chat-message .chat-msg__text', { hasText: 'not bold' });
    await expect(text).toHaveCount(1);
    await expect(text).toHaveText(TRICKY);
    assert.equal(await text.locator('b, img').count(), 0, 'the markup made no elements');
    assert.equal(await converse.page.evaluate(() => window.__pwned), undefined);
  });

  test('Converse → Parley: arrives literally; Parley answers its receipt request and Converse shows the check mark', async () => {
    await converse.openChat(parley.account);
    const body = `${TRICKY} (from Converse)`;
    const msgid = await converse.send(parley.account, body);
    await until(
      parley,
      () => inMessages(parley, converse.jid).some((m) => m.id === msgid),
      'the message at Parley',
    );
    const got = inMessages(parley, converse.jid).filter((m) => m.id === msgid);
    assert.deepEqual(
      got.map((m) => ({ body: m.body, peerFull: m.peerFull, fromRoster: m.fromRoster, type: m.type })),
      [{ body, peerFull: converse.fullJid, fromRoster: true, type: 'chat' }],
    );
    // XEP-0184 answered (the contact may see our presence), and Converse marks the message received.
    await converse.waitForWire('in', NS_RECEIPTS, 'received', msgid);
    await converse.waitForMessages(parley.account, (ms) => ms.some((m) => m.msgid === msgid && m.received));
    const mine = converse.page.locator('converse-chat-message', { hasText: '(from Converse)' });
    await expect(mine.locator('.chat-msg__receipt')).toBeVisible();

    // Converse's messages are not markable, so Parley sends no displayed marker for them even when shown.
    // The next message is the barrier: a marker sent before it would have arrived first on the same stream.
    const marked = await parley.engine.invoke('chat.markDisplayed', {
      account: parley.account,
      peer: converse.jid,
    });
    assert.ok(marked.ok);
    const barrier = await parleySends(parley, converse.jid, 'barrier');
    await converse.waitForMessages(parley.account, (ms) => ms.some((m) => m.msgid === barrier));
    assert.equal(await converse.wireCount('in', NS_MARKERS, 'displayed', msgid), 0);
  });

  test('a XEP-0308 correction from Converse arrives at Parley as a new message (corrections are a later issue)', async () => {
    const original = await converse.send(parley.account, 'see you at 10');
    await until(
      parley,
      () => inMessages(parley, converse.jid).some((m) => m.id === original),
      'the original',
    );
    await converse.correct(parley.account, original, 'see you at 11');
    await converse.waitForWire('out', NS_CORRECTION, 'replace', original);
    await until(
      parley,
      () => inMessages(parley, converse.jid).some((m) => m.body === 'see you at 11'),
      'the correction',
    );
    // Parley does not speak XEP-0308 yet: the correction is one more message, and the original stays as it was.
    // When corrections land, this becomes "the original shows 'see you at 11', marked edited".
    const bodies = inMessages(parley, converse.jid)
      .filter((m) => m.body?.startsWith('see you at'))
      .map((m) => ({ body: m.body, isOriginal: m.id === original }));
    assert.deepEqual(bodies, [
      { body: 'see you at 10', isOriginal: true },
      { body: 'see you at 11', isOriginal: false },
    ]);
    const history = await parley.engine.invoke('chat.history', {
      account: parley.account,
      peer: converse.jid,
    });
    assert.ok(history.ok);
    assert.deepEqual(
      history.value.messages.filter((m) => m.body?.startsWith('see you at')).map((m) => m.body),
      ['see you at 10', 'see you at 11'],
    );
    // Converse itself shows one message, edited.
    const own = await converse.messages(parley.account);
    assert.deepEqual(
      own.filter((m) => m.msgid === original).map((m) => ({ body: m.body, edited: m.edited })),
      [{ body: 'see you at 11', edited: true }],
    );
  });
});
