// The XMPP engine: implements every contract command, routes incoming stanzas to the module that owns
// them, and emits contract events in batches. Plain Node (no 'electron'), so tests run it directly; the
// Electron shell and the browser-mode host both drive it through `invoke` and `subscribe` only.
import { xml, type Element } from '@xmpp/xml';
import type { z } from 'zod';
import {
  commands,
  isCommandName,
  isShellCommand,
  type CommandName,
  type CommandResponse,
  type CommandResult,
  type ConnectionState,
  type EngineCommandName,
  type PasswordStorage,
  type SavedAccount,
} from '../../shared/contract.ts';
import { bareJid } from '../../shared/jid.ts';
import { EngineError, toEngineError } from './errors.ts';
import { EventBatcher, type BatchListener } from './event-batcher.ts';
import { SettingsStore } from './settings-store.ts';
import { CredentialStore, type SecretBackend } from './credentials.ts';
import { RosterModule, type RosterLink } from './roster.ts';
import { PresenceModule, clampPriority, ownPresenceStanza, type OwnPresence } from './presence.ts';
import { SubscriptionsModule } from './subscriptions.ts';
import { ChatModule } from './chat.ts';
import { IqTracker } from './xmpp/iq-tracker.ts';
import { XmppSession } from './xmpp/session.ts';
import { StreamManagement } from './xmpp/stream-management.ts';
import { enableCarbons, looksLikeCarbon, unwrapCarbon } from './carbons.ts';
import { parseAck, receiptFor, type Ack } from './receipts.ts';
import { isArchiveResult } from './mam.ts';

export interface EngineOptions {
  /** Where settings and caches live (Electron's userData; a temp dir in tests). */
  dataDir: string;
  /** PEM certificates trusted besides the system store (enterprise CA; the test harness CA). */
  extraCertificates?: readonly string[];
  dnsServers?: readonly string[];
  /** Sign-in budget in ms. */
  timeoutMs?: number;
  /** Event batching interval in ms (about one frame). */
  batchIntervalMs?: number;
  /**
   * Where remembered passwords may go, best first (the shell passes the keychain, then safeStorage).
   * None: this run's memory only. Which store holds each account's password is kept in settings.
   */
  secretBackends?: readonly SecretBackend[];
  /** Dead-link detection: probe a silent link after `probeAfterMs`, drop it after `deadAfterMs` (10 s / 25 s). */
  liveness?: { probeAfterMs: number; deadAfterMs: number };
  /** Reconnect backoff bounds (1 s to 60 s). */
  reconnectDelay?: { initialMs: number; maxMs: number };
}

/** A sign-in that is kept up (reconnected) until the user signs out. */
interface SignedIn {
  account: string;
  password: string;
  request: RequestOf<'account.signIn'>;
  sm: StreamManagement;
  /** Messages accepted while reconnecting: sent, in order, as soon as a session is up. */
  outbox: Element[];
  attempt: number;
  timer: NodeJS.Timeout | null;
}

/** Failures a later try can fix (the network, the server restarting); not ones only the user can. */
function isWorthRetrying(error: EngineError): boolean {
  return ['unreachable', 'timeout', 'dns-failed', 'stream-error', 'tls-failed', 'internal'].includes(
    error.code,
  );
}

interface ActiveSession {
  account: string;
  session: XmppSession;
  iq: IqTracker;
  link: RosterLink;
}

type RequestOf<C extends CommandName> = z.output<(typeof commands)[C]['request']>;
type Handler<C extends EngineCommandName> = (request: RequestOf<C>) => Promise<CommandResponse<C>>;

const OK = { ok: true } as const;
const NS_PING = 'urn:xmpp:ping';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

export class Engine {
  readonly #options: EngineOptions;
  readonly #events: EventBatcher;
  readonly #settings: SettingsStore;
  readonly #credentials: CredentialStore;
  readonly #roster: RosterModule;
  readonly #presence: PresenceModule;
  readonly #subscriptions: SubscriptionsModule;
  readonly #chat: ChatModule;
  #active: ActiveSession | null = null;
  #signedIn: SignedIn | null = null;
  #signingIn = false;
  #state: ConnectionState = { status: 'offline', jid: null, error: null, security: null, mechanism: null };
  /** The certificate each account was last refused for: the only one the user may choose to trust. */
  readonly #lastRefused = new Map<string, string>();

