import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIntl } from 'react-intl';
import type { AccountConnection } from '../../../shared/contract.ts';
import { OFFLINE } from '../../../shared/connection.ts';
import { describeAccountStatus, describeAccounts, describeConnection } from '../../stores/connection.ts';
import en from '../../i18n/messages/en.json' with { type: 'json' };
import de from '../../i18n/messages/de.json' with { type: 'json' };
import { accountStatusWords, accountsWords, connectionWords } from './connection-words.ts';

const english = createIntl({ locale: 'en', messages: en }).formatMessage;
const german = createIntl({ locale: 'de', messages: de }).formatMessage;

const conn = (
  account: string,
  status: AccountConnection['status'],
  error: string | null = null,
  security: AccountConnection['security'] = OFFLINE.security,
): AccountConnection => ({
  ...OFFLINE,
  account,
  status,
  security,
  jid: status === 'online' ? `${account}/r` : null,
  error: error ? { code: 'unreachable', message: error, condition: null, certificate: null } : null,
});

const STATES: AccountConnection[] = [
  conn('a@x', 'connecting'),
  conn('a@x', 'online'),
  conn('a@x', 'online', null, 'insecure'),
  conn('a@x', 'reconnecting'),
  conn('a@x', 'reconnecting', 'Connection refused'),
  conn('a@x', 'offline'),
  conn('a@x', 'offline', 'Wrong password'),
  conn('a@x', 'paused'),
];

test('in English the words are the status bar and accounts area texts as before', () => {
  for (const state of STATES) {
    assert.equal(connectionWords(english, state), describeConnection(state));
    assert.equal(accountStatusWords(english, state), describeAccountStatus(state));
  }
  const several = [
    conn('a@x', 'online'),
    conn('b@x', 'reconnecting', 'Connection refused'),
    conn('c@x', 'paused'),
  ];
  assert.equal(accountsWords(english, several, OFFLINE), describeAccounts(several));
  assert.equal(accountsWords(english, [STATES[1]!, STATES[1]!], OFFLINE), 'All 2 accounts online');
  assert.equal(accountsWords(english, [], OFFLINE), 'Offline');
});

test('in German they are German, with the engine reason kept as it came', () => {
  assert.equal(connectionWords(german, conn('a@x', 'online')), 'Online als a@x/r');
  assert.equal(accountStatusWords(german, conn('a@x', 'offline')), 'Abgemeldet');
  assert.equal(
    accountsWords(german, [conn('a@x', 'online'), conn('b@x', 'offline', 'Wrong password')], OFFLINE),
    '1 von 2 Konten online · b@x: Offline: Wrong password',
  );
});
