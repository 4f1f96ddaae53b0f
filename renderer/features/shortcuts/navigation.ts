// Moving between chats from the keyboard: the next or previous tab (wrapping), and the next or previous
// chat with unread messages, in tab order first, then in the order the roster lists the rest.

/** The tab after (`step` 1) or before (-1) the active one, wrapping; null with no other tab to go to. */
export function neighbourTab(tabs: readonly string[], active: string | null, step: 1 | -1): string | null {
  if (tabs.length === 0) return null;
  const at = active === null ? -1 : tabs.indexOf(active);
  if (at < 0) return step === 1 ? tabs[0]! : tabs.at(-1)!;
  if (tabs.length === 1) return null;
  return tabs[(at + step + tabs.length) % tabs.length]!;
}

/**
 * The walk Alt+Up/Down follows: the open tabs as they stand (unread or not, so the active chat has a place),
 * then the other chats with unread messages by where the roster lists them (`rosterRank`: lower first; those
 * it does not list last, by id).
 */
export function unreadWalk(
  tabs: readonly string[],
  unread: ReadonlyMap<string, number>,
  rosterRank: (id: string) => number | undefined,
): string[] {
  const inTabs = new Set(tabs);
  const rest: { id: string; rank: number }[] = [];
  for (const [id, count] of unread) {
    if (count > 0 && !inTabs.has(id)) rest.push({ id, rank: rosterRank(id) ?? Number.POSITIVE_INFINITY });
  }
  rest.sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [...tabs, ...rest.map((r) => r.id)];
}

/**
 * The unread chat to go to from `active`: the next (`step` 1) or previous (-1) one in the walk that has
 * unread messages, wrapping, never the active chat itself; from outside the walk, the first (or last).
 */
export function neighbourUnread(
  walk: readonly string[],
  unreadIds: ReadonlySet<string>,
  active: string | null,
  step: 1 | -1,
): string | null {
  const n = walk.length;
  if (n === 0) return null;
  const at = active === null ? -1 : walk.indexOf(active);
  const start = at < 0 ? (step === 1 ? -1 : n) : at;
  for (let i = 1; i <= n; i++) {
    const id = walk[(((start + step * i) % n) + n) % n]!;
    if (id !== active && unreadIds.has(id)) return id;
  }
  return null;
}
