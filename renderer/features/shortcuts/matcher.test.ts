// The quick switcher's matching: folding, ranks, order and the cap, and one pass over 10,000 contacts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RESULTS, filterItems, foldText, matchRank } from './matcher.ts';

const entry = (label: string, address = '', open = false) => ({
  label,
  open,
  folded: [foldText(label), foldText(address)],
});

test('folding: case and diacritics do not matter (NFD, marks removed)', () => {
  assert.equal(foldText('Émile Zoë'), 'emile zoe');
  assert.equal(foldText('ÅNGSTRÖM'), 'angstrom');
  // Already composed or decomposed: the same.
  assert.equal(foldText('Cafe\u0301'), foldText('Café'));
});

test('ranks: a prefix, then the start of a word, then inside a word', () => {
  assert.equal(matchRank('anna lee', 'ann'), 0);
  assert.equal(matchRank('joanna anna', 'anna'), 1, 'a later occurrence starting a word counts');
  assert.equal(matchRank('bob@example.org', 'example'), 1, 'a JID part starts a word');
  assert.equal(matchRank('joanna', 'anna'), 2);
  assert.equal(matchRank('joanna', 'zed'), -1);
});

test('results: prefix matches before word starts before substrings, open chats first in each', () => {
  const items = [
    entry('Hannah', 'hannah@x'), // substring "ann"
    entry('Ann Smith', 'ann@x'), // prefix
    entry('Lee Annabel', 'lee@x'), // word start
    entry('Joanne', 'jo@x', true), // substring, open
    entry('Annika', 'annika@x', true), // prefix, open
    entry('Zed', 'zed@x'), // no match
  ];
  assert.deepEqual(
    filterItems(items, 'ÀNN').map((i) => i.label),
    ['Annika', 'Ann Smith', 'Lee Annabel', 'Joanne', 'Hannah'],
  );
  assert.deepEqual(
    filterItems(items, 'x').map((i) => i.label),
    ['Joanne', 'Annika', 'Hannah', 'Ann Smith', 'Lee Annabel', 'Zed'],
    'an address part (after @) matches; open ones first',
  );
});

test('an empty query lists everything in order, open first, up to the cap', () => {
  const items = Array.from({ length: 80 }, (_, i) => entry(`c${i}`, '', i === 70));
  const shown = filterItems(items, '  ');
  assert.equal(shown.length, MAX_RESULTS);
  assert.equal(shown[0]!.label, 'c70');
  assert.equal(shown[1]!.label, 'c0');
});

test('10,000 contacts: the right 50, the best-ranked from the end of the list too', () => {
  const items = Array.from({ length: 10_000 }, (_, i) =>
    entry(`Contact ${String(i).padStart(5, '0')} Müller`, `user${i}@example.org`),
  );
  items.push(entry('Mülleria', 'last@example.org'));
  const hits = filterItems(items, 'mull');
  assert.equal(hits.length, MAX_RESULTS);
  assert.equal(hits[0]!.label, 'Mülleria', 'the only prefix match comes first though it is listed last');
  assert.equal(hits[1]!.label, 'Contact 00000 Müller', 'then word starts, in list order');
  assert.deepEqual(
    filterItems(items, 'user9999@').map((i) => i.label),
    ['Contact 09999 Müller'],
  );
  assert.deepEqual(filterItems(items, 'nobody'), []);
});
