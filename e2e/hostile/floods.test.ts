// Floods from many JIDs through the real server (PARLEY_SERVER's kind): an external component (XEP-0114)
// sends as thousands of strangers at rogue.parley.test. The engine keeps within its bounds (presence of 1,000
// strangers, 32 resources per JID, 500 subscription requests, 200 message requests of at most 100 messages
// each, counting the rest), coalesces what it tells the UI, answers every unknown get with
// service-unavailable and never an error or result, and still serves commands and real contacts after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESENCE_LIMITS } from '../../electron/core/presence/presence.ts';
import { STRANGER_LIMITS } from '../../electron/core/chat/strangers.ts';
import { MAX_PENDING_REQUESTS } from '../../shared/limits.ts';
import { connectComponent, type ComponentClient } from '../harness/component.ts';
import { presenceComponentConfig } from '../harness/roster-seed.ts';
import { snapshot, useServerScenario } from '../harness/scenario.ts';
import type { EngineClient } from '../harness/engine-client.ts';
import { watchCrashes } from './kit.ts';

watchCrashes();
const ROGUE = 'rogue.parley.test';
const SECRET = 'flood-component-secret';
const config = await presenceComponentConfig(ROGUE, SECRET);
const scenario = useServerScenario(config.serverOptions);
const XSS = '&lt;img src=x onerror="window.__pwned=1"&gt;';
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

let paces = 0;
/**
 * Sends `stanzas` to `to` in chunks, each followed by a ping from the component that `to` must answer first:
 * the flood goes at the engine's pace. (ejabberd ends a session whose client has more than 5,000 stanzas
 * unacknowledged, policy-violation "Too many unacked stanzas": a burst larger than that, faster than any
 * client reads, would test ejabberd rather than the engine.)
 */
async function flood(rogue: ComponentClient, to: string, stanzas: string[], chunk = 1_000): Promise<void> {
  for (let at = 0; at < stanzas.length; at += chunk) {
    const id = `pace-${++paces}`;
    const ping = `<iq type='get' id='${id}' from='pacer@${ROGUE}/r' to='${to}'><ping xmlns='urn:xmpp:ping'/></iq>`;
    await rogue.sendAll([...stanzas.slice(at, at + chunk), ping]);
    await rogue.waitFor((s) => s.attrs.id === id, 60_000);
  }
}

async function component(): Promise<ComponentClient> {
  const { host } = scenario.server;
  return connectComponent({ host, port: config.port, domain: ROGUE, secret: SECRET, keep: 5_000 });
}

