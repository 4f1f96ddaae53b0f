import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkCatalogs, checkProject, usedIds } from './i18n-check.ts';

test('every message id the renderer uses is in en.json and de.json, none unused, placeholders alike', () => {
  assert.deepEqual(checkProject(), []);
});

function withSource(code: string, run: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-i18n-'));
  try {
    writeFileSync(path.join(dir, 'View.tsx'), code);
    writeFileSync(path.join(dir, 'View.test.tsx'), `t({ id: 'only.in.tests' })`);
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CODE = `
  intl.formatMessage({ id: 'roster.add.title' });
  <FormattedMessage id="roster.count" values={{ count }} />;
  intl.formatMessage(
    {
      id: 'roster.greeting',
    },
    { name },
  );
  <div id="roster" />;
`;

test('ids are found in formatMessage calls, FormattedMessage and descriptors, not in DOM ids or tests', () => {
  withSource(CODE, (dir) => {
    assert.deepEqual([...usedIds(dir).keys()].sort(), [
      'roster.add.title',
      'roster.count',
      'roster.greeting',
    ]);
  });
});

test('a missing id, an unused id, broken ICU and other placeholders are each reported', () => {
  withSource(CODE, (sourceDir) => {
    const problems = checkCatalogs({
      sourceDir,
      catalogs: {
        en: {
          'roster.add.title': 'Add contact',
          'roster.count': '{count, plural, one {# contact} other {# contacts}}',
          'roster.greeting': 'Hello {name}',
          'roster.gone': 'Old text',
        },
        de: {
          'roster.add.title': 'Kontakt hinzufügen',
          'roster.count': '{count, plural, one {# Kontakt} other {# Kontakte}',
          'roster.greeting': 'Hallo {nick}',
        },
      },
    });
    assert.deepEqual(problems.sort(), [
      "de: 'roster.count' is not valid ICU (EXPECT_ARGUMENT_CLOSING_BRACE)",
      "de: 'roster.greeting' has placeholders nick; English has name",
      "en: 'roster.gone' is not used by the code",
    ]);
    const missing = checkCatalogs({ sourceDir, catalogs: { en: {}, de: {} } });
    assert.ok(missing.includes("de: missing 'roster.greeting' (used in View.tsx)"));
    assert.ok(missing.includes("en: missing 'roster.add.title' (used in View.tsx)"));
  });
});

test('every German message is translated: the same text as English only where German says it so too', async () => {
  const { default: en } = await import('../renderer/i18n/messages/en.json', { with: { type: 'json' } });
  const { default: de } = await import('../renderer/i18n/messages/de.json', { with: { type: 'json' } });
  const english: Record<string, string> = en;
  const german: Record<string, string> = de;
  // Words German shares ("Online", "Name", "Admins") and messages that are only placeholders.
  const shared = [
    'connection.offline',
    'connection.offlineBecause',
    'connection.online',
    'presence.show.offline',
    'rooms.affiliations.admins',
    'roster.contact.name',
    'roster.contact.offlineError',
    'search.hit.from',
    'search.hit.inRoom',
  ];
  const same = Object.keys(english).filter((id) => german[id] === english[id]);
  assert.deepEqual(same.sort(), shared.sort());
});
