// Lint rules that keep the layers honest (README: Architecture): imports point one way,
// renderer -> shared and electron/main -> electron/core -> shared. Enforced here, not by memory.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'net', 'tls', 'crypto', 'os', 'child_process', 'dns', 'events'];

/** Builds a no-restricted-imports rule from glob groups and a message each. */
function restrict(groups) {
  return ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];
}

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', '.tools', '.harness', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        [nodeBuiltins, 'shared/ is pure TypeScript: no Node built-ins.'],
        [['electron', 'react', 'react-dom', '@xmpp/*'], 'shared/ holds the contract and pure helpers only.'],
        [['**/electron/**', '**/renderer/**', '**/e2e/**'], 'shared/ imports nothing from other layers.'],
      ]),
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        [['electron'], 'electron/core runs in plain Node: it never imports electron.'],
        [['**/main/**', '**/preload/**', '**/renderer/**'], 'core imports only shared/ and Node.'],
      ]),
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([[['**/renderer/**'], 'Nothing imports the renderer.']]),
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict([
        [
          [...nodeBuiltins, 'electron', '@xmpp/*'],
          'The renderer talks to the engine only through the contract.',
        ],
        [['**/electron/**', '**/e2e/**'], 'The renderer imports only shared/.'],
      ]),
      // The page must not bundle zod (initial-JS budget): from the contract's schema files, types only.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'zod',
                ...[
                  'account-commands',
                  'blocking',
                  'bookmarks',
                  'contract',
                  'data-form-schema',
                  'desktop',
                  'invitations',
                  'jid-schema',
                  'muc',
                  'preferences',
                  'room-directory',
                  'schemas',
                ].map((name) => `**/shared/${name}.ts`),
              ],
              allowTypeImports: true,
              message:
                'A zod schema file: import its types only; values come from zod-free files (limits.ts, preference-defaults.ts, conversation.ts …).',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests of pure modules still need node:test and node:assert.
    files: ['shared/**/*.test.ts', 'renderer/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['e2e/**/*.ts', 'scripts/**/*.ts', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
);
