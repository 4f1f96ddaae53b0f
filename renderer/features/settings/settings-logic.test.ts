// Tests run in Node (node --test). The settings screen's decisions: arrow keys walk the sections (wrapping),
// Home and End jump; a proxy form gives a proxy, none, or why not; a refusal loses its field path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyOf, refusalText, sectionAfterKey } from './settings-logic.ts';

test('arrow keys walk the sections and wrap; Home and End jump; other keys do nothing', () => {
  assert.equal(sectionAfterKey('accounts', 'ArrowDown'), 'notifications');
  assert.equal(sectionAfterKey('accounts', 'ArrowRight'), 'notifications');
  assert.equal(sectionAfterKey('accounts', 'ArrowUp'), 'advanced');
  assert.equal(sectionAfterKey('advanced', 'ArrowDown'), 'accounts');
  assert.equal(sectionAfterKey('chat', 'ArrowLeft'), 'privacy');
  assert.equal(sectionAfterKey('idle', 'Home'), 'accounts');
  assert.equal(sectionAfterKey('idle', 'End'), 'advanced');
  assert.equal(sectionAfterKey('idle', 'a'), null);
  assert.equal(sectionAfterKey('idle', 'Enter'), null);
});

test('a proxy form: none, a whole proxy, or why it is not one', () => {
  assert.equal(proxyOf('none', 'ignored', 'x'), null);
  assert.deepEqual(proxyOf('socks5', ' proxy.example ', '1080'), {
    type: 'socks5',
    host: 'proxy.example',
    port: 1080,
  });
  assert.deepEqual(proxyOf('http', '127.0.0.1', '3128'), { type: 'http', host: '127.0.0.1', port: 3128 });
  assert.match(proxyOf('http', '  ', '3128') as string, /host/);
  for (const port of ['', '0', '65536', '12a', '1e3', '-1', '80.5']) {
    assert.match(proxyOf('socks5', 'p', port) as string, /port/, `port ${JSON.stringify(port)}`);
  }
});

test('an engine refusal loses its field path, other words stay whole', () => {
  assert.equal(
    refusalText('idle.extendedAwayMinutes: Extended away must come after away.'),
    'Extended away must come after away.',
  );
  assert.equal(refusalText('There is no preference "a.b".'), 'There is no preference "a.b".');
  assert.equal(refusalText('Note: something else'), 'Note: something else');
});
