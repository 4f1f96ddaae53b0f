// Keeps a per-account list store (the blocklist, the bookmarks) current while the page shows it: the
// event's changes as they come, and each account's whole list when it gets a session here (and again for
// all after a browser-mode socket came back: changes may have been lost meanwhile).
import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../shared/contract.ts';
import { getBridge, onBridgeReopen } from '../transport/bridge.ts';

export interface AccountListSource<E extends EventName> {
  event: E;
  /** Applies one event to the store. */
  apply(payload: EventPayload<E>): void;
  /** Empties the store (the socket came back: every list is asked for again). */
  clear(): void;
  /** Asks the engine for one account's whole list and puts it in the store. */
  fetch(account: string): Promise<void>;
}

export function useAccountListSync<E extends EventName>(
  accounts: readonly string[],
  source: AccountListSource<E>,
): void {
  const fetched = useRef(new Set<string>());
  const { event, apply, clear, fetch } = source;
  useEffect(() => {
    const offChange = getBridge().on(event, apply);
    const offReopen = onBridgeReopen(() => {
      clear();
      for (const account of fetched.current) void fetch(account);
    });
    return () => {
      offChange();
      offReopen();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the source is a module constant
  }, []);
  const key = accounts.join(' ');
  useEffect(() => {
    const now = new Set(key === '' ? [] : key.split(' '));
    for (const account of now) if (!fetched.current.has(account)) void fetch(account);
    fetched.current = now;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the source is a module constant
  }, [key]);
}
