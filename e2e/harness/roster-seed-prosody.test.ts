// How seedRoster writes a roster into Prosody's file storage (the form Prosody 0.12 writes itself); that
// either server then serves the seeded roster is roster-seed.test.ts's part.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startProsody, type ProsodyServer } from './prosody.ts';
import { luaString, prosodyPathEncode, rosterFile, seedProsodyRoster } from './roster-seed.ts';

test('path and string encodings match what Prosody writes', () => {
  assert.equal(prosodyPathEncode('parley.test'), 'parley%2etest');
  assert.equal(prosodyPathEncode('a_b-c'), 'a%5fb%2dc');
  assert.equal(luaString('Bob "B" \\ Ünï'), '"Bob \\"B\\" \\\\ \\195\\156n\\195\\175"');
  assert.equal(luaString('a\nb'), '"a\\010b"');
});

describe('a seeded Prosody roster file', () => {
  let server: ProsodyServer;
  before(async () => {
    server = await startProsody({ accounts: [{ user: 'big', password: 'pw' }] });
  });
  after(() => server?.stop());

  test('is where Prosody keeps it, with a version that grows with each seed', async () => {
    const contacts = [
      { jid: 'c0@bots.parley.test', subscription: 'both' as const },
      { jid: 'c1@bots.parley.test', name: 'Contact 1', groups: ['Work'], subscription: 'both' as const },
    ];
    assert.equal(await seedProsodyRoster(server, 'big', contacts), 1);
    const text = await readFile(rosterFile(server, 'big'), 'utf8');
    assert.match(text, /^return \{\n\t\[false\] = \{\n\t\t\["pending"\] = \{\};\n\t\t\["version"\] = 1;/);
    assert.match(
      text,
      /\["c1@bots\.parley\.test"\] = \{\n\t\t\["subscription"\] = "both";\n\t\t\["name"\] = "Contact 1";\n\t\t\["groups"\] = \{\n\t\t\t\["Work"\] = true;/,
    );
    assert.equal(await seedProsodyRoster(server, 'big', contacts.slice(1)), 2);
    assert.doesNotMatch(await readFile(rosterFile(server, 'big'), 'utf8'), /c0@bots/);
  });
});
