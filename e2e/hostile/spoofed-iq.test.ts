// Iqs a hostile peer (or a server relaying one) can aim at us: roster pushes that are not from our account,
// replies to our requests from someone other than who we asked, errors and results for ids we never sent,
// and requests of namespaces nobody here answers. Each case asserts what the engine did (applied, ignored,
// answered with which error, or left unanswered), not just that it survived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import type { RogueConnection } from '../harness/rogue-server.ts';
import { barrier, rogueClient, rogueServer, watchCrashes, type RogueClient } from './kit.ts';

watchCrashes();
const NS_ROSTER = 'jabber:iq:roster';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

let pushes = 0;
/** Sends a roster push adding `jid` (from `from`, or without a from), and returns the client's answer. */
async function push(
  client: RogueClient,
  connection: RogueConnection,
  from: string | null,
  jid: string,
): Promise<Element> {
  const id = `push-${++pushes}`;
  const fromAttr = from === null ? '' : ` from='${from}'`;
  connection.send(
    `<iq type='set' id='${id}'${fromAttr}><query xmlns='${NS_ROSTER}'><item jid='${jid}' name='pushed'/></query></iq>`,
  );
  const answer = await connection.waitFor((e) => e.is('iq') && e.attrs.id === id);
  await barrier(client, connection);
  return answer;
}

async function inRoster(client: RogueClient, jid: string): Promise<boolean> {
  return (await client.snapshot()).roster.some((c) => c.jid === jid);
}

function errorCondition(answer: Element): string | undefined {
  return answer
    .getChild('error')
    ?.getChildElements()
    .find((c) => c.getNS() === NS_STANZAS)?.name;
}

test('roster pushes: applied from our account (no from, our bare JID, in any letter case), ignored from anyone else', async () => {
  const rogue = await rogueServer();
  const client = await rogueClient(rogue);
  const connection = await client.online();
  const resource = connection.jid!.split('/')[1]!;

  // RFC 6121 §2.1.6: no 'from', or our bare JID. Localpart and domain compare case-insensitively (RFC 7622).
  for (const [from, jid] of [
    [null, 'implicit@rogue.test'],
    ['alice@rogue.test', 'bare@rogue.test'],
    ['ALICE@Rogue.Test', 'mixed-case@rogue.test'],
  ] as const) {
    const answer = await push(client, connection, from, jid);
    assert.equal(answer.attrs.type, 'result', `a push from ${from ?? '(none)'} is answered with a result`);
    assert.ok(await inRoster(client, jid), `a push from ${from ?? '(none)'} is applied`);
  }

  const spoofs = [
    ['bob@rogue.test', 'another user'],
    ['rogue.test', 'the server domain (not the account: RFC 6121 §2.1.6)'],
    [`alice@rogue.test/${resource}`, 'our own full JID'],
    ['alice@rogue.test/other', 'another resource of our account'],
    ['\u0430lice@rogue.test', 'a Cyrillic а in the localpart'],
    ['alice@r\u03BFgue.test', 'a Greek ο in the domain'],
    ['alice@rogue.test.evil.example', 'our JID as a prefix of another domain'],
    ['alice\u200B@rogue.test', 'a zero-width space in the localpart'],
    ['not a jid@@', 'an invalid JID'],
  ] as const;
  for (const [index, [from, what]] of spoofs.entries()) {
    const jid = `spoof-${index}@evil.example`;
    const answer = await push(client, connection, from, jid);
    assert.equal(answer.attrs.type, 'error', `a push from ${what} is refused`);
    assert.equal(errorCondition(answer), 'service-unavailable');
    assert.equal(answer.attrs.to, from, 'the refusal goes back to the sender');
    assert.ok(!(await inRoster(client, jid)), `a push from ${what} changes nothing`);
  }

  // A push must hold exactly one item (§2.1.6), even from our account.
  connection.send(
    `<iq type='set' id='two-items'><query xmlns='${NS_ROSTER}'><item jid='one@evil.example'/><item jid='two@evil.example'/></query></iq>`,
  );
  const answer = await connection.waitFor((e) => e.attrs.id === 'two-items');
  assert.equal(answer.attrs.type, 'error');
  assert.ok(!(await inRoster(client, 'one@evil.example')) && !(await inRoster(client, 'two@evil.example')));
});

/** A server whose answer to the roster get is `replies(id, fullJid)`: spoofed ones first, maybe a real one. */
async function rosterAnsweredBy(
  replies: (id: string, fullJid: string) => string[],
): Promise<{ client: RogueClient; roster: string[] }> {
  const rogue = await rogueServer({
    onIq: (iq, connection) =>
      iq.attrs.type === 'get' && iq.getChild('query', NS_ROSTER)
        ? replies(iq.attrs.id!, connection.jid!).join('')
        : undefined,
  });
  const client = await rogueClient(rogue);
  await client.online();
  return { client, roster: (await client.snapshot()).roster.map((c) => c.jid).sort() };
}

const rosterReply = (id: string, from: string | null, jid: string) =>
  `<iq type='result' id='${id}'${from === null ? '' : ` from='${from}'`}>` +
  `<query xmlns='${NS_ROSTER}'><item jid='${jid}' subscription='both'/></query></iq>`;

