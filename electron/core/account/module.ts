// The one interface every protocol concern implements. A module is created once per account runtime (so its
// state is that account's, and nothing refers to "the" account) and declares what it takes part in:
// - `features`: the disco#info features it adds (the disco answer and our caps hash are built from these);
// - `beforeConnect`: the first sign-in starts: show what was cached at the last one (the roster);
// - `onSessionStart` / `onSessionEnd`: a session began (fresh or resumed) or was lost;
// - `catchUp`: work that must finish before live messages are handled (the archive catch-up);
// - `onReady`: the account is caught up (the outbox goes out);
// - `handlers`: the message and presence stanzas it handles, by priority ('consumed' stops the walk);
// - `iq`: the get/set requests it answers, by (namespace, child name);
// - `commands`: the contract commands it implements for its account;
// - `outgoing`: a hook on each stanza we send (caps on presence, later chat states, encryption).
import type { Element } from '@xmpp/xml';
import type { z } from 'zod';
import type {
  commands,
  CommandResponse,
  EngineCommandName,
  EventName,
  EventPayload,
} from '../../../shared/contract.ts';
import type { Jid } from '../../../shared/jid.ts';
import type { EventBatcher } from '../event-batcher.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { SettingsStore } from '../settings-store.ts';
import type { PreferencesView } from '../preferences/preferences-store.ts';
import type { IqEnvelope, MessageEnvelope, PresenceEnvelope } from '../xmpp/envelope.ts';
import type { IqTracker } from '../xmpp/iq-tracker.ts';
import type { StreamFeatureFlags } from '../xmpp/session.ts';
import type { CapsCache } from '../disco/caps.ts';
import type { StanzaSource } from '../mam/mam.ts';

export type RequestOf<C extends EngineCommandName> = z.output<(typeof commands)[C]['request']>;
export type CommandHandler<C extends EngineCommandName> = (
  request: RequestOf<C>,
) => Promise<CommandResponse<C>>;
export type CommandTable<C extends EngineCommandName> = { [K in C]: CommandHandler<K> };

/** Events about one account: the runtime stamps `account` on them. */
export type AccountScopedEvent =
  | 'connection.state'
  | 'roster.changed'
  | 'presence.changed'
  | 'presence.own'
  | 'subscription.requests'
  | 'subscription.notice'
  | 'chat.requests';

/** What a module emits through: account-scoped events without their `account`, others as they are. */
export interface AccountEvents {
  emit<E extends EventName>(
    event: E,
    payload: E extends AccountScopedEvent ? Omit<EventPayload<E>, 'account'> : EventPayload<E>,
  ): void;
  /** Delivers one batch now rather than at the next tick (before a known storm of work); the rest keeps pace. */
  hurry(): void;
}

const SCOPED = new Set<EventName>([
  'connection.state',
  'roster.changed',
  'presence.changed',
  'presence.own',
  'subscription.requests',
  'subscription.notice',
  'chat.requests',
]);

/** An AccountEvents that stamps `account` and hands everything to the engine's batcher. */
export function accountEvents(batcher: EventBatcher, account: string): AccountEvents {
  return {
    emit: (event, payload) =>
      batcher.emit(event, (SCOPED.has(event) ? { ...payload, account } : payload) as never),
    hurry: () => batcher.hurry(),
  };
}

/** The live session of an account, as modules see it: only valid until onSessionEnd. */
export interface SessionLink {
  /** Our full JID on this session. */
  readonly jid: string;
  readonly iq: IqTracker;
  readonly features: StreamFeatureFlags;
  readonly streamManaged: boolean;
  readonly resumed: boolean;
  readonly isOpen: boolean;
  /** The answer to a module's beforeStreamManagement query on this session, or null. */
  prefetched(moduleId: string): Element | null;
  /** Ids of sent stanzas the server has not confirmed (a resumed stream delivers those itself). */
  unackedIds(): Set<string>;
  /** Sends through every module's outgoing hook. Rejects when the link is gone. */
  send(stanza: Element): Promise<void>;
  sendMany(stanzas: Element[]): Promise<void>;
}

