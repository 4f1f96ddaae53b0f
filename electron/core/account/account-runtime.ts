// One signed-in account: its sessions (one at a time) and reconnect loop, stream management, the IQ tracker of
// the session up now, the live messages held while the archive catch-up runs, and its module instances. The
// engine holds one runtime per account; nothing here knows of any other account.
//
// The user choosing Offline pauses it (goOffline): no session and no reconnecting, but the runtime, its
// modules' state and the password stay, so any other presence (goOnline) opens a fresh session.
//
// The catch-up belongs to the account, not to a socket: when a link drops while it runs, the held messages
// stay held and the catch-up runs again on the next session, resumed (XEP-0198) or fresh, from the resume
// point the history holds, which only pages actually stored have moved. Live messages are handled only after
// it, so they can never move that point past a stretch of archive not yet fetched.
import { EventEmitter } from 'node:events';
import { xml, type Element } from '@xmpp/xml';
import type {
  ConnectionState,
  EngineCommandName,
  ProxySettings,
  SignInRequest,
} from '../../../shared/contract.ts';
import { parseJid } from '../../../shared/jid.ts';
import { OFFLINE } from '../../../shared/connection.ts';
import { EngineError, toEngineError } from '../errors.ts';
import { isWorthRetrying } from './retry-policy.ts';
import { XmppSession } from '../xmpp/session.ts';
import { StreamManagement } from '../xmpp/stream-management.ts';
import { IqTracker } from '../xmpp/iq-tracker.ts';
import { Dispatcher } from '../xmpp/dispatcher.ts';
import { isArchiveResult, parseEnvelope, type MessageEnvelope } from '../xmpp/envelope.ts';
import type { DiagnosticLog } from '../diagnostics/diagnostics-log.ts';
import { IqErrorWatch, stateFields } from '../diagnostics/diagnostic-fields.ts';
import type {
  AccountContext,
  AccountEvents,
  CommandHandler,
  ModuleKind,
  ProtocolModule,
  SessionLink,
} from './module.ts';

/** Live messages held during a catch-up, at most; a flood past this is dropped (the archive has it). */
const MAX_HELD = 20_000;

export { OFFLINE };

export interface RuntimeOptions {
  resource: string;
  extraCertificates: readonly string[];
  dnsServers?: readonly string[];
  hostMetaAt?: { host: string; port: number };
  timeoutMs?: number;
  liveness?: { probeAfterMs: number; deadAfterMs: number };
  reconnectDelay: { initialMs: number; maxMs: number; stableMs: number };
  pinnedFingerprint256: string | null;
  /** The user allowed a plain-text password on this account's pinned link (settings-store.ts). */
  plainPasswordWhenPinned: boolean;
  events: AccountEvents;
  /** The context every module gets, less what the runtime itself provides. */
  context: Omit<
    AccountContext,
    | 'link'
    | 'online'
    | 'ready'
    | 'offlineByChoice'
    | 'goOffline'
    | 'goOnline'
    | 'rosterShown'
    | 'module'
    | 'modules'
    | 'archiveResults'
  >;
  modules: readonly ModuleKind[];
  /** The runtime gave up for good (a failure no retry can fix): the engine forgets it. */
  onEnded: (error: EngineError | null) => void;
  /** The diagnostics log (diagnostics-log.ts): connection events only, never stanzas or passwords. */
  log?: DiagnosticLog;
}

type SignInParams = Pick<
  SignInRequest,
  'host' | 'port' | 'directTls' | 'allowInsecure' | 'transport' | 'websocketUrl'
> & { proxy?: ProxySettings | null };

export class AccountRuntime {
  readonly account: string;
  readonly modules: readonly ProtocolModule[];
  readonly #options: RuntimeOptions;
  readonly #password: string;
  #params: SignInParams;
  /** Aborted by signOut(): a sign-in still under way (a proxy's tunnel) gives up at once. */
  readonly #signedOut = new AbortController();
  readonly #sm = new StreamManagement((stanzas) => this.#onAcked(stanzas));
  readonly #byId = new Map<string, ProtocolModule>();
  readonly #commands = new Map<string, CommandHandler<EngineCommandName>>();
  readonly #dispatcher: Dispatcher;
  readonly #iqErrors: IqErrorWatch;
  /** Archive results of every session of this account: the catch-up's source, whichever socket they came on. */
  readonly #archive = new EventEmitter<{ stanza: [Element] }>();
  #session: XmppSession | null = null;
  #link: SessionLink | null = null;
  #state: ConnectionState = { ...OFFLINE, status: 'connecting' };
  /** Messages waiting for the catch-up; null when caught up (a fresh session sets it again). */
  #held: MessageEnvelope[] | null = [];
  #ready = false;
  #attempt = 0;
  /** When the session up now (or the last one) opened: the backoff starts over only after a stable one. */
  #openedAt = 0;
  #timer: NodeJS.Timeout | null = null;
  #ended = false;
  /** The user chose Offline: no session and no reconnecting until they choose a presence again. */
  #paused = false;

