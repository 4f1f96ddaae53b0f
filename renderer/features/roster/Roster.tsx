// The roster: a virtualized tree ("Contacts") of collapsible groups; with several accounts signed in, each
// account's groups sit under a collapsible account row. Grouping/filtering run in memos (once
// per change of the roster, of who is online, or of the filter) over the store's name-ordered contacts, so
// they never sort; only visible rows are rendered.
// Keyboard: arrows, Home/End, PageUp/PageDown, Left/Right collapse/expand (Left on a contact: its group),
// Enter opens a chat,
// Shift+F10 or the ContextMenu key opens the contact's menu (aria-activedescendant pattern).
import { useCallback, useDeferredValue, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent } from 'react';
import { useIntl } from 'react-intl';
import { useVirtualizer } from '@tanstack/react-virtual';
import { getBridge } from '../../transport/bridge.ts';
import { useRoster, displayName } from '../../stores/roster.ts';
import { isOnline, usePresence } from '../../stores/presence.ts';
import { groupKey, useUi } from '../../stores/ui.ts';
import { openChat } from '../../stores/actions.ts';
import { chatId } from '../../stores/conversation.ts';
import { useShownAccounts } from '../accounts/use-accounts.ts';
import { Menu } from '../../components/Menu.tsx';
import type { MenuItem } from '../../components/Menu.tsx';
import { flattenAccounts, groupAccount, parentRowIndex } from './roster-model.ts';
import type { RosterRow } from './roster-model.ts';
import { AccountRow, ContactRow, GroupRow } from './RosterRows.tsx';
import { ContactDialog } from './ContactDialogs.tsx';
import { MessageSearch } from '../search/MessageSearch.tsx';
import { RoomList } from '../rooms/RoomList.tsx';
import type { ContactDialogState } from './ContactDialogs.tsx';

const GROUP_ROW = 32;
const CONTACT_ROW = 48;
const PAGE = 10;

/** Collapses or expands an account or group row. */
function toggleRow(row: RosterRow): void {
  if (row.kind === 'account') useUi.getState().toggleAccount(row.account);
  else if (row.kind === 'group') useUi.getState().toggleGroup(groupKey(row.account, row.group));
}