  private constructor(options: EngineOptions, settings: SettingsStore) {
    this.#options = options;
    this.#settings = settings;
    this.#credentials = new CredentialStore(options.secretBackends ?? [], {
      get: (jid) => settings.account(jid).passwordBackend,
      set: (jid, backend) => settings.updateAccount(jid, { passwordBackend: backend }),
    });
    this.#events = new EventBatcher(options.batchIntervalMs);
    this.#subscriptions = new SubscriptionsModule(this.#events, (jid) => this.#roster.refresh(jid));
    this.#presence = new PresenceModule(this.#events);
    this.#roster = new RosterModule(this.#events, settings, this.#subscriptions.isPending, (jid) =>
      this.#presence.forget(jid),
    );
    this.#chat = new ChatModule(this.#events, (jid) => this.#roster.contacts.has(jid));
  }

  static async create(options: EngineOptions): Promise<Engine> {
    return new Engine(options, await SettingsStore.open(options.dataDir));
  }

  subscribe(listener: BatchListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Delivers pending events now instead of at the next batch tick. */
  flushEvents(): void {
    this.#events.flush();
  }

  get resource(): string {
    return this.#settings.resource;
  }

  /**
   * Runs a contract command. The payload is validated against the contract schema first; the result is
   * a value or a typed error, never a thrown exception, so it can cross any process boundary as is.
   */
  async invoke<C extends CommandName>(name: C, payload: unknown): Promise<CommandResult<C>>;
  async invoke(name: string, payload: unknown): Promise<CommandResult<CommandName>>;
  async invoke(name: string, payload: unknown): Promise<CommandResult<CommandName>> {
    if (!isCommandName(name)) {
      return {
        ok: false,
        error: new EngineError(
          'invalid-request',
          `Unknown command "${String(name).slice(0, 64)}".`,
        ).toPayload(),
      };
    }
    const parsed = commands[name].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return {
        ok: false,
        error: new EngineError(
          'invalid-request',
          `${where}${issue?.message ?? 'invalid request'}`,
        ).toPayload(),
      };
    }
    if (isShellCommand(name)) {
      return {
        ok: false,
        error: new EngineError('not-supported', 'This window cannot do that here.').toPayload(),
      };
    }
    try {
      const handler = this.#handlers[name] as (request: unknown) => Promise<CommandResponse<CommandName>>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: toEngineError(error).toPayload() };
    }
  }

  /** Signs out (if needed) and delivers the last events. */
  async dispose(): Promise<void> {
    await this.#signOut();
    await this.#roster.flushCache();
    this.#events.flush();
  }

  // -------------------------------------------------------------------------------------------------
  // Commands

  readonly #handlers: { [C in EngineCommandName]: Handler<C> } = {
    'account.signIn': (request) => this.#signIn(request),
    'account.forget': async ({ jid }) => {
      if (this.#account === jid) await this.#signOut();
      await this.#credentials.forget(jid);
      await this.#settings.removeAccount(jid);
      return OK;
    },
    'account.saved': async () => ({
      accounts: this.#settings.accounts().map(([jid, account]): SavedAccount => ({
        jid,
        host: account.connection?.host ?? null,
        port: account.connection?.port ?? null,
        directTls: account.connection?.directTls ?? false,
        passwordSaved: account.passwordBackend !== null,
        passwordStorage: this.#credentials.storageOf(jid),
      })),
      lastUsed: this.#settings.lastUsed,
    }),
    'account.signOut': async () => {
      await this.#signOut();
      return OK;
    },
    'connection.retryNow': async () => {
      const signedIn = this.#signedIn;
      if (signedIn && !this.#active && signedIn.timer) {
        clearTimeout(signedIn.timer);
        signedIn.attempt = 0;
        void this.#reconnect(signedIn);
      }
      return OK;
    },
    'account.trustCertificate': async ({ jid, fingerprint256 }) => {
      if (this.#lastRefused.get(jid) !== fingerprint256) {
        throw new EngineError(
          'invalid-request',
          'Only the certificate the server just presented can be trusted.',
        );
      }
      await this.#settings.updateAccount(jid, { pinnedFingerprint256: fingerprint256 });
      this.#lastRefused.delete(jid);
      return OK;
    },
    'account.forgetCertificates': async ({ jid }) => {
      await this.#settings.updateAccount(jid, { pinnedFingerprint256: null });
      return OK;
    },
    'state.snapshot': async () => ({
      connection: this.#state,
      roster: [...this.#roster.contacts.values()],
      presence: this.#presence.snapshot(),
      requests: this.#subscriptions.requests(),
      ownPresence: { ...this.#presence.own },
    }),
    'roster.add': async ({ jid, name, groups, subscribe }) => {
      const active = this.#online();
      await this.#roster.add(active.link, { jid, name: name ?? null, groups: groups ?? [] });
      if (subscribe) await active.session.send(this.#subscriptions.request(jid));
      return OK;
    },
    'roster.update': async (change) => {
      await this.#roster.update(this.#online().link, change);
      return OK;
    },
    'roster.remove': async ({ jid }) => {
      // RFC 6121 §2.5.2: removing the item also cancels both subscriptions; the server sends the presence.
      await this.#roster.remove(this.#online().link, jid);
      return OK;
    },
    'subscription.request': async ({ jid, status }) => {
      await this.#online().session.send(this.#subscriptions.request(jid, status));
      return OK;
    },
    'subscription.answer': async ({ jid, answer }) => {
      const active = this.#online();
      await active.session.sendMany(this.#subscriptions.answer(jid, answer));
      return OK;
    },
    'subscription.unsubscribe': async ({ jid }) => {
      await this.#online().session.send(this.#subscriptions.unsubscribe(jid));
      return OK;
    },
    'subscription.cancel': async ({ jid }) => {
      await this.#online().session.send(this.#subscriptions.cancel(jid));
      return OK;
    },
    'subscription.preApprove': async ({ jid }) => {
      const active = this.#online();
      await active.session.send(this.#subscriptions.preApprove(jid, active.session.features.preApproval));
      return OK;
    },
    'presence.set': async ({ show, status, priority }) => {
      const own: OwnPresence = {
        show,
        status: status === undefined ? this.#presence.own.status : status,
        priority: priority === undefined ? this.#presence.own.priority : clampPriority(priority),
      };
      const account = this.#account;
      if (show === 'offline') {
        await this.#signOut();
      } else {
        await this.#online().session.send(ownPresenceStanza(own));
      }
      this.#presence.setOwn(own);
      if (account) await this.#settings.updateAccount(account, { lastPresence: own });
      return OK;
    },
    'chat.send': async (message) => {
      const signedIn = this.#signedIn;
      if (!signedIn) throw new EngineError('not-connected', 'You are offline. Sign in first.');
      const { stanza, record } = this.#chat.compose(message);
      const active = this.#active;
      if (!active || !active.session.isOpen) {
        // Reconnecting: keep it for the next session instead of refusing (it shows as not yet 'sent').
        signedIn.outbox.push(stanza);
      } else {
        try {
          await active.session.send(stanza);
        } catch (error) {
          // With stream management the stanza is already queued for resumption (or the next session);
          // without it, the send really failed.
          if (!active.session.streamManaged) throw error;
        }
      }
      this.#chat.record(record);
      return record;
    },
    'chat.history': async ({ peer, before, limit }) => this.#chat.history(peer, before, limit),
  };

  // -------------------------------------------------------------------------------------------------
  // Session lifecycle

  /** The account signed in, whether its session is up or it is reconnecting. */
  get #account(): string | null {
    return this.#signedIn?.account ?? this.#active?.account ?? null;
  }

  #online(): ActiveSession {
    if (!this.#active || !this.#active.session.isOpen)
      throw new EngineError('not-connected', 'You are offline. Sign in first.');
    return this.#active;
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.#events.emit('connection.state', state);
  }

  async #signIn(
    request: RequestOf<'account.signIn'>,
  ): Promise<ConnectionState & { passwordStorage: PasswordStorage; passwordWarning: string | null }> {
    if (this.#active || this.#signingIn || this.#signedIn) {
      throw new EngineError('already-connected', 'Already signed in; sign out first.');
    }
    const account = bareJid(request.jid);
    const password = request.password ?? (await this.#credentials.recall(account));
    if (password === null) {
      const why = this.#credentials.lastWarning;
      throw new EngineError(
        'not-found',
        why
          ? `No saved password is available: ${why}`
          : 'No password is saved for this account; enter it to sign in.',
      );
    }
    this.#signingIn = true;
    this.#setState({ status: 'connecting', jid: null, error: null, security: null, mechanism: null });
    const settings = this.#settings.account(account);
    const own =
      settings.lastPresence && settings.lastPresence.show !== 'offline'
        ? settings.lastPresence
        : this.#presence.own;
    this.#presence.setOwn({
      show: own.show === 'offline' ? 'available' : own.show,
      status: own.status,
      priority: request.priority ?? own.priority,
    });
    // The password stays in this process's memory while signed in, to reconnect without asking again.
    const signedIn: SignedIn = {
      account,
      password,
      request,
      sm: new StreamManagement((stanzas) => this.#onAcked(stanzas)),
      outbox: [],
      attempt: 0,
      timer: null,
    };
    try {
      const state = await this.#openSession(signedIn);
      this.#signedIn = signedIn;
      // Remember only what worked: the connection settings always, the password when asked to.
      await this.#settings.updateAccount(account, {
        connection: {
          host: request.host ?? null,
          port: request.port ?? null,
          directTls: request.directTls ?? false,
        },
      });
      await this.#settings.setLastUsed(account);
      let passwordWarning: string | null = null;
      if (request.remember === true && request.password !== undefined) {
        passwordWarning = (await this.#credentials.remember(account, password)).warning;
      } else if (request.remember === false) {
        await this.#credentials.forget(account);
      }
      return { ...state, passwordStorage: this.#credentials.storageOf(account), passwordWarning };
    } catch (error) {
      const failure = toEngineError(error);
      if (failure.code === 'tls-untrusted' && failure.certificate) {
        this.#lastRefused.set(account, failure.certificate.fingerprint256);
      }
      const active = this.#active as ActiveSession | null;
      if (active) {
        this.#active = null;
        await active.session.close();
      }
      this.#setState({
        status: 'offline',
        jid: null,
        error: failure.toPayload(),
        security: null,
        mechanism: null,
      });
      throw failure;
    } finally {
      this.#signingIn = false;
    }
  }

  /**
   * Opens a session for a sign-in (first time or reconnecting). A resumed session (XEP-0198) carries on
   * as if nothing happened; otherwise roster and presence start over and messages the lost connection
   * never got confirmed are sent again.
   */
  async #openSession(signedIn: SignedIn): Promise<ConnectionState> {
    const { account, password, request, sm } = signedIn;
    const session = await XmppSession.open({
      jid: account,
      password,
      resource: this.#settings.resource,
      host: request.host,
      port: request.port,
      directTls: request.directTls,
      allowInsecure: request.allowInsecure,
      dnsServers: this.#options.dnsServers,
      timeoutMs: this.#options.timeoutMs,
      sm,
      liveness: this.#options.liveness,
      trust: {
        servername: account.slice(account.indexOf('@') + 1),
        pinnedFingerprint256: this.#settings.account(account).pinnedFingerprint256,
        extraCertificates: this.#options.extraCertificates ?? [],
      },
    });
    const iq = new IqTracker((stanza) => session.send(stanza), session.jid);
    const active: ActiveSession = {
      account,
      session,
      iq,
      link: { account, iq, send: (stanza) => session.send(stanza) },
    };
    this.#active = active;
    session.on('stanza', (stanza) => this.#route(stanza, active));
    session.on('closed', (error) => this.#onClosed(active, error));
    session.start();
    if (!session.resumed) {
      this.#presence.clear();
      // RFC 6121 §2.2: fetch the roster before sending initial presence, so presence lands on known contacts.
      await this.#roster.fetch(active.link, session.features.rosterVersioning);
      // XEP-0280: see what our other devices send and receive. A server without it is no reason to fail.
      await enableCarbons(iq).catch(() => undefined);
      await session.send(ownPresenceStanza(this.#presence.own));
      const unconfirmed = sm.takeOrphans().filter((stanza) => stanza.name === 'message');
      if (unconfirmed.length > 0) await session.sendMany(unconfirmed);
    }
    // Messages written while reconnecting go out after anything older, keeping the chat's order.
    const queued = signedIn.outbox.splice(0);
    if (queued.length > 0) await session.sendMany(queued);
    const state: ConnectionState = {
      status: 'online',
      jid: session.jid,
      error: null,
      security: session.secure ? 'tls' : 'insecure',
      mechanism: session.mechanism,
    };
    this.#setState(state);
    return state;
  }

  async #signOut(): Promise<void> {
    const signedIn = this.#signedIn;
    this.#signedIn = null;
    if (signedIn?.timer) clearTimeout(signedIn.timer);
    signedIn?.sm.reset();
    const active = this.#active;
    this.#active = null;
    if (active) {
      // Unavailable presence first, so contacts see us leave even if the stream close is cut short.
      await active.session.send(xml('presence', { type: 'unavailable' })).catch(() => undefined);
      await active.session.close();
      active.iq.failAll();
    }
    if (active || signedIn) this.#goOffline(null);
  }

  #onClosed(active: ActiveSession, error: EngineError | null): void {
    if (this.#active !== active) return; // our own sign-out already handled it
    this.#active = null;
    active.iq.failAll();
    if (error && this.#signedIn && isWorthRetrying(error)) {
      this.#setState({
        status: 'reconnecting',
        jid: null,
        error: error.toPayload(),
        security: null,
        mechanism: null,
      });
      this.#scheduleReconnect();
      return;
    }
    this.#signedIn?.sm.reset();
    this.#signedIn = null;
    this.#goOffline(error);
  }

  #goOffline(error: EngineError | null): void {
    this.#presence.clear();
    void this.#roster.flushCache().catch(() => undefined);
    this.#setState({
      status: 'offline',
      jid: null,
      error: error?.toPayload() ?? null,
      security: null,
      mechanism: null,
    });
  }

  /** Exponential backoff with jitter: about 1 s, 2 s, 4 s ... up to 60 s between tries. */
  #scheduleReconnect(): void {
    const signedIn = this.#signedIn;
    if (!signedIn || signedIn.timer) return;
    const { initialMs, maxMs } = this.#options.reconnectDelay ?? { initialMs: 1_000, maxMs: 60_000 };
    const ceiling = Math.min(maxMs, initialMs * 2 ** signedIn.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    signedIn.attempt++;
    signedIn.timer = setTimeout(() => void this.#reconnect(signedIn), delay);
  }

  async #reconnect(signedIn: SignedIn): Promise<void> {
    signedIn.timer = null;
    if (this.#signedIn !== signedIn || this.#active) return;
    try {
      await this.#openSession(signedIn);
      signedIn.attempt = 0;
    } catch (error) {
      if (this.#signedIn !== signedIn) return; // signed out meanwhile
      const failure = toEngineError(error);
      if (isWorthRetrying(failure)) {
        this.#setState({
          status: 'reconnecting',
          jid: null,
          error: failure.toPayload(),
          security: null,
          mechanism: null,
        });
        this.#scheduleReconnect();
      } else {
        this.#signedIn = null;
        signedIn.sm.reset();
        this.#goOffline(failure);
      }
    }
  }

  /** Server acknowledgements (XEP-0198) of sent messages: those messages are now 'sent'. */
  #onAcked(stanzas: Element[]): void {
    const updates = stanzas.flatMap((stanza) => {
      const id = stanza.attrs.id;
      const to = stanza.attrs.to;
      if (stanza.name !== 'message' || !id || !to || stanza.attrs.type === 'error') return [];
      return [{ id, peer: bareJid(to), state: 'sent' as const }];
    });
    if (updates.length > 0) this.#events.emit('chat.states', { updates });
  }

  // -------------------------------------------------------------------------------------------------
  // Incoming stanzas. Everything from the network is hostile until a module has parsed it.

  #route(stanza: Element, active: ActiveSession): void {
    try {
      switch (stanza.name) {
        case 'presence':
          if (!this.#subscriptions.handle(stanza)) this.#presence.handle(stanza);
          return;
        case 'message':
          this.#routeMessage(stanza, active);
          return;
        case 'iq':
          this.#routeIq(stanza, active);
          return;
      }
    } catch (error) {
      console.error('dropped a stanza that could not be handled', error);
    }
  }

  #routeMessage(stanza: Element, active: ActiveSession): void {
    if (isArchiveResult(stanza)) return; // archive pages belong to a catch-up in progress, not the live chat
    if (looksLikeCarbon(stanza)) {
      const carbon = unwrapCarbon(stanza, active.account);
      if (!carbon) return; // a forged carbon: dropped, never shown
      const ack = parseAck(carbon.message);
      if (ack && carbon.direction === 'received') this.#onAck(ack);
      if (carbon.direction === 'sent') this.#chat.handleOwnSent(carbon.message);
      else this.#chat.handle(carbon.message); // no receipt: the device that received it answers
      return;
    }
    const ack = parseAck(stanza);
    if (ack) this.#onAck(ack);
    if (this.#chat.handle(stanza)) {
      // XEP-0184 §8: receipts only to contacts who may see our presence anyway.
      const from = stanza.attrs.from ? bareJid(stanza.attrs.from) : null;
      const subscription = from ? this.#roster.contacts.get(from)?.subscription : undefined;
      const receipt = subscription === 'from' || subscription === 'both' ? receiptFor(stanza) : null;
      if (receipt) active.session.send(receipt).catch(() => undefined);
    }
  }

  /** A receipt or marker: only the contact we wrote to may move our message to 'delivered' or 'read'. */
  #onAck(ack: Ack): void {
    if (this.#chat.sentTo(ack.id) !== ack.from) return;
    this.#events.emit('chat.states', { updates: [{ id: ack.id, peer: ack.from, state: ack.kind }] });
  }

  #routeIq(iq: Element, active: ActiveSession): void {
    const type = iq.attrs.type;
    if (type === 'result' || type === 'error') {
      active.iq.handleReply(iq);
      return;
    }
    if (type !== 'get' && type !== 'set') return;
    if (type === 'set' && this.#roster.handlePush(iq, active.link)) return;
    const reply = (children: Element | null, error?: string) =>
      active.session
        .send(
          xml(
            'iq',
            { type: error ? 'error' : 'result', id: iq.attrs.id, to: iq.attrs.from },
            children,
            error
              ? xml('error', { type: 'cancel' }, xml(error, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }))
              : null,
          ),
        )
        .catch(() => undefined);
    if (type === 'get' && iq.getChild('ping', NS_PING)) {
      void reply(null);
    } else if (type === 'get' && iq.getChild('query', NS_DISCO_INFO)) {
      void reply(
        xml(
          'query',
          { xmlns: NS_DISCO_INFO },
          xml('identity', { category: 'client', type: 'pc', name: 'Parley' }),
          ...[NS_DISCO_INFO, NS_PING, 'urn:xmpp:sid:0', 'urn:xmpp:delay'].map((v) =>
            xml('feature', { var: v }),
          ),
        ),
      );
    } else {
      // RFC 6120 §8.2.3: every get/set gets an answer; what we do not implement is service-unavailable.
      void reply(null, 'service-unavailable');
    }
  }
}
