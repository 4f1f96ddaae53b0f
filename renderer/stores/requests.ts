// Inbound subscription requests waiting for an answer, per account ('subscription.requests' is always the
// account's full list).
import { create } from 'zustand';
import type { SubscriptionRequest } from '../../shared/contract.ts';

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

/** The account's list replaced; answers pending for other accounts stay pending. */
export function withRequests(
  byAccount: ReadonlyMap<string, readonly SubscriptionRequest[]>,
  account: string,
  requests: readonly SubscriptionRequest[],
): ReadonlyMap<string, readonly SubscriptionRequest[]> {
  const next = new Map(byAccount);
  if (requests.length === 0) next.delete(account);
  else next.set(account, requests);
  return next;
}

function withMore(
  more: ReadonlyMap<string, number>,
  account: string,
  count: number,
): ReadonlyMap<string, number> {
  if ((more.get(account) ?? 0) === count) return more;
  const next = new Map(more);
  if (count === 0) next.delete(account);
  else next.set(account, count);
  return next;
}

export const useRequests = create<RequestsStore>()((set) => ({
  byAccount: new Map(),
  answering: new Set(),
  more: new Map(),
  setRequests: (account, requests, more = 0) =>
    set((s) => ({
      byAccount: withRequests(s.byAccount, account, requests),
      more: withMore(s.more, account, more),
      answering: new Set([...s.answering].filter((k) => !k.startsWith(`${account} `))),
    })),
  markAnswering: (account, jid, on) =>
    set((s) => {
      const answering = new Set(s.answering);
      if (on) answering.add(requestKey(account, jid));
      else answering.delete(requestKey(account, jid));
      return { answering };
    }),
  retain: (accounts) =>
    set((s) => ({ byAccount: new Map([...s.byAccount].filter(([a]) => accounts.has(a))) })),
}));