/** Waits until `pred` holds for the engine's snapshot of its account (polled; the engine batches its state). */
async function until(
  client: EngineClient,
  pred: (snap: Awaited<ReturnType<typeof snapshot>>) => boolean,
  what: string,
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const snap = await snapshot(client);
    if (pred(snap)) return snap;
    if (Date.now() > deadline) throw new Error(`not within 30 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('5,000 strangers’ presence: at most 1,000 kept (the newest), 32 resources per JID, a few coalesced events', async () => {
  const alice = await scenario.engine('alice', { batchIntervalMs: 16 });
  const rogue = await component();
  const since = alice.events.length;
  const to = alice.jid!;
  await flood(rogue, to, [
    ...range(5_000).map(
      (i) => `<presence from='s${i}@${ROGUE}/r' to='${to}'><status>${XSS} ${i}</status></presence>`,
    ),
    ...range(40).map(
      (i) => `<presence from='many@${ROGUE}/r${i}' to='${to}'><priority>${i}</priority></presence>`,
    ),
  ]);
  const snap = await until(
    alice,
    (s) => s.presence.some((p) => p.jid === `many@${ROGUE}`),
    'the last presence shown',
  );
  const strangers = snap.presence.filter((p) => p.jid.endsWith(`@${ROGUE}`));
  assert.ok(strangers.length <= PRESENCE_LIMITS.strangers, `${strangers.length} strangers kept`);
  assert.ok(!strangers.some((p) => p.jid === `s0@${ROGUE}`), 'the oldest went first');
  const many = strangers.find((p) => p.jid === `many@${ROGUE}`);
  assert.equal(many?.resources.length, PRESENCE_LIMITS.resourcesPerJid, 'resources per JID are capped');
  assert.equal(many?.best?.resource, 'r39', 'the newest, highest-priority resource is the one shown');
  const shown = strangers.find((p) => p.jid === `s4999@${ROGUE}`);
  assert.equal(
    shown?.best?.status,
    '<img src=x onerror="window.__pwned=1"> 4999',
    'status text is kept as text',
  );
  const batches = alice.events.slice(since).filter((e) => e.event === 'presence.changed').length;
  assert.ok(batches < 5_040 / 10, `${batches} presence events for 5,040 stanzas`);
  assert.equal(snap.connection.status, 'online');
  await rogue.close();
});

test('600 subscription requests from strangers: 500 listed, the rest counted', async () => {
  const alice = await scenario.engine('alice');
  const rogue = await component();
  const nick = `<nick xmlns='http://jabber.org/protocol/nick'>${XSS}</nick>`;
  // Prosody stores each pending request as it comes (about 50-100 a second here): 600, not thousands.
  await flood(
    rogue,
    alice.jid!,
    range(600).map(
      (i) => `<presence type='subscribe' from='sub${i}@${ROGUE}' to='${alice.account}'>${nick}</presence>`,
    ),
    100,
  );
  const snap = await until(
    alice,
    (s) => (s.moreRequests ?? 0) + s.requests.length >= 600,
    'every request seen',
  );
  assert.equal(snap.requests.length, MAX_PENDING_REQUESTS);
  assert.equal(snap.moreRequests, 600 - MAX_PENDING_REQUESTS);
  assert.ok(
    snap.requests.every((r) => r.nick === '<img src=x onerror="window.__pwned=1">'),
    'nicks are text',
  );
  assert.equal(snap.connection.status, 'online');
  await rogue.close();
});

test('messages from 300 strangers and 150 more from one: 200 requests of at most 100 messages, the rest counted', async () => {
  const alice = await scenario.engine('alice');
  const rogue = await component();
  const bare = alice.account;
  const message = (from: string, n: number) =>
    `<message from='${from}@${ROGUE}/r' to='${bare}' type='chat' id='m${n}'><body>${XSS} ${n}</body></message>`;
  await flood(rogue, alice.jid!, [
    ...range(300).map((i) => message(`m${i}`, i)),
    ...range(150).map((i) => message('m0', 1_000 + i)),
  ]);
  const expectedMore = 300 - STRANGER_LIMITS.requests + (151 - STRANGER_LIMITS.messagesEach);
  const snap = await until(alice, (s) => s.moreMessages === expectedMore, `${expectedMore} messages counted`);
  assert.equal(snap.messageRequests?.length, STRANGER_LIMITS.requests);
  const chatty = snap.messageRequests?.find((r) => r.jid === `m0@${ROGUE}`);
  assert.equal(chatty?.count, STRANGER_LIMITS.messagesEach);
  assert.ok(
    !snap.messageRequests?.some((r) => r.jid === `m250@${ROGUE}`),
    'strangers past the cap are not listed',
  );
  const kept = await alice.engine.invoke('chat.history', { account: bare, peer: `m0@${ROGUE}`, limit: 500 });
  assert.ok(kept.ok);
  assert.equal(
    kept.value.messages.length,
    STRANGER_LIMITS.messagesEach,
    'only the kept ones are in the history',
  );
  assert.ok(
    kept.value.messages.every((m) => m.body?.startsWith('<img src=x')),
    'bodies are text',
  );
  await rogue.close();
});

test('1,000 unknown gets from 1,000 JIDs: each answered service-unavailable; 500 stray results and errors unanswered', async () => {
  const alice = await scenario.engine('alice');
  const rogue = await component();
  const to = alice.jid!;
  const error = `<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`;
  // Answers go back in order, so once the last pace ping is answered every earlier answer has arrived.
  await flood(rogue, to, [
    ...range(1_000).map(
      (i) => `<iq type='get' id='g${i}' from='q${i}@${ROGUE}/r' to='${to}'><q xmlns='urn:evil:${i}'/></iq>`,
    ),
    ...range(250).map((i) => `<iq type='result' id='r${i}' from='q${i}@${ROGUE}/r' to='${to}'/>`),
    ...range(250).map((i) => `<iq type='error' id='e${i}' from='q${i}@${ROGUE}/r' to='${to}'>${error}</iq>`),
  ]);
  const answers = rogue.received.filter((s) => s.is('iq'));
  const errors = answers.filter((s) => s.attrs.type === 'error' && /^g\d+$/.test(s.attrs.id ?? ''));
  assert.equal(errors.length, 1_000, 'every unknown get was answered');
  assert.ok(errors.every((s) => s.getChild('error')?.getChild('service-unavailable') !== undefined));
  assert.deepEqual(
    answers.filter((s) => /^[re]\d+$/.test(s.attrs.id ?? '')).map((s) => s.attrs.id),
    [],
    'no result or error was answered',
  );
  assert.equal((await snapshot(alice)).connection.status, 'online');
  await rogue.close();
});
