// Room invitations waiting per account ('invitations.changed' is always the account's full list), and how
// many the engine did not keep this session. Fed by invitations-sync.ts.
import { create } from 'zustand';
import type { Invitation } from '../../../shared/invitations.ts';
import { retainAccounts, withAccount } from '../../stores/account-map.ts';

interface InvitationsStore {
  byAccount: ReadonlyMap<string, readonly Invitation[]>;
  more: ReadonlyMap<string, number>;
  /** Invitations being answered (Join or Decline under way), by id: hidden meanwhile. */
  answering: ReadonlySet<string>;
  setInvitations: (account: string, invitations: readonly Invitation[], more: number) => void;
  markAnswering: (id: string, on: boolean) => void;
  retain: (accounts: ReadonlySet<string>) => void;
}

export const useInvitations = create<InvitationsStore>()((set) => ({
  byAccount: new Map(),
  more: new Map(),
  answering: new Set(),
  setInvitations: (account, invitations, more) =>
    set((s) => ({
      byAccount: withAccount(s.byAccount, account, invitations.length === 0 ? null : invitations),
      more: withAccount(s.more, account, more === 0 ? null : more),
    })),
  markAnswering: (id, on) =>
    set((s) => {
      const answering = new Set(s.answering);
      if (on) answering.add(id);
      else answering.delete(id);
      return { answering };
    }),
  retain: (accounts) =>
    set((s) => ({
      byAccount: retainAccounts(s.byAccount, accounts),
      more: retainAccounts(s.more, accounts),
    })),
}));
