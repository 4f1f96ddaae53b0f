// Per-account values in the stores (requests, message requests, their counts): a copy of the map with one
// account's value set, or removed when it is null; the same map when nothing changes, so selectors that read
// it do not re-render.
export function withAccount<V>(
  map: ReadonlyMap<string, V>,
  account: string,
  value: V | null,
): ReadonlyMap<string, V> {
  if (value === null ? !map.has(account) : map.get(account) === value) return map;
  const next = new Map(map);
  if (value === null) next.delete(account);
  else next.set(account, value);
  return next;
}

/** Only these accounts' values (a snapshot lists every account the engine knows). */
export function retainAccounts<V>(
  map: ReadonlyMap<string, V>,
  accounts: ReadonlySet<string>,
): ReadonlyMap<string, V> {
  return new Map([...map].filter(([account]) => accounts.has(account)));
}
