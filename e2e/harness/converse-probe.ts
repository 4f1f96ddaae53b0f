// The part of the Converse harness that runs inside the page (e2e/harness/converse.ts drives it): a Converse
// plugin, "parley-probe", that keeps Converse's own API and a bounded log of the stanzas Converse sent and
// received, and answers the harness's calls with plain data. Playwright sends initializeConverse's source
// text to the page, so it closes over nothing from this module.
export type WireDirection = 'in' | 'out';

/** A message as Converse holds it (its model's attributes that tests look at). */
export interface ConverseMessage {
  msgid: string;
  body: string | null;
  sender: 'me' | 'them';
  /** A XEP-0184 receipt came back for it (Converse then shows a check mark). */
  received: boolean;
  /** It was corrected (XEP-0308) since it first arrived or left. */
  edited: boolean;
}

export interface ConverseContact {
  subscription: string | null;
  /** 'subscribe' while our request waits. */
  ask: string | null;
  /** They asked for our presence and wait for an answer. */
  requesting: boolean;
  /** Their presence as Converse shows it: 'online', 'away', ..., 'offline'. */
  status: string;
}

/** The few parts of Converse's plugin API the probe uses. */
interface ConverseModel {
  get(key: string): unknown;
  save(attrs: Record<string, unknown>): unknown;
}
interface ConverseChat extends ConverseModel {
  messages: { models: ConverseModel[] };
  sendMessage(attrs: { body: string }): Promise<ConverseModel | undefined>;
}
interface ConverseContactModel extends ConverseModel {
  authorize(): unknown;
  subscribeToPresence(): unknown;
  getStatus(): string;
}
interface ConverseRoom extends ConverseModel {
  isEntered(): boolean;
  occupants: { length: number };
}
interface ConverseApi {
  rooms: { open(jid: string, attrs?: object, force?: boolean): Promise<ConverseRoom> };
  chats: {
    open(jid: string, attrs?: object, force?: boolean): Promise<ConverseChat | null>;
    get(jid: string, attrs?: object, create?: boolean): Promise<ConverseChat | null>;
  };
  contacts: {
    get(jid: string): Promise<ConverseContactModel | undefined>;
    add(attrs: { jid: string; nickname: string }, persist?: boolean, subscribe?: boolean): Promise<unknown>;
  };
  listen: { on(name: string, handler: () => void): void };
  connection: { get(): { xmlInput(el: Element): void; xmlOutput(el: Element): void } };
}
interface ConverseGlobal {
  plugins: {
    add(
      name: string,
      plugin: { initialize(this: { _converse: { api: ConverseApi; state: Record<string, unknown> } }): void },
    ): void;
  };
  initialize(settings: Record<string, unknown>): Promise<unknown>;
}

export interface ConverseProbe {
  connected: boolean;
  /** Why signing in failed (Strophe's status and Converse's words), once it has; null otherwise. */
  failure: string | null;
  openChat(peer: string): Promise<void>;
  send(peer: string, body: string): Promise<string>;
  correct(peer: string, msgid: string, body: string): Promise<void>;
  messages(peer: string): Promise<ConverseMessage[]>;
  contact(peer: string): Promise<ConverseContact | null>;
  addContact(peer: string, nickname: string): Promise<void>;
  acceptRequest(peer: string): Promise<void>;
  wireCount(direction: WireDirection, ns: string, localName: string, id: string | null): number;
  /**
   * Opens the room `room` as `nick` (api.rooms.open, as Converse's "Enter groupchat" does) and waits, frame by
   * frame, until Converse has entered it holding `occupants` occupants, then one frame more (painted). Times
   * in ms from the call; the longest main-thread task meanwhile (null without longtask support).
   */
  joinRoomTimed(room: string, nick: string, occupants: number, timeoutMs: number): Promise<ConverseRoomJoin>;
}

export interface ConverseRoomJoin {
  /** Entered with all the occupants and painted; null if not within the time. */
  ms: number | null;
  enteredMs: number | null;
  occupants: number;
  longestTaskMs: number | null;
}

declare global {
  interface Window {
    converse?: ConverseGlobal;
    parleyProbe?: ConverseProbe;
  }
}

