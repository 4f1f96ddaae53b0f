// The messages of one chat: virtualized with measured (variable) row heights; day separators, the
// "New messages" marker, sender runs, and an error marker on messages that failed.
import { memo, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChatMessage, EngineErrorPayload } from '../../../shared/contract.ts';
import { useChats } from '../../stores/chats.ts';
import type { ChatState, DeliveryState } from '../../stores/chats.ts';
import { displayName, useRoster } from '../../stores/roster.ts';
import { loadHistory } from '../../stores/actions.ts';
import { buildMessageItems } from './message-model.ts';
import { MessageText } from './MessageText.tsx';
import { useMinuteClock } from './clock.ts';

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

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

const MessageRow = memo(function MessageRow({
  message,
  firstOfRun,
  senderName,
  failure,
  delivery,
}: {
  message: ChatMessage;
  firstOfRun: boolean;
  senderName: string;
  failure: EngineErrorPayload | undefined;
  delivery: DeliveryState | undefined;
}) {
  const when = new Date(message.timestamp);
  return (
    <div
      className={`msg msg-${message.direction}${failure ? ' msg-failed' : ''}${firstOfRun ? ' msg-first' : ''}`}
    >
      {firstOfRun && <div className="msg-sender">{senderName}</div>}
      <div className="msg-line">
        <div className="msg-body">
          {message.subject && <div className="msg-subject">{message.subject}</div>}
          {message.body !== null && <MessageText text={message.body} />}
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
        </div>
      )}
    </div>
  );
});

function HistoryStatus({ peer, chat }: { peer: string; chat: ChatState | undefined }) {
  if (!chat || chat.history === 'idle') return null;
  if (chat.history === 'loading') return <p className="history-status">Loading history…</p>;
  if (chat.history === 'failed') {
    return (
      <div className="history-status" role="alert">
        History could not be loaded: {chat.historyError}{' '}
        <button
          type="button"
          className="small"
          onClick={() => void loadHistory(peer, chat.messages.length > 0)}
        >
          Retry
        </button>
      </div>
    );
  }
  if (!chat.complete && chat.messages.length > 0) {
    return (
      <div className="history-status">
        <button type="button" className="small" onClick={() => void loadHistory(peer, true)}>
          Load earlier messages
        </button>
      </div>
    );
  }
  return null;
}

export function MessageList({ peer }: { peer: string }) {
  const chat = useChats((s) => s.chats.get(peer));
  const contact = useRoster((s) => s.contacts.get(peer));
  const messages = chat?.messages ?? NO_MESSAGES;
  const failures = chat?.failures ?? NO_FAILURES;
  const states = chat?.states ?? NO_STATES;
  const markerId = chat?.markerId ?? null;
  const now = useMinuteClock();
  const items = useMemo(() => buildMessageItems(messages, markerId, now), [messages, markerId, now]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const peerName = displayName(contact, peer);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as its docs intend
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (items[i]?.kind === 'message' ? 52 : 32),
    getItemKey: (i) => items[i]?.key ?? i,
    overscan: 8,
  });

  // Follow new messages while the view is at the bottom (or when we sent one).
  const last = messages.at(-1);
  useLayoutEffect(() => {
    if (items.length === 0) return;
    if (atBottom.current || last?.direction === 'out') {
      virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
      atBottom.current = true;
    }
  }, [items.length, last, virtualizer]);

  useEffect(() => {
    atBottom.current = true;
  }, [peer]);

  const onScroll = (): void => {
    const el = scrollRef.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
  };

  return (
    <div className="message-area">
      <HistoryStatus peer={peer} chat={chat} />
      <div
        ref={scrollRef}
        className="message-scroll"
        role="log"
        aria-label={`Messages with ${peerName}`}
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
                    senderName={item.message.direction === 'out' ? 'You' : peerName}
                    failure={failures.get(item.message.id)}
                    delivery={states.get(item.message.id)}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
