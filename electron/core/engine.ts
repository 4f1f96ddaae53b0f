// The XMPP engine's composition root: a map of account runtimes (one per signed-in account), the module list
// they all run, and the command table, composed of the engine's own commands (accounts as a whole, search
// across them) and the modules' (routed by the request's `account`). Plain Node (no 'electron'), so tests run
// it directly; the Electron shell and the browser-mode host drive it through `invoke` and `subscribe` only.
import path from 'node:path';
import {
  isShellCommand,
  type AccountSnapshot,
  type CommandName,
  type CommandResponse,
  type CommandResult,
  type EngineCommandName,
  type EngineErrorPayload,
} from '../../shared/contract.ts';
import { bareJid, parseJid } from '../../shared/jid.ts';
import { EngineError, toEngineError } from './errors.ts';
import { checkRequest } from './command-request.ts';
import { EventBatcher, type BatchListener } from './event-batcher.ts';
import { SettingsStore, plainPasswordAllowed } from './settings-store.ts';
import { CredentialStore, mayRecallFor } from './credentials.ts';
import type { EngineOptions } from './engine-options.ts';
import { HistoryStore } from './history/history-store.ts';
import { AccountRuntime, type RuntimeOptions } from './account/account-runtime.ts';
import { accountEvents, type CommandHandler, type RequestOf } from './account/module.ts';
import { CapsCache } from './disco/caps.ts';
import { chatMessageOf } from './chat/chat.ts';
import { MODULES, type EngineLevelCommand } from './modules.ts';
import type { RosterModule } from './roster/roster-module.ts';
import type { PresenceModule } from './presence/presence-module.ts';
import { restingSnapshot, runningSnapshot, savedAccount, savedConnection } from './account/account-views.ts';
import type { ChatModule } from './chat/chat-module.ts';
import { PreferencesStore } from './preferences/preferences-store.ts';
import type { RunningService, ServiceKind } from './engine-service.ts';
import { SERVICES } from './services.ts';
import { DiagnosticsLog } from './diagnostics/diagnostics-log.ts';

export type { EngineOptions };

type EngineHandlers = { [C in EngineLevelCommand]: CommandHandler<C> };
const OK = { ok: true } as const;

export class Engine {
  readonly #options: EngineOptions;
  readonly #events: EventBatcher;
  readonly #settings: SettingsStore;
  readonly #credentials: CredentialStore;
  readonly #history: HistoryStore;
  readonly #preferences: PreferencesStore;
  /** Settings › Advanced › diagnostics log: written only while that switch is on. */
  readonly #diagnostics: DiagnosticsLog;
  /** The engine-level services (services.ts) and the commands they answer. */
  readonly #services: RunningService[];
  readonly #serviceHandlers = new Map<string, CommandHandler<EngineCommandName>>();
  readonly #caps = new CapsCache();
  /** Every account signed in, signing in or reconnecting. */
  readonly #runtimes = new Map<string, AccountRuntime>();
  /** Why each saved account that is not running went offline (shown until it signs in again). */
  readonly #lastErrors = new Map<string, EngineErrorPayload>();
  /** The certificate each account was last refused for: the only one the user may choose to trust. */
  readonly #lastRefused = new Map<string, string>();

