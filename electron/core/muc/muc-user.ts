// The MUC parts of a stanza (XEP-0045 §7, §9, §10; XEP-0421), read once by the envelope parser: the
// <x xmlns='http://jabber.org/protocol/muc#user'> status codes, its <item/> (role, affiliation, real JID, new
// nick, reason, actor), a room's <destroy/>, a mediated <invite/>, and the occupant id. Everything is
// bounded: a hostile room can send thousands of status elements, or megabytes of reason.
import type { Element } from '@xmpp/xml';
import type { MucAffiliation, MucRole } from '../../../shared/muc.ts';
import { MAX_NICK_CHARS } from '../../../shared/muc.ts';
import { MAX_STATUS_CHARS } from '../../../shared/limits.ts';
import { isBareJid, isValidJid } from '../../../shared/jid.ts';
import { usableId } from '../chat/message-fields.ts';

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
export const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
export const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
export const NS_OCCUPANT_ID = 'urn:xmpp:occupant-id:0'; // XEP-0421
export const NS_CONFERENCE = 'jabber:x:conference'; // XEP-0249

/** Status codes read from one stanza, at most (real rooms send two or three). */
const MAX_STATUSES = 16;
const ROLES: ReadonlySet<string> = new Set(['moderator', 'participant', 'visitor', 'none']);
const AFFILIATIONS: ReadonlySet<string> = new Set(['owner', 'admin', 'member', 'outcast', 'none']);

export interface MucItem {
  role: MucRole | null;
  affiliation: MucAffiliation | null;
  /** The occupant's real JID as the room shows it (full or bare), when valid. */
  jid: string | null;
  /** The new nick (status 303), or the nick an admin item names. */
  nick: string | null;
  reason: string | null;
  /** Nick of the moderator who acted (kick, ban). */
  actor: string | null;
}

export interface MucDestroy {
  /** The alternate venue (a room's bare JID), when valid. */
  jid: string | null;
  reason: string | null;
}

export interface MucInvite {
  from: string | null;
  reason: string | null;
  password: string | null;
}

export interface MucUser {
  /** Three-digit status codes (XEP-0045 §15.6), unique, in order. */
  statuses: ReadonlySet<number>;
  item: MucItem | null;
  destroy: MucDestroy | null;
  invite: MucInvite | null;
  password: string | null;
}

function bounded(text: string | null | undefined, max = MAX_STATUS_CHARS): string | null {
  return text === null || text === undefined ? null : text.slice(0, max);
}

function parseItem(item: Element): MucItem {
  const { role, affiliation, jid, nick } = item.attrs;
  return {
    role: typeof role === 'string' && ROLES.has(role) ? (role as MucRole) : null,
    affiliation:
      typeof affiliation === 'string' && AFFILIATIONS.has(affiliation)
        ? (affiliation as MucAffiliation)
        : null,
    jid: typeof jid === 'string' && jid.length <= 3071 && isValidJid(jid) ? jid : null,
    nick: typeof nick === 'string' && nick.length > 0 && nick.length <= MAX_NICK_CHARS ? nick : null,
    reason: bounded(item.getChildText('reason')),
    actor: bounded(item.getChild('actor')?.attrs.nick, MAX_NICK_CHARS),
  };
}

/** The muc#user payload of a presence or message, or null when it has none. */
export function parseMucUser(stanza: Element): MucUser | null {
  const x = stanza.getChild('x', NS_MUC_USER);
  if (!x) return null;
  const statuses = new Set<number>();
  let item: MucItem | null = null;
  let destroy: MucDestroy | null = null;
  let invite: MucInvite | null = null;
  let seen = 0;
  for (const child of x.children) {
    if (typeof child === 'string') continue;
    if (++seen > 64) break; // a real payload has a handful of children
    if (child.name === 'status' && statuses.size < MAX_STATUSES) {
      const code = child.attrs.code;
      if (typeof code === 'string' && /^[1-9][0-9]{2}$/.test(code)) statuses.add(Number(code));
    } else if (child.name === 'item' && !item) item = parseItem(child);
    else if (child.name === 'destroy' && !destroy) {
      const jid = child.attrs.jid;
      destroy = {
        jid: typeof jid === 'string' && jid.length <= 2047 && isBareJid(jid) ? jid : null,
        reason: bounded(child.getChildText('reason')),
      };
    } else if (child.name === 'invite' && !invite) {
      const from = child.attrs.from;
      invite = {
        from: typeof from === 'string' && from.length <= 3071 && isValidJid(from) ? from : null,
        reason: bounded(child.getChildText('reason')),
        password: bounded(x.getChildText('password'), 1024),
      };
    }
  }
  return { statuses, item, destroy, invite, password: bounded(x.getChildText('password'), 1024) };
}

/** XEP-0421: the occupant id the room stamped (only the room can: it strips any a client sent). */
export function occupantIdOf(stanza: Element): string | null {
  const id = stanza.getChild('occupant-id', NS_OCCUPANT_ID)?.attrs.id;
  return usableId(id) ? id : null;
}
