// XEP-0191 blocking for one account: block and unblock an address (the server then drops its messages,
// presence and requests, and stops sending it ours). Blocking a stranger also ends their message request.
// The server's pushes (a block made on another of our devices) are acknowledged, and a blocked stranger's
// request goes there too.
import { xml, type Element } from '@xmpp/xml';
import { formatJid, fromOwnAccount, tryParseJid } from '../../../shared/jid.ts';
import { EngineError, toEngineError } from '../errors.ts';
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import type { ChatModule } from '../chat/chat-module.ts';
import { IqError } from '../xmpp/dispatcher.ts';
import type { IqEnvelope } from '../xmpp/envelope.ts';
import { NS_BLOCKING } from '../xmpp/ns.ts';

const OK = { ok: true } as const;
/** Items one push may name that we act on (a push naming thousands is not a person's doing). */
const MAX_PUSH_ITEMS = 1000;

function change(kind: 'block' | 'unblock', jid: string): Element {
  return xml(kind, { xmlns: NS_BLOCKING }, xml('item', { jid }));
}

function create(context: AccountContext) {
  const chat = () => context.module<ChatModule>('chat');

  const send = async (kind: 'block' | 'unblock', jid: string): Promise<void> => {
    try {
      await context.online().iq.request('set', null, change(kind, jid));
    } catch (error) {
      const failure = toEngineError(error);
      if (failure.condition === 'feature-not-implemented' || failure.condition === 'service-unavailable') {
        throw new EngineError('not-supported', 'Your server does not support blocking (XEP-0191).', {
          condition: failure.condition,
        });
      }
      throw error;
    }
  };

  /** A push from our own server: only without 'from' or from our bare JID (as for roster pushes). */
  const onPush = ({ stanza, payload }: IqEnvelope): null => {
    if (!fromOwnAccount(stanza.attrs.from, context.account)) throw new IqError('service-unavailable');
    if (payload?.name === 'block') {
      for (const item of payload.getChildren('item').slice(0, MAX_PUSH_ITEMS)) {
        const jid = tryParseJid(item.attrs.jid ?? '');
        if (jid) chat().dismiss(formatJid({ ...jid, resource: null }));
      }
    }
    return null;
  };

  return {
    id: 'blocking',
    iq: [
      { type: 'set', ns: NS_BLOCKING, child: 'block', handle: onPush },
      { type: 'set', ns: NS_BLOCKING, child: 'unblock', handle: onPush },
    ],
    commands: {
      'blocking.block': async ({ jid }) => {
        await send('block', jid);
        chat().dismiss(jid);
        return OK;
      },
      'blocking.unblock': async ({ jid }) => {
        await send('unblock', jid);
        return OK;
      },
    },
  } satisfies ProtocolModule;
}

export const blockingModule = defineModule({
  id: 'blocking',
  commands: ['blocking.block', 'blocking.unblock'],
  create,
});
