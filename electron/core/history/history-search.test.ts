// History search (FTS5): words newest first, the last one as a prefix, scoped by account and chat, hostile
// queries as plain words, the index following updates; and 100,000-message imports, pageable and searchable.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HistoryStore, SNIPPET_CLOSE, SNIPPET_OPEN, toFtsQuery, type NewMessage } from './history-store.ts';
import { BOB, CAROL, ME, T0, ftsIntegrity, msg, tempDir } from './history-fixtures.ts';

describe('search', () => {
  function seeded(): HistoryStore {
    const store = HistoryStore.open(':memory:');
    store.addMany([
      msg({ originId: '1', body: 'Shall we meet at the café tomorrow?', receivedAt: T0 + 1 }),
      msg({ originId: '2', body: 'Meeting moved to Friday', receivedAt: T0 + 2 }),
      msg({ originId: '3', peer: CAROL, body: 'meet me at the station', receivedAt: T0 + 3 }),
      msg({ originId: '4', body: 'He said "rock AND roll" * NOT really (NEAR me)', receivedAt: T0 + 4 }),
      msg({ originId: '5', body: null, subject: 'Quarterly meet-up', receivedAt: T0 + 5 }),
      msg({ originId: '6', account: 'other@example.org', body: 'meet elsewhere', receivedAt: T0 + 6 }),
      msg({ originId: '7', body: 'C1 a1 are just words here', receivedAt: T0 + 7 }),
    ]);
    return store;
  }

  test('finds words newest first, with the last word as a prefix, accents folded', () => {
    const store = seeded();
    assert.deepEqual(
      store.search(ME, 'meet').map((m) => m.originId),
      ['5', '3', '2', '1'],
    );
    assert.deepEqual(
      store.search(ME, 'cafe').map((m) => m.originId),
      ['1'],
    );
    assert.deepEqual(
      store.search(ME, 'meet tomorrow').map((m) => m.originId),
      ['1'],
    );
    const [hit] = store.search(ME, 'friday');
    assert.equal(hit!.snippet, `Meeting moved to ${SNIPPET_OPEN}Friday${SNIPPET_CLOSE}`);
    assert.equal(
      store.search(ME, 'quarterly')[0]!.snippet.includes(`${SNIPPET_OPEN}Quarterly${SNIPPET_CLOSE}`),
      true,
    );
  });

  test('respects the peer filter and the account', () => {
    const store = seeded();
    assert.deepEqual(
      store.search(ME, 'meet', { peer: CAROL }).map((m) => m.originId),
      ['3'],
    );
    assert.deepEqual(store.search(ME, 'meet', { peer: 'nobody@example.org' }), []);
    assert.deepEqual(
      store.search('other@example.org', 'meet').map((m) => m.originId),
      ['6'],
    );
    assert.deepEqual(
      store.search(ME, 'meet', { limit: 2 }).map((m) => m.originId),
      ['5', '3'],
    );
    // Scope tokens are not reachable from user text, and user text with them is just words.
    assert.deepEqual(
      store.search(ME, 'c1').map((m) => m.originId),
      ['7'],
    );
  });

  test('quotes, operators, * and other syntax are plain words and never throw', () => {
    const store = seeded();
    const hostile = [
      '"',
      '""',
      '"rock',
      'rock AND',
      'AND',
      'OR',
      'NOT',
      '*',
      '* *',
      'rock*',
      '^rock',
      'body:rock',
      'scope : a1',
      '{body subject}: x',
      '(NEAR me)',
      'NEAR(rock roll)',
      '-',
      "'; DROP TABLE messages; --",
      '\u0000',
      '🙂',
      'a'.repeat(5_000),
      'x '.repeat(1_000),
      '',
      '   ',
    ];
    for (const query of hostile) {
      assert.doesNotThrow(() => store.search(ME, query), `query ${JSON.stringify(query).slice(0, 40)}`);
    }
    assert.deepEqual(
      store.search(ME, '"rock AND roll"').map((m) => m.originId),
      ['4'],
    );
    assert.deepEqual(
      store.search(ME, 'NOT really').map((m) => m.originId),
      ['4'],
      'NOT is a word, not an operator',
    );
    assert.deepEqual(store.search(ME, 'rock OR meet'), [], 'OR is a word too: all words must match');
    assert.deepEqual(store.search(ME, '*'), []);
    assert.deepEqual(store.search(ME, ''), []);
    assert.equal(store.page(ME, BOB, { limit: 50 }).length, 5, 'the table is still there');
  });

  test('toFtsQuery quotes every word', () => {
    assert.equal(toFtsQuery('say "hi" AND *'), '"say" AND """hi""" AND "AND" *');
    assert.equal(toFtsQuery('  * ( ) '), null);
    assert.equal(toFtsQuery('meet to'), '"meet" AND "to"', 'no prefix expansion under three characters');
    assert.equal(toFtsQuery('meet tom'), '"meet" AND "tom" *');
  });

  test('the index follows updates (body filled by a later copy)', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'h.sqlite');
    const store = HistoryStore.open(file);
    store.add(msg({ originId: 'x', body: null, subject: 'only a subject' }));
    store.add(msg({ originId: 'x', body: 'now with a walrus', subject: 'only a subject' }));
    assert.deepEqual(
      store.search(ME, 'walrus').map((m) => m.originId),
      ['x'],
    );
    assert.equal(store.search(ME, 'subject').length, 1);
    ftsIntegrity(store, file);
  });
});

