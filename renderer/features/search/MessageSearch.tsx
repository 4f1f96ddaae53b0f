// Message search as you type: one conversation's history (`chat`) or every one's, on every account, rooms
// and private conversations included (each hit says whose, and a room line its room; with several accounts,
// which account it is on). A combobox input with a listbox of
// hits (aria-activedescendant: focus stays in the box); arrows move, Enter or a click opens the chat at that
// message (jumpToMessage), Escape closes. Snippets are text: split on the engine's marks, matches in <mark>.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { KeyboardEvent } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import type { ChatMessage } from '../../../shared/contract.ts';
import { getBridge } from '../../transport/bridge.ts';
import { displayName, useContact } from '../../stores/roster.ts';
import { jumpToMessage } from '../../stores/actions.ts';
import { conversationId } from '../../stores/conversation.ts';
import type { ConversationKey } from '../../stores/conversation.ts';
import { useSeveralAccounts } from '../accounts/use-accounts.ts';
import { shownSnippet, splitSnippet } from './snippet.ts';
import { hitWho } from './hit-words.ts';

export const SEARCH_DEBOUNCE_MS = 150;
const SEARCH_LIMIT = 50;
/** The contract's bound on a query. */
const MAX_QUERY_CHARS = 256;

interface Hit {
  message: ChatMessage;
  snippet: string;
}

interface Results {
  /** The (trimmed) query these answer: results of an older query are never shown for a newer one. */
  query: string;
  hits: readonly Hit[];
  error: string | null;
}

