// Which rooms are on our own server: at its domain, or at a text conference service it lists in its
// disco#items (looked up once per session, at the first mediated invitation). A room there relays the
// inviter's address as our server saw it; a room on another server may name anyone, so a mediated
// invitation ranks as a contact's only from one of these. Bounded: the first MAX_SERVER_ITEMS items,
// QUERIES_AT_ONCE disco#info at a time, each answered within INFO_TIMEOUT_MS or taken as no service.
import { tryParseJid } from '../../../shared/jid.ts';
import type { AccountContext } from '../account/module.ts';
import { itemsQuery, parseItems, parseServiceInfo } from '../room-directory/room-directory-xml.ts';
import { NS_DISCO_INFO } from '../xmpp/ns.ts';
import { answerWithin } from '../xmpp/answer-within.ts';
import { xml } from '@xmpp/xml';

const MAX_SERVER_ITEMS = 20;
const QUERIES_AT_ONCE = 5;
const INFO_TIMEOUT_MS = 5_000;

export interface OwnRoomServices {
  /** The room (a bare JID) is at our server's domain or one of its conference services. */
  hosts(room: string): Promise<boolean>;
  /** A new session asks again. */
  forget(): void;
}

export function ownRoomServices(context: Pick<AccountContext, 'accountJid' | 'link'>): OwnRoomServices {
  const ownDomain = context.accountJid.domain;
  let services: Promise<Set<string>> | null = null;

  const lookUp = async (): Promise<Set<string>> => {
    const link = context.link();
    if (!link) throw new Error('offline');
    const reply = await link.iq.request('get', ownDomain, itemsQuery(null, false));
    const found = new Set<string>();
    const candidates = parseItems(reply, MAX_SERVER_ITEMS)
      .items.map((i) => i.jid)
      .filter((jid) => !jid.includes('@'));
    for (let at = 0; at < candidates.length; at += QUERIES_AT_ONCE) {
      await Promise.all(
        candidates.slice(at, at + QUERIES_AT_ONCE).map(async (jid) => {
          const info = await answerWithin(
            link.iq.request('get', jid, xml('query', { xmlns: NS_DISCO_INFO })),
            INFO_TIMEOUT_MS,
          );
          if (info && parseServiceInfo(info).conference) found.add(jid);
        }),
      );
    }
    return found;
  };

  return {
    async hosts(room) {
      const domain = tryParseJid(room)?.domain;
      if (!domain) return false;
      if (domain === ownDomain) return true;
      services ??= lookUp().catch(() => {
        services = null; // offline or refused: asked again at the next invitation
        return new Set<string>();
      });
      return (await services).has(domain);
    },
    forget() {
      services = null;
    },
  };
}
