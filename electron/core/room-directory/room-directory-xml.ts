// Parsing what a MUC service says about its rooms: disco#items (the room list, with a XEP-0059 page) and a
// room's disco#info (identity name, muc#roominfo form, features). Remote input: JIDs validated, names and
// descriptions cut to bounds, counts capped; one pass over each element's children.
import { xml, type Element } from '@xmpp/xml';
import {
  MAX_ROOM_DESCRIPTION_CHARS,
  MAX_ROOM_NAME_CHARS,
  type DirectoryRoom,
  type RoomInfo,
} from '../../../shared/room-directory.ts';
import { isBareJid, normalJid } from '../../../shared/jid.ts';
import { boundedText } from '../xmpp/bounded-text.ts';
import { NS_DATA, NS_DISCO_INFO, NS_RSM } from '../xmpp/ns.ts';

export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
const ROOMINFO_FORM = 'http://jabber.org/protocol/muc#roominfo';
/** Rooms asked for per page where the service pages (XEP-0059). */
export const DIRECTORY_PAGE = 100;

const cut = (text: string | null | undefined, max: number) => boundedText(text, max, 'cut');

function bareRoom(jid: string | undefined): string | null {
  if (!jid || jid.length > 3071) return null;
  const normal = normalJid(jid);
  return normal !== null && isBareJid(normal) ? normal : null;
}

export function itemsQuery(after: string | null, paged: boolean): Element {
  const set = paged
    ? xml(
        'set',
        { xmlns: NS_RSM },
        xml('max', {}, String(DIRECTORY_PAGE)),
        after ? xml('after', {}, after) : null,
      )
    : null;
  return xml('query', { xmlns: NS_DISCO_ITEMS }, set);
}

export interface ItemsPage {
  items: DirectoryRoom[];
  /** The XEP-0059 <last/> to ask after, when the service paged its answer; else null. */
  last: string | null;
  /** The service's <count/>, when it gave one. */
  count: number | null;
}

/** A disco#items answer: its items with a valid bare JID (up to `limit`), and its page. */
export function parseItems(reply: Element, limit: number): ItemsPage {
  const query = reply.getChild('query', NS_DISCO_ITEMS);
  const items: DirectoryRoom[] = [];
  for (const item of query?.getChildren('item') ?? []) {
    if (items.length >= limit) break;
    const jid = bareRoom(item.attrs.jid);
    if (jid) items.push({ jid, name: cut(item.attrs.name, MAX_ROOM_NAME_CHARS) });
  }
  const set = query?.getChild('set', NS_RSM);
  const count = Number.parseInt(set?.getChildText('count') ?? '', 10);
  const last = set?.getChildText('last') ?? null;
  return {
    items,
    last: last && last.length <= 3071 ? last : null,
    count: Number.isSafeInteger(count) && count >= 0 ? count : null,
  };
}

export interface ServiceInfo {
  conference: boolean;
  features: Set<string>;
}

const MAX_FEATURES = 500;

/** A disco#info answer: is it a text conference service, and what it supports. */
export function parseServiceInfo(reply: Element): ServiceInfo {
  const query = reply.getChild('query', NS_DISCO_INFO);
  const conference = (query?.getChildren('identity') ?? []).some(
    (i) => i.attrs.category === 'conference' && i.attrs.type === 'text',
  );
  const features = new Set<string>();
  for (const f of query?.getChildren('feature') ?? []) {
    if (features.size >= MAX_FEATURES) break;
    if (f.attrs.var) features.add(f.attrs.var);
  }
  return { conference, features };
}

/** A room's disco#info (XEP-0045 §6.4): name, muc#roominfo description and occupants, password/members-only. */
export function parseRoomInfo(jid: string, reply: Element): RoomInfo {
  const query = reply.getChild('query', NS_DISCO_INFO);
  const identity = query?.getChildren('identity').find((i) => i.attrs.category === 'conference');
  const { features } = parseServiceInfo(reply);
  let description: string | null = null;
  let occupants: number | null = null;
  let formName: string | null = null;
  const form = query
    ?.getChildren('x', NS_DATA)
    .find((x) =>
      x
        .getChildren('field')
        .some((f) => f.attrs.var === 'FORM_TYPE' && f.getChildText('value') === ROOMINFO_FORM),
    );
  for (const field of form?.getChildren('field') ?? []) {
    const value = field.getChildText('value');
    if (field.attrs.var === 'muc#roominfo_description') description = cut(value, MAX_ROOM_DESCRIPTION_CHARS);
    else if (field.attrs.var === 'muc#roomconfig_roomname') formName = cut(value, MAX_ROOM_NAME_CHARS);
    else if (field.attrs.var === 'muc#roominfo_occupants' && value && /^\d{1,9}$/.test(value)) {
      occupants = Number(value);
    }
  }
  return {
    jid,
    name: cut(identity?.attrs.name, MAX_ROOM_NAME_CHARS) ?? formName,
    description,
    occupants,
    passwordProtected: features.has('muc_passwordprotected'),
    membersOnly: features.has('muc_membersonly'),
    error: null,
  };
}
