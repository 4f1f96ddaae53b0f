// XEP-0313 Message Archive Management catch-up: after (re)connecting, fetch every 1:1 message our server
// archived since the newest archive id we already hold, paging with XEP-0059 RSM until the archive says it is
// complete. This is how messages that reached our other devices (or arrived while we were offline and were
// taken by another device) end up in this device's history.
//
// Why paging is done exactly this way: Converse.js lost everything after the first page of a catch-up
// (its issue #1548). Here each page's <after/> is the previous page's <fin><set><last/>, pages continue until
// <fin complete='true'/> (or maxPages, reported as complete: false so the caller resumes later), and results
// are de-duplicated by archive id, so N archived messages come back exactly once, oldest first.
//
// Why so strict about results: a result is a <message> anyone can send us. Only results from our own
// account (no `from`, or our bare JID) that carry the queryid of the page in flight are accepted.
//
// Starting point. With `afterId` we ask for everything after it. Without one (a new device, or an archive
// that no longer has that id) we start at `startAt` (epoch ms, a MAM `start` filter) when given, else at the
// beginning of the archive. Either way the walk goes forward in time, so the returned lastId is always a safe
// place to resume from: nothing between the start and lastId is skipped.
//
// Scroll-back (fetchOlder): when local history of one chat runs out, one page further back in the archive,
// filtered by `with` and walked with RSM <before/> from the oldest archive id we hold. Same result rules.
import { randomUUID } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { isMessageType, type MessageType } from '../../../shared/contract.ts';
import { formatJid, sameAccount, tryParseJid, type Jid } from '../../../shared/jid.ts';
import { EngineError } from '../errors.ts';
import type { IqTracker } from '../xmpp/iq-tracker.ts';
import { archiveEnvelope, type ArchiveEnvelope } from '../xmpp/envelope.ts';
import type { Ack } from '../receipts/receipts.ts';
import { usableId } from '../chat/message-fields.ts';
import { NS_DATA, NS_MAM, NS_RSM } from '../xmpp/ns.ts';
export { NS_MAM };

/** Prosody's default max_archive_query_results is 50; servers cap larger requests anyway. */
const DEFAULT_PAGE_SIZE = 50;
const DEFAULT_MAX_PAGES = 40;

export interface ArchivedMessage {
  /** The archive's id for this message (= the XEP-0359 stanza-id our server stamped): resume point. */
  archiveId: string;
  /** Same as archiveId; named for StoredMessage.stanzaId. */
  stanzaId: string;
  /** Epoch ms the archive stored it (the result's <delay/>), null if missing or unparseable. */
  serverAt: number | null;
  /** Epoch ms of the inner message's own <delay/> (it was delayed before archiving), else null. */
  sentAt: number | null;
  /** 'out' when the inner message is from our account (any of our devices). */
  direction: 'in' | 'out';
  /** Bare JID of the other party. */
  peer: string;
  peerResource: string | null;
  type: MessageType;
  body: string | null;
  subject: string | null;
  thread: string | null;
  /** The inner message's `id` attribute. */
  messageId: string | null;
  /** XEP-0359 origin-id, the sender's own id (ours for 'out': matches what we stored when sending). */
  originId: string | null;
  /** A receipt or chat marker this archived message carries (archived acks: sent while we were away). */
  ack: Ack | null;
  /** The inner message as archived, for modules that need more than the fields above. */
  stanza: Element;
}

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

export interface CatchUpOptions {
  /** Bare JID of our account. */
  ownBareJid: string;
  /** Archive id to continue after (HistoryStore.lastStanzaId), or null. */
  afterId: string | null;
  /** Epoch ms to start at when there is no usable afterId; default: the beginning of the archive. */
  startAt?: number | null;
  /** Results per page (RSM <max/>), default 50. */
  pageSize?: number;
  /** Pages per catch-up, default 40 (2,000 messages); reaching it returns complete: false. */
  maxPages?: number;
  /** Called after each page with its accepted messages and the resume point: store both, then continue. */
  onPage?(messages: ArchivedMessage[], lastId: string | null): void | Promise<void>;
}

