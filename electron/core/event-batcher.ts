// Events leave the engine in batches, about once per frame, with bursts coalesced: 5,000 presence stanzas
// become a few 'presence.changed' payloads keyed by contact, not 5,000 IPC messages.
import type {
  ContactPresence,
  Contact,
  EngineEvent,
  EventName,
  EventPayload,
} from '../../shared/contract.ts';

/** Collects one event type between flushes and yields a single merged payload. */
interface Accumulator<E extends EventName> {
  add(payload: EventPayload<E>): void;
  take(): EventPayload<E>;
}

type Accumulators = { [E in EventName]: () => Accumulator<E> };

function latest<E extends EventName>(): Accumulator<E> {
  let value: EventPayload<E> | undefined;
  return {
    add: (payload) => (value = payload),
    take: () => value as EventPayload<E>,
  };
}

function concat<E extends EventName, K extends keyof EventPayload<E>>(key: K): Accumulator<E> {
  const items: unknown[] = [];
  return {
    add: (payload) => {
      for (const item of payload[key] as unknown[]) items.push(item);
    },
    take: () => ({ [key]: items }) as unknown as EventPayload<E>,
  };
}

const accumulators: Accumulators = {
  'connection.state': latest,
  'presence.own': latest,
  'window.layout': latest,
  'subscription.requests': latest,
  'subscription.notice': () => concat<'subscription.notice', 'notices'>('notices'),
  'chat.messages': () => concat<'chat.messages', 'messages'>('messages'),
  'chat.failed': () => concat<'chat.failed', 'failures'>('failures'),
  'presence.changed': () => {
    const byJid = new Map<string, ContactPresence>();
    return {
      add: ({ contacts }) => {
        for (const contact of contacts) {
          byJid.delete(contact.jid); // re-insert: keep the order of last change
          byJid.set(contact.jid, contact);
        }
      },
      take: () => ({ contacts: [...byJid.values()] }),
    };
  },
  'roster.changed': () => {
    let reset = false;
    const upserts = new Map<string, Contact>();
    const removed = new Set<string>();
    return {
      add: (payload) => {
        if (payload.reset) {
          reset = true;
          upserts.clear();
          removed.clear();
        }
        for (const contact of payload.upserts) {
          removed.delete(contact.jid);
          upserts.set(contact.jid, contact);
        }
        for (const jid of payload.removed) {
          upserts.delete(jid);
          // After a reset the list is complete: a removal of something not in it needs no mention.
          if (!reset) removed.add(jid);
        }
      },
      take: () => ({ reset, upserts: [...upserts.values()], removed: [...removed] }),
    };
  },
};

export type BatchListener = (batch: EngineEvent[]) => void;

export class EventBatcher {
  readonly #listeners = new Set<BatchListener>();
  readonly #intervalMs: number;
  #pending = new Map<EventName, Accumulator<EventName>>();
  #timer: NodeJS.Timeout | null = null;

  constructor(intervalMs = 16) {
    this.#intervalMs = intervalMs;
  }

  subscribe(listener: BatchListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    let accumulator = this.#pending.get(event) as Accumulator<E> | undefined;
    if (!accumulator) {
      accumulator = (accumulators[event] as () => Accumulator<E>)();
      this.#pending.set(event, accumulator as unknown as Accumulator<EventName>);
    }
    accumulator.add(payload);
    this.#timer ??= setTimeout(() => this.flush(), this.#intervalMs);
  }

  /** Delivers everything pending now, in the order each event type first appeared. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending].map(
      ([event, accumulator]) => ({ event, payload: accumulator.take() }) as EngineEvent,
    );
    this.#pending = new Map();
    for (const listener of this.#listeners) {
      try {
        listener(batch);
      } catch (error) {
        console.error('event listener failed', error);
      }
    }
  }
}
