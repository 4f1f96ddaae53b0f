// The wire forms of a bookmark: a XEP-0402 PEP item (<conference xmlns='urn:xmpp:bookmarks:1'> under an item
// whose id is the room's JID) and a XEP-0048 <conference jid=...> inside <storage xmlns='storage:bookmarks'>.
// Remote input: the room must be a valid bare JID (normalised), each field is bounded (an over-long name is
// cut, an over-long nick or password is dropped: a cut one would be wrong), and a list stops at `limit`.
import { xml, type Element } from '@xmpp/xml';
import {
  MAX_BOOKMARK_NAME_CHARS,
  MAX_BOOKMARK_PASSWORD_CHARS,
  MAX_BOOKMARKS,
} from '../../../shared/bookmarks.ts';
import { isBareJid, normalJid } from '../../../shared/jid.ts';
import { MAX_NICK_CHARS } from '../../../shared/muc.ts';
import { boundedText } from '../xmpp/bounded-text.ts';
import { NS_DATA } from '../xmpp/ns.ts';

export const NS_BOOKMARKS = 'urn:xmpp:bookmarks:1'; // XEP-0402
export const NS_BOOKMARKS_COMPAT = `${NS_BOOKMARKS}#compat`;
export const NS_BOOKMARKS_NOTIFY = `${NS_BOOKMARKS}+notify`;
export const NS_PRIVATE = 'jabber:iq:private'; // XEP-0049
export const NS_LEGACY_BOOKMARKS = 'storage:bookmarks'; // XEP-0048
export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const NS_PUBSUB_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const NS_PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';

/** A bookmark as the engine holds it: with its password, which never leaves the main process. */
export interface StoredBookmark {
  room: string;
  name: string | null;
  nick: string | null;
  autojoin: boolean;
  password: string | null;
}

/** XEP-0048 and XEP-0402 both write autojoin as an xs:boolean. */
const isTrue = (value: string | undefined): boolean => value === 'true' || value === '1';

/** The fields of a <conference/> (either namespace) for `room`, or null when the room is no bare JID. */
function fromConference(roomText: string, conference: Element): StoredBookmark | null {
  if (roomText.length > 3071) return null;
  const room = normalJid(roomText);
  if (room === null || !isBareJid(room) || !room.includes('@')) return null;
  return {
    room,
    name: boundedText(conference.attrs.name, MAX_BOOKMARK_NAME_CHARS, 'cut'),
    nick: boundedText(conference.getChildText('nick'), MAX_NICK_CHARS, 'drop'),
    autojoin: isTrue(conference.attrs.autojoin),
    password: boundedText(conference.getChildText('password'), MAX_BOOKMARK_PASSWORD_CHARS, 'drop'),
  };
}

/** A XEP-0402 <item id=room><conference/></item>, or null when it is not one. */
export function parsePepItem(item: Element): StoredBookmark | null {
  const conference = item.getChild('conference', NS_BOOKMARKS);
  return conference ? fromConference(String(item.attrs.id ?? ''), conference) : null;
}

export interface ParsedList {
  bookmarks: StoredBookmark[];
  /** Valid bookmarks past the limit (counted, not kept). */
  more: number;
}

function collect(elements: Element[], parse: (el: Element) => StoredBookmark | null, limit: number) {
  const byRoom = new Map<string, StoredBookmark>();
  let more = 0;
  for (const element of elements) {
    const bookmark = parse(element);
    if (!bookmark || byRoom.has(bookmark.room)) continue;
    if (byRoom.size >= limit) more++;
    else byRoom.set(bookmark.room, bookmark);
  }
  return { bookmarks: [...byRoom.values()], more };
}

/** The items of a pubsub <items/> answer. */
export function parsePepItems(items: Element | undefined, limit = MAX_BOOKMARKS): ParsedList {
  return collect(items?.getChildren('item') ?? [], parsePepItem, limit);
}

/** The conferences of a XEP-0048 <storage/>. */
export function parseLegacyStorage(storage: Element | undefined, limit = MAX_BOOKMARKS): ParsedList {
  return collect(
    storage?.getChildren('conference') ?? [],
    (c) => fromConference(String(c.attrs.jid ?? ''), c),
    limit,
  );
}

function children(bookmark: StoredBookmark): Element[] {
  return [
    ...(bookmark.nick ? [xml('nick', {}, bookmark.nick)] : []),
    ...(bookmark.password ? [xml('password', {}, bookmark.password)] : []),
  ];
}

function attrs(bookmark: StoredBookmark): Record<string, string> {
  return {
    ...(bookmark.name ? { name: bookmark.name } : {}),
    ...(bookmark.autojoin ? { autojoin: 'true' } : {}),
  };
}

/** XEP-0402 §3.3: the node's configuration, both as publish-options and as the owner's node config. */
const NODE_CONFIG: Record<string, string> = {
  'pubsub#persist_items': 'true',
  'pubsub#max_items': 'max',
  'pubsub#send_last_published_item': 'never',
  'pubsub#access_model': 'whitelist',
};

function configForm(formType: string, type: 'submit'): Element {
  return xml(
    'x',
    { xmlns: NS_DATA, type },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
    ...Object.entries(NODE_CONFIG).map(([name, value]) =>
      xml('field', { var: name }, xml('value', {}, value)),
    ),
  );
}

export function publishRequest(bookmark: StoredBookmark): Element {
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB },
    xml(
      'publish',
      { node: NS_BOOKMARKS },
      xml(
        'item',
        { id: bookmark.room },
        xml('conference', { xmlns: NS_BOOKMARKS, ...attrs(bookmark) }, ...children(bookmark)),
      ),
    ),
    xml('publish-options', {}, configForm(NS_PUBSUB_PUBLISH_OPTIONS, 'submit')),
  );
}

/** After a failed publish-options precondition: set the node's configuration, then publish again (XEP-0223). */
export function configureRequest(): Element {
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB_OWNER },
    xml('configure', { node: NS_BOOKMARKS }, configForm(`${NS_PUBSUB}#node_config`, 'submit')),
  );
}

export function retractRequest(room: string): Element {
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB },
    xml('retract', { node: NS_BOOKMARKS, notify: 'true' }, xml('item', { id: room })),
  );
}

export function itemsRequest(): Element {
  return xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NS_BOOKMARKS }));
}

export function legacyGetRequest(): Element {
  return xml('query', { xmlns: NS_PRIVATE }, xml('storage', { xmlns: NS_LEGACY_BOOKMARKS }));
}

/**
 * The whole XEP-0048 storage with `room`'s conference replaced by `bookmark` (or taken out when null). What
 * the storage held besides (URLs, other clients' elements) is kept as it was.
 */
export function legacySetRequest(
  storage: Element | undefined,
  room: string,
  bookmark: StoredBookmark | null,
): Element {
  const kept = (storage?.children ?? []).filter(
    (c): c is Element =>
      typeof c !== 'string' && !(c.name === 'conference' && normalJid(String(c.attrs.jid ?? '')) === room),
  );
  const added = bookmark
    ? [xml('conference', { jid: bookmark.room, ...attrs(bookmark) }, ...children(bookmark))]
    : [];
  return xml(
    'query',
    { xmlns: NS_PRIVATE },
    xml('storage', { xmlns: NS_LEGACY_BOOKMARKS }, ...kept, ...added),
  );
}

/** The publish-options precondition failed (XEP-0060 §7.1.5: conflict + precondition-not-met). */
export function isPreconditionFailure(condition: string | null): boolean {
  return condition === 'conflict' || condition === 'precondition-not-met';
}
