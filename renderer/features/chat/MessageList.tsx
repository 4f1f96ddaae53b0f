// The messages of one chat: virtualized with measured (variable) row heights; day separators, the
// "New messages" marker, sender runs, and an error marker (with Retry, for ours) on messages that failed.
// Scrolling near the top loads the page before (the list keeps its place); after a jump to a search hit, that
// message is centred and highlighted for a few seconds, and buttons at the bottom page forward or jump back
// to the newest messages.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChatMessage, EngineErrorPayload } from '../../../shared/contract.ts';
import { useChats } from '../../stores/chats.ts';
import type { ChatState, DeliveryState } from '../../stores/chats.ts';
import { displayName, useContact } from '../../stores/roster.ts';
import { hasSession, useConnection } from '../../stores/connection.ts';
import { parseConversationId } from '../../stores/conversation.ts';
import { jumpToLatest, loadHistory, loadNewer } from '../../stores/actions.ts';
import { buildMessageItems } from './message-model.ts';
import { MessageText } from './MessageText.tsx';
import { charsPerLine, estimateRowPx } from './body-view.ts';
import { displayText } from '../../text/display-text.ts';
import { useMinuteClock } from './clock.ts';
import { retryMessage } from './retry.ts';

const NO_MESSAGES: readonly ChatMessage[] = [];
const NO_FAILURES: ReadonlyMap<string, EngineErrorPayload> = new Map();
const NO_STATES: ReadonlyMap<string, DeliveryState> = new Map();
const DELIVERY_LABEL: Record<DeliveryState | 'pending', string> = {
  pending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
};
const BOTTOM_SLACK_PX = 48;
/** Scrolled this close to the top, the page before is loaded. */
const TOP_LOAD_PX = 160;
/** An offset past the end of any list: the virtualizer starts at its end. */
const OPEN_AT_END_PX = 2 ** 40;
/** How long a jumped-to message stays highlighted. */
export const HIGHLIGHT_MS = 6000;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

const onRetry = (message: ChatMessage): void => void retryMessage(message);

