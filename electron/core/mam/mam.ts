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
//
// The paging itself is archive-pager.ts's, shared with a room's archive (muc/room-archive.ts).
import type { Element } from '@xmpp/xml';
import { isMessageType, type MessageType } from '../../../shared/contract.ts';
import { formatJid, sameAccount, tryParseJid, type Jid } from '../../../shared/jid.ts';
import { EngineError } from '../errors.ts';
import type { IqTracker } from '../xmpp/iq-tracker.ts';
import type { Ack } from '../receipts/receipts.ts';
import { carriesInvitation } from '../invitations/invitation-wire.ts';
import {
  pageBack,
  walkArchive,
  type CatchUpResult,
  type RawResult,
  type StanzaSource,
} from './archive-pager.ts';
export {
  archiveQuery,
  parseResult,
  type ArchiveQueryOptions,
  type CatchUpResult,
  type StanzaSource,
} from './archive-pager.ts';
export { NS_MAM } from '../xmpp/ns.ts';

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

export { isArchiveResult, ownStanzaId } from '../xmpp/envelope.ts';

/** Turns an archived inner message into what history stores, or null when it is not a 1:1 message we show. */
export function toArchivedMessage(raw: RawResult, own: Jid): ArchivedMessage | null {
  const { message: m, type, from, to, fields, ack } = raw;
  if (!isMessageType(type)) return null; // error bounces, groupchat: not 1:1 history
  // A room's mediated invitation has a body (ejabberd's names a password room's password): not a chat from
  // the room, and no password in history. Invitations are live only (the invitations module's).
  if (carriesInvitation(m)) return null;
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

/**
 * Fetches every 1:1 message of our own archive after `opts.afterId`, page by page (walkArchive, with the
 * results turned into what history stores).
 */
export async function catchUp(
  iq: IqTracker,
  source: StanzaSource,
  opts: CatchUpOptions,
): Promise<CatchUpResult> {
  const own = tryParseJid(opts.ownBareJid);
  if (!own) throw new EngineError('invalid-request', 'That account address is not valid.');
  const { onPage, ...walk } = opts;
  return walkArchive(iq, source, {
    ...walk,
    archive: null,
    onPage: (results, lastId) => onPage?.(archivedMessages(results, own), lastId),
  });
}

/** The 1:1 messages among `results`, in arrival order. */
function archivedMessages(results: RawResult[], own: Jid): ArchivedMessage[] {
  const accepted: ArchivedMessage[] = [];
  for (const raw of results) {
    const message = toArchivedMessage(raw, own);
    if (message) accepted.push(message);
  }
  return accepted;
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
  /** Epoch ms of the oldest message we hold (see PageBackOptions.endAt). */
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
  const page = await pageBack(iq, source, { ...opts, archive: null, with: peer });
  // Kept in arrival order (the archive sends a page oldest first). A server that ignores `with` must not
  // leak other chats into this one.
  const messages = archivedMessages(page.results, own).filter((m) => m.peer === peer);
  return { messages, complete: page.complete, firstId: page.firstId };
}
