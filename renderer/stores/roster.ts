// The roster: contacts by bare JID, fed by 'roster.changed' (and the snapshot). Unchanged contacts keep their
// object identity, so a row that selects its contact re-renders only when that contact changed.
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

interface RosterStore {
  contacts: RosterMap;
  reset: (contacts: Contact[]) => void;
  apply: (change: EventPayload<'roster.changed'>) => void;
}

export const useRoster = create<RosterStore>()((set) => ({
  contacts: new Map(),
  reset: (contacts) =>
    set({ contacts: applyRosterChange(new Map(), { reset: true, upserts: contacts, removed: [] }) }),
  apply: (change) => set((s) => ({ contacts: applyRosterChange(s.contacts, change) })),
}));

export function displayName(contact: Contact | undefined, jid: string): string {
  return contact?.name?.trim() || jid;
}
