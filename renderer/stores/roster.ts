// The roster of every signed-in account: per account, contacts by bare JID, fed by 'roster.changed' (and the
// snapshot). Unchanged contacts keep their
// object identity, so a row that selects its contact re-renders only when that contact changed.
// Alongside the map the store keeps every contact sorted by display name (`order`), updated from each change
// rather than re-sorted: comparing names with a locale collator is the costly part of showing 10,000
// contacts, and a roster change (or one part of a roster arriving in parts) touches only a few of them.
import { create } from 'zustand';
import type { Contact, EventPayload } from '../../shared/contract.ts';
import { displayText } from '../text/display-text.ts';

export type RosterMap = ReadonlyMap<string, Contact>;
/** A roster change without its account (the store routes it to that account's roster). */
export type RosterChange = Pick<EventPayload<'roster.changed'>, 'reset' | 'upserts' | 'removed'>;

export function applyRosterChange(current: RosterMap, change: RosterChange): RosterMap {
  if (change.reset) return new Map(change.upserts.map((c) => [c.jid, c]));
  if (change.upserts.length === 0 && change.removed.length === 0) return current;
  const next = new Map(current);
  for (const jid of change.removed) next.delete(jid);
  for (const contact of change.upserts) next.set(contact.jid, contact);
  return next;
}

/** A reset as parts of at most `size` contacts: the first replaces the roster, the later ones add to it. */
export function resetParts(contacts: readonly Contact[], size: number): Contact[][] {
  if (contacts.length <= size) return [[...contacts]];
  const parts: Contact[][] = [];
  for (let i = 0; i < contacts.length; i += size) parts.push(contacts.slice(i, i + size));
  return parts;
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
export function applyOrderChange(order: RosterOrder, current: RosterMap, change: RosterChange): RosterOrder {
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

export interface AccountRoster {
  contacts: RosterMap;
  order: RosterOrder;
}

export type RosterByAccount = ReadonlyMap<string, AccountRoster>;

const EMPTY_ROSTER: AccountRoster = { contacts: new Map(), order: [] };

/** One account's roster after a change; the other accounts' rosters keep their identity. */
export function applyAccountRoster(
  byAccount: RosterByAccount,
  account: string,
  change: RosterChange,
): RosterByAccount {
  const current = byAccount.get(account) ?? EMPTY_ROSTER;
  const contacts = applyRosterChange(current.contacts, change);
  if (contacts === current.contacts && byAccount.has(account)) return byAccount;
  const next = new Map(byAccount);
  next.set(account, { contacts, order: applyOrderChange(current.order, current.contacts, change) });
  return next;
}

interface RosterStore {
  byAccount: RosterByAccount;
  reset: (account: string, contacts: Contact[]) => void;
  apply: (change: EventPayload<'roster.changed'>) => void;
  /** The account signed out (or was removed): its contacts leave the roster. */
  drop: (account: string) => void;
  /** Keeps only these accounts (a snapshot lists every account the engine knows). */
  retain: (accounts: ReadonlySet<string>) => void;
}

export const useRoster = create<RosterStore>()((set) => ({
  byAccount: new Map(),
  reset: (account, contacts) =>
    set((s) => ({
      byAccount: applyAccountRoster(s.byAccount, account, { reset: true, upserts: contacts, removed: [] }),
    })),
  apply: (change) => set((s) => ({ byAccount: applyAccountRoster(s.byAccount, change.account, change) })),
  drop: (account) =>
    set((s) => {
      if (!s.byAccount.has(account)) return s;
      const byAccount = new Map(s.byAccount);
      byAccount.delete(account);
      return { byAccount };
    }),
  retain: (accounts) =>
    set((s) => {
      if ([...s.byAccount.keys()].every((a) => accounts.has(a))) return s;
      return { byAccount: new Map([...s.byAccount].filter(([a]) => accounts.has(a))) };
    }),
}));

/** A contact of one account, for components: re-renders only when that contact changed. */
export function useContact(account: string, jid: string): Contact | undefined {
  return useRoster((s) => s.byAccount.get(account)?.contacts.get(jid));
}

/** How many contacts all accounts hold. */
export function contactCount(byAccount: RosterByAccount): number {
  let n = 0;
  for (const r of byAccount.values()) n += r.contacts.size;
  return n;
}

/** A contact's name as shown (and sorted): the roster name, marks tamed (display-text.ts), else the JID. */
export function displayName(contact: Contact | undefined, jid: string): string {
  const name = contact?.name?.trim();
  return name ? displayText(name) : jid;
}
