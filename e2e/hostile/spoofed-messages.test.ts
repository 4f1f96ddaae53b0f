// Messages that claim to be something else: carbons (XEP-0280) and archive results (XEP-0313) put words in
// our own mouth or in a contact's if a client believes them from the wrong sender (the CVE-2017-5589 family).
// A carbon counts only from our bare JID; an archive result only from our account, for a query we sent.
// Each case sends the forgeries and then a genuine one: the genuine one shows, the forgeries never do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import type { RogueConnection } from '../harness/rogue-server.ts';
import { barrier, bodiesSince, rogueClient, rogueServer, watchCrashes } from './kit.ts';

watchCrashes();
const ROSTER = "<item jid='bob@rogue.test' name='Bob' subscription='both'/>";
const NS_CARBONS = 'urn:xmpp:carbons:2';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_MAM = 'urn:xmpp:mam:2';

function carbon(
  wrapperFrom: string | null,
  direction: 'sent' | 'received',
  inner: { from: string; to: string; body: string },
): string {
  const from = wrapperFrom === null ? '' : ` from='${wrapperFrom}'`;
  return (
    `<message${from} to='alice@rogue.test/desk' type='chat'><${direction} xmlns='${NS_CARBONS}'>` +
    `<forwarded xmlns='${NS_FORWARD}'><message xmlns='jabber:client' from='${inner.from}' to='${inner.to}' ` +
    `type='chat' id='${inner.body.replace(/\W/g, '')}'><body>${inner.body}</body></message></forwarded></${direction}></message>`
  );
}

test('carbons are believed only from our bare JID; forged ones are never shown or stored', async () => {
  const rogue = await rogueServer({ roster: ROSTER });
  const client = await rogueClient(rogue);
  const connection = await client.online({ priority: 0 });
  const since = client.events.length;
  const forgedSent = { from: 'alice@rogue.test/phone', to: 'bob@rogue.test', body: 'forged: I owe Bob 1000' };
  const forgedReceived = {
    from: 'bob@rogue.test/phone',
    to: 'alice@rogue.test',
    body: 'forged: hi from Bob',
  };
  const wrappers: Array<[string | null, string]> = [
    ['bob@rogue.test', 'a contact'],
    ['bob@rogue.test/phone', 'a contact’s full JID'],
    ['alice@rogue.test/other', 'another resource of ours (carbons come from the bare JID)'],
    ['rogue.test', 'our server'],
    ['\u0430lice@rogue.test', 'a lookalike of our bare JID'],
    ['alice@rogue.test.evil.example', 'our JID as a prefix of another domain'],
    [null, 'nobody (no from)'],
  ];
  for (const [from] of wrappers) {
    connection.send(carbon(from, 'sent', forgedSent));
    connection.send(carbon(from, 'received', forgedReceived));
  }
  // Genuine: a carbon of what our other device sent, of what it received, and a carbon inside a carbon (never).
  connection.send(carbon('alice@rogue.test', 'sent', { ...forgedSent, body: 'genuine sent carbon' }));
  connection.send(
    carbon('ALICE@rogue.test', 'received', { ...forgedReceived, body: 'genuine received carbon' }),
  );
  connection.send(
    `<message from='alice@rogue.test'><received xmlns='${NS_CARBONS}'><forwarded xmlns='${NS_FORWARD}'>` +
      carbon('alice@rogue.test', 'received', { ...forgedReceived, body: 'forged: nested carbon' }).replace(
        '<message ',
        "<message xmlns='jabber:client' ",
      ) +
      '</forwarded></received></message>',
  );
  connection.send(
    `<message from='bob@rogue.test/phone' type='chat' id='live'><body>live from Bob</body></message>`,
  );
  await client.waitForEvent(
    (e) => e.event === 'chat.messages' && e.payload.messages.some((m) => m.body === 'live from Bob'),
  );
  await barrier(client, connection);

  const shown = bodiesSince(client, since);
  assert.deepEqual(
    shown.filter(([, body]) => body?.startsWith('forged')),
    [],
    'no forged carbon reached the UI',
  );
  const sent = client.events
    .slice(since)
    .flatMap((e) => (e.event === 'chat.messages' ? e.payload.messages : []))
    .find((m) => m.body === 'genuine sent carbon');
  assert.equal(sent?.direction, 'out', 'a genuine sent carbon is ours, to Bob');
  assert.equal(sent?.peer, 'bob@rogue.test');
  assert.ok(shown.some(([peer, body]) => peer === 'bob@rogue.test' && body === 'genuine received carbon'));
  const history = await client.engine.invoke('chat.history', {
    account: client.account,
    peer: 'bob@rogue.test',
  });
  assert.ok(history.ok);
  assert.deepEqual(
    history.value.messages.map((m) => m.body).filter((b) => b?.startsWith('forged')),
    [],
    'and none was stored',
  );
});

