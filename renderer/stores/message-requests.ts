// Message requests per account: strangers' chats waiting for the user ('chat.requests' is always the
// account's full list), and how many messages the engine's caps did not keep.
import { create } from 'zustand';
import type { MessageRequest } from '../../shared/contract.ts';
import { retainAccounts, withAccount } from './account-map.ts';

interface MessageRequestsStore {
  byAccount: ReadonlyMap<string, readonly MessageRequest[]>;
  /** Per account: messages from strangers not kept this session. */
  more: ReadonlyMap<string, number>;
  setRequests: (account: string, requests: readonly MessageRequest[], more: number) => void;
  /** Keeps only these accounts (a snapshot lists every account the engine knows). */
  retain: (accounts: ReadonlySet<string>) => void;
}

export const useMessageRequests = create<MessageRequestsStore>()((set) => ({
  byAccount: new Map(),
  more: new Map(),
  setRequests: (account, requests, more) =>
    set((s) => ({
      byAccount: withAccount(s.byAccount, account, requests.length === 0 ? null : requests),
      more: withAccount(s.more, account, more === 0 ? null : more),
    })),
  retain: (accounts) =>
    set((s) => ({
      byAccount: retainAccounts(s.byAccount, accounts),
      more: retainAccounts(s.more, accounts),
    })),
}));
