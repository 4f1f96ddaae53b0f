// Each signed-in account's blocklist (XEP-0191) as the engine holds it: 'blocking.list' answers the whole list
// when the page needs it, 'blocking.changed' says each change after that. Both carry the engine's version of
// the list, so whichever is newer wins whatever order they arrive in; a change that arrives before any list
// waits (bounded) for the answer it follows.
import { create } from 'zustand';
import type { Blocklist, BlocklistChange, BlocklistStatus } from '../../../shared/blocking.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useAccountListSync, type AccountListSource } from '../../stores/account-list-sync.ts';
import { withAccount } from '../../stores/account-map.ts';

export interface AccountBlocklist {
  version: number;
  status: BlocklistStatus;
  /** Blocked but not listed (past the engine's bound). */
  more: number;
  blocked: readonly string[];
}

/** Changes kept per account while its list is not in yet (each a batch of ~16 ms; the oldest go first). */
const MAX_WAITING_CHANGES = 100;

interface BlocklistStore {
  byAccount: ReadonlyMap<string, AccountBlocklist>;
  /** Per account: changes that came before any list. */
  waiting: ReadonlyMap<string, readonly BlocklistChange[]>;
  applyList: (list: Blocklist) => void;
  applyChange: (change: BlocklistChange) => void;
  clear: () => void;
}

function applied(list: AccountBlocklist, change: BlocklistChange): AccountBlocklist {
  const { version, status, more } = change;
  if (change.reset) return { version, status, more, blocked: change.blocked };
  const gone = new Set([...change.unblocked, ...change.blocked]);
  const blocked = list.blocked.filter((jid) => !gone.has(jid)).concat(change.blocked);
  return { version, status, more, blocked };
}

export const useBlocklist = create<BlocklistStore>()((set) => ({
  byAccount: new Map(),
  waiting: new Map(),
  applyList: (list) =>
    set((s) => {
      const known = s.byAccount.get(list.account);
      if (known && known.version > list.version) return s;
      let next: AccountBlocklist = { ...list };
      for (const change of s.waiting.get(list.account) ?? [])
        if (change.version > next.version) next = applied(next, change);
      return {
        byAccount: withAccount(s.byAccount, list.account, next),
        waiting: withAccount(s.waiting, list.account, null),
      };
    }),
  applyChange: (change) =>
    set((s) => {
      const known = s.byAccount.get(change.account);
      if (known) {
        if (change.version <= known.version) return s;
        return { byAccount: withAccount(s.byAccount, change.account, applied(known, change)) };
      }
      if (change.reset) {
        const { version, status, more, blocked } = change;
        return { byAccount: withAccount(s.byAccount, change.account, { version, status, more, blocked }) };
      }
      const waiting = [...(s.waiting.get(change.account) ?? []), change].slice(-MAX_WAITING_CHANGES);
      return { waiting: withAccount(s.waiting, change.account, waiting) };
    }),
  clear: () => set({ byAccount: new Map(), waiting: new Map() }),
}));

async function fetchList(account: string): Promise<void> {
  const answer = await getBridge().invoke('blocking.list', { account });
  // No runtime for it (signed out meanwhile): its 'blocking.changed' said so already.
  if (answer.ok) useBlocklist.getState().applyList(answer.value);
}

const BLOCKLIST_SOURCE: AccountListSource<'blocking.changed'> = {
  event: 'blocking.changed',
  apply: (change) => useBlocklist.getState().applyChange(change),
  clear: () => useBlocklist.getState().clear(),
  fetch: fetchList,
};

/** Keeps the store current while the page shows it (see account-list-sync.ts). */
export function useBlocklistSync(accounts: readonly string[]): void {
  useAccountListSync(accounts, BLOCKLIST_SOURCE);
}