  private constructor(
    options: EngineOptions,
    settings: SettingsStore,
    history: HistoryStore,
    preferences: PreferencesStore,
  ) {
    this.#options = options;
    this.#settings = settings;
    this.#history = history;
    this.#preferences = preferences;
    this.#credentials = new CredentialStore(options.secretBackends ?? [], {
      get: (jid) => settings.account(jid).passwordBackend,
      set: (jid, backend) => settings.updateAccount(jid, { passwordBackend: backend }),
    });
    this.#events = new EventBatcher(options.batchIntervalMs);
    this.#diagnostics = new DiagnosticsLog(path.join(options.dataDir, 'diagnostics.log'), preferences, {
      appVersion: options.appVersion,
    });
    this.#services = (SERVICES as readonly ServiceKind[]).map((definition) => {
      const service = definition.create({
        dataDir: options.dataDir,
        appVersion: options.appVersion ?? 'dev',
        preferences,
        emit: (event, payload) => this.#events.emit(event, payload),
        runtimes: () => this.#runtimes.values(),
        runtime: (account) => this.#runtimes.get(account),
      });
      const table = (service as { commands?: Record<string, unknown> }).commands ?? {};
      for (const [name, handler] of Object.entries(table)) {
        this.#serviceHandlers.set(name, handler as CommandHandler<EngineCommandName>);
      }
      return service;
    });
  }

  static async create(options: EngineOptions): Promise<Engine> {
    const settings = await SettingsStore.open(options.dataDir);
    const preferences = await PreferencesStore.open(options.dataDir);
    return new Engine(
      options,
      settings,
      HistoryStore.open(path.join(options.dataDir, 'history.sqlite')),
      preferences,
    );
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
    const checked = checkRequest(name, payload);
    if (!checked.ok) return checked.failure;
    if (isShellCommand(checked.name)) {
      return {
        ok: false,
        error: new EngineError('not-supported', 'This window cannot do that here.').toPayload(),
      };
    }
    try {
      return { ok: true, value: await this.#run(checked.name, checked.request) };
    } catch (error) {
      return { ok: false, error: toEngineError(error).toPayload() };
    }
  }

  #run(name: EngineCommandName, request: unknown): Promise<CommandResponse<CommandName>> {
    const own = (this.#handlers as Partial<Record<EngineCommandName, CommandHandler<EngineCommandName>>>)[
      name
    ];
    if (own) return own(request as never);
    const service = this.#serviceHandlers.get(name);
    if (service) return service(request as never);
    // A module command: the account's runtime runs it.
    const { account } = request as { account: string };
    const runtime = this.#runtimes.get(account);
    if (!runtime) throw new EngineError('not-connected', `${account} is not signed in.`);
    return runtime.invoke(name, request) as Promise<CommandResponse<CommandName>>;
  }

  /** Signs every account out (keeping which to sign in again next time) and delivers the last events. */
  async dispose(): Promise<void> {
    await Promise.all([...this.#runtimes.values()].map((runtime) => runtime.signOut()));
    this.#runtimes.clear();
    await Promise.allSettled(this.#services.map((service) => service.dispose?.()));
    this.#events.flush();
    this.#history.close();
    await this.#diagnostics.close();
  }

  // -------------------------------------------------------------------------------------------------
  // The engine's own commands

  readonly #handlers: EngineHandlers = {
    'account.signIn': (request) => this.#signIn(request),
    'account.restore': async () => {
      const due = this.#settings
        .accounts()
        .filter(([jid, a]) => a.keepSignedIn && a.passwordBackend !== null && !this.#runtimes.has(jid));
      const results = await Promise.all(
        due.map(async ([jid, settings]) => {
          const request = { jid, ...savedConnection(settings) };
          // The user chose Offline last time: the account comes back offline (nothing sent) until they pick a presence.
          const restoring: Promise<unknown> =
            settings.lastPresence?.show === 'offline' ? this.#restoreOffline(request) : this.#signIn(request);
          const error = await restoring.then(
            () => null,
            (failure: unknown) => toEngineError(failure).toPayload(),
          );
          return { account: jid, error };
        }),
      );
      return { results };
    },
    'account.signOut': async ({ account }) => {
      await this.#signOut(account);
      return OK;
    },
    'account.forget': async ({ account }) => {
      await this.#signOut(account);
      await this.#credentials.forget(account);
      await this.#settings.removeAccount(account);
      this.#lastErrors.delete(account);
      this.#announceAccounts();
      return OK;
    },
    'account.saved': async () => this.#saved(),
    'connection.retryNow': async () => {
      for (const runtime of this.#runtimes.values()) runtime.retryNow(this.#options.wakeProbeMs ?? 5_000);
      return OK;
    },
    'account.trustCertificate': async ({ account, fingerprint256 }) => {
      if (this.#lastRefused.get(account) !== fingerprint256) {
        throw new EngineError(
          'invalid-request',
          'Only the certificate the server just presented can be trusted.',
        );
      }
      await this.#settings.updateAccount(account, { pinnedFingerprint256: fingerprint256 });
      this.#lastRefused.delete(account);
      return OK;
    },
    'account.forgetCertificates': async ({ account }) => {
      await this.#settings.updateAccount(account, {
        pinnedFingerprint256: null,
        plainPasswordAllowedFor: null,
      });
      // Every window's account view shows the pinned certificate gone.
      this.#announceAccounts();
      return OK;
    },
    'account.setProxy': async ({ account, proxy }) => {
      const saved = this.#settings.account(account).connection;
      if (!saved) throw new EngineError('not-found', `${account} has not signed in on this computer yet.`);
      if (proxy && saved.transport === 'websocket') {
        throw new EngineError('invalid-request', 'A proxy is for TCP connections, not WebSocket ones.');
      }
      await this.#settings.updateAccount(account, { connection: { ...saved, proxy } });
      this.#runtimes.get(account)?.useProxy(proxy);
      this.#announceAccounts();
      return OK;
    },
    'account.allowPlainPassword': async ({ account, allowed }) => {
      const pinned = this.#settings.account(account).pinnedFingerprint256;
      if (allowed && pinned === null) {
        throw new EngineError(
          'invalid-request',
          'No certificate is pinned for this account: a plain-text password is only ever allowed over one you trusted by hand.',
        );
      }
      await this.#settings.updateAccount(account, { plainPasswordAllowedFor: allowed ? pinned : null });
      return OK;
    },
    'state.snapshot': async () => ({ accounts: this.#snapshot() }),
    'chat.search': async ({ query, account, peer, kind, limit }) => {
      // Messages still queued for the history are written first, so a search never misses them.
      for (const runtime of this.#runtimes.values()) runtime.module<ChatModule>('chat').chats.flushIncoming();
      const hits = this.#history.search(account ?? null, query, { peer, kind, limit: limit ?? 50 });
      return {
        hits: hits.map((hit) => ({
          message: chatMessageOf(hit, this.#inRoster(hit.account, hit.peer)),
          snippet: hit.snippet,
        })),
      };
    },
  };

  #inRoster(account: string, peer: string): boolean {
    return this.#runtimes.get(account)?.module<RosterModule>('roster').roster.contacts.has(peer) ?? false;
  }

  #saved(): CommandResponse<'account.saved'> {
    return {
      accounts: this.#settings
        .accounts()
        .map(([jid, settings]) => savedAccount(jid, settings, this.#credentials.storageOf(jid))),
      lastUsed: this.#settings.lastUsed,
    };
  }

  #announceAccounts(): void {
    this.#events.emit('accounts.changed', this.#saved());
  }

  #snapshot(): AccountSnapshot[] {
    const resting = this.#settings
      .accounts()
      .filter(([jid]) => !this.#runtimes.has(jid))
      .map(([jid, settings]) => restingSnapshot(jid, settings, this.#lastErrors.get(jid) ?? null));
    return [...[...this.#runtimes.values()].map(runningSnapshot), ...resting];
  }

  // -------------------------------------------------------------------------------------------------
  // Accounts coming and going

  /** What a new runtime of `account` is given: the engine's settings, stores, module list and callbacks. */
  #runtimeOptions(account: string, self: () => AccountRuntime): RuntimeOptions {
    const events = accountEvents(this.#events, account);
    return {
      resource: this.#settings.resource,
      extraCertificates: this.#options.extraCertificates ?? [],
      dnsServers: this.#options.dnsServers,
      hostMetaAt: this.#options.hostMetaAt,
      timeoutMs: this.#options.timeoutMs,
      liveness: this.#options.liveness,
      reconnectDelay: { initialMs: 1_000, maxMs: 60_000, stableMs: 60_000, ...this.#options.reconnectDelay },
      pinnedFingerprint256: this.#settings.account(account).pinnedFingerprint256,
      plainPasswordWhenPinned: plainPasswordAllowed(this.#settings.account(account)),
      events,
      modules: MODULES,
      context: {
        account,
        accountJid: parseJid(account),
        events,
        settings: this.#settings,
        preferences: this.#preferences,
        appVersion: this.#options.appVersion ?? 'dev',
        history: this.#history,
        caps: this.#caps,
        archivePageSize: this.#options.archivePageSize ?? 50,
      },
      log: this.#diagnostics.forAccount(account),
      onEnded: (error) => {
        if (this.#runtimes.get(account) !== self()) return;
        this.#runtimes.delete(account);
        if (error) this.#lastErrors.set(account, error.toPayload());
      },
    };
  }

  /** The password for a sign-in: the one given, or the remembered one when it may go where asked. */
  async #passwordFor(account: string, request: RequestOf<'account.signIn'>): Promise<string> {
    if (this.#runtimes.has(account)) {
      throw new EngineError('already-connected', `${account} is already signed in.`);
    }
    if (
      request.password === undefined &&
      !mayRecallFor(this.#settings.account(account).connection, request)
    ) {
      throw new EngineError(
        'not-found',
        'The remembered password is only sent to the server it was saved for. Enter it to sign in with other connection settings.',
      );
    }
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
    return password;
  }

  /** A runtime for `account`, in the engine's map (not started). */
  #newRuntime(account: string, password: string, request: RequestOf<'account.signIn'>): AccountRuntime {
    const runtime: AccountRuntime = new AccountRuntime(
      account,
      password,
      {
        host: request.host,
        port: request.port,
        directTls: request.directTls,
        allowInsecure: request.allowInsecure,
        transport: request.transport,
        websocketUrl: request.websocketUrl,
        proxy: request.proxy,
      },
      this.#runtimeOptions(account, () => runtime),
    );
    this.#runtimes.set(account, runtime);
    this.#lastErrors.delete(account);
    return runtime;
  }

  /** A restart after the user chose Offline: the account, its cached roster and chats, and no session. */
  async #restoreOffline(request: RequestOf<'account.signIn'>): Promise<void> {
    const account = bareJid(request.jid);
    const runtime = this.#newRuntime(account, await this.#passwordFor(account, request), request);
    runtime.module<PresenceModule>('presence').restoreOwn(undefined, true);
    runtime.startOffline();
  }

  async #signIn(request: RequestOf<'account.signIn'>): Promise<CommandResponse<'account.signIn'>> {
    const account = bareJid(request.jid);
    const password = await this.#passwordFor(account, request);
    const runtime = this.#newRuntime(account, password, request);
    runtime.module<PresenceModule>('presence').restoreOwn(request.priority);
    try {
      const state = await runtime.start();
      // Remember only what worked: the connection settings always, the password when asked to.
      await this.#settings.updateAccount(account, {
        connection: {
          host: request.host ?? null,
          port: request.port ?? null,
          directTls: request.directTls ?? false,
          transport: request.transport ?? 'tcp',
          websocketUrl: request.websocketUrl ?? null,
          proxy: request.proxy ?? null,
        },
        keepSignedIn: true,
      });
      await this.#settings.setLastUsed(account);
      let passwordWarning: string | null = null;
      if (request.remember === true && request.password !== undefined) {
        passwordWarning = (await this.#credentials.remember(account, password)).warning;
      } else if (request.remember === false) await this.#credentials.forget(account);
      this.#announceAccounts();
      return {
        account,
        ...state,
        passwordStorage: this.#credentials.storageOf(account),
        passwordWarning,
      };
    } catch (error) {
      const failure = toEngineError(error);
      if (failure.code === 'tls-untrusted' && failure.certificate) {
        this.#lastRefused.set(account, failure.certificate.fingerprint256);
      }
      if (this.#runtimes.get(account) === runtime) this.#runtimes.delete(account);
      this.#lastErrors.set(account, failure.toPayload());
      throw failure;
    }
  }

  /** Signs one account out on purpose: it is not signed in again at the next start. */
  async #signOut(account: string): Promise<void> {
    const runtime = this.#runtimes.get(account);
    this.#runtimes.delete(account);
    this.#lastErrors.delete(account);
    if (this.#settings.account(account).keepSignedIn) {
      await this.#settings.updateAccount(account, { keepSignedIn: false });
      this.#announceAccounts();
    }
    await runtime?.signOut();
  }
}