describe('bulk', () => {
  test('100,000 messages through addMany: all stored, pageable and searchable', () => {
    using tmp = tempDir();
    const file = path.join(tmp.dir, 'bulk.sqlite');
    const store = HistoryStore.open(file);
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
    const total = 100_000;
    for (let start = 0; start < total; start += 10_000) {
      const batch: NewMessage[] = [];
      for (let i = start; i < start + 10_000; i++) {
        batch.push(
          msg({
            peer: i % 10 === 0 ? CAROL : BOB,
            stanzaId: `S${i}`,
            originId: `O${i}`,
            body: `${words[i % 8]} ${words[(i >> 3) % 8]} number${i}`,
            serverAt: T0 + i * 1000,
            receivedAt: T0 + 1e9,
          }),
        );
      }
      const result = store.addMany(batch);
      assert.ok(result.every((r) => r.inserted));
    }
    assert.equal(store.lastStanzaId(ME), `S${total - 1}`);
    const newest = store.page(ME, BOB, { limit: 50 });
    assert.equal(newest.length, 50);
    assert.equal(newest.at(-1)!.stanzaId, `S${total - 1}`);
    assert.deepEqual(
      store.search(ME, 'number12345').map((m) => m.stanzaId),
      ['S12345'],
    );
    const alpha = store.search(ME, 'alpha', { peer: CAROL, limit: 5 });
    const expected: string[] = [];
    for (let i = total - 1; expected.length < 5; i--) {
      if (i % 10 === 0 && (i % 8 === 0 || (i >> 3) % 8 === 0)) expected.push(`S${i}`);
    }
    assert.deepEqual(
      alpha.map((m) => m.stanzaId),
      expected,
    );
    // Re-importing the same page is a no-op.
    assert.ok(store.addMany([msg({ stanzaId: 'S5', body: 'x' })]).every((r) => !r.inserted));
    ftsIntegrity(store, file);
    const check = new DatabaseSync(file, { readOnly: true });
    assert.equal((check.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n, total);
    const notInteger = check.prepare(
      `SELECT count(*) AS n FROM messages WHERE typeof(sort_key) <> 'integer'`,
    );
    assert.equal((notInteger.get() as { n: number }).n, 0);
    check.close();
  });

  test('more than 65,536 messages in one millisecond keep unique keys and insertion order', () => {
    const store = HistoryStore.open(':memory:');
    const count = 65_536 + 10;
    store.addMany(
      Array.from({ length: count }, (_, i) => msg({ originId: `${i}`, body: null, subject: 's' })),
    );
    store.add(msg({ originId: 'later', receivedAt: T0 + 1 }));
    const newest = store.page(ME, BOB, { limit: 12 });
    assert.deepEqual(
      newest.map((m) => m.originId),
      [...Array.from({ length: 11 }, (_, i) => `${count - 11 + i}`), 'later'].slice(-12),
    );
  });
});
