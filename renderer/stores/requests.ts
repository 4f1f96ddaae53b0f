// Inbound subscription requests waiting for an answer, per account ('subscription.requests' is always the
// account's full list).
import { create } from 'zustand';
import type { SubscriptionRequest } from '../../shared/contract.ts';
import { retainAccounts, withAccount } from './account-map.ts';

/** One request: the account it was made to and who made it. */
export const requestKey = (account: string, jid: string): string => `${account} ${jid}`;

interface RequestsStore {
  byAccount: ReadonlyMap<string, readonly SubscriptionRequest[]>;
  /** Requests answered here (requestKey), hidden until the engine's next list for that account confirms it. */
  answering: ReadonlySet<string>;
  /** Per account: requests past the engine's cap, waiting on the server (shown as a count). */
  more: ReadonlyMap<string, number>;
  setRequests: (account: string, requests: readonly SubscriptionRequest[], more?: number) => void;
  markAnswering: (account: string, jid: string, on: boolean) => void;
  /** Keeps only these accounts (a snapshot lists every account the engine knows). */
  retain: (accounts: ReadonlySet<string>) => void;
}

export const useRequests = create<RequestsStore>()((set) => ({
  byAccount: new Map(),
  answering: new Set(),
  more: new Map(),
  setRequests: (account, requests, more = 0) =>
    set((s) => ({
      byAccount: withAccount(s.byAccount, account, requests.length === 0 ? null : requests),
      more: withAccount(s.more, account, more === 0 ? null : more),
      answering: new Set([...s.answering].filter((k) => !k.startsWith(`${account} `))),
    })),
  markAnswering: (account, jid, on) =>
    set((s) => {
      const answering = new Set(s.answering);
      if (on) answering.add(requestKey(account, jid));
      else answering.delete(requestKey(account, jid));
      return { answering };
    }),
  retain: (accounts) => set((s) => ({ byAccount: retainAccounts(s.byAccount, accounts) })),
}));