/** Registers the probe plugin (its name must be whitelisted) and starts Converse with `settings`. */
export function initializeConverse(input: {
  settings: Record<string, unknown>;
  wireLimit: number;
}): Promise<unknown> {
  const converse = window.converse!;
  converse.plugins.add('parley-probe', {
    initialize() {
      const { api, state } = this._converse;
      const wire: Array<{ direction: WireDirection; el: Element }> = [];
      const record = (direction: WireDirection, el: Element): void => {
        wire.push({ direction, el });
        if (wire.length > input.wireLimit) wire.shift();
      };
      api.listen.on('connectionInitialized', () => {
        const connection = api.connection.get();
        connection.xmlInput = (el) => record('in', el);
        connection.xmlOutput = (el) => record('out', el);
      });
      const chat = async (peer: string): Promise<ConverseChat> => {
        const found = await api.chats.get(peer, {}, true);
        if (!found) throw new Error(`Converse has no chat with ${peer}`);
        return found;
      };
      const probe: ConverseProbe = {
        connected: false,
        failure: null,
        async openChat(peer) {
          await api.chats.open(peer, {}, true);
        },
        async send(peer, body) {
          const sent = await (await chat(peer)).sendMessage({ body });
          if (!sent) throw new Error('Converse did not send the message');
          return String(sent.get('msgid'));
        },
        async correct(peer, msgid, body) {
          const c = await chat(peer);
          const message = c.messages.models.find((m) => m.get('msgid') === msgid);
          if (!message) throw new Error(`Converse has no message ${msgid}`);
          message.save({ correcting: true });
          await c.sendMessage({ body });
        },
        async messages(peer) {
          const c = await api.chats.get(peer);
          return (c?.messages.models ?? [])
            .filter((m) => m.get('type') === 'chat')
            .map((m) => ({
              msgid: String(m.get('msgid')),
              body: typeof m.get('body') === 'string' ? (m.get('body') as string) : null,
              sender: m.get('sender') === 'me' ? 'me' : 'them',
              received: Boolean(m.get('received')),
              edited: Boolean(m.get('edited')),
            }));
        },
        async contact(peer) {
          const c = await api.contacts.get(peer);
          if (!c) return null;
          const text = (key: string): string | null =>
            typeof c.get(key) === 'string' ? (c.get(key) as string) : null;
          return {
            subscription: text('subscription'),
            ask: text('ask'),
            requesting: c.get('requesting') === true,
            status: c.getStatus(),
          };
        },
        async addContact(peer, nickname) {
          await api.contacts.add({ jid: peer, nickname }, true, true);
        },
        async acceptRequest(peer) {
          const c = await api.contacts.get(peer);
          if (!c) throw new Error(`Converse has no contact ${peer}`);
          // What Converse does for a request when auto_subscribe is on: approve, then ask back.
          c.authorize();
          c.subscribeToPresence();
        },
        async joinRoomTimed(room, nick, occupants, timeoutMs) {
          const tasks: number[] = [];
          let observer: PerformanceObserver | null = null;
          try {
            observer = new PerformanceObserver((list) => {
              for (const e of list.getEntries()) tasks.push(e.duration);
            });
            observer.observe({ type: 'longtask' });
          } catch {
            observer = null;
          }
          const start = performance.now();
          const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
          const muc = await api.rooms.open(room, { nick }, true);
          let enteredMs: number | null = null;
          let ms: number | null = null;
          while (performance.now() - start < timeoutMs) {
            await frame();
            if (enteredMs === null && muc.isEntered()) enteredMs = performance.now() - start;
            if (enteredMs !== null && muc.occupants.length >= occupants) {
              await frame();
              ms = performance.now() - start;
              break;
            }
          }
          observer?.disconnect();
          return {
            ms,
            enteredMs,
            occupants: muc.occupants.length,
            longestTaskMs: observer ? Math.max(0, ...tasks) : null,
          };
        },
        wireCount(direction, ns, localName, id) {
          return wire.filter(
            (w) =>
              w.direction === direction &&
              // Strophe-built elements carry xmlns as a plain attribute; parsed ones as their namespace.
              Array.from(w.el.getElementsByTagName(localName)).some(
                (child) =>
                  (child.namespaceURI === ns || child.getAttribute('xmlns') === ns) &&
                  (id === null || child.getAttribute('id') === id),
              ),
          ).length;
        },
      };
      api.listen.on('connected', () => {
        probe.connected = true;
      });
      // Strophe.Status: ERROR 0, CONNFAIL 2, AUTHFAIL 4, DISCONNECTED 6, CONNTIMEOUT 10 end a sign-in.
      const ending: Record<number, string> = {
        0: 'ERROR',
        2: 'CONNFAIL',
        4: 'AUTHFAIL',
        6: 'DISCONNECTED',
        10: 'CONNTIMEOUT',
      };
      api.listen.on('connfeedback', () => {
        const feedback = state.connfeedback as ConverseModel | undefined;
        const name = ending[Number(feedback?.get('connection_status'))];
        if (name && !probe.connected && probe.failure === null) {
          probe.failure = `${name}: ${String(feedback?.get('message') ?? '')}`;
        }
      });
      window.parleyProbe = probe;
    },
  });
  return converse.initialize({ ...input.settings, whitelisted_plugins: ['parley-probe'] });
}