const MessageRow = memo(function MessageRow({
  message,
  firstOfRun,
  senderName,
  failure,
  delivery,
  highlighted,
  expanded,
  perLine,
  onToggle,
  onRetry,
}: {
  message: ChatMessage;
  firstOfRun: boolean;
  senderName: string;
  failure: EngineErrorPayload | undefined;
  delivery: DeliveryState | undefined;
  highlighted: boolean;
  expanded: boolean;
  perLine: number;
  onToggle: (seq: number, expand: boolean) => void;
  onRetry: (message: ChatMessage) => void;
}) {
  const when = new Date(message.timestamp);
  return (
    <div
      className={`msg msg-${message.direction}${message.mention ? ' msg-mention' : ''}${failure ? ' msg-failed' : ''}${firstOfRun ? ' msg-first' : ''}${highlighted ? ' msg-highlight' : ''}`}
      data-seq={message.seq}
      aria-current={highlighted ? 'true' : undefined}
    >
      {firstOfRun && <div className="msg-sender">{senderName}</div>}
      <div className="msg-line">
        <div className="msg-body">
          {message.subject && <div className="msg-subject">{displayText(message.subject)}</div>}
          {message.body !== null && (
            <MessageText message={message} expanded={expanded} perLine={perLine} onToggle={onToggle} />
          )}
        </div>
        <time className="msg-time" dateTime={when.toISOString()} title={fullFormat.format(when)}>
          {timeFormat.format(when)}
        </time>
        {message.direction === 'out' && !failure && (
          <span className={`msg-state msg-state-${delivery ?? 'pending'}`}>
            {DELIVERY_LABEL[delivery ?? 'pending']}
          </span>
        )}
      </div>
      {failure && (
        <div className="msg-error">
          <span className="msg-error-icon" aria-hidden="true">
            !
          </span>
          Not delivered: {failure.message}
          {message.direction === 'out' && (
            <>
              {' '}
              <button type="button" className="small msg-retry" onClick={() => onRetry(message)}>
                Retry
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
});

function HistoryStatus({
  chat,
  loadPage,
}: {
  chat: ChatState | undefined;
  loadPage: (older: boolean) => void;
}) {
  if (!chat || chat.history === 'idle') return null;
  if (chat.history === 'loading' && chat.loading !== 'newer') {
    return <p className="history-status">Loading history…</p>;
  }
  if (chat.history === 'failed') {
    return (
      <div className="history-status" role="alert">
        History could not be loaded: {chat.historyError}{' '}
        <button type="button" className="small" onClick={() => loadPage(chat.messages.length > 0)}>
          Retry
        </button>
      </div>
    );
  }
  if (!chat.complete && chat.messages.length > 0) {
    return (
      <div className="history-status">
        <button
          type="button"
          className="small"
          disabled={chat.history === 'loading'}
          onClick={() => loadPage(true)}
        >
          Load earlier messages
        </button>
      </div>
    );
  }
  return null;
}

/** Below the list while it is away from the newest messages (after a jump): page forward, or jump back. */
function NewerBar({ id, chat, onDone }: { id: string; chat: ChatState; onDone: () => void }) {
  const loadingNewer = chat.history === 'loading' && chat.loading === 'newer';
  const held = chat.held.length;
  return (
    <div className="newer-bar">
      <button
        type="button"
        className="small"
        disabled={chat.history === 'loading'}
        onClick={() => void loadNewer(id).then(onDone)}
      >
        {loadingNewer ? 'Loading newer messages…' : 'Show newer messages'}
      </button>
      <button type="button" className="small primary" onClick={() => void jumpToLatest(id).then(onDone)}>
        {held > 0 ? `Jump to latest (${held} new)` : 'Jump to latest'}
      </button>
    </div>
  );
}

export function MessageList({
  chat: id,
  title,
  senderName,
  loadPage: pageLoader,
}: {
  chat: string;
  title: string;
  /** Loads the newest page, or (older) the page before: a room pages its own history; 1:1 chats by default. */
  loadPage?: (older: boolean) => void;
  /** Who a message is from (a room names each sender); 'You' or the contact's name by default. */
  senderName?: (message: ChatMessage) => string;
}) {
  const key = parseConversationId(id);
  const peer = key?.peer ?? id;
  const chat = useChats((s) => s.chats.get(id));
  const loadPage = useCallback(
    (older: boolean) => (pageLoader ? pageLoader(older) : void loadHistory(id, older)),
    [pageLoader, id],
  );
  const contact = useContact(key?.account ?? '', peer);
  const connected = useConnection((s) => hasSession(s.connections.get(key?.account ?? '')));
  const messages = chat?.messages ?? NO_MESSAGES;
  const failures = chat?.failures ?? NO_FAILURES;
  const states = chat?.states ?? NO_STATES;
  const markerSeq = chat?.markerSeq ?? null;
  const atNewest = chat?.atNewest ?? true;
  const highlight = chat?.highlight ?? null;
  const listGen = chat?.listGen ?? 0;
  const historyState = chat?.history ?? 'idle';
  const now = useMinuteClock();
  const items = useMemo(() => buildMessageItems(messages, markerSeq, now), [messages, markerSeq, now]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const handledHighlight = useRef<number | null>(null);
  const seen = useRef({ firstSeq: null as number | null, lastSeq: null as number | null, listGen, atNewest });
  /** The message at the top of the view (seq): kept there when a page of older messages is put above. */
  const topAnchor = useRef<number | null>(null);
  const peerName = displayName(contact, peer);
  /** Messages (seq) whose long body the reader expanded ("Show more"). */
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  /** Characters per line of a bubble at the list's current width (for height estimates). */
  const [perLine, setPerLine] = useState(() => charsPerLine(600));

  // A chat shown for the first time (opened by an incoming message, or in its own window) gets its history.
  useEffect(() => {
    if (connected && historyState === 'idle') loadPage(false);
  }, [connected, historyState, loadPage]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as its docs intend
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    // Estimated from the text shown, so rows not yet measured are not taken for 52 px: a list that thinks
    // forty tall rows fit on screen renders (and lays out) all of them at once.
    estimateSize: (i) => {
      const item = items[i];
      if (item?.kind !== 'message') return 32;
      return estimateRowPx(item.message, expanded.has(item.message.seq), item.firstOfRun, perLine);
    },
    // A chat opens at its newest message: the first rows rendered are the last ones, not the first ones (which
    // would be laid out and thrown away at once). The virtualizer clamps it to the end of the list.
    initialOffset: OPEN_AT_END_PX,
    getItemKey: (i) => items[i]?.key ?? i,
    // Rows beyond the screen are laid out too: a few are enough for scrolling, each costs layout.
    overscan: 4,
  });

  /** Remembers the first message whose top is in view: the one kept in place when older messages come. */
  const rememberTop = (): void => {
    const top = scrollRef.current?.scrollTop ?? 0;
    const at = virtualizer.getVirtualItemForOffset(top);
    topAnchor.current = null;
    if (!at) return;
    for (let i = at.start < top ? at.index + 1 : at.index; i < items.length; i++) {
      const item = items[i];
      if (item?.kind === 'message') {
        topAnchor.current = item.message.seq;
        return;
      }
    }
  };

  // Where to scroll after the list changed: to a jumped-to message (centred); to the end after "jump to
  // latest"; nowhere visible when older messages were put above (the message at the top stays put); along
  // with new messages while the view is at the bottom (or when we sent one). Paging forward after a jump
  // leaves the reader where they are.
  const first = messages[0];
  const last = messages.at(-1);
  useLayoutEffect(() => {
    const before = seen.current;
    const firstSeq = first?.seq ?? null;
    const lastSeq = last?.seq ?? null;
    seen.current = { firstSeq, lastSeq, listGen, atNewest };
    if (items.length === 0) return;
    const end = (): void => {
      virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
      atBottom.current = true;
    };
    if (highlight && highlight.token !== handledHighlight.current) {
      const index = items.findIndex((i) => i.kind === 'message' && i.message.seq === highlight.seq);
      if (index >= 0) {
        handledHighlight.current = highlight.token;
        atBottom.current = false;
        virtualizer.scrollToIndex(index, { align: 'center' });
        return;
      }
    }
    if (listGen !== before.listGen) {
      if (atNewest) end();
      return;
    }
    const anchor = topAnchor.current;
    if (firstSeq !== before.firstSeq && before.firstSeq !== null && !atBottom.current && anchor !== null) {
      // By index: the virtualizer keeps it there while the rows above are measured.
      const index = items.findIndex((i) => i.kind === 'message' && i.message.seq === anchor);
      if (index >= 0) virtualizer.scrollToIndex(index, { align: 'start' });
    }
    if (!atNewest || !before.atNewest) return;
    if (atBottom.current || (lastSeq !== before.lastSeq && last?.direction === 'out')) end();
  }, [items, first, last, listGen, atNewest, highlight, virtualizer]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setPerLine(charsPerLine(el.clientWidth)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const itemsRef = useRef(items);
  useLayoutEffect(() => {
    itemsRef.current = items;
  }, [items]);
  // Stable (items through a ref), so a new message does not re-render every row.
  const onToggle = useCallback(
    (seq: number, expand: boolean) => {
      setExpanded((current) => {
        const next = new Set(current);
        if (expand) next.add(seq);
        else next.delete(seq);
        return next;
      });
      if (expand) return;
      // Collapsing a body read far down would leave the view past its end: bring the message's top back.
      const index = itemsRef.current.findIndex((i) => i.kind === 'message' && i.message.seq === seq);
      const row = virtualizer.getVirtualItems().find((v) => v.index === index);
      if (row && row.start < (scrollRef.current?.scrollTop ?? 0)) {
        requestAnimationFrame(() => virtualizer.scrollToIndex(index, { align: 'start' }));
      }
    },
    [virtualizer],
  );

  // The highlight fades after a while (unless another jump replaced it).
  useEffect(() => {
    if (!highlight) return;
    const timer = setTimeout(() => useChats.getState().clearHighlight(id, highlight.token), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlight, id]);

  const onScroll = (): void => {
    const el = scrollRef.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
    rememberTop();
    const c = useChats.getState().chats.get(id);
    if (el.scrollTop < TOP_LOAD_PX && c && !c.complete && c.history === 'loaded' && c.messages.length > 0) {
      loadPage(true);
    }
  };

  return (
    <div className="message-area">
      <HistoryStatus chat={chat} loadPage={loadPage} />
      <div
        ref={scrollRef}
        className="message-scroll"
        role="log"
        aria-label={`Messages with ${title}`}
        tabIndex={0}
        onScroll={onScroll}
      >
        {items.length === 0 && chat?.history !== 'loading' && <p className="no-messages">No messages yet.</p>}
        <div className="message-sizer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const item = items[v.index];
            if (!item) return null;
            return (
              <div
                key={v.key}
                data-index={v.index}
                ref={virtualizer.measureElement}
                className="message-item"
                style={{ transform: `translateY(${v.start}px)` }}
              >
                {item.kind === 'day' ? (
                  <div className="day-separator" role="separator" aria-label={item.label}>
                    <span>{item.label}</span>
                  </div>
                ) : item.kind === 'marker' ? (
                  <div className="unread-marker" role="separator" aria-label="New messages">
                    <span>New messages</span>
                  </div>
                ) : (
                  <MessageRow
                    message={item.message}
                    firstOfRun={item.firstOfRun}
                    senderName={
                      senderName
                        ? senderName(item.message)
                        : item.message.direction === 'out'
                          ? 'You'
                          : peerName
                    }
                    failure={failures.get(item.message.id)}
                    delivery={states.get(item.message.id)}
                    highlighted={highlight?.seq === item.message.seq}
                    expanded={expanded.has(item.message.seq)}
                    perLine={expanded.has(item.message.seq) ? perLine : 0}
                    onToggle={onToggle}
                    onRetry={onRetry}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {chat && !atNewest && (
        <NewerBar
          id={id}
          chat={chat}
          onDone={() => {
            // The button pressed went away (the newest messages are shown): keep the focus in the chat.
            if (document.activeElement === document.body) scrollRef.current?.focus({ preventScroll: true });
          }}
        />
      )}
    </div>
  );
}
