// Presence of one account (RFC 6121 §4): our own show/status/priority, sent at every fresh session and on
// change, and every contact's presence per resource. 'offline' is the user's choice, not a sign-out: the
// stream closes but the account, its roster and chats stay, and any other choice goes online again.
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import type { RosterModule } from '../roster/roster-module.ts';
import { Presences, clampPriority, ownPresenceStanza, type OwnPresence } from './presence.ts';

const OK = { ok: true } as const;

export interface PresenceModule extends ProtocolModule {
  readonly presences: Presences;
  /**
   * At sign-in: the presence the account had last, at `priority` when given. A last 'offline' becomes
   * Available without its old status, unless `keepOffline` (a restart honouring the user's choice).
   */
  restoreOwn(priority?: number, keepOffline?: boolean): void;
}

function create(context: AccountContext) {
  const presences = new Presences(
    context.events,
    (jid) => jid === context.account || context.module<RosterModule>('roster').roster.contacts.has(jid),
  );
  return {
    id: 'presence',
    presences,
    restoreOwn: (priority, keepOffline = false) => {
      const last = context.settings.account(context.account).lastPresence;
      const own =
        last && (last.show !== 'offline' || keepOffline)
          ? last
          : { show: 'available' as const, status: null, priority: 0 };
      presences.setOwn({ show: own.show, status: own.status, priority: priority ?? own.priority });
    },
    handlers: [
      {
        kind: 'presence',
        priority: 20,
        handle: (envelope) => (presences.handle(envelope) ? 'consumed' : 'continue'),
      },
    ],
    // After the roster (module order): a fresh session knows nobody's presence until they send it again.
    onSessionStart: async (link) => {
      if (link.resumed) return;
      presences.clear();
      await link.send(ownPresenceStanza(presences.own));
    },
    onSessionEnd: () => presences.clear(),
    commands: {
      'presence.set': async ({ show, status, priority }) => {
        const own: OwnPresence = {
          show,
          status: status === undefined ? presences.own.status : status,
          priority: priority === undefined ? presences.own.priority : clampPriority(priority),
        };
        if (show === 'offline') {
          await context.goOffline();
          presences.clear(); // without a session nobody's presence is known
          presences.setOwn(own);
        } else if (context.offlineByChoice()) {
          presences.setOwn(own); // what the fresh session's onSessionStart sends
          await context.goOnline();
        } else {
          await context.online().send(ownPresenceStanza(own));
          presences.setOwn(own);
        }
        await context.settings.updateAccount(context.account, { lastPresence: own });
        return OK;
      },
    },
  } satisfies PresenceModule;
}

export const presenceModule = defineModule({ id: 'presence', commands: ['presence.set'], create });
