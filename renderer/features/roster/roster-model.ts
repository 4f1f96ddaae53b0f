// Grouping, filtering and sorting of the roster, as pure functions over the stores' data. Two stages so each
// runs only when its inputs change: `groupOrdered` (roster in name order, who is online, filter text) and
// `flattenRows` (show offline, collapsed groups) that yields the flat row list the virtualized tree renders.
// With several accounts, `flattenAccounts` puts each account's groups under a collapsible account row (the
// same contact on two accounts shows twice, once under each).
import type { Contact } from '../../../shared/contract.ts';
import { nameCollator, sortContacts, type RosterOrder } from '../../stores/roster.ts';

export const UNGROUPED = 'Contacts';

export interface GroupMember {
  jid: string;
  online: boolean;
}

export interface RosterGroup {
  name: string;
  /** Online first, then by name, then by JID. */
  members: GroupMember[];
  online: number;
}

/** posInSet/setSize: position among sibling rows (accounts, groups of an account, contacts of a group). */
export type RosterRow =
  | {
      kind: 'account';
      key: string;
      account: string;
      total: number;
      online: number;
      collapsed: boolean;
      posInSet: number;
      setSize: number;
      level: 1;
    }
  | {
      kind: 'group';
      key: string;
      account: string;
      group: string;
      total: number;
      online: number;
      collapsed: boolean;
      posInSet: number;
      setSize: number;
      level: number;
    }
  | {
      kind: 'contact';
      key: string;
      account: string;
      jid: string;
      group: string;
      posInSet: number;
      setSize: number;
      level: number;
    };

/** The rows of one account's groups (no account row). */
export type GroupOrContactRow = Exclude<RosterRow, { kind: 'account' }>;

export function matchesFilter(contact: Contact, needle: string): boolean {
  if (needle === '') return true;
  return (
    contact.jid.toLowerCase().includes(needle) || (contact.name?.toLowerCase().includes(needle) ?? false)
  );
}

export function groupContacts(
  contacts: Iterable<Contact>,
  isOnline: (jid: string) => boolean,
  filter: string,
): RosterGroup[] {
  return groupOrdered(sortContacts(contacts), isOnline, filter);
}

/**
 * groupContacts over contacts already in name order (the roster store keeps that order): one pass, no name
 * comparisons, so it stays cheap enough to run again whenever someone goes online or offline.
 */
export function groupOrdered(
  order: RosterOrder,
  isOnline: (jid: string) => boolean,
  filter: string,
): RosterGroup[] {
  const needle = filter.trim().toLowerCase();
  // Per group, its online and offline members, each already in name order.
  const groups = new Map<string, { online: GroupMember[]; offline: GroupMember[] }>();
  for (const { contact } of order) {
    if (!matchesFilter(contact, needle)) continue;
    const member: GroupMember = { jid: contact.jid, online: isOnline(contact.jid) };
    const names =
      contact.groups.length === 0
        ? [UNGROUPED]
        : contact.groups.length === 1
          ? contact.groups
          : new Set(contact.groups);
    for (const name of names) {
      let group = groups.get(name);
      if (!group) groups.set(name, (group = { online: [], offline: [] }));
      (member.online ? group.online : group.offline).push(member);
    }
  }
  const names = [...groups.keys()].sort((a, b) =>
    a === UNGROUPED ? 1 : b === UNGROUPED ? -1 : nameCollator.compare(a, b) || (a < b ? -1 : 1),
  );
  return names.map((name) => {
    const { online, offline } = groups.get(name) ?? { online: [], offline: [] };
    return { name, members: online.concat(offline), online: online.length };
  });
}

/**
 * The rows of one account's groups. `collapsed` holds the collapsed groups' names; `account` and `level` place
 * the rows under an account row (level 1 when the roster shows one account).
 */
