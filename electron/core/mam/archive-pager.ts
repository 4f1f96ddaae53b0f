// The XEP-0313 pager, for any archive: our own account's (no address: the query goes to our server) or a
// room's (its bare JID: the query goes to the room, and a result is believed only from the room). One page is
// one <query/> with a fresh queryid and RSM; its results are collected from the stream until the iq answers
// (each archive id once, at most twice the page size). walkArchive walks forward (<after/> the last page's
// <last/>) until <fin complete='true'/>, an empty page, or maxPages; pageBack fetches the page just older
// than what is held (<before/> an id, or an empty <before/> up to a time). What a result means (a 1:1 line,
// a room line) is the caller's: mam.ts and muc/room-archive.ts.
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { tryParseJid, type Jid } from '../../../shared/jid.ts';
import { EngineError } from '../errors.ts';
import type { IqTracker } from '../xmpp/iq-tracker.ts';
import { archiveEnvelope, type ArchiveEnvelope } from '../xmpp/envelope.ts';
import { usableId } from '../chat/message-fields.ts';
import { NS_DATA, NS_MAM, NS_RSM } from '../xmpp/ns.ts';

/** Prosody's default max_archive_query_results is 50; servers cap larger requests anyway. */
const DEFAULT_PAGE_SIZE = 50;
const DEFAULT_MAX_PAGES = 40;

/** How a catch-up ended. Its messages went to `onPage`, page by page: nothing is kept here. */
export interface CatchUpResult {
  /** Archive id of the newest result seen (resume from here), or `afterId` when nothing newer came. */
  lastId: string | null;
  /** True when the archive said there is nothing more; false when stopped by maxPages. */
  complete: boolean;
  pages: number;
  /** The server no longer knows `afterId` (expired or wiped): the walk restarted from `startAt` / the beginning. */
  afterIdLost: boolean;
}

/** Where result messages come from: an XmppSession fits as is. */
export interface StanzaSource {
  on(event: 'stanza', listener: (stanza: Element) => void): unknown;
  off(event: 'stanza', listener: (stanza: Element) => void): unknown;
}

export interface ArchiveQueryOptions {
  /** RSM <max/>. */
  max: number;
  /** RSM <after/>: the page after this archive id. */
  after?: string | null;
  /** RSM <before/>: the page before this archive id; '' (an empty <before/>) is the last page of the result set. */
  before?: string | null;
  /** MAM `start` filter, epoch ms. */
  startAt?: number | null;
  /** MAM `end` filter, epoch ms. */
  endAt?: number | null;
  /** MAM `with` filter: a bare JID. */
  with?: string | null;
}

/** The <query/> for one page; the data form only when a filter is set. */
export function archiveQuery(queryId: string, opts: ArchiveQueryOptions): Element {
  const fields: Element[] = [];
  const field = (name: string, value: string): void => {
    fields.push(xml('field', { var: name }, xml('value', {}, value)));
  };
  const { with: peer = null, startAt = null, endAt = null, after = null, before = null } = opts;
  if (peer !== null) field('with', peer);
  if (startAt !== null) field('start', new Date(startAt).toISOString());
  if (endAt !== null) field('end', new Date(endAt).toISOString());
  const form =
    fields.length === 0
      ? null
      : xml(
          'x',
          { xmlns: NS_DATA, type: 'submit' },
          xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
          ...fields,
        );
  return xml(
    'query',
    { xmlns: NS_MAM, queryid: queryId },
    form,
    xml(
      'set',
      { xmlns: NS_RSM },
      xml('max', {}, String(opts.max)),
      after === null ? null : xml('after', {}, after),
      before === null ? null : xml('before', {}, before),
    ),
  );
}

/** A result of ours, read by the envelope parser like any message (via 'archive'). */
export type RawResult = ArchiveEnvelope;

/** A result of query `queryId` from our own archive, or null for anything else (hostile or unrelated). */
export function parseResult(stanza: Element, own: Jid, queryId: string): RawResult | null {
  const result = archiveEnvelope(stanza, own);
  return result && result.archive.queryId === queryId ? result : null;
}

