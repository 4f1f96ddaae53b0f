// Events leave the engine in batches, about once per frame, with bursts coalesced: 5,000 presence stanzas
// become a few 'presence.changed' payloads keyed by contact, not 5,000 IPC messages. Large lists (a 10,000
// contact roster, a presence storm) are split across consecutive batches, at most MAX_ITEMS[event] items
// each, so no single message takes the UI much more than a frame to parse and apply.
import type {
  ContactPresence,
  Contact,
  EngineEvent,
  EventName,
  EventPayload,
} from '../../shared/contract.ts';
import type { Occupant, Room } from '../../shared/muc.ts';
import type { BlocklistChange } from '../../shared/blocking.ts';

/**
 * Items of a list event in one batch; the rest follows one interval later. A contact costs the UI more
 * than a presence (it is sorted by name), so a roster goes in smaller parts.
 */
export const MAX_ITEMS = {
  'roster.changed': 1000,
  'presence.changed': 2000,
  'muc.occupants': 2000,
} as const;

/** xmpp: links announced in one batch: a program opening thousands keeps only the latest few. */
export const MAX_URIS_PER_BATCH = 10;

/**
 * Events that merge per room as well as per account: each room's occupants are their own list (the field is
 * put back on the payload like `account`).
 */
const ROOM_SCOPED: ReadonlySet<EventName> = new Set(['muc.occupants']);

/** Collects one event type between flushes and yields merged payloads. */
interface Accumulator<E extends EventName> {
  add(payload: EventPayload<E>): void;
  /** The next payload (its `account`, if any, is put back by the batcher): everything pending, or at most
   * `limit` items for the types that split. */
  take(limit: number): Omit<EventPayload<E>, 'account'>;
  /** Something is still pending after take(). */
  more(): boolean;
}

type Accumulators = { [E in EventName]: () => Accumulator<E> };

function latest<E extends EventName>(): Accumulator<E> {
  let value: EventPayload<E> | undefined;
  let pending = false;
  return {
    add: (payload) => {
      value = payload;
      pending = true;
    },
    take: () => {
      pending = false;
      return value as EventPayload<E>;
    },
    more: () => pending,
  };
}

/** The items of every payload in order; past `keepLast`, the oldest are dropped (a flood of links). */
function concat<E extends EventName, K extends keyof EventPayload<E>>(
  key: K,
  keepLast = Infinity,
): Accumulator<E> {
  let items: unknown[] = [];
  return {
    add: (payload) => {
      for (const item of payload[key] as unknown[]) items.push(item);
      if (items.length > keepLast) items = items.slice(-keepLast);
    },
    take: () => {
      const taken = items;
      items = [];
      return { [key]: taken } as unknown as EventPayload<E>;
    },
    more: () => items.length > 0,
  };
}

/** Removes and returns the first `limit` values of a map (its oldest entries). */
function takeFirst<K, V>(map: Map<K, V>, limit: number): V[] {
  const taken: V[] = [];
  for (const [key, value] of map) {
    if (taken.length >= limit) break;
    taken.push(value);
    map.delete(key);
  }
  return taken;
}

const accumulators: Accumulators = {
  'connection.state': latest,
  'accounts.changed': latest,
  'presence.own': latest,
  'window.layout': latest,
  'subscription.requests': latest,
  'chat.requests': latest,
  'subscription.notice': () => concat<'subscription.notice', 'notices'>('notices'),
  'chat.messages': () => concat<'chat.messages', 'messages'>('messages'),
  'chat.failed': () => concat<'chat.failed', 'failures'>('failures'),
  'chat.states': () => concat<'chat.states', 'updates'>('updates'),
  'presence.changed': () => {
    const byJid = new Map<string, ContactPresence>();
    return {
      add: ({ contacts }) => {
        for (const contact of contacts) {
          byJid.delete(contact.jid); // re-insert: keep the order of last change
          byJid.set(contact.jid, contact);
        }
      },
      take: (limit) => ({ contacts: takeFirst(byJid, limit) }),
      more: () => byJid.size > 0,
    };
  },
  'muc.rooms': () => {
    const byRoom = new Map<string, Room>();
    return {
      add: ({ rooms }) => {
        for (const room of rooms) {
          byRoom.delete(room.room);
          byRoom.set(room.room, room);
        }
      },
      take: () => ({ rooms: takeFirst(byRoom, Infinity) }),
      more: () => byRoom.size > 0,
    };
  },
  // Like the roster, by nick; one room per accumulator (the room is put back as the account is).
  'muc.occupants': () => {
    const list = resetList((occupant: Occupant) => occupant.nick);
    return { add: list.add, take: (limit) => ({ room: '', ...list.take(limit) }), more: list.more };
  },
  'blocking.changed': blocklistChanges,
  'bookmarks.changed': latest,
  'roster.changed': () => resetList((contact: Contact) => contact.jid),
  'invitations.changed': latest,
  'prefs.changed': latest,
  'uri.opened': () => concat<'uri.opened', 'uris'>('uris', MAX_URIS_PER_BATCH),
  'shell.activate': latest,
  'shell.menu': latest,
  'invitations.declined': () => concat<'invitations.declined', 'declines'>('declines'),
  'invitations.refused': () => concat<'invitations.refused', 'refusals'>('refusals'),
};

/**
 * A list sent as a reset (the whole list) or changes: after a reset, upserts and removals by key; the latest
 * upsert per key wins; a removal after a reset needs no mention (the list is complete). Split at `limit`
 * items: only the first part of a split reset replaces the list, the parts after it add to it; a reset to an
 * empty list still goes out once.
 */