export function Roster() {
  // A sign-in brings the roster in parts and thousands of presences: the stores take each message at once,
  // and this view (a regroup of every contact) follows in a background render of its own instead of inside
  // the message's task, so the two never add up to one long task.
  const byAccount = useDeferredValue(useRoster((s) => s.byAccount));
  const accounts = useShownAccounts();
  const onlineVersion = useDeferredValue(usePresence((s) => s.onlineVersion));
  const filter = useUi((s) => s.rosterFilter);
  const showOffline = useUi((s) => s.showOffline);
  const collapsed = useUi((s) => s.collapsed);
  const collapsedAccounts = useUi((s) => s.collapsedAccounts);
  const several = accounts.length > 1;
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ account: string; jid: string; x: number; y: number } | null>(null);
  const [dialog, setDialog] = useState<ContactDialogState | null>(null);
  const treeRef = useRef<HTMLDivElement>(null);
  const baseId = useId();
  const { formatMessage: t } = useIntl();

  const groups = useMemo(() => {
    // onlineVersion changes exactly when someone went online or offline: the only presence fact sorting uses.
    const presence = onlineVersion >= 0 ? usePresence.getState().byAccount : new Map();
    return accounts.map((account) => {
      const byJid = presence.get(account)?.byJid;
      const order = byAccount.get(account)?.order ?? [];
      return groupAccount(account, order, (jid) => isOnline(byJid?.get(jid)), filter);
    });
  }, [accounts, byAccount, onlineVersion, filter]);
  const rows = useMemo(
    () => flattenAccounts(groups, showOffline, collapsed, collapsedAccounts),
    [groups, showOffline, collapsed, collapsedAccounts],
  );
  const contactTotal = accounts.reduce((n, a) => n + (byAccount.get(a)?.contacts.size ?? 0), 0);
  const activeIndex = useMemo(() => {
    const found = activeKey === null ? -1 : rows.findIndex((r) => r.key === activeKey);
    return found >= 0 ? found : rows.length > 0 ? 0 : -1;
  }, [rows, activeKey]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as its docs intend
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => treeRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'contact' ? CONTACT_ROW : GROUP_ROW),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 10,
  });

  const moveTo = useCallback(
    (index: number) => {
      const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
      if (!row) return;
      setActiveKey(row.key);
      virtualizer.scrollToIndex(rows.indexOf(row), { align: 'auto' });
    },
    [rows, virtualizer],
  );

  const openMenuAt = useCallback(
    (account: string, jid: string, x: number, y: number) => setMenu({ account, jid, x, y }),
    [],
  );

  const onRowClick = useCallback(
    (index: number, _event: MouseEvent) => {
      const row = rows[index];
      if (!row) return;
      setActiveKey(row.key);
      treeRef.current?.focus({ preventScroll: true });
      if (row.kind === 'contact') openChat(chatId(row.account, row.jid));
      else toggleRow(row);
    },
    [rows],
  );

  const onRowContextMenu = useCallback(
    (index: number, event: MouseEvent) => {
      const row = rows[index];
      event.preventDefault();
      if (!row) return;
      setActiveKey(row.key);
      treeRef.current?.focus({ preventScroll: true });
      if (row.kind === 'contact') openMenuAt(row.account, row.jid, event.clientX, event.clientY);
    },
    [rows, openMenuAt],
  );

  const openMenuForActive = (): void => {
    const row = rows[activeIndex];
    if (row?.kind !== 'contact') return;
    const el = document.getElementById(`${baseId}-${activeIndex}`);
    const rect = el?.getBoundingClientRect() ?? treeRef.current?.getBoundingClientRect();
    openMenuAt(
      row.account,
      row.jid,
      (rect?.left ?? 0) + 24,
      (rect?.top ?? 0) + (rect ? Math.min(rect.height, CONTACT_ROW) : 0),
    );
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const row = rows[activeIndex];
    if ((event.key === 'F10' && event.shiftKey) || event.key === 'ContextMenu') {
      event.preventDefault();
      openMenuForActive();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        return moveTo(activeIndex + 1);
      case 'ArrowUp':
        event.preventDefault();
        return moveTo(activeIndex - 1);
      case 'Home':
        event.preventDefault();
        return moveTo(0);
      case 'End':
        event.preventDefault();
        return moveTo(rows.length - 1);
      case 'PageDown':
        event.preventDefault();
        return moveTo(activeIndex + PAGE);
      case 'PageUp':
        event.preventDefault();
        return moveTo(activeIndex - PAGE);
      case 'ArrowRight':
        event.preventDefault();
        if (row && row.kind !== 'contact') {
          if (row.collapsed) toggleRow(row);
          else moveTo(activeIndex + 1);
        }
        return;
      case 'ArrowLeft':
        event.preventDefault();
        if (row && row.kind !== 'contact' && !row.collapsed) toggleRow(row);
        else if (row) {
          const parent = parentRowIndex(rows, activeIndex);
          if (parent >= 0) moveTo(parent);
        }
        return;
      case 'Enter':
      case ' ':
        event.preventDefault();
        if (row?.kind === 'contact') openChat(chatId(row.account, row.jid));
        else if (row) toggleRow(row);
        return;
      case 'Delete':
        if (row?.kind === 'contact') {
          event.preventDefault();
          setDialog({ kind: 'remove', account: row.account, jid: row.jid });
        }
        return;
    }
  };

  const menuItems = (account: string, jid: string): MenuItem[] => [
    { label: t({ id: 'roster.menu.openChat' }), onSelect: () => openChat(chatId(account, jid)) },
    { label: t({ id: 'roster.menu.rename' }), onSelect: () => setDialog({ kind: 'rename', account, jid }) },
    {
      label: t({ id: 'roster.menu.editGroups' }),
      onSelect: () => setDialog({ kind: 'groups', account, jid }),
    },
    {
      label: t({ id: 'roster.menu.requestAgain' }),
      onSelect: () =>
        void getBridge()
          .invoke('subscription.request', { account, jid })
          .then((r) =>
            useUi
              .getState()
              .addToast(
                r.ok
                  ? t({ id: 'roster.requestAgain.done' }, { jid })
                  : t({ id: 'roster.requestAgain.failed' }, { jid, reason: r.error.message }),
              ),
          ),
    },
    { label: t({ id: 'roster.menu.remove' }), onSelect: () => setDialog({ kind: 'remove', account, jid }) },
  ];

  const closeMenu = useCallback(() => {
    setMenu(null);
    treeRef.current?.focus({ preventScroll: true });
  }, []);

  const empty = rows.length === 0;
  return (
    <section className="roster" aria-label={t({ id: 'roster.label' })}>
      <MessageSearch label={t({ id: 'roster.searchMessages' })} className="global-search" />
      <div className="roster-toolbar">
        <input
          type="text"
          className="roster-filter"
          aria-label={t({ id: 'roster.filter' })}
          placeholder={t({ id: 'roster.filter' })}
          value={filter}
          onChange={(e) => useUi.getState().setRosterFilter(e.target.value)}
        />
        <div className="roster-toolbar-row">
          <label className="check">
            <input
              type="checkbox"
              checked={showOffline}
              onChange={(e) => useUi.getState().setShowOffline(e.target.checked)}
            />
            {t({ id: 'roster.showOffline' })}
          </label>
          <button type="button" onClick={() => setDialog({ kind: 'add' })}>
            {t({ id: 'roster.add' })}
          </button>
        </div>
      </div>
      <RoomList />
      <div
        ref={treeRef}
        className="roster-tree"
        role="tree"
        aria-label={t({ id: 'roster.tree.label' })}
        tabIndex={0}
        aria-activedescendant={activeIndex >= 0 && !empty ? `${baseId}-${activeIndex}` : undefined}
        onKeyDown={onKeyDown}
        onFocus={() => {
          if (activeIndex >= 0) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
        }}
      >
        <div role="presentation" className="roster-sizer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const common = {
              id: `${baseId}-${item.index}`,
              index: item.index,
              start: item.start,
              size: item.size,
              active: item.index === activeIndex,
              posInSet: row.posInSet,
              setSize: row.setSize,
              onRowClick,
              onRowContextMenu,
            };
            if (row.kind === 'account') {
              return (
                <AccountRow
                  key={row.key}
                  {...common}
                  account={row.account}
                  online={row.online}
                  total={row.total}
                  collapsed={row.collapsed}
                />
              );
            }
            return row.kind === 'group' ? (
              <GroupRow
                key={row.key}
                {...common}
                level={row.level}
                group={row.group}
                online={row.online}
                total={row.total}
                collapsed={row.collapsed}
              />
            ) : (
              <ContactRow
                key={row.key}
                {...common}
                level={row.level}
                account={row.account}
                jid={row.jid}
                showAccount={several}
              />
            );
          })}
        </div>
      </div>
      {empty && (
        <p className="roster-empty">
          {contactTotal === 0 ? t({ id: 'roster.empty.none' }) : t({ id: 'roster.empty.noMatch' })}
        </p>
      )}
      {menu && (
        <Menu
          label={t(several ? { id: 'roster.menu.labelOnAccount' } : { id: 'roster.menu.label' }, {
            name: displayName(byAccount.get(menu.account)?.contacts.get(menu.jid), menu.jid),
            account: menu.account,
          })}

          x={menu.x}
          y={menu.y}
          items={menuItems(menu.account, menu.jid)}
          onClose={closeMenu}
        />
      )}
      {dialog && (
        <ContactDialog
          state={dialog}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
    </section>
  );
}
