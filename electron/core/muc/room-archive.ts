// A room's archive (XEP-0313 on the room's JID, XEP-0045 §7.2.15 with MAM): after joining with
// <history maxstanzas='0'/>, what was said since the newest archive id we hold, walked forward page by page
// (RSM <after/>), bounded; with none held (the first join), the newest page only. Scrolling up walks back
// from the oldest line held (RSM <before/>). The query and the result
// parsing are mam.ts's (archiveQuery, parseResult), with the room in place of our account: a result is
// believed only from the room itself and only for the query in flight.
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { tryParseJid } from '../../../shared/jid.ts';
import type { IqTracker } from '../xmpp/iq-tracker.ts';
import type { ArchiveEnvelope } from '../xmpp/envelope.ts';
import { archiveQuery, parseResult, type StanzaSource } from '../mam/mam.ts';
import { usableId } from '../chat/message-fields.ts';
import { NS_MAM, NS_RSM } from '../xmpp/ns.ts';
import { EngineError } from '../errors.ts';

/** Pages one catch-up walks at most (the rest stays in the room's archive for scroll-back). */
export const MAX_ROOM_PAGES = 20;

export interface RoomPage {
  results: ArchiveEnvelope[];
  complete: boolean;
  last: string | null;
  first: string | null;
}

async function queryRoomPage(
  iq: IqTracker,
  source: StanzaSource,
  room: string,
  opts: { after: string | null; before: string | null; endAt?: number | null; max: number },
): Promise<RoomPage> {
  const roomJid = tryParseJid(room);
  if (!roomJid) throw new EngineError('invalid-request', 'That room address is not valid.');
  const queryId = randomUUID();
  const results: ArchiveEnvelope[] = [];
  const seen = new Set<string>();
  const listener = (stanza: Element): void => {
    if (stanza.attrs.from !== room) return; // only the room speaks for its archive
    const result = parseResult(stanza, roomJid, queryId);
    if (result && !seen.has(result.archiveId) && results.length < opts.max * 2) {
      seen.add(result.archiveId);
      results.push(result);
    }
  };
  source.on('stanza', listener);
  let reply: Element;
  try {
    reply = await iq.request('set', room, archiveQuery(queryId, opts));
  } finally {
    source.off('stanza', listener);
  }
  const fin = reply.getChild('fin', NS_MAM);
  if (!fin) throw new EngineError('server-error', 'The room archive sent an answer without <fin/>.');
  const set = fin.getChild('set', NS_RSM);
  const finLast = set?.getChildText('last') ?? null;
  const finFirst = set?.getChildText('first') ?? null;
  const last = usableId(finLast) ? finLast : (results.at(-1)?.archiveId ?? null);
  const first = usableId(finFirst) ? finFirst : (results[0]?.archiveId ?? null);
  return { results, complete: fin.attrs.complete === 'true', last, first };
}

/**
 * Everything the room archived after `afterId` (or its newest page when null), handed to `onPage` page by
 * page, oldest first. Returns whether the walk reached the end.
 */
export async function catchUpRoom(
  iq: IqTracker,
  source: StanzaSource,
  room: string,
  opts: { afterId: string | null; pageSize: number; onPage(results: ArchiveEnvelope[]): void },
): Promise<boolean> {
  const max = Math.max(1, Math.min(opts.pageSize, 100));
  if (opts.afterId === null) {
    const page = await queryRoomPage(iq, source, room, { after: null, before: '', max });
    opts.onPage(page.results);
    return true;
  }
  let after: string = opts.afterId;
  for (let pages = 0; pages < MAX_ROOM_PAGES; pages++) {
    let page: RoomPage;
    try {
      page = await queryRoomPage(iq, source, room, { after, before: null, max });
    } catch (error) {
      // The room no longer has that id (expired): its newest page instead.
      if (error instanceof EngineError && error.code === 'not-found' && pages === 0) {
        return catchUpRoom(iq, source, room, { ...opts, afterId: null });
      }
      throw error;
    }
    opts.onPage(page.results);
    if (page.complete || page.last === null || page.last === after) return true;
    after = page.last;
  }
  return false;
}

/**
 * One page of the room's archive just older than what we hold (scrolling up): RSM <before/> the oldest
 * archive id held, or, without one, the newest page up to `endAt`. `complete`: the archive's start reached.
 */
export async function olderRoomPage(
  iq: IqTracker,
  source: StanzaSource,
  room: string,
  opts: { beforeId: string | null; endAt: number | null; max: number },
): Promise<RoomPage> {
  const max = Math.max(1, Math.min(opts.max, 100));
  if (opts.beforeId !== null) {
    try {
      return await queryRoomPage(iq, source, room, { after: null, before: opts.beforeId, max });
    } catch (error) {
      if (!(error instanceof EngineError && error.code === 'not-found')) throw error;
    }
  }
  return queryRoomPage(iq, source, room, { after: null, before: '', endAt: opts.endAt, max });
}
