// Tests run in Node (node --test); the renderer's ban on Node built-ins is for the page, not its tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Contact } from '../../../shared/contract.ts';
import {
  UNGROUPED,
  flattenAccounts,
  flattenRows,
  groupAccount,
  groupContacts,
  groupOrdered,
  groupRowIndex,
  parentRowIndex,
  parseGroups,
  type RosterGroup,
} from './roster-model.ts';
import { applyOrderChange, applyRosterChange, sortContacts, type RosterMap } from '../../stores/roster.ts';
import { groupKey } from '../../stores/ui.ts';

function contact(jid: string, name: string | null, groups: string[] = []): Contact {
  return { jid, name, groups, subscription: 'both', pendingOut: false, pendingIn: false, preApproved: false };
}

test('groups, with ungrouped contacts under "Contacts" last, online first then by name', () => {
  const contacts = [
    contact('zed@x', null),
    contact('bob@x', 'Bob', ['Work']),
    contact('amy@x', 'amy', ['Work', 'Friends']),
    contact('carl@x', 'Carl', ['Work']),
  ];
  const online = new Set(['carl@x']);
  const groups = groupContacts(contacts, (j) => online.has(j), '');
  assert.deepEqual(
    groups.map((g) => [g.name, g.members.map((m) => m.jid), g.online]),
    [
      ['Friends', ['amy@x'], 0],
      ['Work', ['carl@x', 'amy@x', 'bob@x'], 1],
      [UNGROUPED, ['zed@x'], 0],
    ],
  );
});

test('filter matches name or JID, case-insensitively', () => {
  const contacts = [
    contact('alice@wonder.land', 'Alice'),
    contact('bob@x', 'Robert'),
    contact('carol@alice.org', null),
  ];
  const names = (f: string) =>
    groupContacts(contacts, () => false, f).flatMap((g) => g.members.map((m) => m.jid));
  assert.deepEqual(names('ALICE'), ['alice@wonder.land', 'carol@alice.org']);
  assert.deepEqual(names('rob'), ['bob@x']);
  assert.deepEqual(names('  '), ['alice@wonder.land', 'carol@alice.org', 'bob@x']); // sorted by name: Alice, carol…, Robert
  assert.deepEqual(names('nobody'), []);
});

test('flattenRows hides offline contacts, empty groups and collapsed members', () => {
  const contacts = [contact('a@x', 'A', ['G']), contact('b@x', 'B', ['G']), contact('c@x', 'C', ['H'])];
  const groups = groupContacts(contacts, (j) => j === 'b@x', '');
  const all = flattenRows(groups, true, new Set());
  assert.deepEqual(
    all.map((r) => (r.kind === 'group' ? `[${r.group} ${r.online}/${r.total}]` : r.jid)),
    ['[G 1/2]', 'b@x', 'a@x', '[H 0/1]', 'c@x'],
  );
  const onlineOnly = flattenRows(groups, false, new Set());
  assert.deepEqual(
    onlineOnly.map((r) => (r.kind === 'group' ? r.group : r.jid)),
    ['G', 'b@x'],
  );
  const collapsed = flattenRows(groups, true, new Set(['G']));
  assert.deepEqual(
    collapsed.map((r) => (r.kind === 'group' ? `${r.group}${r.collapsed ? '+' : '-'}` : r.jid)),
    ['G+', 'H-', 'c@x'],
  );
  assert.equal(groupRowIndex(all, 4), 3);
  assert.equal(groupRowIndex(all, 2), 0);
  // Row keys are unique even when a contact is in two groups.
  const twice = flattenRows(
    groupContacts([contact('a@x', 'A', ['G', 'H'])], () => true, ''),
    true,
    new Set(),
  );
  assert.equal(new Set(twice.map((r) => r.key)).size, twice.length);
});

