// Bookmarks for one account: XEP-0402 native bookmarks (a PEP node, one item per room) when the server's
// disco#info on our bare JID advertises urn:xmpp:bookmarks:1#compat and pubsub#publish-options (without it
// the node could keep an access model that shows bookmark passwords to contacts), else XEP-0048 in private
// XML storage for reads and writes alike. Writes go one at a time: a private storage write is a
// read-modify-write of the whole storage, and two at once would lose one. When the native node is empty, the legacy storage is read once and published
// as native items (the settings remember it was done, so a user who removed them all is not given them back).
// Kept current by PEP pushes (our +notify feature) from our own bare JID only; anyone else's are dropped.
// At a fresh session's ready, every autojoin bookmark not joined yet is joined (autojoin.ts), and a room
// another device bookmarks with autojoin is joined when its push comes.
import type { Element } from '@xmpp/xml';
import {
  MAX_BOOKMARKS,
  type Bookmark,
  type BookmarkList,
  type BookmarkStorage,
} from '../../../shared/bookmarks.ts';
import { EngineError, toEngineError } from '../errors.ts';
import {
  defineModule,
  type AccountContext,
  type ProtocolModule,
  type SessionLink,
} from '../account/module.ts';
import type { MessageEnvelope } from '../xmpp/envelope.ts';
import { NS_DISCO_INFO } from '../xmpp/ns.ts';
import { xml } from '@xmpp/xml';
import { Autojoiner } from './autojoin.ts';
import {
  NS_BOOKMARKS,
  NS_BOOKMARKS_COMPAT,
  NS_BOOKMARKS_NOTIFY,
  NS_LEGACY_BOOKMARKS,
  NS_PRIVATE,
  NS_PUBSUB_EVENT,
  NS_PUBSUB_PUBLISH_OPTIONS,
  configureRequest,
  isPreconditionFailure,
  itemsRequest,
  legacyGetRequest,
  legacySetRequest,
  parseLegacyStorage,
  parsePepItem,
  parsePepItems,
  publishRequest,
  retractRequest,
  type StoredBookmark,
} from './bookmark-xml.ts';

const OK = { ok: true } as const;

export interface BookmarksModule extends ProtocolModule {
  readonly storage: BookmarkStorage;
  /** The bookmarks held now, with their passwords (main process only). */
  readonly bookmarks: ReadonlyMap<string, StoredBookmark>;
}