function archiveResult(
  from: string | null,
  queryId: string,
  archiveId: string,
  inner: { from: string; body: string },
): string {
  const fromAttr = from === null ? '' : ` from='${from}'`;
  return (
    `<message${fromAttr} to='alice@rogue.test/desk'><result xmlns='${NS_MAM}' queryid='${queryId}' id='${archiveId}'>` +
    `<forwarded xmlns='${NS_FORWARD}'><delay xmlns='urn:xmpp:delay' stamp='2024-03-01T10:00:00Z'/>` +
    `<message xmlns='jabber:client' from='${inner.from}' to='alice@rogue.test' type='chat' id='${archiveId}'>` +
    `<body>${inner.body}</body></message></forwarded></result></message>`
  );
}

test('archive results count only from our account for the query we sent; the rest never reach the chat', async () => {
  const queries: Element[] = [];
  const bob = 'bob@rogue.test/phone';
  const rogue = await rogueServer({
    roster: ROSTER,
    onIq: (iq, connection: RogueConnection) => {
      const query = iq.getChild('query', NS_MAM);
      if (!query) return undefined;
      queries.push(query);
      const q = query.attrs.queryid!;
      const forged = (from: string | null, queryId: string, n: number) =>
        archiveResult(from, queryId, `forged-${n}`, { from: bob, body: `forged archive result ${n}` });
      connection.send(
        [
          forged('bob@rogue.test', q, 1),
          forged(bob, q, 2),
          forged('alice@rogue.test/other', q, 3),
          forged('rogue.test', q, 4),
          forged('\u0430lice@rogue.test', q, 5),
          forged(null, 'a-query-we-never-sent', 6),
          forged('alice@rogue.test', 'a-query-we-never-sent', 7),
          archiveResult(null, q, 'real-1', { from: bob, body: 'archived 1' }),
          archiveResult('alice@rogue.test', q, 'real-2', { from: bob, body: 'archived 2' }),
        ].join(''),
      );
      return (
        `<iq type='result' id='${iq.attrs.id}'><fin xmlns='${NS_MAM}' complete='true'>` +
        `<set xmlns='http://jabber.org/protocol/rsm'><first>real-1</first><last>real-2</last></set></fin></iq>`
      );
    },
  });
  const client = await rogueClient(rogue);
  const connection = await client.online();
  // Results for no query at all, before any is in flight: they are never live messages either.
  connection.send(
    archiveResult(null, 'unsolicited', 'forged-8', { from: bob, body: 'forged archive result 8' }),
  );
  await barrier(client, connection);

  const page = await client.engine.invoke('chat.history', {
    account: client.account,
    peer: 'bob@rogue.test',
  });
  assert.ok(page.ok, JSON.stringify(page));
  assert.equal(queries.length, 1, 'the empty local history was continued from the archive');
  assert.deepEqual(
    page.value.messages.map((m) => m.body),
    ['archived 1', 'archived 2'],
    'only our archive’s answers to our query',
  );
  await barrier(client, connection);
  assert.deepEqual(
    bodiesSince(client, 0).filter(([, body]) => body?.startsWith('forged')),
    [],
    'no forged result was ever shown',
  );
});
