// The roster: contacts by bare JID, fed by 'roster.changed' (and the snapshot). Unchanged contacts keep their
// object identity, so a row that selects its contact re-renders only when that contact changed.
// Alongside the map the store keeps every contact sorted by display name (`order`), updated from each change
// rather than re-sorted: comparing names with a locale collator is the costly part of showing 10,000
// contacts, and a roster change (or one part of a roster arriving in parts) touches only a few of them.
import { create } from 'zustand';
import type { Contact, EventPayload } from '../../shared/contract.ts';

export type RosterMap = ReadonlyMap<string, Contact>;

export function applyRosterChange(current: RosterMap, change: EventPayload<'roster.changed'>): RosterMap {
  if (change.reset) return new Map(change.upserts.map((c) => [c.jid, c]));
  if (change.upserts.length === 0 && change.removed.length === 0) return current;
  const next = new Map(current);
  for (const jid of change.removed) next.delete(jid);
  for (const contact of change.upserts) next.set(contact.jid, contact);
  return next;
}

export interface OrderEntry {
  contact: Contact;
  /** What the roster sorts by: the display name (see displayName). */
  sortName: string;
}

/** Contacts by display name, then JID: a total order, so any way of building it gives the same list. */
export type RosterOrder = readonly OrderEntry[];

export const nameCollator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export function compareEntries(a: OrderEntry, b: OrderEntry): number {
  const byName = nameCollator.compare(a.sortName, b.sortName);
  if (byName !== 0) return byName;
  return a.contact.jid < b.contact.jid ? -1 : a.contact.jid > b.contact.jid ? 1 : 0;
}

function orderEntry(contact: Contact): OrderEntry {
  return { contact, sortName: displayName(contact, contact.jid) };
}

export function sortContacts(contacts: Iterable<Contact>): OrderEntry[] {
  return Array.from(contacts, orderEntry).sort(compareEntries);
}

/** First index in list[from..] whose entry sorts after `entry`. */
function upperBound(list: RosterOrder, entry: OrderEntry, from: number): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(list[mid]!, entry) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The order after a roster change: entries of removed and replaced contacts leave, the upserted ones are
 * sorted among themselves and put in place by binary search (k·log n comparisons, not n·log n).
 */
export function applyOrderChange(
  order: RosterOrder,
  current: RosterMap,
  change: EventPayload<'roster.changed'>,
): RosterOrder {
  // The last upsert of a JID wins, as in applyRosterChange.
  const incoming = sortContacts(new Map(change.upserts.map((c) => [c.jid, c])).values());
  if (change.reset) return incoming;
  if (incoming.length === 0 && change.removed.length === 0) return order;
  const leaving = new Set<string>();
  for (const jid of change.removed) if (current.has(jid)) leaving.add(jid);
  for (const contact of change.upserts) if (current.has(contact.jid)) leaving.add(contact.jid);
  const kept = leaving.size === 0 ? order : order.filter((e) => !leaving.has(e.contact.jid));
  const merged: OrderEntry[] = [];
  let i = 0;
  for (const entry of incoming) {
    const at = upperBound(kept, entry, i);
    while (i < at) merged.push(kept[i++]!);
    merged.push(entry);
  }
  while (i < kept.length) merged.push(kept[i++]!);
  return merged;
}

interface RosterStore {
  contacts: RosterMap;
  order: RosterOrder;
  reset: (contacts: Contact[]) => void;
  apply: (change: EventPayload<'roster.changed'>) => void;
}

export const useRoster = create<RosterStore>()((set) => ({
  contacts: new Map(),
  order: [],
  reset: (contacts) => {
    const change = { reset: true, upserts: contacts, removed: [] };
    set({ contacts: applyRosterChange(new Map(), change), order: applyOrderChange([], new Map(), change) });
  },
  apply: (change) =>
    set((s) => ({
      contacts: applyRosterChange(s.contacts, change),
      order: applyOrderChange(s.order, s.contacts, change),
    })),
}));

export function displayName(contact: Contact | undefined, jid: string): string {
  return contact?.name?.trim() || jid;
}
