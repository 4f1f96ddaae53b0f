// The one interface of an engine-level concern: something about the app as a whole rather than one account
// (preferences, links from other programs, idle time), created once per engine. It implements contract
// commands (checked at build time, like a module's) and reaches the accounts only through this context.
import type { EngineCommandName, EventName, EventPayload } from '../../shared/contract.ts';
import type { CommandTable } from './account/module.ts';
import type { AccountRuntime } from './account/account-runtime.ts';
import type { PreferencesStore } from './preferences/preferences-store.ts';

export interface EngineServiceContext {
  /** Where settings, history and logs live. */
  readonly dataDir: string;
  readonly appVersion: string;
  readonly preferences: PreferencesStore;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Every account signed in, signing in or reconnecting. */
  runtimes(): Iterable<AccountRuntime>;
  runtime(account: string): AccountRuntime | undefined;
}

export interface RunningService {
  /** The engine shuts down: stop timers, write what must be kept. */
  dispose?(): Promise<void> | void;
}

export interface EngineService<C extends EngineCommandName = never> extends RunningService {
  readonly commands?: CommandTable<C>;
}

/** Any service kind, whatever commands it implements. */
export interface ServiceKind {
  readonly id: string;
  readonly commands: readonly EngineCommandName[];
  create(context: EngineServiceContext): RunningService;
}

export interface ServiceDefinition<C extends EngineCommandName = never> extends ServiceKind {
  readonly commands: readonly C[];
  create(context: EngineServiceContext): EngineService<C>;
}

export function defineService<C extends EngineCommandName = never>(
  definition: ServiceDefinition<C>,
): ServiceDefinition<C> {
  return definition;
}

type CommandsOfOne<D> = D extends ServiceDefinition<infer C> ? C : never;
export type ServiceCommandsOf<S extends readonly ServiceKind[]> = CommandsOfOne<S[number]>;
