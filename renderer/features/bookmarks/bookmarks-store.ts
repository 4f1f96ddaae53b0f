// Each signed-in account's bookmarks as the engine holds them: 'bookmarks.list' when the account gets a
// session here (and after a browser-mode socket came back), then 'bookmarks.changed', which always carries
// the whole (bounded) list. An answer that was asked before the latest event is older than it and dropped.
import { useEffect, useRef } from 'react';
import { create } from 'zustand';
import type { Bookmark, BookmarkList } from '../../../shared/bookmarks.ts';
import { getBridge, onBridgeReopen } from '../../transport/bridge.ts';
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

/** Keeps the store current for these accounts (mount once: the room list does). */
export function useBookmarksSync(accounts: readonly string[]): void {
  const fetched = useRef(new Set<string>());
  useEffect(() => {
    const offChange = getBridge().on('bookmarks.changed', (list) => useBookmarks.getState().applyEvent(list));
    const offReopen = onBridgeReopen(() => {
      useBookmarks.getState().clear();
      for (const account of fetched.current) void fetchList(account);
    });
    return () => {
      offChange();
      offReopen();
    };
  }, []);
  const key = accounts.join(' ');
  useEffect(() => {
    const now = new Set(key === '' ? [] : key.split(' '));
    for (const account of now) if (!fetched.current.has(account)) void fetchList(account);
    fetched.current = now;
  }, [key]);
}