/** A hit's time in the page's language: today's as a time, older ones with their date. */
export function hitTime(intl: IntlShape, timestamp: number, now = Date.now()): string {
  const when = new Date(timestamp);
  return new Date(now).toDateString() === when.toDateString()
    ? intl.formatTime(when, { hour: '2-digit', minute: '2-digit' })
    : intl.formatDate(when, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Runs the search SEARCH_DEBOUNCE_MS after the last keystroke; answers arriving for older queries are dropped. */
function useSearch(query: string, chat: ConversationKey | undefined): Results | null {
  const [results, setResults] = useState<Results | null>(null);
  const q = query.trim().slice(0, MAX_QUERY_CHARS);
  const account = chat?.account;
  const peer = chat?.peer;
  const kind = chat?.kind;
  useEffect(() => {
    if (q === '') return;
    let cancelled = false;
    const timer = setTimeout(() => {
      const scope = account !== undefined && peer !== undefined ? { account, peer, kind } : {};
      void getBridge()
        .invoke('chat.search', { query: q, limit: SEARCH_LIMIT, ...scope })
        .then((r) => {
          if (cancelled) return;
          setResults(
            r.ok
              ? { query: q, hits: r.value.hits, error: null }
              : { query: q, hits: [], error: r.error.message },
          );
        });
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [q, account, peer, kind]);
  return results !== null && results.query === q && q !== '' ? results : null;
}

/** A snippet as text nodes; matched words in <mark>. */
export function Snippet({ snippet }: { snippet: string }) {
  return (
    <>
      {shownSnippet(splitSnippet(snippet)).map((part, i) =>
        part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
      )}
    </>
  );
}

function HitOption({
  id,
  hit,
  active,
  global,
  showAccount,
  onPick,
  onHover,
}: {
  id: string;
  hit: Hit;
  active: boolean;
  global: boolean;
  showAccount: boolean;
  onPick: () => void;
  onHover: () => void;
}) {
  const { message } = hit;
  const intl = useIntl();
  const t = intl.formatMessage;
  const contact = useContact(message.account, message.kind === 'chat' ? message.peer : '');
  // Across conversations: whose it is (and a room line's room). Within one: who wrote it.
  const { lead, name, where } = hitWho(message, displayName(contact, message.peer), global);
  // The name is isolated: no bidi control in it can reorder the words around it.
  const bdi = (chunks: ReactNode[]) => <bdi>{chunks}</bdi>;
  const whoText =
    lead === 'You'
      ? t({ id: 'search.hit.you' })
      : lead === 'You to'
        ? t({ id: 'search.hit.youTo' }, { name, bdi })
        : t({ id: 'search.hit.from' }, { name, bdi });
  const who = where === null ? whoText : t({ id: 'search.hit.inRoom' }, { who: whoText, room: where });
  const when = new Date(message.timestamp);
  return (
    <li
      id={id}
      role="option"
      aria-selected={active}
      className={`search-hit${active ? ' active' : ''}`}
      data-seq={message.seq}
      onMouseDown={(e) => e.preventDefault()}
      onMouseMove={onHover}
      onClick={onPick}
    >
      <div className="search-hit-head">
        <span className="search-hit-who">{who}</span>{' '}
        {showAccount && (
          <>
            <span className="search-hit-account">
              {t({ id: 'search.hit.onAccount' }, { account: message.account })}
            </span>{' '}
          </>
        )}
        <time
          className="search-hit-time"
          dateTime={when.toISOString()}
          title={intl.formatDate(when, { dateStyle: 'full', timeStyle: 'medium' })}
        >
          {hitTime(intl, message.timestamp)}
        </time>
      </div>
      <div className="search-hit-snippet">
        <Snippet snippet={hit.snippet} />
      </div>
    </li>
  );
}

export interface MessageSearchProps {
  /** One chat's history; without it, every chat's on every account. */
  chat?: ConversationKey;
  /** The box's accessible name (and placeholder). */
  label: string;
  className?: string;
  /** Bump to move the focus into the box (and select its text). */
  focusRequest?: number;
  /** Escape closes the whole search (the chat's search bar); without it, Escape closes the list, then clears. */
  onClose?: () => void;
}

export function MessageSearch({ chat, label, className, focusRequest, onClose }: MessageSearchProps) {
  const several = useSeveralAccounts();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const baseId = useId();
  const listId = `${baseId}-list`;
  const results = useSearch(query, chat);
  const hits = results?.hits ?? [];
  const activeIndex = Math.min(active, hits.length - 1);
  const typed = query.trim() !== '';
  const panelOpen = open && typed;
  const listShown = panelOpen && hits.length > 0;
  const { formatMessage: t } = useIntl();

  useEffect(() => {
    if (focusRequest === undefined || focusRequest === 0) return;
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [focusRequest]);

  useEffect(() => {
    if (!listShown || activeIndex < 0) return;
    document.getElementById(`${baseId}-hit-${activeIndex}`)?.scrollIntoView({ block: 'nearest' });
  }, [listShown, activeIndex, baseId]);

  const pick = (hit: Hit | undefined): void => {
    if (!hit) return;
    setOpen(false);
    void jumpToMessage(conversationId(hit.message), hit.message.seq);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!panelOpen) setOpen(true);
        else setActive(Math.min(activeIndex + 1, hits.length - 1));
        return;
      case 'ArrowUp':
        event.preventDefault();
        setActive(Math.max(activeIndex - 1, 0));
        return;
      case 'Enter':
        event.preventDefault();
        if (listShown) pick(hits[activeIndex]);
        else if (typed) setOpen(true);
        return;
      case 'Escape':
        event.preventDefault();
        if (onClose) onClose();
        else if (panelOpen) setOpen(false);
        else setQuery('');
        return;
    }
  };

  let status = '';
  if (panelOpen) {
    if (results === null) status = t({ id: 'search.searching' });
    else if (results.error !== null) status = t({ id: 'search.failed' }, { reason: results.error });
    else if (hits.length === 0) status = t({ id: 'search.noMatch' });
    else status = t({ id: 'search.count' }, { count: hits.length });
  }

  return (
    <div
      role="search"
      aria-label={label}
      className={`search${className ? ` ${className}` : ''}`}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <div className="search-field">
        <svg className="search-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <circle cx="6.5" cy="6.5" r="4.75" fill="none" stroke="currentColor" strokeWidth="1.75" />
          <line x1="10" y1="10" x2="14.5" y2="14.5" stroke="currentColor" strokeWidth="1.75" />
        </svg>
        <input
          ref={inputRef}
          type="text"
          role="combobox"
          className="search-input"
          aria-label={label}
          placeholder={label}
          aria-autocomplete="list"
          aria-expanded={listShown}
          aria-controls={listId}
          aria-activedescendant={listShown && activeIndex >= 0 ? `${baseId}-hit-${activeIndex}` : undefined}
          autoComplete="off"
          spellCheck={false}
          maxLength={MAX_QUERY_CHARS}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onKeyDown={onKeyDown}
        />
        {onClose && (
          <button type="button" className="small search-close" onClick={onClose}>
            {t({ id: 'search.close' })}
          </button>
        )}
      </div>
      <div className="search-panel" hidden={!panelOpen}>
        <p className="search-status" role="status">
          {status}
        </p>
        <ul
          id={listId}
          role="listbox"
          aria-label={t({ id: 'search.results.label' }, { label })}

          className="search-hits"
          hidden={!listShown}
        >
          {hits.map((hit, i) => (
            <HitOption
              key={hit.message.seq}
              id={`${baseId}-hit-${i}`}
              hit={hit}
              active={i === activeIndex}
              global={chat === undefined}
              showAccount={several && chat === undefined}
              onPick={() => pick(hit)}
              onHover={() => {
                if (i !== activeIndex) setActive(i);
              }}
            />
          ))}
        </ul>
      </div>
    </div>
  );
}
