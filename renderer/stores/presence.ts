// Contacts' presence by bare JID ('presence.changed'), and our own ('presence.own'). `onlineVersion` changes
// only when some contact went online or offline: the roster list re-sorts on that, not on every status text.
import { create } from 'zustand';
import type { ContactPresence, EventPayload, OwnShow } from '../../shared/contract.ts';

export type PresenceMap = ReadonlyMap<string, ContactPresence>;
export type OwnPresence = EventPayload<'presence.own'>;

export function isOnline(p: ContactPresence | undefined): boolean {
  return p?.best !== undefined && p.best !== null;
}

/** `onlineDelta`: how many more contacts are online than before (negative: fewer). */
export function applyPresence(
  current: PresenceMap,
  contacts: readonly ContactPresence[],
): { map: PresenceMap; onlineChanged: boolean; onlineDelta: number } {
  if (contacts.length === 0) return { map: current, onlineChanged: false, onlineDelta: 0 };
  const next = new Map(current);
  let onlineChanged = false;
  let onlineDelta = 0;
  for (const p of contacts) {
    const was = isOnline(next.get(p.jid));
    const is = isOnline(p);
    if (was !== is) {
      onlineChanged = true;
      onlineDelta += is ? 1 : -1;
    }
    next.set(p.jid, p);
  }
  return { map: next, onlineChanged, onlineDelta };
}

interface PresenceStore {
  byJid: PresenceMap;
  onlineVersion: number;
  /** How many contacts are online, kept up to date per change instead of counted. */
  online: number;
  own: OwnPresence;
  reset: (contacts: ContactPresence[]) => void;
  apply: (contacts: ContactPresence[]) => void;
  setOwn: (own: OwnPresence) => void;
}

export const usePresence = create<PresenceStore>()((set) => ({
  byJid: new Map(),
  onlineVersion: 0,
  online: 0,
  own: { show: 'offline', status: null, priority: 0 },
  reset: (contacts) =>
    set((s) => {
      const byJid = new Map(contacts.map((p) => [p.jid, p]));
      let online = 0;
      for (const p of byJid.values()) if (isOnline(p)) online++;
      return { byJid, online, onlineVersion: s.onlineVersion + 1 };
    }),
  apply: (contacts) =>
    set((s) => {
      const { map, onlineChanged, onlineDelta } = applyPresence(s.byJid, contacts);
      return map === s.byJid
        ? s
        : {
            byJid: map,
            online: s.online + onlineDelta,
            onlineVersion: s.onlineVersion + (onlineChanged ? 1 : 0),
          };
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
