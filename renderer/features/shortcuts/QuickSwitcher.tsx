// Ctrl/Cmd+K: a search field over every contact, open chat, room, bookmark and account (switcher-items.ts),
// best matches first (matcher.ts). The combobox + listbox pattern: focus stays in the field, Up/Down move the
// active option (aria-activedescendant), Enter opens it, Esc closes (Dialog).
import { useEffect, useId, useMemo, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useIntl, type MessageDescriptor } from 'react-intl';
import { Dialog } from '../../components/Dialog.tsx';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { shownAccounts, useConnection } from '../../stores/connection.ts';
import { useRoster } from '../../stores/roster.ts';
import { useUi } from '../../stores/ui.ts';
import { joinBookmark } from '../bookmarks/bookmark-actions.ts';
import { useBookmarks } from '../bookmarks/bookmarks-store.ts';
import { useRooms } from '../rooms/rooms-store.ts';
import { filterItems } from './matcher.ts';
import { showConversation } from './shortcut-actions.ts';
import { switcherItems, type SwitcherItem, type SwitcherKind } from './switcher-items.ts';
import './shortcuts.css';

const KIND_WORDS: Record<SwitcherKind, MessageDescriptor> = {
  chat: { id: 'shortcuts.switcher.kind.chat' },
  contact: { id: 'shortcuts.switcher.kind.contact' },
  room: { id: 'shortcuts.switcher.kind.room' },
  bookmark: { id: 'shortcuts.switcher.kind.bookmark' },
  account: { id: 'shortcuts.switcher.kind.account' },
};
const MAX_QUERY_CHARS = 100;

/** An account chosen: its roster section shown and expanded, its account menu button focused. */
function showAccount(account: string): void {
  const ui = useUi.getState();
  // The menu button's name as the account strip words it (accounts.menu.labelFor).
  const label = currentIntl().formatMessage({ id: 'accounts.menu.labelFor' }, { account });
  if (ui.collapsedAccounts.has(account)) ui.toggleAccount(account);
  ui.showRoster();
  // After the dialog has closed and put the focus back where it was.
  requestAnimationFrame(() => {
    const buttons = document.querySelectorAll<HTMLButtonElement>('.account-menu-button');
    const own = [...buttons].find((b) => b.getAttribute('aria-label') === label);
    (own ?? buttons[0])?.focus();
  });
}

function choose(item: SwitcherItem): void {
  switch (item.kind) {
    case 'chat':
    case 'contact':
    case 'room':
      return showConversation(item.key);
    case 'bookmark':
      void joinBookmark(item.account, item.address).then((error) => {
        if (error)
          useUi
            .getState()
            .addToast(
              currentIntl().formatMessage(
                { id: 'shortcuts.switcher.joinFailed' },
                { room: item.label, reason: error.message },
              ),
            );
      });
      return;
    case 'account':
      return showAccount(item.account);
  }
}

export function QuickSwitcher({ onClose }: { onClose: () => void }) {
  const { formatMessage: t } = useIntl();
  // What there is to find, as it stands when the switcher opens.
  const items = useMemo(
    () =>
      switcherItems({
        tabs: useUi.getState().tabs,
        accounts: shownAccounts(useConnection.getState().connections),
        roster: useRoster.getState().byAccount,
        rooms: useRooms.getState().byAccount,
        bookmarks: useBookmarks.getState().byAccount,
      }),
    [],
  );
  const several = useMemo(() => new Set(items.map((i) => i.account)).size > 1, [items]);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const results = useMemo(() => filterItems(items, query), [items, query]);
  const baseId = useId();
  const listId = `${baseId}-list`;
  const current = results.length > 0 ? Math.min(active, results.length - 1) : -1;
  const activeId = current >= 0 ? `${baseId}-${current}` : undefined;
  // The active option stays in view as the arrows move it through a list taller than its box.
  useEffect(() => {
    if (activeId) document.getElementById(activeId)?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);

  const pick = (item: SwitcherItem | undefined): void => {
    if (!item) return;
    onClose();
    choose(item);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const last = results.length - 1;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        return setActive(current >= last ? 0 : current + 1);
      case 'ArrowUp':
        event.preventDefault();
        return setActive(current <= 0 ? last : current - 1);
      case 'Enter':
        event.preventDefault();
        return pick(results[current]);
    }
  };

  return (
    <Dialog title={t({ id: 'shortcuts.switcher.title' })} onClose={onClose} className="quick-switcher">
      <input
        type="text"
        role="combobox"
        className="switcher-input"
        aria-label={t({ id: 'shortcuts.switcher.field' })}
        placeholder={t({ id: 'shortcuts.switcher.placeholder' })}
        aria-controls={listId}
        aria-expanded="true"
        aria-autocomplete="list"
        aria-activedescendant={activeId}
        maxLength={MAX_QUERY_CHARS}
        autoComplete="off"
        spellCheck={false}
        data-autofocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={t({ id: 'shortcuts.switcher.matches' })}
        className="switcher-list"
      >
        {results.map((item, index) => (
          <li
            key={item.key}
            id={`${baseId}-${index}`}
            role="option"
            aria-selected={index === current}
            className="switcher-option"
            data-kind={item.kind}
            onMouseMove={() => {
              if (index !== current) setActive(index);
            }}
            onClick={() => pick(item)}
          >
            <span className="switcher-label">{item.label}</span>
            <span className="switcher-kind">{t(KIND_WORDS[item.kind])}</span>
            {item.kind !== 'account' && (
              <span className="switcher-address">
                {several
                  ? t(
                      { id: 'shortcuts.switcher.addressOnAccount' },
                      { address: item.address, account: item.account },
                    )
                  : item.address}
              </span>
            )}
          </li>
        ))}
      </ul>
      <p className="switcher-empty" role="status">
        {results.length === 0 ? t({ id: 'shortcuts.switcher.noMatch' }) : ''}
      </p>
    </Dialog>
  );
}
