// The list of suites run once per server is computed from imports: check it on this repository's own
// files, and the import forms it must and must not follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeImports, serverSuites } from './server-suites.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('runtime imports are followed; type-only imports and packages are not', () => {
  const file = '/repo/src/a.ts';
  const source = [
    "import type { A } from './types.ts';",
    "import { b, type B } from './b.ts';",
    'import {',
    '  c,',
    '  d,',
    "} from '../c.ts';",
    "export { e } from './e.ts';",
    "export type { F } from './f.ts';",
    "import './side-effect.ts';",
    "import assert from 'node:assert/strict';",
    "const lazy = await import('./lazy.ts');",
    "// import { commented } from './comment.ts' is not at the start of a statement",
  ].join('\n');
  assert.deepEqual(runtimeImports(file, source).sort(), [
    '/repo/c.ts',
    '/repo/src/b.ts',
    '/repo/src/e.ts',
    '/repo/src/lazy.ts',
    '/repo/src/side-effect.ts',
  ]);
});

test('suites that reach server.ts are listed; those starting one server on purpose are not', () => {
  const suites = serverSuites(ROOT, ['e2e/**/*.test.ts', 'electron/**/*.test.ts', 'shared/**/*.test.ts']);
  for (const expected of [
    'e2e/harness/harness.test.ts', // startServer directly
    'e2e/harness/roster-seed.test.ts',
    'e2e/faults/delivery.test.ts', // through the faults fixture
    'e2e/browser/chat.test.ts', // through the browser fixture and the scenario
    'electron/core/chat/chat.test.ts', // through the scenario
    'electron/core/xmpp/session.test.ts',
  ])
    assert.ok(suites.includes(expected), `${expected} in ${suites.join(', ')}`);
  for (const excluded of [
    'e2e/harness/ejabberd.test.ts',
    'e2e/harness/roster-seed-prosody.test.ts',
    'e2e/harness/server-idle.test.ts',
    'e2e/harness/server-suites.test.ts',
  ])
    assert.ok(!suites.includes(excluded), `${excluded} is not a server suite`);
  assert.ok(suites.every((s) => !s.includes('node_modules') && s.endsWith('.test.ts')));
});