function resetList<T>(keyOf: (item: T) => string): {
  add(payload: { reset: boolean; upserts: readonly T[]; removed: readonly string[] }): void;
  take(limit: number): { reset: boolean; upserts: T[]; removed: string[] };
  more(): boolean;
} {
  let reset = false;
  const upserts = new Map<string, T>();
  const removed = new Set<string>();
  return {
    add: (payload) => {
      if (payload.reset) {
        reset = true;
        upserts.clear();
        removed.clear();
      }
      for (const item of payload.upserts) {
        const key = keyOf(item);
        removed.delete(key);
        upserts.delete(key);
        upserts.set(key, item);
      }
      for (const key of payload.removed) {
        upserts.delete(key);
        if (!reset) removed.add(key);
      }
    },
    take: (limit) => {
      const upsertsNow = takeFirst(upserts, limit);
      const removedNow = [...removed].slice(0, Math.max(0, limit - upsertsNow.length));
      for (const key of removedNow) removed.delete(key);
      const resetNow = reset;
      reset = false;
      return { reset: resetNow, upserts: upsertsNow, removed: removedNow };
    },
    more: () => reset || upserts.size > 0 || removed.size > 0,
  };
}

/**
 * A blocklist's changes: a reset replaces the list, then the latest of block/unblock per address wins; the
 * newest version, status and count go out. Never split (the list is bounded by MAX_BLOCKED).
 */
function blocklistChanges(): Accumulator<'blocking.changed'> {
  let latest: BlocklistChange | null = null;
  let reset = false;
  const blocked = new Map<string, boolean>();
  return {
    add: (payload) => {
      latest = payload;
      if (payload.reset) {
        reset = true;
        blocked.clear();
      }
      for (const jid of payload.blocked) {
        blocked.delete(jid);
        blocked.set(jid, true);
      }
      // After a reset the list is complete: an address not in it needs no mention.
      for (const jid of payload.unblocked) {
        if (reset) blocked.delete(jid);
        else blocked.set(jid, false);
      }
    },
    take: () => {
      const { version, status, more } = latest!;
      const entries = [...blocked];
      const payload = {
        version,
        status,
        more,
        reset,
        blocked: entries.filter(([, isBlocked]) => isBlocked).map(([jid]) => jid),
        unblocked: entries.filter(([, isBlocked]) => !isBlocked).map(([jid]) => jid),
      };
      latest = null;
      reset = false;
      blocked.clear();
      return payload;
    },
    more: () => latest !== null,
  };
}

export type BatchListener = (batch: EngineEvent[]) => void;

/** What one accumulator collects: one event type, of one account for the account-scoped ones. */
interface Pending {
  event: EventName;
  account: string | undefined;
  /** For ROOM_SCOPED events: the room the payloads are about. */
  room: string | undefined;
  accumulator: Accumulator<EventName>;
}

export class EventBatcher {
  readonly #listeners = new Set<BatchListener>();
  readonly #intervalMs: number;
  /** By event name, plus the account for events that name one: each account's events merge on their own. */
  #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;

  constructor(intervalMs = 16) {
    this.#intervalMs = intervalMs;
  }

  subscribe(listener: BatchListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const account = (payload as { account?: unknown }).account;
    const scope = typeof account === 'string' ? account : undefined;
    const room = ROOM_SCOPED.has(event) ? String((payload as { room?: unknown }).room) : undefined;
    let key = scope === undefined ? event : `${event} ${scope}`;
    if (room !== undefined) key += ` ${room}`;
    let pending = this.#pending.get(key);
    if (!pending) {
      const accumulator = (accumulators[event] as () => Accumulator<E>)();
      pending = {
        event,
        account: scope,
        room,
        accumulator: accumulator as unknown as Accumulator<EventName>,
      };
      this.#pending.set(key, pending);
    }
    pending.accumulator.add(payload as EventPayload<EventName>);
    this.#timer ??= setTimeout(() => this.#tick(), this.#intervalMs);
  }

  /** Delivers everything pending now (a large list as several consecutive batches). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    while (this.#pending.size > 0) this.#deliver();
  }

  /**
   * Delivers one batch now instead of at the next tick; what a split list leaves over keeps its pace (one
   * part per interval), so a page gets the first part of a large roster at once and can paint it.
   */
  hurry(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#tick();
  }

  /** One batch per interval: what a split list leaves over waits for the next tick. */
  #tick(): void {
    this.#timer = null;
    this.#deliver();
    if (this.#pending.size > 0) this.#timer = setTimeout(() => this.#tick(), this.#intervalMs);
  }

  /** Delivers one batch, in the order each event type first appeared; the unfinished types stay pending. */
  #deliver(): void {
    if (this.#pending.size === 0) return;
    const batch: EngineEvent[] = [];
    for (const [key, { event, account, room, accumulator }] of this.#pending) {
      const limit = (MAX_ITEMS as Partial<Record<EventName, number>>)[event] ?? Infinity;
      let payload: object = accumulator.take(limit);
      if (account !== undefined) payload = { ...payload, account };
      if (room !== undefined) payload = { ...payload, room };
      batch.push({ event, payload } as EngineEvent);
      if (!accumulator.more()) this.#pending.delete(key);
    }
    for (const listener of this.#listeners) {
      try {
        listener(batch);
      } catch (error) {
        console.error('event listener failed', error);
      }
    }
  }
}
