// Presence of one account (RFC 6121 §4): our own show/status/priority, sent at every fresh session and on
// change, and every contact's presence per resource. 'offline' is the user's choice, not a sign-out: the
// stream closes but the account, its roster and chats stay, and any other choice goes online again.
// Auto-away (idle-policy.ts) shows Away / Extended away over the user's choice while they are idle, with
// XEP-0319's <idle/>; what is saved as the last presence is always the user's own choice.
import {
  defineModule,
  type AccountContext,
  type ProtocolModule,
  type SessionLink,
} from '../account/module.ts';
import type { RosterModule } from '../roster/roster-module.ts';
import { Presences, clampPriority, ownPresenceStanza, type OwnPresence } from './presence.ts';
import { NOT_AWAY, nextAutoAway, userChose, type AutoAwayState } from '../idle/idle-policy.ts';

const OK = { ok: true } as const;

export interface PresenceModule extends ProtocolModule {
  readonly presences: Presences;
  /**
   * At sign-in: the presence the account had last, at `priority` when given. A last 'offline' becomes
   * Available without its old status, unless `keepOffline` (a restart honouring the user's choice).
   */
  restoreOwn(priority?: number, keepOffline?: boolean): void;
  /** The user has not touched the machine for `idleSeconds` (every ~15 s): auto-away starts, deepens or ends. */
  applyIdle(idleSeconds: number, now: number): void;
}

function create(context: AccountContext) {
  const presences = new Presences(
    context.events,
    (jid) => jid === context.account || context.module<RosterModule>('roster').roster.contacts.has(jid),
  );
  let autoAway: AutoAwayState = NOT_AWAY;
  let lastIdleSeconds: number | null = null;
  /** An auto-away change that could not be sent (no session): a resumed session sends it. */
  let unsent = false;
  const sendOwn = (link: SessionLink): Promise<void> =>
    link.send(ownPresenceStanza(presences.own, presences.idleSince));
  return {
    id: 'presence',
    presences,
    restoreOwn: (priority, keepOffline = false) => {
      const last = context.settings.account(context.account).lastPresence;
      const own =
        last && (last.show !== 'offline' || keepOffline)
          ? last
          : { show: 'available' as const, status: null, priority: 0 };
      autoAway = NOT_AWAY;
      presences.setOwn({ show: own.show, status: own.status, priority: priority ?? own.priority });
    },
    applyIdle: (idleSeconds, now) => {
      lastIdleSeconds = idleSeconds;
      const next = nextAutoAway(
        autoAway,
        presences.chosen.show,
        idleSeconds,
        now,
        context.preferences.get().idle,
      );
      if (next === autoAway) return;
      autoAway = next;
      if (!presences.setAuto(next.auto)) return;
      const link = context.link();
      unsent = !link || context.offlineByChoice();
      if (!unsent) void sendOwn(link!).catch(() => (unsent = true));
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
      if (link.resumed && !unsent) return;
      unsent = false;
      if (!link.resumed) presences.clear();
      await sendOwn(link);
    },
    onSessionEnd: () => presences.clear(),
    commands: {
      'presence.set': async ({ show, status, priority }) => {
        const own: OwnPresence = {
          show,
          status: status === undefined ? presences.chosen.status : status,
          priority: priority === undefined ? presences.chosen.priority : clampPriority(priority),
        };
        // The user's choice wins over auto-away (setOwn ends it), also while they stay idle.
        autoAway = userChose(lastIdleSeconds, context.preferences.get().idle);
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
