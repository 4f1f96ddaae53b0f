// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
// Several accounts at once: per-account keys, one account's session ending never wiping another's state,
// and chats keyed by conversation (the same peer on two accounts is two chats).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountConnection, ChatMessage, Contact, ContactPresence } from '../../shared/contract.ts';
import {
  OFFLINE,
  describeAccounts,
  describeConnection,
  sessionAccounts,
  shownAccounts,
  visibleAccounts,
  useConnection,
} from './connection.ts';
import { accountOf, chatId, parseConversationId } from './conversation.ts';
import { applyAccountRoster, contactCount, useRoster } from './roster.ts';
import { usePresence } from './presence.ts';
import { useRequests } from './requests.ts';
import { applyMessages, dropAccount, useChats } from './chats.ts';
import { afterClose, useUi } from './ui.ts';
import { applyConnection, forgetAccountState } from './sync.ts';

const A = 'me@one.example';
const B = 'me@two.example';
const conn = (account: string, status: AccountConnection['status'], error: string | null = null) =>
  ({
    ...OFFLINE,
    account,
    status,
    jid: status === 'online' ? `${account}/r` : null,
    error: error ? { code: 'unreachable', message: error, condition: null, certificate: null } : null,
  }) satisfies AccountConnection;
const contact = (jid: string): Contact => ({
  jid,
  name: null,
  groups: [],
  subscription: 'both',
  pendingOut: false,
  pendingIn: false,
  preApproved: false,
});
const online = (jid: string): ContactPresence => ({
  jid,
  best: { resource: 'r', show: 'available', status: null, priority: 0, since: 0 },
  resources: [],
  error: null,
});
const saved = (jid: string) => ({
  jid,
  host: null,
  port: null,
  directTls: false,
  passwordSaved: true,
  passwordStorage: 'keychain' as const,
  keepSignedIn: true,
  proxy: null,
  pinnedFingerprint256: null,
});
function message(account: string, seq: number, peer = 'sam@x'): ChatMessage {
  return {
    account,
    kind: 'chat',
    seq,
    id: `m${seq}`,
    originId: null,
    direction: 'in',
    peer,
    peerFull: `${peer}/r`,
    type: 'chat',
    body: 'hi',
    subject: null,
    thread: null,
    timestamp: seq,
    delayed: false,
    fromRoster: true,
    state: 'received',
  };
}

test('conversation ids name account, kind and peer, and parse back', () => {
  const id = chatId(A, 'sam@x');
  assert.notEqual(id, chatId(B, 'sam@x'));
  assert.deepEqual(parseConversationId(id), { account: A, kind: 'chat', peer: 'sam@x' });
  assert.deepEqual(parseConversationId(`${A} private room@muc/Nick Name`), {
    account: A,
    kind: 'private',
    peer: 'room@muc/Nick Name',
  });
  assert.equal(parseConversationId('no-spaces'), null);
  assert.equal(parseConversationId(`${A} bogus sam@x`), null);
  assert.equal(accountOf(id), A);
});

test('which accounts are shown, signed in, and what the status bar says', () => {
  const connections = new Map([
    [A, conn(A, 'online')],
    [B, conn(B, 'reconnecting', 'Connection refused')],
    ['failed@x', conn('failed@x', 'offline', 'Wrong password')],
  ]);
  assert.deepEqual(sessionAccounts(connections), [A, B]);
  assert.deepEqual(shownAccounts(connections), [A, B]);
  // Connecting: shown once this sign-in's roster is on screen (cached or fetched), not before.
  const C = 'cached@x';
  const connecting = new Map([
    [A, conn(A, 'connecting')],
    [C, { ...conn(C, 'connecting'), rosterShown: true }],
    ['gone@x', { ...conn('gone@x', 'offline', 'Wrong password'), rosterShown: false }],
  ]);
  assert.deepEqual(shownAccounts(connecting), [C]);
  assert.deepEqual(sessionAccounts(connecting), [], 'connecting is not signed in: no chat commands yet');
  // A failed first sign-in (not saved, offline) is the form's business, not the accounts area's.
  assert.deepEqual(visibleAccounts(connections, [saved(A)]), [A, B]);
  assert.deepEqual(visibleAccounts(connections, [saved('failed@x'), saved('later@x')]), [
    A,
    B,
    'failed@x',
    'later@x',
  ]);
  assert.equal(describeAccounts([conn(A, 'online')]), describeConnection(conn(A, 'online')));
  assert.equal(describeAccounts([]), 'Offline');
  assert.equal(
    describeAccounts([conn(A, 'online'), conn(B, 'reconnecting', 'Connection refused')]),
    `1 of 2 accounts online · ${B}: Reconnecting: Connection refused`,
  );
  assert.equal(describeAccounts([conn(A, 'online'), conn(B, 'online')]), 'All 2 accounts online');
});

test('an account the user set Offline (paused) stays shown and signed in, and the status bar says how back', () => {
  const connections = new Map([
    [A, { ...conn(A, 'paused'), rosterShown: true }],
    [B, conn(B, 'online')],
  ]);
  assert.deepEqual(shownAccounts(connections), [A, B], 'its roster and chats stay on screen');
  assert.deepEqual(sessionAccounts(connections), [A, B], 'its history and outbox still answer');
  assert.deepEqual(visibleAccounts(connections, []), [A, B]);
  assert.equal(describeConnection(conn(A, 'paused')), 'Offline: choose a presence to go online again');
  assert.equal(
    describeAccounts([conn(A, 'paused'), conn(B, 'online')]),
    `1 of 2 accounts online · ${A}: Offline`,
  );
  // Signing out from there is a session ending like any other: its presence goes.
  usePresence.getState().setOwn(A, { show: 'offline', status: 'zzz', priority: 0 });
  applyConnection(conn(A, 'paused'));
  assert.equal(usePresence.getState().own.get(A)?.status, 'zzz', 'paused keeps our own choice');
  applyConnection(conn(A, 'offline'));
  assert.equal(usePresence.getState().own.get(A), undefined);
});

