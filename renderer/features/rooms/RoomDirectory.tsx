// The join dialog's room picker: the rooms of the account's MUC service ('rooms.directory'), each with its
// name, address, description and occupant count (read with 'rooms.directoryInfo' for the rows shown, in
// batches), and a search box that filters them here by name, address and description. Keyboard: the search
// box is a combobox over the list (arrow keys move, Enter picks); the list also takes arrows and Enter.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import type { DirectoryRoom, RoomInfo } from '../../../shared/room-directory.ts';
import { MAX_INFO_BATCH } from '../../../shared/limits.ts';
import { getBridge } from '../../transport/bridge.ts';
import { roomName } from './room-words.ts';
import '../bookmarks/bookmarks.css';

/** Rows shown at once: past it the search narrows them down. */
const SHOWN = 100;

type Listing =
  | { kind: 'loading' }
  | { kind: 'failed'; text: string }
  | { kind: 'ready'; service: string; rooms: DirectoryRoom[]; more: number };

const NO_ROOMS: DirectoryRoom[] = [];
const nameOrder = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function occupantsText(t: IntlShape['formatMessage'], count: number | null | undefined): string | null {
  if (count === null || count === undefined) return null;
  return t({ id: 'rooms.directory.people' }, { count });
}

export function RoomDirectory({
  account,
  onPick,
  current = '',
}: {
  account: string;
  onPick: (room: string) => void;
  /** The address in the dialog now: its row starts active. */
  current?: string;
}) {
  const { formatMessage: t } = useIntl();
  const [listing, setListing] = useState<Listing>({ kind: 'loading' });
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [infos, setInfos] = useState<ReadonlyMap<string, RoomInfo>>(new Map());
  const asked = useRef(new Set<string>());
  const listId = useId();
  const searchId = useId();
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);

  useEffect(() => {
    let live = true;
    void getBridge()
      .invoke('rooms.directory', { account })
      .then((answer) => {
        if (!live) return;
        if (!answer.ok) setListing({ kind: 'failed', text: answer.error.message });
        else {
          const rooms = [...answer.value.rooms].sort((a, b) =>
            nameOrder.compare(a.name ?? roomName(a.jid), b.name ?? roomName(b.jid)),
          );
          setListing({ kind: 'ready', service: answer.value.service, rooms, more: answer.value.more });
          const at = rooms.findIndex((r) => r.jid === current);
          if (at >= 0 && at < SHOWN) setActive(at);
        }
      });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `current` only places the first active row
  }, [account]);

  const rooms = listing.kind === 'ready' ? listing.rooms : NO_ROOMS;
  const matches = useMemo(() => {
    const words = query.trim().toLowerCase();
    if (words === '') return rooms;
    return rooms.filter((r) => {
      const description = infos.get(r.jid)?.description ?? '';
      return [r.name ?? '', r.jid, infos.get(r.jid)?.name ?? '', description].some((text) =>
        text.toLowerCase().includes(words),
      );
    });
  }, [rooms, infos, query]);
  const shown = matches.slice(0, SHOWN);
  const activeIndex = Math.min(active, Math.max(0, shown.length - 1));

  // The rows on screen that have no info yet: asked in batches, once each.
  const shownKey = shown.map((r) => r.jid).join(' ');
  useEffect(() => {
    const wanted = (shownKey === '' ? [] : shownKey.split(' ')).filter((jid) => !asked.current.has(jid));
    for (let i = 0; i < wanted.length; i += MAX_INFO_BATCH) {
      const batch = wanted.slice(i, i + MAX_INFO_BATCH);
      for (const jid of batch) asked.current.add(jid);
      void getBridge()
        .invoke('rooms.directoryInfo', { account, rooms: batch })
        .then((answer) => {
          if (!answer.ok) return;
          setInfos((known) => {
            const next = new Map(known);
            for (const info of answer.value.rooms) next.set(info.jid, info);
            return next;
          });
        });
    }
  }, [account, shownKey]);

  const optionId = (i: number) => `${listId}-option-${i}`;
  useEffect(() => {
    document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: 'nearest' });
  });

  const onKeyDown = (event: KeyboardEvent): void => {
    if (shown.length === 0) return;
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      Home: 0,
      End: shown.length - 1,
      PageDown: activeIndex + 8,
      PageUp: activeIndex - 8,
    };
    if (
      event.key in moves &&
      (event.currentTarget.tagName !== 'INPUT' || !['Home', 'End'].includes(event.key))
    ) {
      event.preventDefault();
      setActive(Math.max(0, Math.min(shown.length - 1, moves[event.key]!)));
    } else if (event.key === 'Enter') {
      event.preventDefault(); // not the dialog's submit: Enter here picks
      onPick(shown[activeIndex]!.jid);
    }
  };

  const status =
    listing.kind === 'loading'
      ? t({ id: 'rooms.directory.loading' })
      : listing.kind === 'failed'
        ? t({ id: 'rooms.directory.failed' }, { reason: listing.text })
        : rooms.length === 0
          ? t({ id: 'rooms.directory.none' }, { service: listing.service })
          : matches.length === 0
            ? t({ id: 'rooms.directory.noMatch' })
            : t(
                { id: 'rooms.directory.count' },
                {
                  matched: matches.length,
                  total: rooms.length,
                  all: matches.length === rooms.length ? 'yes' : 'no',
                  service: listing.service,
                  cut: matches.length > SHOWN ? 'yes' : 'no',
                  shown: SHOWN,
                  more: listing.more,
                },
              );

  return (
    <div className="room-directory">
      <label htmlFor={searchId}>{t({ id: 'rooms.directory.search' })}</label>
      <input
        id={searchId}
        type="search"
        role="combobox"
        aria-expanded={shown.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown.length > 0 ? optionId(activeIndex) : undefined}
        spellCheck={false}
        placeholder={t({ id: 'rooms.directory.placeholder' })}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        ref={search}
      />
      <p className="room-directory-status" role="status">
        {status}
      </p>
      {shown.length > 0 && (
        <ul
          id={listId}
          role="listbox"
          aria-label={t({ id: 'rooms.heading' })}
          className="room-directory-list"
          tabIndex={0}
          aria-activedescendant={optionId(activeIndex)}
          onKeyDown={onKeyDown}
        >
          {shown.map((room, i) => {
            const info = infos.get(room.jid);
            const name = info?.name ?? room.name ?? roomName(room.jid);
            const facts = [
              occupantsText(t, info?.occupants),
              info?.passwordProtected ? t({ id: 'rooms.directory.password' }) : null,
              info?.membersOnly ? t({ id: 'rooms.directory.membersOnly' }) : null,
            ].filter(Boolean);
            return (
              <li
                key={room.jid}
                id={optionId(i)}
                role="option"
                aria-selected={i === activeIndex}
                className={`room-option${i === activeIndex ? ' active' : ''}`}
                data-room={room.jid}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => onPick(room.jid)}
              >
                <span className="room-option-name">
                  <bdi>{name}</bdi>
                </span>
                <span className="room-option-count">{facts.join(' · ')}</span>
                <span className="room-option-jid">{room.jid}</span>
                {info?.description && (
                  <span className="room-option-description">
                    <bdi>{info.description}</bdi>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
