import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveLanguage } from './languages.ts';

test('a chosen language wins over the browser languages', () => {
  assert.equal(resolveLanguage('de', ['en-US']), 'de');
  assert.equal(resolveLanguage('en', ['de-DE', 'de']), 'en');
});

test("'system' takes the first browser language we have a catalog for, by its primary subtag", () => {
  assert.equal(resolveLanguage('system', ['de-AT', 'en-GB']), 'de');
  assert.equal(resolveLanguage('system', ['fr-FR', 'DE', 'en']), 'de');
  assert.equal(resolveLanguage('system', ['en-GB', 'de']), 'en');
});

test("'system' falls back to English when no browser language has a catalog", () => {
  assert.equal(resolveLanguage('system', ['fr-FR', 'ja']), 'en');
  assert.equal(resolveLanguage('system', []), 'en');
});
