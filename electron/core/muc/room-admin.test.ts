// room-admin.ts, pure parts: an affiliation list answer read with its bounds (invalid addresses, other
// affiliations, oversized nicks and reasons, more than MAX_AFFILIATION_ITEMS), refusals put into words, and
// voice requests read from the room's form (bounded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { MAX_AFFILIATION_ITEMS } from '../../../shared/muc.ts';
import { MAX_STATUS_CHARS } from '../../../shared/limits.ts';
import { EngineError } from '../errors.ts';
import { NS_MUC_ADMIN } from './muc-user.ts';
import { parseAffiliationList, refusal } from './room-admin.ts';
import { MAX_VOICE_REQUESTS, NS_MUC_REQUEST, keepRequest, parseVoiceRequest } from './voice-requests.ts';

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

test('a voice request the room passes on: its nick and JID; another form or no nick is none; 20 kept', () => {
  const request = (fields: Record<string, string>, formType = NS_MUC_REQUEST) =>
    xml(
      'message',
      { from: 'room@muc.example.org' },
      xml(
        'x',
        { xmlns: 'jabber:x:data', type: 'form' },
        xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
        ...Object.entries(fields).map(([name, value]) =>
          xml('field', { var: name }, xml('value', {}, value)),
        ),
      ),
    );
  assert.deepEqual(parseVoiceRequest(request({ 'muc#roomnick': 'bob', 'muc#jid': 'bob@example.org/x' })), {
    nick: 'bob',
    jid: 'bob@example.org/x',
  });
  assert.deepEqual(parseVoiceRequest(request({ 'muc#roomnick': 'bob', 'muc#jid': 'not a jid@@' })), {
    nick: 'bob',
    jid: null,
  });
  assert.equal(parseVoiceRequest(request({ 'muc#jid': 'bob@example.org' })), null);
  assert.equal(parseVoiceRequest(request({ 'muc#roomnick': 'n'.repeat(300) })), null);
  assert.equal(parseVoiceRequest(request({ 'muc#roomnick': 'bob' }, 'urn:other')), null);
  assert.equal(parseVoiceRequest(xml('message', {}, xml('body', {}, 'hi'))), null);

  const list = new Map<string, { nick: string; jid: string | null }>();
  for (let i = 0; i < MAX_VOICE_REQUESTS + 5; i++) keepRequest(list, { nick: `v${i}`, jid: null });
  keepRequest(list, { nick: 'v10', jid: 'again@example.org' });
  assert.equal(list.size, MAX_VOICE_REQUESTS);
  assert.equal([...list.keys()][0], 'v5', 'the oldest went');
  assert.equal([...list.keys()].at(-1), 'v10', 'a repeated request moves to the end');
});