/** Where result messages come from: an XmppSession fits as is. */
export interface StanzaSource {
  on(event: 'stanza', listener: (stanza: Element) => void): unknown;
  off(event: 'stanza', listener: (stanza: Element) => void): unknown;
}

export { isArchiveResult, ownStanzaId } from '../xmpp/envelope.ts';

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
type RawResult = ArchiveEnvelope;

/** A result of query `queryId` from our own archive, or null for anything else (hostile or unrelated). */
export function parseResult(stanza: Element, own: Jid, queryId: string): RawResult | null {
  const result = archiveEnvelope(stanza, own);
  return result && result.archive.queryId === queryId ? result : null;
}

/** Turns an archived inner message into what history stores, or null when it is not a 1:1 message we show. */
export function toArchivedMessage(raw: RawResult, own: Jid): ArchivedMessage | null {
  const { message: m, type, from, to, fields, ack } = raw;
  if (!isMessageType(type)) return null; // error bounces, groupchat: not 1:1 history
  if (m.attrs.to !== undefined && !to) return null;
  let direction: 'in' | 'out';
  let other: Jid;
  if (sameAccount(from, own)) {
    if (!to) return null; // we sent it: it must say to whom
    direction = 'out';
    other = to;
  } else {
    if (!from) return null;
    if (to && !sameAccount(to, own)) return null; // not ours at all
    direction = 'in';
    other = from;
  }
  if (fields.body === null && fields.subject === null && ack === null) return null; // chat states and the like
  return {
    archiveId: raw.archiveId,
    stanzaId: raw.archiveId,
    serverAt: raw.serverAt,
    sentAt: raw.delay,
    direction,
    peer: formatJid({ ...other, resource: null }),
    peerResource: other.resource,
    type,
    ...fields,
    ack,
    stanza: m,
  };
}

function pageSize(max: number | undefined): number {
  const n = Math.trunc(max ?? DEFAULT_PAGE_SIZE);
  return Number.isFinite(n) ? Math.max(1, Math.min(n, 500)) : DEFAULT_PAGE_SIZE;
}

interface PageReply {
  results: RawResult[];
  fin: Element;
}

/** Sends one archive query and collects the results that belong to it (see parseResult). */
async function queryPage(
  iq: IqTracker,
  source: StanzaSource,
  own: Jid,
  query: ArchiveQueryOptions,
): Promise<PageReply> {
  // A fresh queryid per query: a late result of an earlier one can never land in this one.
  const queryId = randomUUID();
  const results: RawResult[] = [];
  const listener = (stanza: Element): void => {
    const result = parseResult(stanza, own, queryId);
    if (result) results.push(result);
  };
  source.on('stanza', listener);
  let reply: Element;
  try {
    reply = await iq.request('set', null, archiveQuery(queryId, query));
  } finally {
    source.off('stanza', listener);
  }
  const fin = reply.getChild('fin', NS_MAM);
  if (!fin) throw new EngineError('server-error', 'The message archive sent an answer without <fin/>.');
  return { results, fin };
}

/** The 1:1 messages among `results` in arrival order, skipping archive ids already in `seen` (which grows). */
function acceptResults(results: RawResult[], own: Jid, seen: Set<string>): ArchivedMessage[] {
  const accepted: ArchivedMessage[] = [];
  for (const raw of results) {
    if (seen.has(raw.archiveId)) continue;
    seen.add(raw.archiveId);
    const message = toArchivedMessage(raw, own);
    if (message) accepted.push(message);
  }
  return accepted;
}

/**
 * Fetches everything archived after `opts.afterId` (see the header for the starting point), page by page.
 * Results arrive as <message/> stanzas on `source` before each page's iq result; `iq` must be fed the
 * session's iq results (IqTracker.handleReply) by the caller, as the engine already does.
 */
