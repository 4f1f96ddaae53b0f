// Browser mode: the contract over a WebSocket to the loopback host (ws(s)://HOST/bridge). The first frame
// on every socket is a hello with this window's token (never in the URL). Commands are WireInvoke frames
// answered by WireMessage results; events arrive in the engine's batches; a window about to open a pop-out
// asks for the new window's token (WireWindowRequest).
// If the socket drops (the host stays up), it reconnects with a growing delay; commands sent while it is
// down wait for the socket, and commands in flight when it dropped answer a typed error instead of hanging.
import { EventRouter } from '../../shared/bridge.ts';
import type {
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
  #socket: WebSocket | null = null;
  #nextId = 1;
  #delay = MIN_DELAY_MS;
  #openedOnce = false;
  #closed = false;

  constructor(url: string, token: string) {
    this.#url = url;
    this.#token = token;
    this.#connect();
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

  /** Called after the socket came back from a drop: events may have been missed, so re-read the state. */
  onReopen(handler: () => void): () => void {
    this.#reopenHandlers.add(handler);
    return () => this.#reopenHandlers.delete(handler);
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
    socket.addEventListener('close', () => {
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
      setTimeout(() => this.#connect(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, MAX_DELAY_MS);
    });
  }
}

export function bridgeUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}/bridge`;
}
