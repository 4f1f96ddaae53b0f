// Browser mode: the contract over a WebSocket to the loopback host (ws(s)://HOST/bridge). The first frame
// on every socket is a hello with this window's token (never in the URL). Commands are WireInvoke frames
// answered by WireMessage results; events arrive in the engine's batches; a window about to open a pop-out
// asks for the new window's token (WireWindowRequest).
// If the socket drops (the host stays up), it reconnects with a growing delay; commands sent while it is
// down wait for the socket, and commands in flight when it dropped answer a typed error instead of hanging.
// A page the host refuses does not knock for ever: without a token it never connects, with a token the host
// does not know it stops at once, and with one another tab holds it stops after a few tries (a reload's old
// page may still be leaving); onRefused hears why, so the page can say what to do.
import { EventRouter, REFUSED_IN_USE, REFUSED_UNKNOWN_TOKEN } from '../../shared/bridge.ts';
import type {
  BridgeRefusal,
  ParleyBridge,
  WireHello,
  WireInvoke,
  WireMessage,
  WireWindowRequest,
} from '../../shared/bridge.ts';
import type {
  CommandName,
  CommandRequest,
  CommandResult,
  EventName,
  EventPayload,
} from '../../shared/contract.ts';

type AnyResult = CommandResult<CommandName>;

const MIN_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;
/** Tries while another page holds this window's token (250 ms, then doubling: about 4 s in all). */
const IN_USE_TRIES = 5;

function transportError(message: string): AnyResult {
  return { ok: false, error: { code: 'internal', message, condition: null, certificate: null } };
}

export class WebSocketBridge implements ParleyBridge {
  readonly #url: string;
  readonly #token: string;
  readonly #router = new EventRouter();
  readonly #pending = new Map<number, (result: AnyResult) => void>();
  readonly #windowTokens = new Map<number, (token: string | null) => void>();
  /** Frames waiting for the socket to open. */
  readonly #queue: Array<{ id: number; text: string }> = [];
  readonly #reopenHandlers = new Set<() => void>();
  readonly #refusedHandlers = new Set<(refusal: BridgeRefusal) => void>();
  #refusal: BridgeRefusal | null = null;
  #inUseTries = 0;
  #socket: WebSocket | null = null;
  #nextId = 1;
  #delay = MIN_DELAY_MS;
  #openedOnce = false;
  #closed = false;

  constructor(url: string, token: string) {
    this.#url = url;
    this.#token = token;
    if (token === '') this.#refusal = 'no-token';
    else this.#connect();
  }

  invoke<C extends CommandName>(command: C, payload: CommandRequest<C>): Promise<CommandResult<C>> {
    const id = this.#nextId++;
    const frame: WireInvoke = { type: 'invoke', id, command, payload };
    return new Promise<CommandResult<C>>((resolve) => {
      this.#pending.set(id, resolve as (result: AnyResult) => void);
      const text = JSON.stringify(frame);
      if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(text);
      else this.#queue.push({ id, text });
    });
  }

  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    return this.#router.on(event, handler);
  }

  /**
   * A token for a window this page is about to open, showing `chat` (a pop-out), or null (too many windows,
   * or the host is away).
   */
  windowToken(chat?: WireWindowRequest['chat']): Promise<string | null> {
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return Promise.resolve(null);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#windowTokens.set(id, resolve);
      socket.send(JSON.stringify({ type: 'window', id, chat } satisfies WireWindowRequest));
    });
  }

  /** This window closes for good (a docked pop-out): the host takes its chat out of the layout at once. */
  windowClosing(): Promise<void> {
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return Promise.resolve();
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#windowTokens.set(id, () => resolve());
      socket.send(JSON.stringify({ type: 'window', id, closing: true } satisfies WireWindowRequest));
    });
  }

  /** Called after the socket came back from a drop: events may have been missed, so re-read the state. */
  onReopen(handler: () => void): () => void {
    this.#reopenHandlers.add(handler);
    return () => this.#reopenHandlers.delete(handler);
  }

  /** Why the host refused this page, once it has (at once for one already refused). */
  onRefused(handler: (refusal: BridgeRefusal) => void): () => void {
    this.#refusedHandlers.add(handler);
    if (this.#refusal !== null) handler(this.#refusal);
    return () => this.#refusedHandlers.delete(handler);
  }

  #refuse(refusal: BridgeRefusal): void {
    this.#refusal = refusal;
    this.#closed = true;
    for (const handler of this.#refusedHandlers) handler(refusal);
  }

  close(): void {
    this.#closed = true;
    this.#socket?.close();
  }

  #connect(): void {
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      this.#delay = MIN_DELAY_MS;
      socket.send(JSON.stringify({ type: 'hello', token: this.#token } satisfies WireHello));
      for (const { text } of this.#queue.splice(0)) socket.send(text);
      if (this.#openedOnce) {
        for (const handler of this.#reopenHandlers) handler();
      }
      this.#openedOnce = true;
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let message: WireMessage;
      try {
        message = JSON.parse(event.data) as WireMessage;
      } catch {
        console.error('bridge: a frame that is not JSON');
        return;
      }
      if (message.type === 'result') {
        const resolve = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        resolve?.(message.result);
      } else if (message.type === 'window') {
        const resolve = this.#windowTokens.get(message.id);
        this.#windowTokens.delete(message.id);
        resolve?.(typeof message.token === 'string' ? message.token : null);
      } else if (message.type === 'events' && Array.isArray(message.batch)) {
        this.#router.dispatch(message.batch);
      }
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      // Commands already sent will never be answered on a new socket.
      for (const resolve of this.#windowTokens.values()) resolve(null);
      this.#windowTokens.clear();
      for (const [id, resolve] of this.#pending) {
        if (!this.#queue.some((queued) => queued.id === id)) {
          this.#pending.delete(id);
          resolve(transportError('The connection to the Parley host was lost. Try again.'));
        }
      }
      if (this.#closed) return;
      if (event.code === 1008 && event.reason === REFUSED_UNKNOWN_TOKEN) return this.#refuse('unknown-token');
      if (event.code === 1008 && event.reason === REFUSED_IN_USE) {
        if (++this.#inUseTries >= IN_USE_TRIES) return this.#refuse('in-use');
      } else {
        this.#inUseTries = 0;
      }
      setTimeout(() => this.#connect(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, MAX_DELAY_MS);
    });
  }
}

export function bridgeUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}/bridge`;
}