function create(context: AccountContext) {
  const { account, events } = context;
  let storage: BookmarkStorage = 'not-loaded';
  let bookmarks = new Map<string, StoredBookmark>();
  let more = 0;
  const joinErrors = new Map<string, string>();
  /** Rooms whose push will echo our own write: that echo joins nothing. */
  const ownWrites = new Set<string>();
  let loading: Promise<void> | null = null;
  let sessions = 0;
  /** The last write queued: each write starts once the one before it has settled. */
  let writes: Promise<unknown> = Promise.resolve();

  const view = (): BookmarkList => ({
    account,
    storage,
    more,
    bookmarks: [...bookmarks.values()]
      .sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0))
      .map((b): Bookmark => ({
        room: b.room,
        name: b.name,
        nick: b.nick,
        autojoin: b.autojoin,
        hasPassword: b.password !== null,
        joinError: joinErrors.get(b.room) ?? null,
      })),
  });
  const changed = (): void => events.emit('bookmarks.changed', view());

  const autojoiner = new Autojoiner(context, (room, error) => {
    if ((joinErrors.get(room) ?? null) === error) return;
    if (error === null) joinErrors.delete(room);
    else joinErrors.set(room, error);
    if (bookmarks.has(room)) changed();
  });

  const publish = async (link: SessionLink, bookmark: StoredBookmark): Promise<void> => {
    try {
      await link.iq.request('set', null, publishRequest(bookmark));
    } catch (error) {
      const failure = toEngineError(error);
      if (!isPreconditionFailure(failure.condition)) throw failure;
      // The node exists with another configuration: set ours (XEP-0402 §3.3 needs whitelist), then again.
      try {
        await link.iq.request('set', null, configureRequest());
        await link.iq.request('set', null, publishRequest(bookmark));
      } catch (retry) {
        throw new EngineError(
          'server-error',
          'The server keeps your bookmarks with settings that could show them to others, and would not change them.',
          { condition: toEngineError(retry).condition },
        );
      }
    }
  };

  const readLegacy = async (link: SessionLink): Promise<Element | undefined> => {
    const reply = await link.iq.request('get', null, legacyGetRequest());
    return reply.getChild('query', NS_PRIVATE)?.getChild('storage', NS_LEGACY_BOOKMARKS);
  };

  /** XEP-0402 §5.3: the native node is empty; publish what an older client kept in private storage, once. */
  const migrate = async (link: SessionLink): Promise<StoredBookmark[]> => {
    const settings = context.settings.account(account);
    if (settings.legacyBookmarksMigrated) return [];
    const legacy = parseLegacyStorage(await readLegacy(link)).bookmarks;
    for (const bookmark of legacy) await publish(link, bookmark);
    await context.settings.updateAccount(account, { legacyBookmarksMigrated: true });
    return legacy;
  };

  const readNative = async (link: SessionLink): Promise<{ list: StoredBookmark[]; more: number }> => {
    try {
      const reply = await link.iq.request('get', null, itemsRequest());
      const parsed = parsePepItems(reply.getChild('pubsub')?.getChild('items'));
      if (parsed.bookmarks.length > 0) return { list: parsed.bookmarks, more: parsed.more };
    } catch (error) {
      if (toEngineError(error).condition !== 'item-not-found') throw error; // no node yet: empty
    }
    return { list: await migrate(link), more: 0 };
  };

  const load = async (link: SessionLink): Promise<void> => {
    const session = ++sessions;
    try {
      const info = await link.iq.request('get', account, xml('query', { xmlns: NS_DISCO_INFO }));
      const features = new Set(
        (info.getChild('query', NS_DISCO_INFO)?.getChildren('feature') ?? []).map((f) => f.attrs.var),
      );
      // XEP-0402 §3.1: both, or the node's access model is not ours to set.
      const native = features.has(NS_BOOKMARKS_COMPAT) && features.has(NS_PUBSUB_PUBLISH_OPTIONS);
      const read = native
        ? await readNative(link)
        : await readLegacy(link).then((s) => {
            const parsed = parseLegacyStorage(s);
            return { list: parsed.bookmarks, more: parsed.more };
          });
      if (session !== sessions) return;
      storage = native ? 'pep' : 'private';
      bookmarks = new Map(read.list.map((b) => [b.room, b]));
      more = read.more;
    } catch {
      if (session !== sessions) return;
      storage = 'not-loaded';
      bookmarks = new Map();
      more = 0;
    }
    changed();
  };

  /** A PEP push: items published or retracted on our bookmarks node, from our own bare JID only. */
  const onMessage = (envelope: MessageEnvelope): 'consumed' | 'continue' => {
    const event = envelope.message.getChild('event', NS_PUBSUB_EVENT);
    if (!event) return 'continue';
    const items = event.getChild('items');
    const node =
      items?.attrs.node ?? event.getChild('purge')?.attrs.node ?? event.getChild('delete')?.attrs.node;
    if (node !== NS_BOOKMARKS) return 'continue';
    const ours = envelope.via === 'live' && envelope.fromBare === account && envelope.from?.resource === null;
    if (!ours || storage !== 'pep') return 'consumed';
    if (!items) {
      bookmarks = new Map(); // purged or deleted: none left
      changed();
      return 'consumed';
    }
    const joinNow: StoredBookmark[] = [];
    for (const child of items.children.slice(0, MAX_BOOKMARKS)) {
      if (typeof child === 'string') continue;
      if (child.name === 'retract') {
        bookmarks.delete(String(child.attrs.id ?? ''));
        continue;
      }
      const bookmark = child.name === 'item' ? parsePepItem(child) : null;
      if (!bookmark) continue;
      const before = bookmarks.get(bookmark.room);
      if (!before && bookmarks.size >= MAX_BOOKMARKS) {
        more++;
        continue;
      }
      bookmarks.set(bookmark.room, bookmark);
      const echo = ownWrites.delete(bookmark.room);
      if (bookmark.autojoin && !before?.autojoin && !echo && context.ready()) joinNow.push(bookmark);
    }
    changed();
    autojoiner.join(joinNow);
    return 'consumed';
  };

  /** Writes one bookmark (or its removal) where the account keeps them. */
  const writeNow = async (room: string, bookmark: StoredBookmark | null): Promise<void> => {
    await loading;
    const link = context.online();
    if (storage === 'not-loaded') {
      throw new EngineError('not-connected', 'Your bookmarks could not be read from the server yet.');
    }
    if (storage === 'private') {
      await link.iq.request('set', null, legacySetRequest(await readLegacy(link), room, bookmark));
      return;
    }
    if (ownWrites.size < MAX_BOOKMARKS) ownWrites.add(room);
    try {
      if (bookmark) await publish(link, bookmark);
      else await link.iq.request('set', null, retractRequest(room));
    } catch (error) {
      ownWrites.delete(room); // no echo will come: another device's later push is not ours
      throw error;
    }
  };

  /** `writeNow`, after every write asked before it has settled. */
  const write = (room: string, bookmark: StoredBookmark | null): Promise<void> => {
    const done = writes.then(() => writeNow(room, bookmark));
    writes = done.catch(() => undefined);
    return done;
  };

  return {
    id: 'bookmarks',
    features: [NS_BOOKMARKS_NOTIFY],
    get storage() {
      return storage;
    },
    get bookmarks() {
      return bookmarks;
    },
    handlers: [{ kind: 'message', priority: 30, handle: onMessage }],
    onSessionStart: (link: SessionLink) => {
      if (link.resumed) return; // the pushes were queued for us
      const read = load(link).finally(() => {
        if (loading === read) loading = null;
      });
      loading = read;
    },
    onReady: async (link: SessionLink) => {
      if (link.resumed) return; // the muc module kept its rooms
      await loading;
      if (context.link() !== link) return;
      autojoiner.join([...bookmarks.values()].filter((b) => b.autojoin && !autojoiner.inRoom(b.room)));
    },
    onSessionEnd: () => {
      sessions++;
      autojoiner.clear();
      bookmarks = new Map();
      joinErrors.clear();
      ownWrites.clear();
      more = 0;
      storage = 'not-loaded';
      changed();
    },
    commands: {
      'bookmarks.list': async () => {
        await loading;
        return view();
      },
      'bookmarks.set': async ({ room, name, nick, password, autojoin }) => {
        const before = bookmarks.get(room);
        if (!before && bookmarks.size >= MAX_BOOKMARKS) {
          throw new EngineError('invalid-request', `You have ${MAX_BOOKMARKS} bookmarks already.`);
        }
        const bookmark: StoredBookmark = {
          room,
          name: name === undefined ? (before?.name ?? null) : name || null,
          nick: nick === undefined ? (before?.nick ?? null) : nick || null,
          autojoin,
          password: password === undefined ? (before?.password ?? null) : password || null,
        };
        await write(room, bookmark);
        bookmarks.set(room, bookmark);
        joinErrors.delete(room); // changed by the user (a new password, another nick): not refused yet
        changed();
        return OK;
      },
      'bookmarks.remove': async ({ room }) => {
        if (!bookmarks.has(room)) return OK;
        await write(room, null);
        bookmarks.delete(room);
        joinErrors.delete(room);
        changed();
        return OK;
      },
      'bookmarks.join': async ({ room }) => {
        await loading;
        const bookmark = bookmarks.get(room);
        if (!bookmark) throw new EngineError('not-found', 'That room is not bookmarked.');
        return autojoiner.joinNow(bookmark);
      },
    },
  } satisfies BookmarksModule;
}

export const bookmarksModule = defineModule({
  id: 'bookmarks',
  commands: ['bookmarks.list', 'bookmarks.set', 'bookmarks.remove', 'bookmarks.join'],
  create,
});
