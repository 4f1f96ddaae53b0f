// XEP-0199: answer our server's (or a contact's) pings, so they see the link is alive.
import { defineModule, type ProtocolModule } from '../account/module.ts';
import { NS_PING } from '../xmpp/ns.ts';

export const pingModule = defineModule({
  id: 'ping',
  commands: [],
  create: (): ProtocolModule => ({
    id: 'ping',
    features: [NS_PING],
    iq: [{ type: 'get', ns: NS_PING, child: 'ping', handle: () => null }],
  }),
});
