// The About dialog's credits (renderer/features/about/credits.json) are what build-credits.ts makes from the
// installed node_modules, and name every production dependency of package.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CREDITS_PATH, ROOT, collectCredits, creditsText, licenseOf, type Credits } from './build-credits.ts';

const committed = JSON.parse(readFileSync(CREDITS_PATH, 'utf8')) as Credits;

test('every production dependency of package.json is credited, with the version installed', () => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of Object.keys(manifest.dependencies)) {
    const installed = JSON.parse(
      readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    assert.ok(
      committed.packages.some((p) => p.name === name && p.version === installed.version),
      `${name}@${installed.version} is missing from credits.json: run node scripts/build-credits.ts`,
    );
  }
});

test('transitive production dependencies are credited too, dev dependencies are not', () => {
  const names = new Set(committed.packages.map((p) => p.name));
  // zod and react are direct; scheduler comes with react-dom, ltx with @xmpp/xml.
  for (const name of ['scheduler', 'ltx']) assert.ok(names.has(name), `${name} (transitive) is credited`);
  for (const name of ['typescript', 'eslint', 'vite', 'electron'])
    assert.ok(!names.has(name), `${name} is dev only`);
  assert.ok(committed.packages.every((p) => p.version.length > 0));
});

test('the committed credits.json is what the script makes from node_modules now', () => {
  assert.equal(
    readFileSync(CREDITS_PATH, 'utf8'),
    creditsText(collectCredits()),
    'run node scripts/build-credits.ts',
  );
});

test('licences: an SPDX string, the old { type } object, the older list, or none', () => {
  assert.equal(licenseOf({ license: 'MIT' }), 'MIT');
  assert.equal(licenseOf({ license: { type: 'BSD-3-Clause' } }), 'BSD-3-Clause');
  assert.equal(licenseOf({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }), '(MIT OR Apache-2.0)');
  assert.equal(licenseOf({}), null);
});
