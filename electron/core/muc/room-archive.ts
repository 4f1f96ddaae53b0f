// A room's archive (XEP-0313 on the room's JID, XEP-0045 §7.2.15 with MAM): after joining with
// <history maxstanzas='0'/>, what was said since the newest archive id we hold, walked forward page by page,
// bounded; with none held (the first join), the newest page only. Scrolling up walks back from the oldest
// line held. The pager is mam/archive-pager.ts's (walkArchive, pageBack) with the room as the archive's
// address: a result is believed only from the room itself and only for the query in flight.
import type { IqTracker } from '../xmpp/iq-tracker.ts';
import type { ArchiveEnvelope } from '../xmpp/envelope.ts';
import { pageBack, walkArchive, type ArchivePageBack, type StanzaSource } from '../mam/archive-pager.ts';

/** Pages one catch-up walks at most (the rest stays in the room's archive for scroll-back). */
export const MAX_ROOM_PAGES = 20;
/** A room's pages are smaller than our own archive's: each line is stored and shown at once. */
const MAX_ROOM_PAGE_SIZE = 100;

const roomPageSize = (n: number): number => Math.max(1, Math.min(n, MAX_ROOM_PAGE_SIZE));

/**
 * Everything the room archived after `afterId` (or its newest page when null, or when the room no longer
 * has that id), handed to `onPage` page by page, oldest first. Returns whether the walk reached the end.
 */
export async function catchUpRoom(
  iq: IqTracker,
  source: StanzaSource,
  room: string,
  opts: { afterId: string | null; pageSize: number; onPage(results: ArchiveEnvelope[]): void },
): Promise<boolean> {
  const walk = await walkArchive(iq, source, {
    archive: room,
    afterId: opts.afterId,
    fresh: 'newest',
    pageSize: roomPageSize(opts.pageSize),
    maxPages: MAX_ROOM_PAGES,
    onPage: (results) => opts.onPage(results),
  });
  return walk.complete;
}

/**
 * One page of the room's archive just older than what we hold (scrolling up): RSM <before/> the oldest
 * archive id held, or, without one, the newest page up to `endAt`. `complete`: the archive's start reached.
 */
export function olderRoomPage(
  iq: IqTracker,
  source: StanzaSource,
  room: string,
  opts: { beforeId: string | null; endAt: number | null; max: number },
): Promise<ArchivePageBack> {
  return pageBack(iq, source, { archive: room, ...opts, max: roomPageSize(opts.max) });
}