test('10,000 contacts with 5,000 online: grouped, sorted and filtered correctly', () => {
  const contacts: Contact[] = [];
  for (let i = 0; i < 10_000; i++) {
    const groups = i % 10 === 0 ? [] : [`Group ${i % 7}`];
    contacts.push(contact(`user${i}@example.com`, i % 3 === 0 ? null : `User ${i}`, groups));
  }
  const isOnline = (jid: string) => Number(jid.slice(4, jid.indexOf('@'))) % 2 === 0;
  const t0 = performance.now();
  const groups = groupContacts(contacts, isOnline, '');
  const rows = flattenRows(groups, true, new Set());
  const t1 = performance.now();
  console.log(`group+sort+flatten of 10,000 contacts: ${(t1 - t0).toFixed(1)} ms`);
  assert.equal(groups.length, 8);
  assert.equal(groups.at(-1)?.name, UNGROUPED);
  assert.equal(
    groups.reduce((n, g) => n + g.members.length, 0),
    10_000,
  );
  assert.equal(
    groups.reduce((n, g) => n + g.online, 0),
    5_000,
  );
  assert.equal(rows.length, 10_008);
  for (const g of groups) {
    const firstOffline = g.members.findIndex((m) => !m.online);
    if (firstOffline < 0) continue;
    assert.ok(
      g.members.slice(firstOffline).every((m) => !m.online),
      `online first in ${g.name}`,
    );
  }
  // Numeric-aware name order inside a group: User 1 before User 2 before User 10.
  const g1 = groups.find((g) => g.name === 'Group 1');
  const names = g1?.members.filter((m) => m.online).map((m) => m.jid) ?? [];
  assert.ok(names.length > 100);
  const onlineOnly = flattenRows(groups, false, new Set());
  assert.equal(onlineOnly.filter((r) => r.kind === 'contact').length, 5_000);
  const filtered = groupContacts(contacts, isOnline, 'user 99');
  assert.deepEqual(
    filtered.flatMap((g) => g.members.map((m) => m.jid)).sort(),
    contacts
      .filter((c) => c.name?.toLowerCase().includes('user 99'))
      .map((c) => c.jid)
      .sort(),
  );
});

test('parseGroups splits, trims and dedupes', () => {
  assert.deepEqual(parseGroups(' Work, Friends ,,Work '), ['Work', 'Friends']);
  assert.deepEqual(parseGroups(''), []);
});

/** The grouping as it was first written (sort every group with the full comparison): the reference. */
function referenceGroups(
  contacts: Contact[],
  isOnline: (jid: string) => boolean,
  filter: string,
): RosterGroup[] {
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  const needle = filter.trim().toLowerCase();
  const groups = new Map<string, Array<{ jid: string; online: boolean; sortName: string }>>();
  for (const c of contacts) {
    if (needle && !c.jid.toLowerCase().includes(needle) && !(c.name?.toLowerCase().includes(needle) ?? false))
      continue;
    const entry = { jid: c.jid, online: isOnline(c.jid), sortName: c.name?.trim() || c.jid };
    for (const name of c.groups.length > 0 ? new Set(c.groups) : [UNGROUPED]) {
      groups.set(name, [...(groups.get(name) ?? []), entry]);
    }
  }
  const names = [...groups.keys()].sort((a, b) =>
    a === UNGROUPED ? 1 : b === UNGROUPED ? -1 : collator.compare(a, b) || (a < b ? -1 : 1),
  );
  return names.map((name) => {
    const entries = (groups.get(name) ?? []).sort((a, b) =>
      a.online !== b.online
        ? a.online
          ? -1
          : 1
        : collator.compare(a.sortName, b.sortName) || (a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : 0),
    );
    return {
      name,
      members: entries.map((e) => ({ jid: e.jid, online: e.online })),
      online: entries.filter((e) => e.online).length,
    };
  });
}

