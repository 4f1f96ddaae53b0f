// One row of the virtualized roster tree. A contact row subscribes to its own contact, presence and unread
// count with selectors and is memoized: a presence change of one contact re-renders that row only.
import { memo } from 'react';
import type { MouseEvent } from 'react';
import { useIntl } from 'react-intl';
import { displayName, useContact } from '../../stores/roster.ts';
import { presenceShow, useContactPresence } from '../../stores/presence.ts';
import { useChats } from '../../stores/chats.ts';
import { chatId } from '../../stores/conversation.ts';
import { PresenceDot } from '../presence/PresenceDot.tsx';
import { useShowLabel } from '../presence/show-labels.ts';
import { UNGROUPED } from './roster-model.ts';
import { displayText } from '../../text/display-text.ts';

interface RowBase {
  id: string;
  index: number;
  start: number;
  size: number;
  active: boolean;
  posInSet: number;
  setSize: number;
  onRowClick: (index: number, event: MouseEvent) => void;
  onRowContextMenu: (index: number, event: MouseEvent) => void;
}

export const ContactRow = memo(function ContactRow({
  id,
  index,
  start,
  size,
  active,
  posInSet,
  setSize,
  level,
  account,
  jid,
  showAccount,
  onRowClick,
  onRowContextMenu,
}: RowBase & { level: number; account: string; jid: string; showAccount: boolean }) {
  const contact = useContact(account, jid);
  const presence = useContactPresence(account, jid);
  const unread = useChats((s) => s.chats.get(chatId(account, jid))?.unread ?? 0);
  const { formatMessage: t } = useIntl();
  const presenceWord = useShowLabel();
  const name = displayName(contact, jid);
  const show = presenceShow(presence);
  const waiting = contact?.pendingOut === true;
  const noPresence =
    !waiting && contact !== undefined && (contact.subscription === 'none' || contact.subscription === 'from');
  const showLabel =
    presence?.error && !presence.best
      ? t({ id: 'roster.contact.offlineError' }, { error: presence.error })
      : presenceWord(show);
  const remoteStatus = presence?.best?.status;
  const status = waiting
    ? t({ id: 'roster.contact.waiting' })
    : remoteStatus
      ? displayText(remoteStatus)
      : noPresence
        ? t({ id: 'roster.contact.notShared' })
        : name !== jid
          ? jid
          : '';
  const label = [
    name,
    showLabel,
    status,
    unread > 0 ? t({ id: 'roster.contact.unread' }, { count: unread }) : '',
    showAccount ? t({ id: 'roster.contact.onAccount' }, { account }) : '',
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <div
      id={id}
      role="treeitem"
      aria-level={level}
      aria-posinset={posInSet}
      aria-setsize={setSize}
      aria-selected={active}
      aria-label={label}
      className={`roster-row contact-row level-${level}${active ? ' active' : ''}${show === 'offline' ? ' offline' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: size }}
      onClick={(e) => onRowClick(index, e)}
      onContextMenu={(e) => onRowContextMenu(index, e)}
    >
      <PresenceDot show={show} label={showLabel} />
      <div className="contact-text">
        <div className="contact-name">{name}</div>{' '}
        {/* The presence word is visible too (not colour alone), and keeps the visible text a prefix-ordered
            part of the row's accessible name (WCAG 2.5.3, axe label-content-name-mismatch). */}
        <div className={`contact-status${waiting ? ' waiting' : ''}`}>
          {showLabel}
          {/* Isolated: no bidi control in a status can reorder what is around it. */}
          {status && (
            <>
              {' · '}
              <bdi>{status}</bdi>
            </>
          )}
        </div>
      </div>
      {unread > 0 && ' '}
      {unread > 0 && (
        <span className="unread-badge" aria-hidden="true">
          {unread > 999 ? '999+' : unread}
        </span>
      )}
    </div>
  );
});

export const GroupRow = memo(function GroupRow({
  id,
  index,
  start,
  size,
  active,
  posInSet,
  setSize,
  level,
  group,
  online,
  total,
  collapsed,
  onRowClick,
  onRowContextMenu,
}: RowBase & { level: number; group: string; online: number; total: number; collapsed: boolean }) {
  const { formatMessage: t } = useIntl();
  const name = group === UNGROUPED ? t({ id: 'roster.group.ungrouped' }) : displayText(group);
  return (
    <div
      id={id}
      role="treeitem"
      aria-level={level}
      aria-posinset={posInSet}
      aria-setsize={setSize}
      aria-expanded={!collapsed}
      aria-selected={active}
      aria-label={t({ id: 'roster.group.label' }, { name, online, total })}
      className={`roster-row group-row level-${level}${active ? ' active' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: size }}
      onClick={(e) => onRowClick(index, e)}
      onContextMenu={(e) => onRowContextMenu(index, e)}
    >
      <span className={`chevron${collapsed ? '' : ' open'}`} aria-hidden="true" />
      <span className="group-name">{name}</span>{' '}
      <span className="group-count" aria-hidden="true">
        {t({ id: 'roster.group.count' }, { online, total })}
      </span>
    </div>
  );
});

/** An account's row above its groups (shown when several accounts are signed in). */
export const AccountRow = memo(function AccountRow({
  id,
  index,
  start,
  size,
  active,
  posInSet,
  setSize,
  account,
  online,
  total,
  collapsed,
  onRowClick,
  onRowContextMenu,
}: RowBase & { account: string; online: number; total: number; collapsed: boolean }) {
  const { formatMessage: t } = useIntl();
  return (
    <div
      id={id}
      role="treeitem"
      aria-level={1}
      aria-posinset={posInSet}
      aria-setsize={setSize}
      aria-expanded={!collapsed}
      aria-selected={active}
      aria-label={t({ id: 'roster.group.label' }, { name: account, online, total })}
      className={`roster-row account-row${active ? ' active' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: size }}
      onClick={(e) => onRowClick(index, e)}
      onContextMenu={(e) => onRowContextMenu(index, e)}
    >
      <span className={`chevron${collapsed ? '' : ' open'}`} aria-hidden="true" />
      <span className="account-name">{account}</span>{' '}
      <span className="group-count" aria-hidden="true">
        {t({ id: 'roster.group.count' }, { online, total })}
      </span>
    </div>
  );
});