test('a reply to our roster request from someone else is ignored; the real one, after it, is used', async () => {
  const upper = (jid: string) =>
    jid.replace(/\/(.*)$/, (_, resource: string) => `/${resource.toUpperCase()}`);
  for (const [what, from] of [
    ['another user', () => 'mallory@rogue.test'],
    ['another resource of our account (it is not the server)', () => 'alice@rogue.test/other'],
    ['our full JID with the resource in other letter case (resources are case-sensitive)', upper],
    ['the server domain', () => 'rogue.test'],
  ] as const) {
    const { roster } = await rosterAnsweredBy((id, full) => [
      rosterReply(id, from(full), 'spoofed@evil.example'),
      rosterReply(id, null, 'real@rogue.test'),
    ]);
    assert.deepEqual(roster, ['real@rogue.test'], `a reply from ${what} is not the answer`);
  }
});

test('a reply from our own account is the answer, whatever the letter case of its domain and localpart', async () => {
  for (const from of ['alice@ROGUE.TEST', 'Alice@Rogue.Test']) {
    const { roster } = await rosterAnsweredBy((id) => [rosterReply(id, from, 'answered@rogue.test')]);
    assert.deepEqual(roster, ['answered@rogue.test'], `a reply from ${from} is ours`);
  }
  const { roster } = await rosterAnsweredBy((id, full) => [rosterReply(id, full, 'full@rogue.test')]);
  assert.deepEqual(roster, ['full@rogue.test'], 'a reply from our own full JID is ours');
});

test('errors and results for ids we never sent change nothing and are never answered', async () => {
  const rogue = await rogueServer({ roster: "<item jid='bob@rogue.test' subscription='both'/>" });
  const client = await rogueClient(rogue);
  const connection = await client.online();
  const before = await client.snapshot();
  const eventsBefore = client.events.length;
  const sentBefore = connection.received.length;
  const error = `<error type='cancel'><item-not-found xmlns='${NS_STANZAS}'/></error>`;
  connection.send(
    [
      `<iq type='error' id='never-sent-1' from='rogue.test'>${error}</iq>`,
      `<iq type='error' id='never-sent-2'>${error}</iq>`,
      `<iq type='result' id='never-sent-3' from='bob@rogue.test/phone'><query xmlns='${NS_ROSTER}'><item jid='x@evil.example'/></query></iq>`,
      `<iq type='error' from='bob@rogue.test/phone'>${error}</iq>`,
      `<message type='error' id='never-sent-4' from='bob@rogue.test/phone'>${error}</message>`,
      `<message type='error' from='bob@rogue.test'><body>an error with a body</body>${error}</message>`,
      `<presence type='error' id='never-sent-5' from='bob@rogue.test'>${error}</presence>`,
      `<presence type='error' from='stranger@evil.example'>${error}</presence>`,
    ].join(''),
  );
  await barrier(client, connection);
  const answered = connection.received
    .slice(sentBefore)
    .filter((e) => e.attrs.id?.startsWith('never-sent') || e.attrs.type === 'error');
  assert.deepEqual(
    answered.map((e) => e.toString()),
    [],
    'no error or result is ever answered (RFC 6120 §8.3.1)',
  );
  const later = client.events.slice(eventsBefore);
  assert.deepEqual(
    later.filter((e) => e.event === 'chat.failed' || e.event === 'chat.messages'),
    [],
    'no message failed and none was shown',
  );
  const after = await client.snapshot();
  assert.deepEqual(after.roster, before.roster);
  assert.equal(after.connection.status, 'online');
});

test('an unsolicited get or set nobody handles is answered service-unavailable; results and errors are not', async () => {
  const rogue = await rogueServer();
  const client = await rogueClient(rogue);
  const connection = await client.online();
  const requests: Array<[string, string]> = [
    ['get-unknown', `<iq type='get' id='get-unknown' from='eve@evil.example/x'><q xmlns='urn:evil:0'/></iq>`],
    ['set-unknown', `<iq type='set' id='set-unknown' from='eve@evil.example/x'><q xmlns='urn:evil:1'/></iq>`],
    ['no-child', `<iq type='get' id='no-child' from='eve@evil.example/x'/>`],
    [
      'roster-get-by-stranger',
      `<iq type='get' id='roster-get-by-stranger' from='eve@evil.example/x'><query xmlns='${NS_ROSTER}'/></iq>`,
    ],
    ['no-ns', `<iq type='set' id='no-ns' from='rogue.test'><thing/></iq>`],
  ];
  for (const [, stanza] of requests) connection.send(stanza);
  for (const [id] of requests) {
    const answer = await connection.waitFor((e) => e.is('iq') && e.attrs.id === id);
    assert.equal(answer.attrs.type, 'error', `${id} is answered with an error`);
    assert.equal(errorCondition(answer), 'service-unavailable', `${id}: service-unavailable`);
    assert.equal(answer.attrs.to, id === 'no-ns' ? 'rogue.test' : 'eve@evil.example/x');
  }
  const quiet = ['r1', 'e1', 'untyped', 'bogus-type'];
  connection.send(
    [
      `<iq type='result' id='r1' from='eve@evil.example/x'><q xmlns='urn:evil:0'/></iq>`,
      `<iq type='error' id='e1' from='eve@evil.example/x'><q xmlns='urn:evil:0'/></iq>`,
      `<iq id='untyped' from='eve@evil.example/x'><q xmlns='urn:evil:0'/></iq>`,
      `<iq type='bogus' id='bogus-type' from='eve@evil.example/x'><q xmlns='urn:evil:0'/></iq>`,
    ].join(''),
  );
  await barrier(client, connection);
  assert.deepEqual(
    connection.received.filter((e) => quiet.includes(e.attrs.id ?? '')).map((e) => e.attrs.id),
    [],
    'a result, an error or an iq of no valid type is never answered',
  );
});