test('random roster changes: the incrementally kept order groups exactly like a full sort', () => {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  // Names that collide under the collator (case, accents, digits) so ties fall to the JID.
  const names = [null, '  ', 'Ann', 'ann', 'Änn', 'Bob 2', 'bob 10', 'Zoë', 'zoe', 'Émile', '☕', 'user 9'];
  const groupNames = ['Work', 'work', 'Friends', 'Ünïcödé', 'Club 2', 'Club 10'];
  const randomContact = (): Contact =>
    contact(
      `u${rand(400)}@x${rand(2)}`,
      names[rand(names.length)] ?? null,
      Array.from({ length: rand(3) }, () => groupNames[rand(groupNames.length)] ?? 'Work'),
    );
  let contacts: RosterMap = new Map();
  let order = applyOrderChange([], contacts, { reset: true, upserts: [], removed: [] });
  for (let step = 0; step < 200; step++) {
    const change =
      rand(25) === 0
        ? { reset: true, upserts: Array.from({ length: rand(300) }, randomContact), removed: [] }
        : {
            reset: false,
            upserts: Array.from({ length: rand(step < 20 ? 100 : 5) }, randomContact),
            removed: Array.from({ length: rand(5) }, () => `u${rand(400)}@x${rand(2)}`),
          };
    order = applyOrderChange(order, contacts, change);
    contacts = applyRosterChange(contacts, change);
    assert.deepEqual(
      order.map((e) => e.contact),
      sortContacts(contacts.values()).map((e) => e.contact),
      `order after step ${step}`,
    );
    if (step % 10 === 0) {
      const online = (jid: string): boolean => (jid.length + step) % 3 === 0;
      for (const filter of ['', 'ann', ' X1 ', '☕']) {
        assert.deepEqual(
          groupOrdered(order, online, filter),
          referenceGroups([...contacts.values()], online, filter),
          `groups after step ${step}, filter "${filter}"`,
        );
      }
    }
  }
});

test('several accounts: an account row above each account’s groups; the same contact shows under each', () => {
  const shared = contact('sam@x', 'Sam', ['Friends']);
  const a = groupAccount(
    'me@one',
    sortContacts([shared, contact('amy@x', 'Amy', ['Friends'])]),
    () => true,
    '',
  );
  const b = groupAccount('me@two', sortContacts([shared]), (jid) => jid !== 'sam@x', '');
  assert.deepEqual([a.total, a.online, b.total, b.online], [2, 2, 1, 0]);
  const rows = flattenAccounts([a, b], true, new Set(), new Set());
  assert.deepEqual(
    rows.map((r) => `${r.level}:${r.kind === 'contact' ? r.jid : r.kind === 'group' ? r.group : r.account}`),
    ['1:me@one', '2:Friends', '3:amy@x', '3:sam@x', '1:me@two', '2:Friends', '3:sam@x'],
  );
  assert.deepEqual(
    rows.filter((r) => r.kind === 'contact' && r.jid === 'sam@x').map((r) => r.account),
    ['me@one', 'me@two'],
  );
  assert.equal(new Set(rows.map((r) => r.key)).size, rows.length, 'keys are unique across accounts');
  assert.deepEqual(
    rows.filter((r) => r.kind === 'account').map((r) => [r.posInSet, r.setSize]),
    [
      [1, 2],
      [2, 2],
    ],
  );
  // Left from a contact goes to its group, from a group to its account.
  assert.equal(parentRowIndex(rows, 3), 1);
  assert.equal(parentRowIndex(rows, 1), 0);
  assert.equal(parentRowIndex(rows, 0), -1);
  assert.equal(parentRowIndex(rows, 6), 5);

  // Collapsing one account's group leaves the other account's group of the same name open.
  const groupCollapsed = flattenAccounts([a, b], true, new Set([groupKey('me@one', 'Friends')]), new Set());
  assert.deepEqual(
    groupCollapsed.map((r) => (r.kind === 'contact' ? r.jid : `${r.kind}${r.collapsed ? '+' : '-'}`)),
    ['account-', 'group+', 'account-', 'group-', 'sam@x'],
  );
  const accountCollapsed = flattenAccounts([a, b], true, new Set(), new Set(['me@two']));
  assert.deepEqual(
    accountCollapsed.map((r) => r.kind),
    ['account', 'group', 'contact', 'contact', 'account'],
  );
});

test('one account: no account row, groups at the top level as before', () => {
  const a = groupAccount('me@one', sortContacts([contact('amy@x', 'Amy', ['Friends'])]), () => false, '');
  const rows = flattenAccounts([a], true, new Set([groupKey('me@one', 'Other')]), new Set(['me@one']));
  assert.deepEqual(
    rows.map((r) => [r.kind, r.level]),
    [
      ['group', 1],
      ['contact', 2],
    ],
  );
  assert.equal(rows[0]?.key, 'g:me@one\u0000Friends');
  const collapsed = flattenAccounts([a], true, new Set([groupKey('me@one', 'Friends')]), new Set());
  assert.deepEqual(
    collapsed.map((r) => r.kind),
    ['group'],
  );
});
