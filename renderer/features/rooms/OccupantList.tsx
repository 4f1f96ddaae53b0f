// A room's occupants grouped by role (moderators, participants, visitors), each group collapsible, by nick
// within it. Virtualized with fixed row heights: 5,000 occupants render as the few dozen rows on screen.
// Presence in words and shape (the presence dot, and the word when not simply available). Each other
// occupant's row has a "⋯" button (shown on hover and focus; the arrow keys move between them) and a context
// menu: OccupantMenu.tsx.
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { MucRole, Occupant, Room } from '../../../shared/muc.ts';
import { displayText } from '../../text/display-text.ts';
import { PresenceDot } from '../presence/PresenceDot.tsx';
import { OCCUPANT_SHOW_WORDS, occupantRows } from './room-words.ts';
import { useRooms } from './rooms-store.ts';
import { OccupantMenu, type OccupantMenuTarget } from './OccupantMenu.tsx';

const HEADING_ROW = 30;
const OCCUPANT_ROW = 34;
const NO_OCCUPANTS: ReadonlyMap<string, Occupant> = new Map();

const OccupantRowView = memo(function OccupantRowView({
  occupant,
  own,
}: {
  occupant: Occupant;
  own: boolean;
}) {
  const show = OCCUPANT_SHOW_WORDS[occupant.show];
  const status = occupant.status ? displayText(occupant.status) : null;
  const affiliation =
    occupant.affiliation === 'owner' || occupant.affiliation === 'admin' ? occupant.affiliation : null;
  return (
    <>
      <PresenceDot show={occupant.show} label={show} />
      <span className="occupant-text">
        <span className="occupant-nick">
          <bdi>{displayText(occupant.nick)}</bdi>
          {own && <span className="occupant-you"> (you)</span>}
        </span>
        {(occupant.show !== 'available' || status || affiliation) && (
          <span className="occupant-detail">
            {[occupant.show !== 'available' ? show : null, affiliation].filter(Boolean).join(' · ')}
            {status && (
              <>
                {occupant.show !== 'available' || affiliation ? ' — ' : ''}
                <bdi>{status}</bdi>
              </>
            )}
          </span>
        )}
      </span>
    </>
  );
});

export function OccupantList({
  account,
  room,
  ownNick,
  total,
  self,
}: {
  account: string;
  room: string;
  ownNick: string;
  /** Our role and affiliation: which actions the occupant menu offers. */
  self: Pick<Room, 'role' | 'affiliation'>;
  /** Occupants the room has (the engine counts those past its bound too). */
  total: number;
}) {
  const occupants = useRooms((s) => s.byAccount.get(account)?.get(room)?.occupants ?? null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<MucRole>>(() => new Set());
  const list = occupants ?? NO_OCCUPANTS;
  const rows = useMemo(() => occupantRows(list.values(), collapsed), [list, collapsed]);
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as its docs intend
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'heading' ? HEADING_ROW : OCCUPANT_ROW),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
  });
  const [target, setTarget] = useState<OccupantMenuTarget | null>(null);
  const closeMenu = useCallback(() => setTarget(null), []);
  const openFrom = (nick: string, button: HTMLElement): void => {
    const rect = button.getBoundingClientRect();
    setTarget({ nick, x: rect.left, y: rect.bottom + 2, from: button });
  };
  const onRowContextMenu = (event: MouseEvent<HTMLDivElement>, nick: string): void => {
    event.preventDefault();
    const button = event.currentTarget.querySelector<HTMLElement>('.occupant-more');
    setTarget({ nick, x: event.clientX, y: event.clientY, from: button });
  };
  const onMoreKey = (event: KeyboardEvent<HTMLButtonElement>, nick: string): void => {
    if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      event.preventDefault();
      openFrom(nick, event.currentTarget);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      // The next or previous occupant's button among the rows drawn (focus scrolls, which draws more).
      const buttons = [...(scrollRef.current?.querySelectorAll<HTMLElement>('.occupant-more') ?? [])];
      const next = buttons[buttons.indexOf(event.currentTarget) + (event.key === 'ArrowDown' ? 1 : -1)];
      if (!next) return;
      event.preventDefault();
      next.focus();
    }
  };
  const toggle = (role: MucRole): void =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (next.has(role)) next.delete(role);
      else next.add(role);
      return next;
    });

  return (
    <>
      <div
        ref={scrollRef}
        className="occupant-scroll"
        role="region"
        aria-label={`Occupants, ${total}`}
        tabIndex={0}
      >
        {occupants === null && <p className="occupants-empty">Waiting for the room’s list…</p>}
        <div className="occupant-sizer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index];
            if (!row) return null;
            const style = { transform: `translateY(${v.start}px)`, height: v.size };
            if (row.kind === 'heading') {
              return (
                <div key={v.key} className="occupant-heading" style={style}>
                  <button
                    type="button"
                    className="occupant-group"
                    aria-expanded={!row.collapsed}
                    onClick={() => toggle(row.role)}
                  >
                    <span className={`chevron${row.collapsed ? '' : ' open'}`} aria-hidden="true" />
                    {row.heading} <span className="occupant-count">({row.count})</span>
                  </button>
                </div>
              );
            }
            const nick = row.occupant.nick;
            const own = nick === ownNick;
            return (
              <div
                key={v.key}
                className="occupant-row"
                style={style}
                data-nick={nick}
                onContextMenu={own ? undefined : (e) => onRowContextMenu(e, nick)}
              >
                <OccupantRowView occupant={row.occupant} own={own} />
                {!own && (
                  <button
                    type="button"
                    className="occupant-more"
                    aria-haspopup="menu"
                    aria-expanded={target?.nick === nick}
                    aria-label={`Actions for ${displayText(nick)}`}
                    onClick={(e) => openFrom(nick, e.currentTarget)}
                    onKeyDown={(e) => onMoreKey(e, nick)}
                  >
                    <span aria-hidden="true">⋯</span>
                  </button>
                )}
              </div>
            );
          })}
        </div>
      </div>
      {/* Outside the scroller: its paint containment would clip the menu. */}
      {target && (
        <OccupantMenu
          key={`${target.nick}@${target.x},${target.y}`}
          account={account}
          room={room}
          self={self}
          occupant={list.get(target.nick) ?? null}
          target={target}
          onDone={closeMenu}
        />
      )}
    </>
  );
}
