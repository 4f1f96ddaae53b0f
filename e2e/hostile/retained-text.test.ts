// Remote text the engine keeps must not keep the socket reads it was cut from (issue 9, hostile suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barrier, rogueClient, rogueServer, watchCrashes } from './kit.ts';

watchCrashes();

// V8 keeps the whole string a slice was cut from: ltx cuts attribute values and text out of each decoded
// socket read (up to 16 KB and more), so every field the engine keeps (presence resources and statuses in
// presence.ts, request nicks and texts in subscriptions.ts, previews in strangers.ts, names in roster.ts)
// keeps its whole read alive, and `status.slice(0, MAX_STATUS_CHARS)` keeps the whole status. After 100,000
// generator stanzas, 36 MB of the heap were such parents behind ~1,000 kept presences (heap snapshot).
// Copy what is kept (flatten it: e.g. Buffer.from(s).toString()) where remote text enters long-lived state.
test('1,000 strangers’ presence keep their own text, not the 16 KB reads they arrived in', async () => {
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  const rogue = await rogueServer();
  const client = await rogueClient(rogue, { keepEvents: false });
  const connection = await client.online();
  await barrier(client, connection);
  const before = heap();
  const junk = `<message from='junk@evil.example/r' type='headline'><x xmlns='urn:evil' y='${'j'.repeat(15_000)}'/></message>`;
  for (let i = 0; i < 1_000; i++) {
    connection.send(
      `${junk}<presence from='s${i}@evil.example/resource-${i}-padding' to='${connection.jid}'><status>${'status '.repeat(20)}${i}</status></presence>`,
    );
    if (i % 100 === 99) await barrier(client, connection);
  }
  await barrier(client, connection);
  assert.equal((await client.snapshot()).presence.length >= 1_000, true);
  const grown = heap() - before;
  assert.ok(grown < 5, `1,000 presences of ~200 bytes each cost ${grown.toFixed(1)} MB of heap`);
});
