// room-admin.ts, pure parts: an affiliation list answer read with its bounds (invalid addresses, other
// affiliations, oversized nicks and reasons, more than MAX_AFFILIATION_ITEMS), and refusals put into words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { MAX_AFFILIATION_ITEMS } from '../../../shared/muc.ts';
import { MAX_STATUS_CHARS } from '../../../shared/limits.ts';
import { EngineError } from '../errors.ts';
import { NS_MUC_ADMIN } from './muc-user.ts';
import { parseAffiliationList, refusal } from './room-admin.ts';

const answer = (...items: ReturnType<typeof xml>[]) =>
  xml('iq', { type: 'result' }, xml('query', { xmlns: NS_MUC_ADMIN }, ...items));

test('an affiliation list: addresses, nicks and reasons; invalid or other items left out', () => {
  const list = parseAffiliationList(
    answer(
      xml('item', { affiliation: 'outcast', jid: 'spam@example.org' }, xml('reason', {}, 'spam')),
      xml('item', { affiliation: 'outcast', jid: 'other.example.org', nick: 'srv' }),
      xml('item', { affiliation: 'member', jid: 'member@example.org' }),
      xml('item', { affiliation: 'outcast', jid: 'not a jid@@' }),
      xml('item', { affiliation: 'outcast' }),
      xml('other', { jid: 'x@example.org' }),
      xml(
        'item',
        { affiliation: 'outcast', jid: 'long@example.org', nick: 'n'.repeat(300) },
        xml('reason', {}, 'r'.repeat(MAX_STATUS_CHARS + 50)),
      ),
    ),
    'outcast',
  );
  assert.deepEqual(list.items.slice(0, 2), [
    { jid: 'spam@example.org', nick: null, reason: 'spam' },
    { jid: 'other.example.org', nick: 'srv', reason: null },
  ]);
  assert.equal(list.items.length, 3);
  assert.equal(list.items[2]!.nick, null, 'a nick past MAX_NICK_CHARS is dropped');
  assert.equal(list.items[2]!.reason!.length, MAX_STATUS_CHARS);
  assert.equal(list.more, false);
});

test('an affiliation list past its bound is cut and says so', () => {
  const items = Array.from({ length: MAX_AFFILIATION_ITEMS + 5 }, (_, i) =>
    xml('item', { affiliation: 'member', jid: `m${i}@example.org` }),
  );
  const list = parseAffiliationList(answer(...items), 'member');
  assert.equal(list.items.length, MAX_AFFILIATION_ITEMS);
  assert.equal(list.more, true);
  assert.deepEqual(parseAffiliationList(xml('iq', { type: 'result' }), 'member'), { items: [], more: false });
});

test('refusals in words, by condition', () => {
  const from = (condition: string) => new EngineError('server-error', 'raw', { condition });
  assert.equal(
    refusal(from('forbidden'), 'ban anyone').message,
    'You are not allowed to ban anyone in this room.',
  );
  assert.equal(refusal(from('not-allowed'), 'ban anyone').code, 'not-allowed');
  assert.equal(refusal(from('item-not-found'), 'x').code, 'not-found');
  assert.equal(refusal(from('conflict'), 'x').code, 'conflict');
  assert.match(refusal(from('conflict'), 'x').message, /without an owner/);
  assert.equal(refusal(from('not-acceptable'), 'x').code, 'invalid-request');
  const other = from('internal-server-error');
  assert.equal(refusal(other, 'x'), other, 'others as the IQ tracker worded them');
  assert.equal(refusal(new EngineError('not-connected', 'You are offline.'), 'x').code, 'not-connected');
});
