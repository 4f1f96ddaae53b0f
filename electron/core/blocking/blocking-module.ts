// XEP-0191 blocking for one account: block and unblock an address (the server then drops its messages,
// presence and requests, and stops sending it ours). Blocking a stranger also ends their message request.
// The blocklist is read at each fresh session start (which also asks the server for its pushes) and kept
// current by the pushes from our own account (a block made on another of our devices); a blocked
// stranger's request goes there too. Pushes from anyone else are refused and change nothing.
import { xml, type Element } from '@xmpp/xml';
import type { Blocklist } from '../../../shared/blocking.ts';
import { formatJid, fromOwnAccount, normalJid, tryParseJid } from '../../../shared/jid.ts';
import { EngineError, toEngineError } from '../errors.ts';
import {
  defineModule,
  type AccountContext,
  type ProtocolModule,
  type SessionLink,
} from '../account/module.ts';
import type { ChatModule } from '../chat/chat-module.ts';
import { IqError } from '../xmpp/dispatcher.ts';
import type { IqEnvelope } from '../xmpp/envelope.ts';
import { NS_BLOCKING } from '../xmpp/ns.ts';
import { BlocklistState, itemJids } from './blocklist.ts';

const OK = { ok: true } as const;
/** Items one push may name that we act on (a push naming thousands is not a person's doing). */
const MAX_PUSH_ITEMS = 1000;

function change(kind: 'block' | 'unblock', jid: string): Element {
  return xml(kind, { xmlns: NS_BLOCKING }, xml('item', { jid }));
}

export interface BlockingModule extends ProtocolModule {
  readonly blocklist: BlocklistState;
}

/** The server has no XEP-0191 (or refuses it to us). */
function notSupported(failure: EngineError): boolean {
  return failure.condition === 'feature-not-implemented' || failure.condition === 'service-unavailable';
}

function create(context: AccountContext) {
  const chat = () => context.module<ChatModule>('chat');
  const blocklist = new BlocklistState(context.account, (change) =>
    context.events.emit('blocking.changed', change),
  );
  /** The session start's read, while it is under way. */
  let loading: Promise<void> | null = null;
  /** Sessions started: a read that ends after a newer session began says nothing about it. */
  let sessions = 0;

  const load = async (link: SessionLink): Promise<void> => {
    const session = ++sessions;
    try {
      const reply = await link.iq.request('get', null, xml('blocklist', { xmlns: NS_BLOCKING }));
      const list = reply.getChild('blocklist', NS_BLOCKING);
      if (session === sessions) blocklist.reset('loaded', list ? itemJids(list) : []);
    } catch (error) {
      if (session !== sessions) return;
      blocklist.reset(notSupported(toEngineError(error)) ? 'not-supported' : 'not-loaded');
    }
  };

  const send = async (kind: 'block' | 'unblock', jid: string): Promise<void> => {
    try {
      await context.online().iq.request('set', null, change(kind, jid));
    } catch (error) {
      const failure = toEngineError(error);
      if (notSupported(failure)) {
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
    if (!payload) return null;
    if (payload.name === 'block') {
      blocklist.block(itemJids(payload));
      for (const item of payload.getChildren('item').slice(0, MAX_PUSH_ITEMS)) {
        const jid = tryParseJid(item.attrs.jid ?? '');
        if (jid) chat().dismiss(formatJid({ ...jid, resource: null }));
      }
    } else if (payload.getChildren('item').length === 0) {
      blocklist.unblockAll(); // XEP-0191 §3.3
    } else blocklist.unblock(itemJids(payload));
    return null;
  };

  return {
    id: 'blocking',
    blocklist,
    onSessionStart: (link: SessionLink) => {
      if (link.resumed) return; // the server queued its pushes for us
      // Not awaited: the session goes on while the list comes; 'blocking.list' waits for it.
      const read = load(link).finally(() => {
        if (loading === read) loading = null;
      });
      loading = read;
    },
    onSessionEnd: () => {
      sessions++;
      blocklist.clear();
    },
    iq: [
      { type: 'set', ns: NS_BLOCKING, child: 'block', handle: onPush },
      { type: 'set', ns: NS_BLOCKING, child: 'unblock', handle: onPush },
    ],
    commands: {
      // The server pushes the change to us as well; applying it here too means the answer finds it listed.
      // (The contract checked the address; its normal form is how the list names it.)
      'blocking.block': async ({ jid }) => {
        await send('block', jid);
        blocklist.block([normalJid(jid) ?? jid]);
        chat().dismiss(jid);
        return OK;
      },
      'blocking.unblock': async ({ jid }) => {
        await send('unblock', jid);
        blocklist.unblock([normalJid(jid) ?? jid]);
        return OK;
      },
      'blocking.list': async (): Promise<Blocklist> => {
        await loading;
        return blocklist.snapshot();
      },
    },
  } satisfies BlockingModule;
}

export const blockingModule = defineModule({
  id: 'blocking',
  commands: ['blocking.block', 'blocking.unblock', 'blocking.list'],
  create,
});
