// The roster concern of one account (RFC 6121 §2): fetched at every fresh session, pushes from our server,
// and the add / rename / regroup / remove commands.
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import { EngineError } from '../errors.ts';
import { IqError } from '../xmpp/dispatcher.ts';
import { sameBareJid } from '../../../shared/jid.ts';
import { NS_ROSTER } from '../xmpp/ns.ts';
import type { SubscriptionsModule } from '../subscriptions/subscriptions-module.ts';
import type { PresenceModule } from '../presence/presence-module.ts';
import { Roster } from './roster.ts';

const OK = { ok: true } as const;

export interface RosterModule extends ProtocolModule {
  readonly roster: Roster;
}

function create(context: AccountContext) {
  const roster = new Roster(
    context.account,
    context.events,
    context.settings,
    (jid) => context.module<SubscriptionsModule>('subscriptions').subscriptions.isPending(jid),
    (jid) => context.module<PresenceModule>('presence').presences.forget(jid),
    () => context.rosterShown(),
  );
  return {
    id: 'roster',
    roster,
    beforeConnect: async () => void (await roster.showCached()),
    // Asked for before stream management is on (see SessionOptions.afterBind): a large roster costs less.
    beforeStreamManagement: (features) => roster.prepare(features.rosterVersioning),
    // RFC 6121 §2.2: the roster comes before initial presence, so presence lands on known contacts.
    onSessionStart: async (link) => {
      if (link.resumed) return;
      const reply = link.prefetched('roster');
      if (reply) roster.apply(reply);
      else await roster.fetch(link, link.features.rosterVersioning); // the early ask failed: ask again
    },
    iq: [
      {
        type: 'set',
        ns: NS_ROSTER,
        child: 'query',
        handle: ({ stanza }) => {
          // A push from anyone but our own account is not ours to accept (RFC 6121 §2.1.6).
          if (roster.handlePush(stanza, context.online())) return 'handled';
          throw new IqError('service-unavailable');
        },
      },
    ],
    commands: {
      'roster.add': async ({ jid, name, groups, subscribe }) => {
        // ejabberd would add us to our own roster without a word; Prosody refuses with not-allowed.
        if (sameBareJid(jid, context.account)) {
          throw new EngineError(
            'invalid-request',
            'That is your own address: you cannot add yourself as a contact.',
          );
        }
        const link = context.online();
        await roster.add(link, { jid, name: name ?? null, groups: groups ?? [] });
        const subscriptions = context.module<SubscriptionsModule>('subscriptions').subscriptions;
        if (subscribe) await link.send(subscriptions.request(jid));
        return OK;
      },
      'roster.update': async (change) => {
        await roster.update(context.online(), change);
        return OK;
      },
      'roster.remove': async ({ jid }) => {
        // RFC 6121 §2.5.2: removing the item also cancels both subscriptions; the server sends the presence.
        await roster.remove(context.online(), jid);
        return OK;
      },
    },
    dispose: () => roster.flushCache(),
  } satisfies RosterModule & ProtocolModule;
}

export const rosterModule = defineModule({
  id: 'roster',
  commands: ['roster.add', 'roster.update', 'roster.remove'],
  create,
});
