// Settings › Privacy against a real server, seen by a raw session of a contact who may see our presence:
// each switch stops exactly its stanza. Typing notifications off: no XEP-0085 chat state, neither on our
// messages nor standalone (composing, paused); receipts off: no XEP-0184 answer (our own requests still go out); read markers off: no XEP-0333
// <displayed/>. Absence is proven by order: the switch goes back on and the next stanza does arrive, with
// nothing for the message sent while it was off before it.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { xml, type Element } from '@xmpp/xml';
import type { PreferencesPatch } from '../../../shared/preferences.ts';
import type { XmppSession } from '../xmpp/session.ts';
import { openRawSession } from '../../../e2e/harness/raw-session.ts';
import { useServerScenario } from '../../../e2e/harness/scenario.ts';
import { serverKind } from '../../../e2e/harness/server.ts';
import { NS_CHAT_STATES } from '../chat/chat-states.ts';
import { NS_MARKERS, NS_RECEIPTS } from './receipts.ts';

const WAIT_MS = 10_000;

describe(`privacy switches against ${serverKind()}`, () => {
  const sessions: XmppSession[] = [];
  after(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
  });
  const scenario = useServerScenario();

  /** Alice's engine, and Bob (raw) approved to see her presence, so receipts and markers may go to him. */
  async function aliceAndBob() {
    const [a, b] = await Promise.all([scenario.account('priv-a'), scenario.account('priv-b')]);
    const alice = await scenario.engine(a);
    const bob = await openRawSession(scenario.server, b, 'raw');
    sessions.push(bob.session);
    await bob.session.send(xml('presence'));
    await bob.session.send(xml('presence', { to: a.jid, type: 'subscribe' }));
    await alice.waitForEvent(
      (e) => e.event === 'subscription.requests' && e.payload.requests.some((r) => r.jid === b.jid),
      WAIT_MS,
    );
    const answered = await alice.engine.invoke('subscription.answer', {
      account: alice.account,
      jid: b.jid,
      answer: 'approve',
    });
    assert.ok(answered.ok, JSON.stringify(answered));
    await alice.waitForEvent(
      (e) =>
        e.event === 'roster.changed' &&
        e.payload.upserts.some(
          (u) => u.jid === b.jid && (u.subscription === 'from' || u.subscription === 'both'),
        ),
      WAIT_MS,
    );
    const set = async (patch: PreferencesPatch) => {
      const result = await alice.engine.invoke('prefs.set', { patch });
      assert.ok(result.ok, JSON.stringify(result));
    };
    /** Bob writes to Alice; resolves once her engine has shown it. */
    const bobSays = async (id: string, ...extra: Element[]) => {
      await bob.session.send(
        xml('message', { to: a.jid, type: 'chat', id }, xml('body', {}, `body ${id}`), ...extra),
      );
      await alice.waitForEvent(
        (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === `body ${id}`),
        WAIT_MS,
      );
    };
    return { alice, bob, a, b, set, bobSays };
  }

  test('typing notifications off: no chat state at all; on: composing, paused and <active/> on messages', async () => {
    const { alice, bob, b, set } = await aliceAndBob();
    const fromAlice = (body: string) =>
      bob.waitFor((s) => s.is('message') && s.getChildText('body') === body, WAIT_MS);
    const send = async (body: string) =>
      assert.ok((await alice.engine.invoke('chat.send', { account: alice.account, to: b.jid, body })).ok);
    const typing = async (state: 'composing' | 'paused') =>
      assert.ok(
        (await alice.engine.invoke('chat.typing', { account: alice.account, peer: b.jid, state })).ok,
      );
    const states = (m: Element) => m.getChildElements().filter((c) => c.getNS() === NS_CHAT_STATES);
    const stateSeen = () =>
      bob.inbox.flatMap((m) => (m.is('message') && !m.getChild('body') ? states(m).map((c) => c.name) : []));

    await typing('composing');
    await bob.waitFor(
      (s) => s.is('message') && s.getChild('composing', NS_CHAT_STATES) !== undefined,
      WAIT_MS,
    );
    await send('with state');
    assert.deepEqual(
      states(await fromAlice('with state')).map((c) => c.name),
      ['active'],
    );

    await set({ privacy: { typingNotifications: false } });
    await typing('composing');
    await send('without state');
    const quiet = await fromAlice('without state');
    assert.deepEqual(states(quiet), [], quiet.toString());
    assert.ok(quiet.getChild('request', NS_RECEIPTS), 'our receipt request still goes out');

    await set({ privacy: { typingNotifications: true } });
    await typing('paused');
    await bob.waitFor((s) => s.is('message') && s.getChild('paused', NS_CHAT_STATES) !== undefined, WAIT_MS);
    assert.deepEqual(stateSeen(), ['composing', 'paused'], 'nothing while typing notifications were off');
  });

  test('receipts off: no receipt answered; back on: the next one is', async () => {
    const { bob, set, bobSays } = await aliceAndBob();
    const request = () => xml('request', { xmlns: NS_RECEIPTS });
    const receiptOf = (id: string) =>
      bob.waitFor((s) => s.is('message') && s.getChild('received', NS_RECEIPTS)?.attrs.id === id, WAIT_MS);

    await bobSays('r1', request());
    await receiptOf('r1');
    await set({ privacy: { receipts: false } });
    await bobSays('r2', request());
    await set({ privacy: { receipts: true } });
    await bobSays('r3', request());
    await receiptOf('r3');
    const answered = bob.inbox.flatMap((s) => s.getChild('received', NS_RECEIPTS)?.attrs.id ?? []);
    assert.deepEqual(answered, ['r1', 'r3'], 'nothing for the message received while receipts were off');
  });

  test('read markers off: nothing said when the chat is looked at; back on: the next one is', async () => {
    const { alice, bob, b, set, bobSays } = await aliceAndBob();
    const markable = () => xml('markable', { xmlns: NS_MARKERS });
    const look = async () =>
      assert.ok(
        (await alice.engine.invoke('chat.markDisplayed', { account: alice.account, peer: b.jid })).ok,
      );
    const displayedOf = (id: string) =>
      bob.waitFor((s) => s.is('message') && s.getChild('displayed', NS_MARKERS)?.attrs.id === id, WAIT_MS);

    await bobSays('m1', markable());
    await look();
    await displayedOf('m1');
    await set({ privacy: { readMarkers: false } });
    await bobSays('m2', markable());
    await look();
    await set({ privacy: { readMarkers: true } });
    await look(); // m2 was seen while off: it is never announced
    await bobSays('m3', markable());
    await look();
    await displayedOf('m3');
    const shown = bob.inbox.flatMap((s) => s.getChild('displayed', NS_MARKERS)?.attrs.id ?? []);
    assert.deepEqual(shown, ['m1', 'm3']);
  });
});
