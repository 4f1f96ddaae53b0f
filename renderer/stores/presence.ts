// Contacts' presence by bare JID ('presence.changed'), and our own ('presence.own'). `onlineVersion` changes
// only when some contact went online or offline: the roster list re-sorts on that, not on every status text.
import { create } from 'zustand';
import type { ContactPresence, EventPayload, OwnShow } from '../../shared/contract.ts';

export type PresenceMap = ReadonlyMap<string, ContactPresence>;
export type OwnPresence = EventPayload<'presence.own'>;

export function isOnline(p: ContactPresence | undefined): boolean {
  return p?.best !== undefined && p.best !== null;
}

export function applyPresence(
  current: PresenceMap,
  contacts: readonly ContactPresence[],
): { map: PresenceMap; onlineChanged: boolean } {
  if (contacts.length === 0) return { map: current, onlineChanged: false };
  const next = new Map(current);
  let onlineChanged = false;
  for (const p of contacts) {
    if (isOnline(current.get(p.jid)) !== isOnline(p)) onlineChanged = true;
    next.set(p.jid, p);
  }
  return { map: next, onlineChanged };
}

interface PresenceStore {
  byJid: PresenceMap;
  onlineVersion: number;
  own: OwnPresence;
  reset: (contacts: ContactPresence[]) => void;
  apply: (contacts: ContactPresence[]) => void;
  setOwn: (own: OwnPresence) => void;
}

export const usePresence = create<PresenceStore>()((set) => ({
  byJid: new Map(),
  onlineVersion: 0,
  own: { show: 'offline', status: null, priority: 0 },
  reset: (contacts) =>
    set((s) => ({ byJid: new Map(contacts.map((p) => [p.jid, p])), onlineVersion: s.onlineVersion + 1 })),
  apply: (contacts) =>
    set((s) => {
      const { map, onlineChanged } = applyPresence(s.byJid, contacts);
      return map === s.byJid ? s : { byJid: map, onlineVersion: s.onlineVersion + (onlineChanged ? 1 : 0) };
    }),
  setOwn: (own) => set({ own }),
}));

export type ShowOrOffline = OwnShow;

export const SHOW_LABELS: Record<ShowOrOffline, string> = {
  available: 'Available',
  chat: 'Free for chat',
  away: 'Away',
  xa: 'Extended away',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

export function presenceShow(p: ContactPresence | undefined): ShowOrOffline {
  return p?.best?.show ?? 'offline';
}