export function flattenRows(
  groups: readonly RosterGroup[],
  showOffline: boolean,
  collapsed: ReadonlySet<string>,
  account = '',
  level = 1,
): GroupOrContactRow[] {
  const rows: GroupOrContactRow[] = [];
  const headers: Array<Extract<RosterRow, { kind: 'group' }>> = [];
  const prefix = account === '' ? '' : `${account}\u0000`;
  for (const group of groups) {
    const visible = showOffline ? group.members.length : group.online;
    if (visible === 0) continue;
    const isCollapsed = collapsed.has(group.name);
    const header: Extract<RosterRow, { kind: 'group' }> = {
      kind: 'group',
      key: `g:${prefix}${group.name}`,
      account,
      group: group.name,
      total: group.members.length,
      online: group.online,
      collapsed: isCollapsed,
      posInSet: headers.length + 1,
      setSize: 0,
      level,
    };
    headers.push(header);
    rows.push(header);
    if (isCollapsed) continue;
    for (let i = 0; i < visible; i++) {
      const member = group.members[i];
      if (member) {
        rows.push({
          kind: 'contact',
          key: `c:${prefix}${group.name}\u0000${member.jid}`,
          account,
          jid: member.jid,
          group: group.name,
          posInSet: i + 1,
          setSize: visible,
          level: level + 1,
        });
      }
    }
  }
  for (const header of headers) header.setSize = headers.length;
  return rows;
}

/** One account's part of the roster: its groups and how many of its contacts there are and are online. */
export interface AccountGroups {
  account: string;
  groups: RosterGroup[];
  total: number;
  online: number;
}

/** groupOrdered for one account, with its counts (each contact once, whatever its groups). */
export function groupAccount(
  account: string,
  order: RosterOrder,
  isOnline: (jid: string) => boolean,
  filter: string,
): AccountGroups {
  const groups = groupOrdered(order, isOnline, filter);
  const seen = new Set<string>();
  let online = 0;
  for (const g of groups) {
    for (const m of g.members) {
      if (seen.has(m.jid)) continue;
      seen.add(m.jid);
      if (m.online) online++;
    }
  }
  return { account, groups, total: seen.size, online };
}

/**
 * The whole roster's rows. One account: its groups at the top level, as flattenRows gives them. Several: an
 * account row per account (collapsible, in the order given) with its groups below. `collapsed` holds group
 * keys (groupKey(account, group)); `collapsedAccounts` accounts.
 */
export function flattenAccounts(
  accounts: readonly AccountGroups[],
  showOffline: boolean,
  collapsed: ReadonlySet<string>,
  collapsedAccounts: ReadonlySet<string>,
): RosterRow[] {
  const namesOf = (account: string): ReadonlySet<string> => {
    const prefix = `${account}\u0000`;
    const names = new Set<string>();
    for (const key of collapsed) if (key.startsWith(prefix)) names.add(key.slice(prefix.length));
    return names;
  };
  if (accounts.length === 1) {
    const only = accounts[0]!;
    return flattenRows(only.groups, showOffline, namesOf(only.account), only.account, 1);
  }
  const rows: RosterRow[] = [];
  for (const [i, a] of accounts.entries()) {
    const isCollapsed = collapsedAccounts.has(a.account);
    rows.push({
      kind: 'account',
      key: `a:${a.account}`,
      account: a.account,
      total: a.total,
      online: a.online,
      collapsed: isCollapsed,
      posInSet: i + 1,
      setSize: accounts.length,
      level: 1,
    });
    if (!isCollapsed) rows.push(...flattenRows(a.groups, showOffline, namesOf(a.account), a.account, 2));
  }
  return rows;
}

/** Index of the row one level up from the row at `index` (a contact's group, a group's account), or -1. */
export function parentRowIndex(rows: readonly RosterRow[], index: number): number {
  const level = rows[index]?.level ?? 1;
  for (let i = index - 1; i >= 0; i--) if ((rows[i]?.level ?? 1) < level) return i;
  return -1;
}

/** Index of the group header row a contact row belongs to. */
export function groupRowIndex(rows: readonly RosterRow[], index: number): number {
  for (let i = index; i >= 0; i--) if (rows[i]?.kind === 'group') return i;
  return -1;
}

/** "alice, Work" style list from a text field: split on commas, trimmed, no empties, no duplicates. */
export function parseGroups(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== ''),
    ),
  ];
}