function pageSize(max: number | undefined): number {
  const n = Math.trunc(max ?? DEFAULT_PAGE_SIZE);
  return Number.isFinite(n) ? Math.max(1, Math.min(n, 500)) : DEFAULT_PAGE_SIZE;
}

/** Which archive a pager reads: our account's, or a room's (XEP-0313 on the room's JID). */
export interface ArchiveAddress {
  /** A room's bare JID for the room's archive; null or absent for our own account's. */
  archive?: string | null;
  /** Bare JID of our account: needed for our own archive only. */
  ownBareJid?: string | null;
}

/** Where a query goes and which results are believed: from our account, or only from the room itself. */
interface ArchiveReader {
  to: string | null;
  read(stanza: Element, queryId: string): RawResult | null;
}

function archiveReader(address: ArchiveAddress): ArchiveReader {
  const room = address.archive ?? null;
  if (room === null) {
    const own = tryParseJid(address.ownBareJid ?? '');
    if (!own) throw new EngineError('invalid-request', 'That account address is not valid.');
    return { to: null, read: (stanza, queryId) => parseResult(stanza, own, queryId) };
  }
  const roomJid = tryParseJid(room);
  if (!roomJid || roomJid.resource !== null) {
    throw new EngineError('invalid-request', 'That room address is not valid.');
  }
  // Only the room speaks for its archive (a result without `from` would be our own server's).
  return {
    to: room,
    read: (stanza, queryId) => (stanza.attrs.from === room ? parseResult(stanza, roomJid, queryId) : null),
  };
}

interface PageReply {
  /** This query's results in arrival order, each archive id once, at most twice the page size. */
  results: RawResult[];
  complete: boolean;
  /** RSM <first/> and <last/> of the page, or the first and last result's id when the server left them out. */
  first: string | null;
  last: string | null;
}

/** Sends one archive query and collects the results that belong to it (see archiveReader). */
async function queryPage(
  iq: IqTracker,
  source: StanzaSource,
  reader: ArchiveReader,
  query: ArchiveQueryOptions,
): Promise<PageReply> {
  // A fresh queryid per query: a late result of an earlier one can never land in this one.
  const queryId = randomUUID();
  const results: RawResult[] = [];
  const seen = new Set<string>();
  const listener = (stanza: Element): void => {
    const result = reader.read(stanza, queryId);
    if (result && !seen.has(result.archiveId) && results.length < query.max * 2) {
      seen.add(result.archiveId);
      results.push(result);
    }
  };
  source.on('stanza', listener);
  let reply: Element;
  try {
    reply = await iq.request('set', reader.to, archiveQuery(queryId, query));
  } finally {
    source.off('stanza', listener);
  }
  const fin = reply.getChild('fin', NS_MAM);
  if (!fin) throw new EngineError('server-error', 'The message archive sent an answer without <fin/>.');
  const set = fin.getChild('set', NS_RSM);
  const finFirst = set?.getChildText('first') ?? null;
  const finLast = set?.getChildText('last') ?? null;
  return {
    results,
    complete: fin.attrs.complete === 'true',
    first: usableId(finFirst) ? finFirst : (results[0]?.archiveId ?? null),
    last: usableId(finLast) ? finLast : (results.at(-1)?.archiveId ?? null),
  };
}

export interface ArchiveWalkOptions extends ArchiveAddress {
  /** Archive id to continue after, or null. */
  afterId: string | null;
  /** Epoch ms to start at when there is no usable afterId; default: the beginning of the archive. */
  startAt?: number | null;
  /**
   * Without a usable afterId (none held, or the archive lost it): 'walk' forward from startAt (default), or
   * fetch only the 'newest' page (a room joined for the first time: its whole archive is not ours to copy).
   */
  fresh?: 'walk' | 'newest';
  /** Results per page (RSM <max/>), default 50, clamped 1..500. */
  pageSize?: number;
  /** Pages per walk, default 40; reaching it returns complete: false. */
  maxPages?: number;
  /** Called after each page with its results (each archive id once per walk) and the resume point. */
  onPage?(results: RawResult[], lastId: string | null): void | Promise<void>;
}

