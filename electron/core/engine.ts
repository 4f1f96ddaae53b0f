// The XMPP engine: implements every contract command, routes incoming stanzas to the module that owns
// them, and emits contract events in batches. Plain Node (no 'electron'), so tests run it directly; the
// Electron shell and the browser-mode host both drive it through `invoke` and `subscribe` only.
import path from 'node:path';
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
import { ChatModule, type StateUpdate } from './chat.ts';
import { HistoryStore, messageTime, type StoredMessage } from './history/history-store.ts';
import { IqTracker } from './xmpp/iq-tracker.ts';
import { XmppSession } from './xmpp/session.ts';
import { StreamManagement } from './xmpp/stream-management.ts';
import { enableCarbons, looksLikeCarbon, unwrapCarbon } from './carbons.ts';
import { parseAck, receiptFor, PendingMarkers } from './receipts.ts';
import { catchUp, fetchOlder, isArchiveResult, ownStanzaId } from './mam.ts';

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
  /** How long a link may stay silent after connection.retryNow's probe before it counts as dead (5 s). */
  wakeProbeMs?: number;
  /** Results per archive (XEP-0313) page; servers cap it (Prosody: 50). */
  archivePageSize?: number;
}

/** A sign-in that is kept up (reconnected) until the user signs out. */
interface SignedIn {
  account: string;
  password: string;
  request: RequestOf<'account.signIn'>;
  sm: StreamManagement;
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
  /**
   * Live messages that arrived while the archive catch-up runs: handled after it, in order, so the history's
   * resume point never passes a stretch of the archive not yet fetched. Null once caught up.
   */
  held: Element[] | null;
  /** Caught up and the outbox flushed: new messages go straight to the wire (before: they wait in the outbox). */
  ready: boolean;
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
  readonly #history: HistoryStore;
  readonly #markers = new PendingMarkers();
  /** Chats whose server archive has been walked back to its start (this sign-in): no more to fetch. */
  readonly #archiveExhausted = new Set<string>();
  #active: ActiveSession | null = null;
  #signedIn: SignedIn | null = null;
  #signingIn = false;
  #state: ConnectionState = { status: 'offline', jid: null, error: null, security: null, mechanism: null };
  /** The certificate each account was last refused for: the only one the user may choose to trust. */
  readonly #lastRefused = new Map<string, string>();

  private constructor(options: EngineOptions, settings: SettingsStore, history: HistoryStore) {
    this.#options = options;
    this.#settings = settings;
    this.#history = history;
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
    this.#chat = new ChatModule(this.#events, history, (jid) => this.#roster.contacts.has(jid));
  }

