// Room discovery for one account: finds its MUC service (disco#items on our server, then disco#info on each
// item for a text conference identity), lists the service's rooms (disco#items, paged with XEP-0059 where the
// service offers it) and reads each room's disco#info when the UI shows its row. All of it is cached for the
// session and bounded: MAX_SERVER_ITEMS items of our server looked at, MAX_DIRECTORY_ROOMS rooms per service,
// MAX_CACHED_INFOS room infos (the oldest go), a few queries at a time, each disco#info given INFO_TIMEOUT_MS
// (one silent room must not hold a whole batch for the 30 s IQ timeout), at most MAX_DIRECTORY_PAGES pages.
import { xml } from '@xmpp/xml';
import { MAX_DIRECTORY_ROOMS, type DirectoryRoom, type RoomInfo } from '../../../shared/room-directory.ts';
import { EngineError, toEngineError } from '../errors.ts';
import { defineModule, type AccountContext, type ProtocolModule } from '../account/module.ts';
import { NS_DISCO_INFO, NS_RSM } from '../xmpp/ns.ts';
import {
  DIRECTORY_PAGE,
  itemsQuery,
  parseItems,
  parseRoomInfo,
  parseServiceInfo,
} from './room-directory-xml.ts';

const MAX_SERVER_ITEMS = 20;
const MAX_CACHED_INFOS = 2000;
const QUERIES_AT_ONCE = 5;
/** A disco#info not answered within this is that row's error (or that server item is no service). */
export const INFO_TIMEOUT_MS = 5_000;
/** Pages walked per listing: enough for MAX_DIRECTORY_ROOMS at our page size, and a few short pages. */
export const MAX_DIRECTORY_PAGES = Math.ceil(MAX_DIRECTORY_ROOMS / DIRECTORY_PAGE) + 5;

/** `promise`, or a 'timeout' EngineError once `ms` have passed without its answer. */
function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineError('timeout', message)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

interface Listing {
  service: string;
  rooms: DirectoryRoom[];
  more: number;
}

/** Runs `work` over `items`, at most `atOnce` at a time, keeping the order of the answers. */
async function inGroups<T, R>(
  items: readonly T[],
  atOnce: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += atOnce) {
    results.push(...(await Promise.all(items.slice(i, i + atOnce).map(work))));
  }
  return results;
}

function create(context: AccountContext) {
  /** Our server's conference service: a promise so that two quick asks share one lookup. */
  let service: Promise<string | null> | null = null;
  const serviceFeatures = new Map<string, Set<string>>();
  const listings = new Map<string, Listing>();
  const infos = new Map<string, RoomInfo>();

  const info = (to: string) =>
    within(
      context.online().iq.request('get', to, xml('query', { xmlns: NS_DISCO_INFO })),
      INFO_TIMEOUT_MS,
      'It did not answer in time.',
    );

  const findService = async (): Promise<string | null> => {
    const domain = context.accountJid.domain;
    const reply = await context.online().iq.request('get', domain, itemsQuery(null, false));
    const candidates = parseItems(reply, MAX_SERVER_ITEMS).items.map((i) => i.jid);
    const found = await inGroups(candidates, QUERIES_AT_ONCE, async (jid) => {
      const parsed = await info(jid).then(parseServiceInfo, () => null);
      if (parsed?.conference) serviceFeatures.set(jid, parsed.features);
      return parsed?.conference ? jid : null;
    });
    return found.find((jid) => jid !== null) ?? null;
  };

  const ownService = async (): Promise<string> => {
    service ??= findService().catch((error: unknown) => {
      service = null; // a failed lookup is tried again next time
      throw error;
    });
    const jid = await service;
    if (!jid) throw new EngineError('not-found', 'Your server does not offer group chat rooms.');
    return jid;
  };

  const list = async (jid: string): Promise<Listing> => {
    let features = serviceFeatures.get(jid);
    if (!features) {
      features = await info(jid).then(
        (r) => parseServiceInfo(r).features,
        () => new Set<string>(),
      );
      serviceFeatures.set(jid, features);
    }
    const paged = features.has(NS_RSM);
    const rooms: DirectoryRoom[] = [];
    const seen = new Set<string>();
    let after: string | null = null;
    let more = 0;
    let cut = false;
    for (let pages = 1; ; pages++) {
      const page = parseItems(
        await context.online().iq.request('get', jid, itemsQuery(after, paged)),
        MAX_DIRECTORY_ROOMS,
      );
      const before = rooms.length;
      for (const room of page.items) {
        if (seen.has(room.jid)) continue;
        if (rooms.length >= MAX_DIRECTORY_ROOMS) break;
        seen.add(room.jid);
        rooms.push(room);
      }
      if (page.count !== null) more = Math.max(0, page.count - rooms.length);
      // Stop when the service stops paging or repeats itself (the same <last/>, or a page of rooms listed
      // already under a new one), or at the bounds: rooms, and pages (a service may add one room per page).
      if (!paged || page.last === null || page.last === after || rooms.length === before) break;
      cut = rooms.length >= MAX_DIRECTORY_ROOMS || pages >= MAX_DIRECTORY_PAGES;
      if (cut) break;
      after = page.last;
    }
    return { service: jid, rooms, more: cut || rooms.length >= MAX_DIRECTORY_ROOMS ? more : 0 };
  };

  const roomInfo = async (jid: string): Promise<RoomInfo> => {
    const cached = infos.get(jid);
    if (cached) return cached;
    const read = await info(jid).then(
      (reply) => parseRoomInfo(jid, reply),
      (error: unknown): RoomInfo => ({
        jid,
        name: null,
        description: null,
        occupants: null,
        passwordProtected: false,
        membersOnly: false,
        error: toEngineError(error).message,
      }),
    );
    if (infos.size >= MAX_CACHED_INFOS) infos.delete(infos.keys().next().value!);
    infos.set(jid, read);
    return read;
  };

  return {
    id: 'room-directory',
    onSessionEnd: () => {
      service = null;
      serviceFeatures.clear();
      listings.clear();
      infos.clear();
    },
    commands: {
      'rooms.directory': async ({ service: asked, refresh }) => {
        const jid = asked ?? (await ownService());
        const cached = listings.get(jid);
        if (cached && !refresh) return cached;
        if (refresh) for (const room of cached?.rooms ?? []) infos.delete(room.jid);
        const listing = await list(jid);
        if (listings.size >= MAX_SERVER_ITEMS) listings.delete(listings.keys().next().value!);
        listings.set(jid, listing);
        return listing;
      },
      'rooms.directoryInfo': async ({ rooms }) => ({
        rooms: await inGroups(rooms, QUERIES_AT_ONCE, roomInfo),
      }),
    },
  } satisfies ProtocolModule;
}

export const roomDirectoryModule = defineModule({
  id: 'room-directory',
  commands: ['rooms.directory', 'rooms.directoryInfo'],
  create,
});