/**
 * The pager: everything archived after `opts.afterId`, page by page (see the header for the starting
 * point). Results arrive as <message/> stanzas on `source` before each page's iq result; `iq` must be fed
 * the session's iq results (IqTracker.handleReply) by the caller, as the engine already does.
 */
export async function walkArchive(
  iq: IqTracker,
  source: StanzaSource,
  opts: ArchiveWalkOptions,
): Promise<CatchUpResult> {
  const reader = archiveReader(opts);
  const max = pageSize(opts.pageSize);
  const maxPages = Math.max(1, Math.trunc(opts.maxPages ?? DEFAULT_MAX_PAGES));
  const startAt = opts.startAt ?? null;
  const newestOnly = opts.fresh === 'newest';

  const seen = new Set<string>();
  let after = opts.afterId;
  let lastId = opts.afterId;
  let complete = false;
  let afterIdLost = false;
  let pages = 0;
  while (pages < maxPages) {
    let page: PageReply;
    const query =
      after !== null
        ? { after, max }
        : newestOnly
          ? { before: '', max } // an empty <before/>: the last page of the archive
          : { startAt, max };
    try {
      page = await queryPage(iq, source, reader, query);
    } catch (error) {
      // item-not-found for our <after/>: the archive dropped that id. Start afresh, once.
      if (
        error instanceof EngineError &&
        error.code === 'not-found' &&
        after !== null &&
        !afterIdLost &&
        pages === 0
      ) {
        afterIdLost = true;
        after = null;
        continue;
      } else throw error;
    }
    pages++;
    const fresh = page.results.filter((raw) => !seen.has(raw.archiveId) && seen.add(raw.archiveId));
    if (page.last !== null) lastId = page.last;
    await opts.onPage?.(fresh, lastId);
    if (page.complete || page.last === null || (after === null && newestOnly)) {
      complete = true; // the archive says so, an empty page (nothing after `after`), or the newest page
      break;
    }
    if (page.last === after) break; // a server repeating itself: stop rather than loop forever
    after = page.last;
  }
  return { lastId, complete, pages, afterIdLost };
}

export interface PageBackOptions extends ArchiveAddress {
  /** MAM `with` filter (a bare JID), or none. */
  with?: string | null;
  /** Archive id of the oldest message held: RSM <before>ID</before>. */
  beforeId: string | null;
  /**
   * Epoch ms of the oldest message held (the MAM `end` filter when beforeId is null, or when the archive no
   * longer knows beforeId (item-not-found), then with an empty <before/>).
   */
  endAt: number | null;
  /** Page size (RSM max), default 50, clamped 1..500. */
  max?: number;
}

export interface ArchivePageBack {
  /** The page's results, oldest first, each archive id once. */
  results: RawResult[];
  /** The archive says this page reaches its start (fin complete='true'). */
  complete: boolean;
  /** Archive id of the page's oldest result: where the next walk back continues. */
  firstId: string | null;
}

/** The pager walking back: one page just older than what we hold, from any archive. */
export async function pageBack(
  iq: IqTracker,
  source: StanzaSource,
  opts: PageBackOptions,
): Promise<ArchivePageBack> {
  const reader = archiveReader(opts);
  const endAt = opts.endAt ?? null;
  if (endAt !== null && !Number.isFinite(endAt)) {
    throw new EngineError('invalid-request', 'That point in time is not valid.');
  }
  const max = pageSize(opts.max);
  const peer = opts.with ?? null;
  let page: PageReply | null = null;
  if (usableId(opts.beforeId)) {
    try {
      page = await queryPage(iq, source, reader, { with: peer, before: opts.beforeId, max });
    } catch (error) {
      // item-not-found: the archive dropped that id (expiry, wipe). Fall back to the time we hold, once.
      if (!(error instanceof EngineError && error.code === 'not-found')) throw error;
    }
  }
  // An empty <before/> asks for the last page: the newest messages up to `end` (or of the whole archive).
  page ??= await queryPage(iq, source, reader, { with: peer, endAt, before: '', max });
  return { results: page.results, complete: page.complete, firstId: page.first };
}
