// Subscriptions of one account (RFC 6121 §3): inbound requests wait for the user's answer; requests,
// answers, cancellations and pre-approvals go out from here. The roster carries the resulting state.
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import type { RosterModule } from '../roster/roster-module.ts';
import { Subscriptions } from './subscriptions.ts';

const OK = { ok: true } as const;

export interface SubscriptionsModule extends ProtocolModule {
  readonly subscriptions: Subscriptions;
}

function create(context: AccountContext) {
  const subscriptions = new Subscriptions(context.events, (jid) =>
    context.module<RosterModule>('roster').roster.refresh(jid),
  );
  return {
    id: 'subscriptions',
    subscriptions,
    // Before presence: subscription-type presence is ours, the rest goes on.
    handlers: [
      {
        kind: 'presence',
        priority: 10,
        handle: (envelope) => (subscriptions.handle(envelope) ? 'consumed' : 'continue'),
      },
    ],
    commands: {
      'subscription.request': async ({ jid, status }) => {
        await context.online().send(subscriptions.request(jid, status));
        return OK;
      },
      'subscription.answer': async ({ jid, answer }) => {
        await context.online().sendMany(subscriptions.answer(jid, answer));
        return OK;
      },
      'subscription.unsubscribe': async ({ jid }) => {
        await context.online().send(subscriptions.unsubscribe(jid));
        return OK;
      },
      'subscription.cancel': async ({ jid }) => {
        await context.online().send(subscriptions.cancel(jid));
        return OK;
      },
      'subscription.preApprove': async ({ jid }) => {
        const link = context.online();
        await link.send(subscriptions.preApprove(jid, link.features.preApproval));
        return OK;
      },
    },
  } satisfies SubscriptionsModule;
}

export const subscriptionsModule = defineModule({
  id: 'subscriptions',
  commands: [
    'subscription.request',
    'subscription.answer',
    'subscription.unsubscribe',
    'subscription.cancel',
    'subscription.preApprove',
  ],
  create,
});
