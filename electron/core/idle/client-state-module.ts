// XEP-0352 client state indication for one account: while no window of ours is on screen the server may hold
// back what is not urgent (presence, chat states), which saves it, us and the battery work. Sent only where
// the server offers it in its stream features.
import { xml } from '@xmpp/xml';
import {
  defineModule,
  type AccountContext,
  type ProtocolModule,
  type SessionLink,
} from '../account/module.ts';
import { NS_CSI } from '../xmpp/ns.ts';

export interface ClientStateModule extends ProtocolModule {
  /** Some window is on screen (true) or none is: tells the server when that changes. */
  setActive(active: boolean): void;
}

function create(context: AccountContext) {
  let active = true;
  /** What the server believes of this stream: a new stream starts active (§5), a resumed one kept its state. */
  let serverActive = true;

  const tell = (link: SessionLink | null): void => {
    if (!link || !link.features.clientStateIndication || serverActive === active) return;
    serverActive = active;
    // A nonza: not counted by stream management (session.ts), so not resent on resumption either.
    link.send(xml(active ? 'active' : 'inactive', { xmlns: NS_CSI })).catch(() => {
      serverActive = !active; // not written: the next session or change says it again
    });
  };

  return {
    id: 'client-state',
    setActive: (value: boolean) => {
      active = value;
      tell(context.link());
    },
    onSessionStart: (link: SessionLink) => {
      if (!link.resumed) serverActive = true;
      tell(link);
    },
  } satisfies ClientStateModule;
}

export const clientStateModule = defineModule({ id: 'client-state', commands: [], create });
