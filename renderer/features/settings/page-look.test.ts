// Tests run in Node (node --test). What <html> says for each appearance: the theme only when it overrides
// the OS, the font size only when not the normal one, compact rows only when chosen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PREFERENCES } from '../../../shared/preferences.ts';
import { pageLook } from './page-look.ts';

const look = (change: Partial<typeof DEFAULT_PREFERENCES.appearance>) =>
  pageLook({ ...DEFAULT_PREFERENCES.appearance, ...change });

test('the defaults leave the page to the OS and the normal size', () => {
  assert.deepEqual(look({}), {
    'data-theme': null,
    'data-font-size': null,
    'data-compact-roster': null,
  });
});

test('a chosen theme, size and compact rows are each one attribute', () => {
  assert.equal(look({ theme: 'dark' })['data-theme'], 'dark');
  assert.equal(look({ theme: 'light' })['data-theme'], 'light');
  assert.equal(look({ fontSize: 'larger' })['data-font-size'], 'larger');
  assert.equal(look({ fontSize: 'small' })['data-font-size'], 'small');
  assert.equal(look({ compactRoster: true })['data-compact-roster'], 'true');
});