export async function catchUp(
  iq: IqTracker,
  source: StanzaSource,
  opts: CatchUpOptions,
): Promise<CatchUpResult> {
  const own = tryParseJid(opts.ownBareJid);
  if (!own) throw new EngineError('invalid-request', 'That account address is not valid.');
  const max = pageSize(opts.pageSize);
  const maxPages = Math.max(1, Math.trunc(opts.maxPages ?? DEFAULT_MAX_PAGES));
  const startAt = opts.startAt ?? null;

  const seen = new Set<string>();
  let after = opts.afterId;
  let lastId = opts.afterId;
  let complete = false;
  let afterIdLost = false;
  let pages = 0;
  while (pages < maxPages) {
    let page: PageReply;
    try {
      page = await queryPage(iq, source, own, { after, startAt: after === null ? startAt : null, max });
    } catch (error) {
      // item-not-found for our <after/>: the archive dropped that id. Walk again from startAt, once.
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
    const fresh = acceptResults(page.results, own, seen);
    const finLast = page.fin.getChild('set', NS_RSM)?.getChildText('last') ?? null;
    const last = usableId(finLast) ? finLast : (page.results.at(-1)?.archiveId ?? null);
    if (last !== null) lastId = last;
    await opts.onPage?.(fresh, lastId);
    if (page.fin.attrs.complete === 'true' || last === null) {
      complete = true; // the archive says so, or an empty page: nothing after `after`
      break;
    }
    if (last === after) break; // a server repeating itself: stop rather than loop forever
    after = last;
  }
  return { lastId, complete, pages, afterIdLost };
}

export interface OlderPage {
  /** Accepted messages of this page, oldest first, each archive id once (same filtering as catchUp). */
  messages: ArchivedMessage[];
  /** True when the archive says this page reaches the first message with that peer (fin complete='true'). */
  complete: boolean;
  /**
   * Archive id of the oldest result of the page, accepted or not: where the next walk back continues when
   * nothing on this page was worth keeping (a page of chat states only).
   */
  firstId: string | null;
}

export interface FetchOlderOptions {
  /** Bare JID of our account. */
  ownBareJid: string;
  /** Bare JID of the chat: the MAM `with` filter. */
  peer: string;
  /** Archive id (stanza-id) of the oldest message we hold for this chat: RSM <before>ID</before>. */
  beforeId: string | null;
  /**
   * Epoch ms of the oldest message we hold (used as the MAM `end` filter when beforeId is null, or when the
   * archive no longer knows beforeId (item-not-found), then with an empty <before/>).
   */
  endAt: number | null;
  /** Page size (RSM max), default 50, clamped 1..500. */
  max?: number;
}

/**
 * One page of the chat with `opts.peer` from just before what we hold. To walk further back, call again
 * with the oldest archive id returned, until `complete`.
 */
export async function fetchOlder(
  iq: IqTracker,
  source: StanzaSource,
  opts: FetchOlderOptions,
): Promise<OlderPage> {
  const own = tryParseJid(opts.ownBareJid);
  if (!own) throw new EngineError('invalid-request', 'That account address is not valid.');
  const peerJid = tryParseJid(opts.peer);
  if (!peerJid || peerJid.resource !== null) {
    throw new EngineError('invalid-request', 'That chat address is not valid.');
  }
  const peer = formatJid(peerJid);
  const endAt = opts.endAt ?? null;
  if (endAt !== null && !Number.isFinite(endAt)) {
    throw new EngineError('invalid-request', 'That point in time is not valid.');
  }
  const max = pageSize(opts.max);

  let page: PageReply | null = null;
  if (usableId(opts.beforeId)) {
    try {
      page = await queryPage(iq, source, own, { with: peer, before: opts.beforeId, max });
    } catch (error) {
      // item-not-found: the archive dropped that id (expiry, wipe). Fall back to the time we hold, once.
      if (!(error instanceof EngineError && error.code === 'not-found')) throw error;
    }
  }
  // An empty <before/> asks for the last page: the newest messages up to `end` (or of the whole chat).
  page ??= await queryPage(iq, source, own, { with: peer, endAt, before: '', max });
  // Kept in arrival order (the archive sends a page oldest first). A server that ignores `with` must not
  // leak other chats into this one.
  const messages = acceptResults(page.results, own, new Set()).filter((m) => m.peer === peer);
  const first = page.fin.getChild('set', NS_RSM)?.getChildText('first') ?? null;
  return {
    messages,
    complete: page.fin.attrs.complete === 'true',
    firstId: usableId(first) ? first : (page.results[0]?.archiveId ?? null),
  };
}