/** What every module of an account is given when it is created. */
export interface AccountContext {
  /** Bare JID of the account, and the same parsed. */
  readonly account: string;
  readonly accountJid: Jid;
  readonly events: AccountEvents;
  readonly settings: SettingsStore;
  /** The user's preferences (privacy switches and the like), current at each read. */
  readonly preferences: PreferencesView;
  /** Parley's version (XEP-0092 answers). */
  readonly appVersion: string;
  readonly history: HistoryStore;
  /** Contacts' capabilities by verification string, shared by every account of the engine. */
  readonly caps: CapsCache;
  /** Results per archive page (servers cap it). */
  readonly archivePageSize: number;
  /** Archive results of every session of this account (XEP-0313 queries in flight listen here). */
  readonly archiveResults: StanzaSource;
  /** The session up now, or null (signing in, reconnecting). */
  link(): SessionLink | null;
  /** The session up now, or a 'not-connected' error. */
  online(): SessionLink;
  /** Caught up and the outbox sent: new messages go straight to the wire. */
  ready(): boolean;
  /** The user chose Offline (presence 'offline'): no session, no reconnecting, the account kept. */
  offlineByChoice(): boolean;
  /**
   * Presence 'offline': unavailable presence and the stream closed, but no reconnecting; modules keep their
   * state as over a dropped link (no onSessionEnd), and the next session is a fresh one.
   */
  goOffline(): Promise<void>;
  /** Any other presence after 'offline': a fresh session with the password held in memory. */
  goOnline(): Promise<void>;
  /** This sign-in's roster is on screen (cached or fetched): the connection state says so from now on. */
  rosterShown(): void;
  /** Every module of this account, in session-start order. */
  modules(): readonly ProtocolModule[];
  /** Another module of this account, by its id; throws when it is not registered (a wiring bug). */
  module<T extends ProtocolModule>(id: string): T;
}

export type HandlerResult = 'consumed' | 'continue';

export interface MessageHandler {
  kind: 'message';
  /** Lower runs first. */
  priority: number;
  handle(envelope: MessageEnvelope): HandlerResult;
}

export interface PresenceHandler {
  kind: 'presence';
  priority: number;
  handle(envelope: PresenceEnvelope): HandlerResult;
}

export type StanzaHandler = MessageHandler | PresenceHandler;

/** Answers an iq get or set whose first child is `child` in namespace `ns`. */
export interface IqHandler {
  type: 'get' | 'set';
  ns: string;
  child: string;
  /**
   * The result's child (or null for an empty result), or 'handled' when the module replied itself. Throwing
   * an IqError answers with that condition.
   */
  handle(envelope: IqEnvelope): Element | null | 'handled' | Promise<Element | null | 'handled'>;
}

export interface ProtocolModule {
  readonly id: string;
  readonly features?: readonly string[];
  /** The first sign-in of the runtime starts (not awaited: the connection goes on meanwhile). */
  beforeConnect?(): Promise<void> | void;
  /**
   * An iq get to send on a new session right after binding, before stream management (its answer is
   * SessionLink.prefetched in onSessionStart): for large answers only.
   */
  beforeStreamManagement?(features: StreamFeatureFlags): Promise<Element | null>;
  onSessionStart?(link: SessionLink): Promise<void> | void;
  /** The account went offline for good (signed out, or a failure no retry fixes); not a dropped link or Offline. */
  onSessionEnd?(): void;
  catchUp?(link: SessionLink): Promise<void>;
  onReady?(link: SessionLink): Promise<void> | void;
  readonly handlers?: readonly StanzaHandler[];
  readonly iq?: readonly IqHandler[];
  readonly commands?: Partial<CommandTable<EngineCommandName>>;
  outgoing?(stanza: Element): void;
  /** The server confirmed these stanzas (XEP-0198). */
  onAcked?(stanzas: Element[]): void;
  /** The account is signed out for good, or the engine shuts down: write what must be kept. */
  dispose?(): Promise<void> | void;
}

/** Any module kind, whatever commands it implements. */
export interface ModuleKind {
  readonly id: string;
  readonly commands: readonly EngineCommandName[];
  create(context: AccountContext): ProtocolModule;
}

/** A module kind: its id, the commands it implements (checked against the contract) and how to create one. */
export interface ModuleDefinition<C extends EngineCommandName = never> extends ModuleKind {
  readonly commands: readonly C[];
  create(context: AccountContext): ProtocolModule & { commands?: CommandTable<C> };
}

export function defineModule<C extends EngineCommandName = never>(
  definition: ModuleDefinition<C>,
): ModuleDefinition<C> {
  return definition;
}

/** The commands a list of module definitions implements. */
type CommandsOfOne<D> = D extends ModuleDefinition<infer C> ? C : never;
export type CommandsOf<M extends readonly ModuleKind[]> = CommandsOfOne<M[number]>;
