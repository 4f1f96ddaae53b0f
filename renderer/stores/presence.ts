// Contacts' presence per account, by bare JID ('presence.changed'), and our own per account ('presence.own').
// `onlineVersion` changes only when some contact went online or offline: the roster list re-sorts on that,
// not on every status text.
import { create } from 'zustand';
import type { ContactPresence, OwnPresenceState, OwnShow } from '../../shared/contract.ts';

export type PresenceMap = ReadonlyMap<string, ContactPresence>;
export type OwnPresence = OwnPresenceState;
export const OWN_OFFLINE: OwnPresence = { show: 'offline', status: null, priority: 0 };

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

export interface AccountPresence {
  byJid: PresenceMap;
  /** How many of the account's contacts are online, kept up to date per change instead of counted. */
  online: number;
}

const NO_PRESENCE: AccountPresence = { byJid: new Map(), online: 0 };

interface PresenceStore {
  byAccount: ReadonlyMap<string, AccountPresence>;
  onlineVersion: number;
  /** Contacts online over all accounts. */
  online: number;
  own: ReadonlyMap<string, OwnPresence>;
  reset: (account: string, contacts: ContactPresence[]) => void;
  apply: (account: string, contacts: ContactPresence[]) => void;
  setOwn: (account: string, own: OwnPresence) => void;
  /** The account's session ended: its contacts count as offline, its own presence is offline. */
  drop: (account: string) => void;
  /** Keeps only these accounts (a snapshot lists every account the engine knows). */
  retain: (accounts: ReadonlySet<string>) => void;
}

function withAccount(
  byAccount: ReadonlyMap<string, AccountPresence>,
  account: string,
  value: AccountPresence | null,
): ReadonlyMap<string, AccountPresence> {
  const next = new Map(byAccount);
  if (value) next.set(account, value);
  else next.delete(account);
  return next;
}

export const usePresence = create<PresenceStore>()((set) => ({
  byAccount: new Map(),
  onlineVersion: 0,
  online: 0,
  own: new Map(),
  reset: (account, contacts) =>
    set((s) => {
      const byJid = new Map(contacts.map((p) => [p.jid, p]));
      let online = 0;
      for (const p of byJid.values()) if (isOnline(p)) online++;
      const before = s.byAccount.get(account)?.online ?? 0;
      return {
        byAccount: withAccount(s.byAccount, account, { byJid, online }),
        online: s.online - before + online,
        onlineVersion: s.onlineVersion + 1,
      };
    }),
  apply: (account, contacts) =>
    set((s) => {
      const current = s.byAccount.get(account) ?? NO_PRESENCE;
      const { map, onlineChanged, onlineDelta } = applyPresence(current.byJid, contacts);
      return map === current.byJid
        ? s
        : {
            byAccount: withAccount(s.byAccount, account, {
              byJid: map,
              online: current.online + onlineDelta,
            }),
            online: s.online + onlineDelta,
            onlineVersion: s.onlineVersion + (onlineChanged ? 1 : 0),
          };
    }),
  setOwn: (account, own) =>
    set((s) => {
      const next = new Map(s.own);
      next.set(account, own);
      return { own: next };
    }),
  drop: (account) =>
    set((s) => {
      const current = s.byAccount.get(account);
      const own = new Map(s.own);
      own.delete(account);
      if (!current) return { own };
      return {
        byAccount: withAccount(s.byAccount, account, null),
        online: s.online - current.online,
        onlineVersion: s.onlineVersion + 1,
        own,
      };
    }),
  retain: (accounts) =>
    set((s) => {
      const byAccount = new Map([...s.byAccount].filter(([a]) => accounts.has(a)));
      if (byAccount.size === s.byAccount.size) return s;
      let online = 0;
      for (const p of byAccount.values()) online += p.online;
      return { byAccount, online, onlineVersion: s.onlineVersion + 1 };
    }),
}));

/** A contact's presence on one account, for components. */
export function useContactPresence(account: string, jid: string): ContactPresence | undefined {
  return usePresence((s) => s.byAccount.get(account)?.byJid.get(jid));
}

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
