// Chat states of one account (XEP-0085): <active/> on our 1:1 messages, and 'composing' / 'paused' when the
// page says the user types. Only to contacts who may see our presence anyway (as receipts), and nothing at
// all while Settings › Privacy › typing notifications is off.
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import type { RosterModule } from '../roster/roster-module.ts';
import { addActiveState, chatStateMessage, NS_CHAT_STATES } from './chat-states.ts';

function create(context: AccountContext) {
  const allowed = (): boolean => context.preferences.get().privacy.typingNotifications;
  const sharesPresenceWith = (peer: string): boolean => {
    const subscription = context.module<RosterModule>('roster').roster.contacts.get(peer)?.subscription;
    return subscription === 'from' || subscription === 'both';
  };
  return {
    id: 'chat-states',
    // XEP-0085: an entity that supports chat states must say so; we do while typing notifications are on.
    get features() {
      return allowed() ? [NS_CHAT_STATES] : [];
    },
    outgoing: (stanza) => addActiveState(stanza, allowed()),
    commands: {
      'chat.typing': async ({ peer, state }) => {
        const link = context.link();
        if (!allowed() || !link?.isOpen || !context.ready() || !sharesPresenceWith(peer)) return { ok: true };
        // A courtesy: a state lost with a dropped link is not worth an error.
        await link.send(chatStateMessage(peer, state)).catch(() => undefined);
        return { ok: true };
      },
    },
  } satisfies ProtocolModule;
}

export const chatStatesModule = defineModule({ id: 'chat-states', commands: ['chat.typing'], create });
