// Grouping, filtering and sorting of the roster, as pure functions over the stores' data. Two stages so each
// runs only when its inputs change: `groupOrdered` (roster in name order, who is online, filter text) and
// `flattenRows` (show offline, collapsed groups) that yields the flat row list the virtualized tree renders.
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

/** posInSet/setSize: position among sibling rows (groups among groups, contacts within their group). */
export type RosterRow =
  | {
      kind: 'group';
      key: string;
      group: string;
      total: number;
      online: number;
      collapsed: boolean;
      posInSet: number;
      setSize: number;
    }
  | { kind: 'contact'; key: string; jid: string; group: string; posInSet: number; setSize: number };

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

export function flattenRows(
  groups: readonly RosterGroup[],
  showOffline: boolean,
  collapsed: ReadonlySet<string>,
): RosterRow[] {
  const rows: RosterRow[] = [];
  const headers: Array<Extract<RosterRow, { kind: 'group' }>> = [];
  for (const group of groups) {
    const visible = showOffline ? group.members.length : group.online;
    if (visible === 0) continue;
    const isCollapsed = collapsed.has(group.name);
    const header: Extract<RosterRow, { kind: 'group' }> = {
      kind: 'group',
      key: `g:${group.name}`,
      group: group.name,
      total: group.members.length,
      online: group.online,
      collapsed: isCollapsed,
      posInSet: headers.length + 1,
      setSize: 0,
    };
    headers.push(header);
    rows.push(header);
    if (isCollapsed) continue;
    for (let i = 0; i < visible; i++) {
      const member = group.members[i];
      if (member) {
        rows.push({
          kind: 'contact',
          key: `c:${group.name}\u0000${member.jid}`,
          jid: member.jid,
          group: group.name,
          posInSet: i + 1,
          setSize: visible,
        });
      }
    }
  }
  for (const header of headers) header.setSize = headers.length;
  return rows;
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
