// The one object a renderer sees (window.parley), and the wire format both transports carry it over:
// Electron IPC in the desktop app, a loopback WebSocket in browser mode. Same contract either way.
import type {
  CommandName,
  CommandRequest,
  CommandResult,
  EngineEvent,
  EventName,
  EventPayload,
} from './contract.ts';

export interface ParleyBridge {
  invoke<C extends CommandName>(command: C, payload: CommandRequest<C>): Promise<CommandResult<C>>;
  /** Subscribes to one event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
}

/** Electron IPC channels (preload <-> main). */
export const IPC_INVOKE_CHANNEL = 'parley:invoke';
export const IPC_EVENTS_CHANNEL = 'parley:events';

/**
 * Browser mode: the first frame a page sends on a new socket, carrying the host's token (never in the URL,
 * where request lines, logs and proxies would keep it). Nothing else is read before it.
 */
export interface WireHello {
  type: 'hello';
  token: string;
}

/**
 * Browser mode: a page asks for a token for a window it is about to open (a pop-out chat): each window has its
 * own, held by one page at a time. Answered with a WireMessage of type 'window' (token null: too many windows).
 */
export interface WireWindowRequest {
  type: 'window';
  id: number;
  /** The chat the new window shows: while it is open, every window hears it in 'window.layout'. */
  chat?: { account: string; peer: string };
  /**
   * Instead of a new window: the window sending it closes for good (Dock), so its chat leaves the layout at
   * once rather than after the grace a reload gets. Answered with token null.
   */
  closing?: true;
}

/**
 * Browser mode: why the host refused a page (its socket closes with 1008 and this reason): a token it does
 * not know (none in the address, or one from an earlier start), or one another page holds (the printed
 * address opened in a second tab).
 */
export const REFUSED_UNKNOWN_TOKEN = 'not allowed';
export const REFUSED_IN_USE = 'window already open';
export type BridgeRefusal = 'no-token' | 'unknown-token' | 'in-use';

/** Browser mode: what the page sends over the WebSocket. */
export interface WireInvoke {
  type: 'invoke';
  id: number;
  command: string;
  payload: unknown;
}

/** Browser mode: what the host sends back. Events arrive in the engine's batches. */
export type WireMessage =
  | { type: 'result'; id: number; result: CommandResult<CommandName> }
  | { type: 'events'; batch: EngineEvent[] }
  | { type: 'window'; id: number; token: string | null };

/** Routes a batch to per-event handlers: shared by both transports' renderer side. */
export class EventRouter {
  readonly #handlers = new Map<EventName, Set<(payload: never) => void>>();

  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  dispatch(batch: readonly EngineEvent[]): void {
    for (const { event, payload } of batch) {
      for (const handler of this.#handlers.get(event) ?? []) {
        try {
          (handler as (payload: unknown) => void)(payload);
        } catch (error) {
          console.error(`handler for ${event} failed`, error);
        }
      }
    }
  }
}
