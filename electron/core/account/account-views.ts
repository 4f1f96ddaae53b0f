// How accounts look from outside the engine: the saved list ('account.saved', 'accounts.changed') and the
// per-account part of 'state.snapshot', for accounts signed in (from their runtime's modules) and at rest.
import type {
  AccountSnapshot,
  EngineErrorPayload,
  PasswordStorage,
  ProxySettings,
  SavedAccount,
} from '../../../shared/contract.ts';
import type { AccountSettings } from '../settings-store.ts';
import type { PresenceModule } from '../presence/presence-module.ts';
import type { RosterModule } from '../roster/roster-module.ts';
import type { ChatModule } from '../chat/chat-module.ts';
import type { MucModule } from '../muc/muc-module.ts';
import type { SubscriptionsModule } from '../subscriptions/subscriptions-module.ts';
import { OFFLINE, type AccountRuntime } from './account-runtime.ts';

export function savedAccount(jid: string, settings: AccountSettings, storage: PasswordStorage): SavedAccount {
  return {
    jid,
    host: settings.connection?.host ?? null,
    port: settings.connection?.port ?? null,
    directTls: settings.connection?.directTls ?? false,
    // Only WebSocket accounts say so: an account without `transport` connects over TCP.
    ...(settings.connection?.transport === 'websocket'
      ? { transport: 'websocket' as const, websocketUrl: settings.connection.websocketUrl ?? null }
      : {}),
    passwordSaved: settings.passwordBackend !== null,
    passwordStorage: storage,
    keepSignedIn: settings.keepSignedIn,
    proxy: settings.connection?.proxy ?? null,
    pinnedFingerprint256: settings.pinnedFingerprint256,
  };
}

/** A signed-in (or signing-in, or reconnecting) account as it is now. */
export function runningSnapshot(runtime: AccountRuntime): AccountSnapshot {
  const presence = runtime.module<PresenceModule>('presence').presences;
  return {
    account: runtime.account,
    connection: runtime.state,
    roster: [...runtime.module<RosterModule>('roster').roster.contacts.values()],
    presence: presence.snapshot(),
    requests: runtime.module<SubscriptionsModule>('subscriptions').subscriptions.requests(),
    moreRequests: runtime.module<SubscriptionsModule>('subscriptions').subscriptions.more,
    messageRequests: runtime.module<ChatModule>('chat').strangers.list(),
    moreMessages: runtime.module<ChatModule>('chat').strangers.more,
    rooms: [...runtime.module<MucModule>('muc').rooms.values()].map((room) => room.view()),
    ownPresence: { ...presence.own },
  };
}

/** A saved account that is not signed in: offline, with why if it failed, and its last own presence. */
export function restingSnapshot(
  jid: string,
  settings: AccountSettings,
  lastError: EngineErrorPayload | null,
): AccountSnapshot {
  return {
    account: jid,
    connection: { ...OFFLINE, error: lastError },
    roster: [],
    presence: [],
    requests: [],
    ownPresence: settings.lastPresence ?? { show: 'offline', status: null, priority: 0 },
  };
}

/** Saved connection settings as sign-in request fields (absent rather than null). */
export function savedConnection(settings: AccountSettings): {
  host?: string;
  port?: number;
  directTls?: true;
  transport?: 'websocket';
  websocketUrl?: string;
  proxy?: ProxySettings;
} {
  const connection = settings.connection;
  if (connection?.transport === 'websocket') {
    return {
      transport: 'websocket',
      ...(connection.websocketUrl ? { websocketUrl: connection.websocketUrl } : {}),
    };
  }
  return {
    ...(connection?.host ? { host: connection.host } : {}),
    ...(connection?.port ? { port: connection.port } : {}),
    ...(connection?.directTls ? { directTls: true } : {}),
    ...(connection?.proxy ? { proxy: connection.proxy } : {}),
  };
}
