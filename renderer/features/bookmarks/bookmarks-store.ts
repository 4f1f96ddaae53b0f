// Each signed-in account's bookmarks as the engine holds them: 'bookmarks.list' when the account gets a
// session here (and after a browser-mode socket came back), then 'bookmarks.changed', which always carries
// the whole (bounded) list. An answer that was asked before the latest event is older than it and dropped.
import { create } from 'zustand';
import type { Bookmark, BookmarkList } from '../../../shared/bookmarks.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useAccountListSync, type AccountListSource } from '../../stores/account-list-sync.ts';
import { withAccount } from '../../stores/account-map.ts';

interface BookmarksStore {
  byAccount: ReadonlyMap<string, BookmarkList>;
  /** Per account: events applied so far (an answer asked before the latest one is stale). */
  events: ReadonlyMap<string, number>;
  applyEvent: (list: BookmarkList) => void;
  applyAnswer: (list: BookmarkList, eventsWhenAsked: number) => void;
  clear: () => void;
}

export const useBookmarks = create<BookmarksStore>()((set) => ({
  byAccount: new Map(),
  events: new Map(),
  applyEvent: (list) =>
    set((s) => ({
      byAccount: withAccount(s.byAccount, list.account, list),
      events: withAccount(s.events, list.account, (s.events.get(list.account) ?? 0) + 1),
    })),
  applyAnswer: (list, eventsWhenAsked) =>
    set((s) =>
      (s.events.get(list.account) ?? 0) > eventsWhenAsked
        ? s
        : { byAccount: withAccount(s.byAccount, list.account, list) },
    ),
  clear: () => set({ byAccount: new Map(), events: new Map() }),
}));

/** The bookmark of `room` on `account`, or undefined. */
export function useBookmark(account: string, room: string): Bookmark | undefined {
  return useBookmarks((s) => s.byAccount.get(account)?.bookmarks.find((b) => b.room === room));
}

async function fetchList(account: string): Promise<void> {
  const asked = useBookmarks.getState().events.get(account) ?? 0;
  const answer = await getBridge().invoke('bookmarks.list', { account });
  if (answer.ok) useBookmarks.getState().applyAnswer(answer.value, asked);
}

const BOOKMARKS_SOURCE: AccountListSource<'bookmarks.changed'> = {
  event: 'bookmarks.changed',
  apply: (list) => useBookmarks.getState().applyEvent(list),
  clear: () => useBookmarks.getState().clear(),
  fetch: fetchList,
};

/** Keeps the store current for these accounts (mount once: the room list does). */
export function useBookmarksSync(accounts: readonly string[]): void {
  useAccountListSync(accounts, BOOKMARKS_SOURCE);
}
