import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preferencesSchema } from './preferences.ts';
import { DEFAULT_PREFERENCES } from './preference-defaults.ts';

test("the page's plain defaults are the schema's defaults", () => {
  assert.deepEqual(DEFAULT_PREFERENCES, preferencesSchema.parse({}));
});
