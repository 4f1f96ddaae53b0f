// XEP-0280 carbons for one account: turned on at every fresh session, so this device sees what the account's
// other devices send and receive. The carbons themselves are unwrapped (and forgeries dropped) by the
// envelope parser; the chat module stores them by their `via`.
import { defineModule, type ProtocolModule } from '../account/module.ts';
import { NS_CARBONS } from '../xmpp/ns.ts';
import { enableCarbons } from './carbons.ts';

export const carbonsModule = defineModule({
  id: 'carbons',
  commands: [],
  create: (): ProtocolModule => ({
    id: 'carbons',
    features: [NS_CARBONS],
    onSessionStart: async (link) => {
      // A server without carbons is no reason to fail the sign-in.
      if (!link.resumed) await enableCarbons(link.iq).catch(() => undefined);
    },
  }),
});