test('a roster change of one account leaves the other account’s roster as it was', () => {
  let byAccount = applyAccountRoster(new Map(), A, { reset: true, upserts: [contact('sam@x')], removed: [] });
  byAccount = applyAccountRoster(byAccount, B, { reset: true, upserts: [contact('sam@x')], removed: [] });
  const before = byAccount.get(A);
  byAccount = applyAccountRoster(byAccount, B, { reset: false, upserts: [], removed: ['sam@x'] });
  assert.equal(byAccount.get(A), before);
  assert.equal(byAccount.get(B)?.contacts.size, 0);
  assert.equal(contactCount(byAccount), 1);
  const same = applyAccountRoster(byAccount, B, { reset: false, upserts: [], removed: [] });
  assert.equal(same, byAccount, 'nothing changed: the same map');
});

test('the same peer on two accounts is two chats, each counting its own unread', () => {
  const seen = { seen: chatId(A, 'sam@x'), ignored: new Set<string>() };
  const chats = applyMessages(new Map(), [message(A, 1), message(B, 2), message(B, 3)], seen);
  assert.equal(chats.size, 2);
  assert.equal(chats.get(chatId(A, 'sam@x'))?.unread, 0, 'the chat being looked at');
  assert.equal(chats.get(chatId(B, 'sam@x'))?.unread, 2);
  assert.equal(chats.get(chatId(B, 'sam@x'))?.account, B);
  const dropped = dropAccount(chats, B);
  assert.deepEqual([...dropped.keys()], [chatId(A, 'sam@x')]);
  assert.equal(dropAccount(dropped, B), dropped);
});

test('one account’s session ending clears only its presence and requests; chats and names stay', () => {
  applyConnection(conn(A, 'online'));
  applyConnection(conn(B, 'online'));
  for (const account of [A, B]) {
    useRoster.getState().reset(account, [contact('sam@x')]);
    usePresence.getState().reset(account, [online('sam@x')]);
    usePresence.getState().setOwn(account, { show: 'available', status: null, priority: 0 });
    useRequests.getState().setRequests(account, [{ jid: 'new@x', status: null, nick: null, receivedAt: 0 }]);
  }
  useChats.getState().addMessages([message(A, 10), message(B, 11)], { seen: null, ignored: new Set() });
  useUi.getState().openTab(chatId(A, 'sam@x'), true);
  useUi.getState().openTab(chatId(B, 'sam@x'), false);
  assert.equal(usePresence.getState().online, 2);

  applyConnection(conn(B, 'offline', 'The server went away'));
  assert.deepEqual([...useRoster.getState().byAccount.keys()], [A, B], 'names stay for its chats');
  assert.deepEqual([...usePresence.getState().byAccount.keys()], [A]);
  assert.equal(usePresence.getState().online, 1);
  assert.equal(usePresence.getState().own.has(B), false);
  assert.deepEqual([...useRequests.getState().byAccount.keys()], [A]);
  assert.equal(useChats.getState().chats.size, 2, 'chats and history stay');
  assert.equal(useUi.getState().tabs.length, 2, 'tabs stay');
  assert.equal(useConnection.getState().connections.get(A)?.status, 'online');

  // Removing the account takes its chats and tabs along; the other account keeps its own.
  forgetAccountState(B);
  assert.deepEqual([...useRoster.getState().byAccount.keys()], [A]);
  assert.deepEqual([...useChats.getState().chats.keys()], [chatId(A, 'sam@x')]);
  assert.deepEqual(useUi.getState().tabs, [chatId(A, 'sam@x')]);
  assert.equal(useUi.getState().activeId, chatId(A, 'sam@x'));
  assert.equal(useConnection.getState().connections.has(B), false);
});

test('requests: an answer pending on one account survives the other account’s new list', () => {
  useRequests.getState().setRequests(A, [{ jid: 'x@x', status: null, nick: null, receivedAt: 0 }]);
  useRequests.getState().markAnswering(A, 'x@x', true);
  useRequests.getState().setRequests(B, [{ jid: 'y@y', status: null, nick: null, receivedAt: 0 }]);
  assert.ok(useRequests.getState().answering.has(`${A} x@x`));
  useRequests.getState().setRequests(A, []);
  assert.equal(useRequests.getState().answering.size, 0);
  assert.deepEqual(afterClose(['a', 'b'], 'a', 'a'), { tabs: ['b'], active: 'b' });
});

test('requests past the engine cap: a count per account, cleared by the next list without any', () => {
  useRequests.getState().setRequests(A, [{ jid: 'x@x', status: null, nick: null, receivedAt: 0 }], 2_500);
  useRequests.getState().setRequests(B, [], 3);
  assert.deepEqual(
    [...useRequests.getState().more],
    [
      [A, 2_500],
      [B, 3],
    ],
  );
  useRequests.getState().setRequests(A, []);
  assert.deepEqual([...useRequests.getState().more], [[B, 3]]);
  useRequests.getState().setRequests(B, []);
});
