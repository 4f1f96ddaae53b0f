// One account's menu behind its "Account" button: Sign out (or Sign in) and Remove…, so signing out is an
// action of its own and not a button beside the presence picker. A menu button (aria-haspopup): Enter, Space
// or the arrow keys open it on its first item; Escape closes it and focus returns to the button.
import { useIntl } from 'react-intl';
import { Menu, useMenuButton, type MenuItem } from '../../components/Menu.tsx';
import { hasSession, useConnection } from '../../stores/connection.ts';
import { signInAgain, signOut } from './account-actions.ts';

interface AccountMenuProps {
  account: string;
  /** Several accounts: the button and the menu name the account. */
  labelled: boolean;
  onRemove: (account: string) => void;
}

export function AccountMenu({ account, labelled, onRemove }: AccountMenuProps) {
  const { formatMessage: t } = useIntl();
  const {
    button,
    at,
    show: open,
    close,
    onKeyDown,
  } = useMenuButton((rect) => ({ x: rect.left, y: rect.bottom + 4 }));
  const status = useConnection((s) => s.connections.get(account)?.status);
  const signedIn = hasSession({ status: status ?? 'offline' }) || status === 'connecting';

  const items: MenuItem[] = [
    signedIn
      ? { label: t({ id: 'accounts.signOut' }), onSelect: () => void signOut(account) }
      : { label: t({ id: 'accounts.signIn' }), onSelect: () => void signInAgain(account) },
    { label: t({ id: 'accounts.remove' }), onSelect: () => onRemove(account) },
  ];
  const name = labelled ? t({ id: 'accounts.menu.labelFor' }, { account }) : t({ id: 'accounts.menu.label' });
  return (
    <>
      <button
        ref={button}
        type="button"
        className={labelled ? 'small account-menu-button' : 'account-menu-button'}
        aria-label={name}
        aria-haspopup="menu"
        aria-expanded={at !== null}
        onClick={() => (at ? close() : open())}
        onKeyDown={onKeyDown}
      >
        {t({ id: 'accounts.menu.label' })} <span aria-hidden="true">▾</span>
      </button>
      {at && <Menu label={name} x={at.x} y={at.y} items={items} onClose={close} anchor={button} />}
    </>
  );
}