  static async create(options: EngineOptions): Promise<Engine> {
    const settings = await SettingsStore.open(options.dataDir);
    return new Engine(options, settings, HistoryStore.open(path.join(options.dataDir, 'history.sqlite')));
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
    this.#chat.flushIncoming();
    this.#events.flush();
    this.#history.close();
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
      // Looks online: make sure it is (a dropped session then reconnects, resuming where it can).
      this.#active?.session.checkAlive(this.#options.wakeProbeMs ?? 5_000);
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
      if (!this.#signedIn) throw new EngineError('not-connected', 'You are offline. Sign in first.');
      // Stored as 'pending' first: from here on it survives a dropped link, a crash or a restart.
      const { stanza, record } = this.#chat.compose(message);
      const active = this.#active;
      // Not caught up yet (or reconnecting): it waits in the outbox and goes out after older pending ones.
      if (active?.ready && active.session.isOpen) await this.#transmit(active, [stanza]);
      return record;
    },
    'chat.history': async ({ peer, beforeSeq, afterSeq, aroundSeq, limit = 100 }) => {
      const opts = { beforeSeq, afterSeq, aroundSeq, limit };
      let page = this.#chat.history(peer, opts);
      const scrollingBack = afterSeq === undefined && aroundSeq === undefined;
      if (page.olderExhausted && scrollingBack && !this.#archiveExhausted.has(peer)) {
        // Local history ran out: the next older page comes from the server archive, then from the store.
        const active = this.#active;
        if (active?.ready && active.session.isOpen) {
          try {
            await this.#scrollBackArchive(active, peer, page.oldest, limit);
          } catch (error) {
            // A server without an archive has nothing older; a failure (timeout) may be retried later.
            const failure = toEngineError(error);
            if (failure.code === 'not-supported' || failure.code === 'server-error') {
              this.#archiveExhausted.add(peer);
            }
          }
          page = this.#chat.history(peer, opts);
        }
      }
      return {
        messages: page.messages,
        failures: page.failures,
        complete: page.olderExhausted && this.#archiveExhausted.has(peer),
        atNewest: page.atNewest,
      };
    },
    'chat.search': async ({ query, peer, limit }) => ({ hits: this.#chat.search(query, peer, limit ?? 50) }),
    'chat.markDisplayed': async ({ peer }) => {
      const active = this.#active;
      if (!active?.ready || !active.session.isOpen) return OK; // kept for when we are back
      const marker = this.#markers.take(peer);
      // Like receipts (XEP-0184 §8): only contacts who may see our presence learn what we read.
      if (marker && this.#sharesPresenceWith(peer)) await active.session.send(marker).catch(() => undefined);
      return OK;
    },
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
    if (this.#chat.account !== account) {
      this.#archiveExhausted.clear();
      this.#markers.clear();
    }
    this.#chat.account = account;
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
      held: session.resumed ? null : [],
      ready: false,
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
      // What the lost session never got confirmed is still 'pending' in the outbox; it goes out from there,
      // after the archive catch-up has shown which of it the server did get.
      sm.takeOrphans();
    }
    const state: ConnectionState = {
      status: 'online',
      jid: session.jid,
      error: null,
      security: session.secure ? 'tls' : 'insecure',
      mechanism: session.mechanism,
    };
    this.#setState(state);
    void this.#synchronise(active, signedIn);
    return state;
  }

  /**
   * After a full sign-in: fetch what the archive got while we were away, then send the outbox. After a
   * resumption nothing was missed; only messages written while disconnected (not in the resumed queue) go out.
   */
  async #synchronise(active: ActiveSession, signedIn: SignedIn): Promise<void> {
    if (active.held) {
      try {
        await this.#catchUp(active);
      } catch {
        // No archive, or it failed: live messages and the outbox still go on; the next sign-in tries again.
      }
      const held = active.held;
      active.held = null;
      for (const stanza of held) this.#route(stanza, active);
    }
    if (this.#active !== active || !active.session.isOpen) return;
    const inQueue = signedIn.sm.unackedIds();
    const outbox = this.#chat.pending().filter((m) => !inQueue.has(m.messageId ?? ''));
    const sending = this.#transmit(
      active,
      outbox.map((m) => this.#chat.stanzaFor(m)),
    );
    // From now on chat.send writes directly; its stanzas queue behind the outbox's, keeping the order.
    active.ready = true;
    await sending;
  }

  /**
   * XEP-0313: everything archived since the newest archive id we hold, page by page until complete. With no
   * id to continue from, from the start of the last complete catch-up. A new install fetches nothing here:
   * what arrives from now on comes live, older history when the user scrolls back.
   */
  async #catchUp(active: ActiveSession): Promise<void> {
    const account = active.account;
    const startedAt = Date.now();
    const afterId = this.#history.lastStanzaId(account);
    const syncedAt = this.#history.archiveSyncedAt(account);
    if (afterId === null && syncedAt === null) {
      this.#history.setArchiveSyncedAt(account, startedAt);
      return;
    }
    const result = await catchUp(active.iq, active.session, {
      ownBareJid: account,
      afterId,
      // Five minutes' margin for clocks that disagree with the server's; copies are recognised anyway.
      startAt: syncedAt === null ? null : syncedAt - 5 * 60_000,
      pageSize: this.#options.archivePageSize ?? 50,
      maxPages: Number.MAX_SAFE_INTEGER,
      onPage: (messages) => {
        this.#chat.storeArchived(messages, { announce: true });
        for (const m of messages) if (m.direction === 'in') this.#markers.noteReceived(m.peer, m.stanza);
      },
    });
    if (result.complete) this.#history.setArchiveSyncedAt(account, startedAt);
  }

  /**
   * One page further back in a chat's server archive, into the history. Pages holding nothing worth keeping
   * (only chat states, or copies we already have) are walked past, a few at most per request.
   */
  async #scrollBackArchive(
    active: ActiveSession,
    peer: string,
    oldest: StoredMessage | null,
    limit: number,
  ): Promise<void> {
    let beforeId = oldest?.stanzaId ?? null;
    for (let pages = 0; pages < 5; pages++) {
      const older = await fetchOlder(active.iq, active.session, {
        ownBareJid: active.account,
        peer,
        beforeId,
        endAt: oldest ? messageTime(oldest) : null,
        max: Math.min(limit, this.#options.archivePageSize ?? 50),
      });
      const fresh = this.#chat.storeArchived(older.messages, { announce: false, older: true });
      if (older.complete) this.#archiveExhausted.add(peer);
      if (older.complete || fresh.length > 0 || older.firstId === null || older.firstId === beforeId) return;
      beforeId = older.firstId;
    }
  }

  /** Puts messages on the wire. Without stream management there is no ack: written counts as sent. */
  async #transmit(active: ActiveSession, stanzas: Element[]): Promise<void> {
    if (stanzas.length === 0) return;
    try {
      await active.session.sendMany(stanzas);
    } catch {
      // The link dropped: with stream management they are queued for resumption, and they are still
      // 'pending' in the outbox either way, so the next session sends them.
      return;
    }
    if (!active.session.streamManaged) this.#chat.setStates(stanzas.flatMap((s) => sentUpdate(s)));
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
    this.#chat.setStates(stanzas.flatMap((s) => sentUpdate(s)));
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
    if (active.held) {
      active.held.push(stanza);
      return;
    }
    if (looksLikeCarbon(stanza)) {
      const carbon = unwrapCarbon(stanza, active.account);
      if (!carbon) return; // a forged carbon: dropped, never shown
      const stanzaId = ownStanzaId(carbon.message, active.account);
      if (carbon.direction === 'sent') {
        this.#chat.handleOwnSent(carbon.message, stanzaId);
        return;
      }
      const ack = parseAck(carbon.message);
      if (ack) this.#chat.setStates([{ id: ack.id, peer: ack.from, state: ack.kind }]);
      // No receipt: the device that received it answers. It may still be shown here, so it may be marked.
      if (this.#chat.handle(carbon.message, stanzaId)) this.#noteMarkable(carbon.message);
      return;
    }
    const ack = parseAck(stanza);
    if (ack) this.#chat.setStates([{ id: ack.id, peer: ack.from, state: ack.kind }]);
    if (this.#chat.handle(stanza, ownStanzaId(stanza, active.account))) {
      this.#noteMarkable(stanza);
      const from = stanza.attrs.from ? bareJid(stanza.attrs.from) : null;
      // XEP-0184 §8: receipts only to contacts who may see our presence anyway.
      const receipt = from && this.#sharesPresenceWith(from) ? receiptFor(stanza) : null;
      if (receipt) active.session.send(receipt).catch(() => undefined);
    }
  }

  #noteMarkable(message: Element): void {
    const from = message.attrs.from;
    if (from && message.attrs.type !== 'error') this.#markers.noteReceived(bareJid(from), message);
  }

  /** Whether the contact may see our presence (subscription from or both): who gets receipts and markers. */
  #sharesPresenceWith(peer: string): boolean {
    const subscription = this.#roster.contacts.get(peer)?.subscription;
    return subscription === 'from' || subscription === 'both';
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

/** The 'sent' update for a message stanza we wrote, or none for anything else. */
function sentUpdate(stanza: Element): StateUpdate[] {
  const { id, to, type } = stanza.attrs;
  if (stanza.name !== 'message' || !id || !to || type === 'error') return [];
  return [{ id, peer: bareJid(to), state: 'sent' }];
}
