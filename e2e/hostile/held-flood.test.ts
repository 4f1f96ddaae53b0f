// Live messages that arrive while the archive catch-up runs are held until it is done (so the chat shows
// them after what the archive adds), and the hold is bounded: a server or contact that sends 25,000 messages
// before answering the catch-up's query costs at most 20,000 held envelopes (account-runtime.ts MAX_HELD);
// the rest are dropped, never the process (the archive still has them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barrier, bodiesSince, rogueClient, rogueServer, sleep, watchCrashes } from './kit.ts';

watchCrashes();

const NS_MAM = 'urn:xmpp:mam:2';
const ROSTER = "<item jid='bob@rogue.test' name='Bob' subscription='both'/>";
const FLOOD = 25_000;
const HELD_AT_MOST = 20_000;

test(`${FLOOD} live messages during the catch-up: ${HELD_AT_MOST} held and shown after it, in order`, async () => {
  let flooded = false;
  const rogue = await rogueServer({
    roster: ROSTER,
    onIq: (iq, connection) => {
      if (!iq.getChild('query', NS_MAM) || flooded) return undefined;
      flooded = true;
      // Before the answer: everything here arrives while the catch-up waits for it.
      const messages: string[] = [];
      for (let i = 0; i < FLOOD; i++) {
        messages.push(
          `<message from='bob@rogue.test/phone' to='alice@rogue.test' type='chat' id='f${i}'><body>flood ${i}</body></message>`,
        );
      }
      connection.send(messages.join(''));
      return `<iq type='result' id='${iq.attrs.id}'><fin xmlns='${NS_MAM}' complete='true'/></iq>`;
    },
  });
  const client = await rogueClient(rogue, { reconnectDelay: { initialMs: 50, maxMs: 200 } });
  // A new install fetches nothing (it starts from now); the next session catches up: the link drops, and
  // the reconnect's catch-up is the one the flood meets.
  const first = await client.online();
  await barrier(client, first);
  first.destroy();
  const connection = await rogue.connection(1, 20_000);
  await connection.reached('bound');
  for (const deadline = Date.now() + 20_000; !flooded && Date.now() < deadline;) await sleep(50);
  assert.ok(flooded, 'the catch-up asked the archive');
  await barrier(client, connection, 60_000);
  const shown = bodiesSince(client, 0)
    .filter(([peer, body]) => peer === 'bob@rogue.test' && body?.startsWith('flood '))
    .map(([, body]) => body);
  assert.equal(shown.length, HELD_AT_MOST, 'the first 20,000 were held and then shown; the rest dropped');
  assert.deepEqual(shown.slice(0, 3), ['flood 0', 'flood 1', 'flood 2']);
  assert.equal(shown.at(-1), `flood ${HELD_AT_MOST - 1}`, 'in the order they came');
  // After the catch-up, live messages flow again.
  connection.send(
    "<message from='bob@rogue.test/phone' to='alice@rogue.test' type='chat' id='after'><body>after</body></message>",
  );
  await barrier(client, connection);
  assert.ok(bodiesSince(client, 0).some(([, body]) => body === 'after'));
});