  constructor(account: string, password: string, params: SignInParams, options: RuntimeOptions) {
    this.account = account;
    this.#password = password;
    this.#params = params;
    this.#options = options;
    this.#iqErrors = new IqErrorWatch(options.log);
    const context: AccountContext = {
      ...options.context,
      archiveResults: this.#archive,
      link: () => this.#link,
      online: () => {
        if (this.#link?.isOpen) return this.#link;
        throw new EngineError(
          'not-connected',
          this.#paused
            ? `${account} is offline: choose a presence to go online first.`
            : 'You are offline. Sign in first.',
        );
      },
      ready: () => this.#ready,
      modules: () => this.modules,
      offlineByChoice: () => this.#paused,
      goOffline: () => this.goOffline(),
      goOnline: () => this.goOnline(),
      rosterShown: () => {
        if (this.#state.rosterShown || this.#state.status === 'offline') return;
        this.#setState({ ...this.#state, rosterShown: true });
      },
      module: (id) => this.module(id),
    };
    this.modules = options.modules.map((definition) => {
      const module = definition.create(context);
      this.#byId.set(module.id, module);
      for (const [name, handler] of Object.entries(module.commands ?? {})) {
        this.#commands.set(name, handler as CommandHandler<EngineCommandName>);
      }
      return module;
    });
    this.#dispatcher = new Dispatcher(
      this.modules,
      (stanza) => void this.#link?.send(stanza).catch(() => {}),
    );
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** One of this account's modules, by id; throws when it is not registered (a wiring bug). */
  module<T extends ProtocolModule>(id: string): T {
    const found = this.#byId.get(id);
    if (!found) throw new Error(`No module "${id}" on this account`);
    return found as T;
  }

  /** Runs one of this account's contract commands (the engine has validated the request). */
  invoke(name: EngineCommandName, request: unknown): Promise<unknown> {
    const handler = this.#commands.get(name);
    if (!handler) throw new EngineError('not-supported', `${name} is not available on this account.`);
    return handler(request as never);
  }

  /** The first sign-in: resolves online, or throws why not (and the runtime is then finished). */
  async start(): Promise<ConnectionState> {
    this.#setState({ ...OFFLINE, status: 'connecting' });
    this.#showCached();
    try {
      return await this.#open();
    } catch (error) {
      this.#ended = true;
      this.#sm.reset();
      await this.#session?.close();
      const failure = toEngineError(error);
      this.#setState({ ...OFFLINE, error: failure.toPayload() });
      throw failure;
    }
  }

  /** A restart after the user chose Offline: what was cached is shown, and no session until goOnline(). */
  startOffline(): void {
    this.#paused = true;
    this.#setState({ ...OFFLINE, status: 'paused', rosterShown: true });
    this.#showCached();
  }

  #showCached(): void {
    for (const module of this.modules) {
      void Promise.resolve(module.beforeConnect?.()).catch((error: unknown) => {
        console.error(`${module.id}: showing the cached state failed`, error);
      });
    }
  }

  /** The proxy for the next connections (account.setProxy); the link up now keeps its own. */
  useProxy(proxy: ProxySettings | null): void {
    this.#params = { ...this.#params, proxy };
  }

  /** Signs out: unavailable presence, stream closed, every module told. */
  async signOut(): Promise<void> {
    this.#ended = true;
    this.#signedOut.abort(new EngineError('not-connected', 'Signed out while signing in.'));
    await this.#closeSession();
    this.#endSession();
    for (const module of this.modules) await module.dispose?.();
    this.#setState(OFFLINE);
  }

  /**
   * The user chose Offline: unavailable presence and the stream closed, but the account stays (its roster,
   * chats and the password in memory), and nothing reconnects until goOnline(). Modules keep their state, as
   * over a dropped link (no onSessionEnd): the next session is a fresh one that picks up from there.
   */
  async goOffline(): Promise<void> {
    if (this.#ended || this.#paused) return;
    this.#paused = true;
    await this.#closeSession();
    this.#setState({ ...OFFLINE, status: 'paused', rosterShown: true });
  }

  /**
   * Back online after goOffline(): a fresh session with the password held. A failure worth retrying leaves
   * it reconnecting (the user asked to be online); one no retry fixes ends the runtime and is thrown.
   */
  async goOnline(): Promise<void> {
    if (this.#ended || !this.#paused) return;
    this.#paused = false;
    this.#attempt = 0;
    this.#setState({ ...OFFLINE, status: 'connecting', rosterShown: true });
    try {
      await this.#open();
    } catch (error) {
      if (this.#ended || this.#paused) return; // signed out or offline again meanwhile
      const failure = toEngineError(error);
      if (!isWorthRetrying(failure)) {
        this.#end(failure);
        throw failure;
      }
      this.#setState({ ...OFFLINE, status: 'reconnecting', error: failure.toPayload(), rosterShown: true });
      this.#scheduleReconnect();
    }
  }

  /** Ends the session up now (if any) and any reconnect: unavailable presence first, then the stream. */
  async #closeSession(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    // No resumption of a stream closed on purpose: the next session is a fresh one (the outbox re-sends).
    this.#sm.reset();
    const session = this.#session;
    const link = this.#link;
    this.#session = null;
    this.#link = null;
    this.#ready = false;
    if (session) {
      // Unavailable presence first, so contacts see us leave even if the stream close is cut short.
      await session.send(xml('presence', { type: 'unavailable' })).catch(() => undefined);
      await session.close();
      link?.iq.failAll();
    }
  }

  /** The network came back or the machine woke: probe a link that looks up, retry a waiting reconnect now. */
  retryNow(probeMs: number): void {
    this.#session?.checkAlive(probeMs);
    if (!this.#session && this.#timer && !this.#ended && !this.#paused) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#attempt = 0;
      void this.#reconnect();
    }
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#options.log?.('connection.state', stateFields(state));
    this.#options.events.emit('connection.state', state);
  }

  /** Opens a session (first time or reconnecting) and starts every module on it. */
  async #open(): Promise<ConnectionState> {
    const asking: string[] = [];
    const session = await XmppSession.open({
      afterBind: async (features) => {
        asking.length = 0;
        const payloads: Element[] = [];
        for (const module of this.modules) {
          const payload = await module.beforeStreamManagement?.(features);
          if (payload) {
            asking.push(module.id);
            payloads.push(payload);
          }
        }
        return payloads;
      },
      jid: this.account,
      password: this.#password,
      resource: this.#options.resource,
      ...this.#params,
      signal: this.#signedOut.signal,
      dnsServers: this.#options.dnsServers,
      hostMetaAt: this.#options.hostMetaAt,
      timeoutMs: this.#options.timeoutMs,
      sm: this.#sm,
      liveness: this.#options.liveness,
      log: this.#options.log,
      trust: {
        servername: parseJid(this.account).domain,
        pinnedFingerprint256: this.#options.pinnedFingerprint256,
        plainPasswordWhenPinned: this.#options.plainPasswordWhenPinned,
        extraCertificates: this.#options.extraCertificates,
      },
    });
    if (this.#ended || this.#paused) {
      await session.close();
      throw new EngineError(
        'not-connected',
        this.#ended ? 'Signed out while signing in.' : 'Went offline while signing in.',
      );
    }
    const iq = new IqTracker((stanza) => session.send(this.#iqErrors.sent(stanza)), session.jid);
    const outgoing = this.modules.filter((m) => m.outgoing);
    const prepare = (stanza: Element): Element => {
      for (const module of outgoing) module.outgoing!(stanza);
      return stanza;
    };
    const link: SessionLink = {
      jid: session.jid,
      iq,
      features: session.features,
      streamManaged: session.streamManaged,
      resumed: session.resumed,
      get isOpen() {
        return session.isOpen;
      },
      unackedIds: () => this.#sm.unackedIds(),
      prefetched: (id) => {
        const at = asking.indexOf(id);
        return at < 0 ? null : (session.prefetched[at]?.reply ?? null);
      },
      send: (stanza) => session.send(prepare(stanza)),
      sendMany: (stanzas) => session.sendMany(stanzas.map(prepare)),
    };
    this.#session = session;
    this.#openedAt = Date.now();
    this.#link = link;
    this.#ready = false;
    // A fresh session may have missed messages: catch up again. A resumed one missed nothing, but a catch-up
    // the lost link cut short is still owed (the held messages wait for it).
    if (!session.resumed) this.#held ??= [];
    session.on('stanza', (stanza) => this.#receive(stanza, iq));
    session.on('closed', (error) => this.#onClosed(session, error));
    session.start();
    for (const module of this.modules) await module.onSessionStart?.(link);
    // What the lost session never got confirmed is still 'pending' in the outbox; it goes out from there,
    // after the catch-up has shown which of it the server did get.
    if (!session.resumed) this.#sm.takeOrphans();
    const state: ConnectionState = {
      status: 'online',
      jid: session.jid,
      error: null,
      security: session.secure ? 'tls' : 'insecure',
      mechanism: session.mechanism,
      rosterShown: true,
    };
    this.#setState(state);
    void this.#synchronise(link);
    return state;
  }

  /** Catch up (messages held meanwhile), then hand over the held messages, then the outbox. */
  async #synchronise(link: SessionLink): Promise<void> {
    if (this.#held) {
      try {
        for (const module of this.modules) await module.catchUp?.(link);
      } catch {
        // The link dropped: the catch-up is still owed, the next session runs it again.
        if (!link.isOpen || this.#link !== link) return;
        // No archive, or it failed: live messages and the outbox still go on; the next sign-in tries again.
      }
      if (this.#link !== link) return;
      const held = this.#held;
      this.#held = null;
      for (const envelope of held) this.#dispatcher.message(envelope);
    }
    if (this.#link !== link || !link.isOpen) return;
    const sending = this.modules.map((m) => m.onReady?.(link));
    // From now on chat.send writes directly; its stanzas queue behind the outbox's, keeping the order.
    this.#ready = true;
    await Promise.all(sending);
  }

  /** Every stanza from the network: parsed once, then routed. Hostile until a module has parsed it. */
  #receive(stanza: Element, iq: IqTracker): void {
    try {
      if (isArchiveResult(stanza)) {
        this.#archive.emit('stanza', stanza); // the catch-up or scroll-back in flight parses its own
        return;
      }
      const envelope = parseEnvelope(stanza, this.#options.context.accountJid);
      if (!envelope) return;
      switch (envelope.kind) {
        case 'message':
          if (this.#held) {
            if (this.#held.length < MAX_HELD) this.#held.push(envelope);
          } else this.#dispatcher.message(envelope);
          return;
        case 'presence':
          this.#dispatcher.presence(envelope);
          return;
        case 'iq':
          if (envelope.type === 'result' || envelope.type === 'error')
            iq.handleReply(this.#iqErrors.reply(stanza));
          else this.#dispatcher.iq(envelope);
          return;
      }
    } catch (error) {
      console.error('dropped a stanza that could not be handled', error);
    }
  }

  #endSession(): void {
    for (const module of this.modules) module.onSessionEnd?.();
  }

  #onClosed(session: XmppSession, error: EngineError | null): void {
    if (this.#session !== session) return; // our own sign-out already handled it
    const link = this.#link;
    this.#session = null;
    this.#link = null;
    this.#ready = false;
    link?.iq.failAll();
    if (error && !this.#ended && !this.#paused && isWorthRetrying(error)) {
      // A server that errors right after each sign-in must not get a try every second: only a session that
      // stayed up a while resets the backoff.
      if (Date.now() - this.#openedAt >= this.#options.reconnectDelay.stableMs) this.#attempt = 0;
      this.#setState({ ...OFFLINE, status: 'reconnecting', error: error.toPayload(), rosterShown: true });
      this.#scheduleReconnect();
      return;
    }
    this.#end(error);
  }

  /** Gives up: no retry can fix this (or the server closed the stream cleanly: error null). */
  #end(error: EngineError | null): void {
    this.#ended = true;
    this.#sm.reset();
    this.#endSession();
    void Promise.all(this.modules.map((m) => m.dispose?.())).catch(() => undefined);
    this.#setState({ ...OFFLINE, error: error?.toPayload() ?? null });
    this.#options.onEnded(error);
  }

  /** Exponential backoff with jitter: about 1 s, 2 s, 4 s ... up to 60 s between tries. */
  #scheduleReconnect(): void {
    if (this.#timer || this.#ended || this.#paused) return;
    const { initialMs, maxMs } = this.#options.reconnectDelay;
    const ceiling = Math.min(maxMs, initialMs * 2 ** this.#attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#attempt++;
    this.#options.log?.('reconnect.scheduled', { attempt: this.#attempt, delayMs: Math.round(delay) });
    this.#timer = setTimeout(() => void this.#reconnect(), delay);
  }

  async #reconnect(): Promise<void> {
    this.#timer = null;
    if (this.#ended || this.#paused || this.#session) return;
    try {
      await this.#open();
    } catch (error) {
      if (this.#ended || this.#paused) return; // signed out or offline by choice meanwhile
      const failure = toEngineError(error);
      if (isWorthRetrying(failure)) {
        this.#setState({ ...OFFLINE, status: 'reconnecting', error: failure.toPayload(), rosterShown: true });
        this.#scheduleReconnect();
      } else {
        this.#end(failure);
      }
    }
  }

  /** Server acknowledgements (XEP-0198) of sent stanzas: modules that care move their messages on. */
  #onAcked(stanzas: Element[]): void {
    for (const module of this.modules) module.onAcked?.(stanzas);
  }
}
