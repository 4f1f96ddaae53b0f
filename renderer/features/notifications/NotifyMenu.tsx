// A chat header's notification menu button: Mute for 1 hour / 8 hours / until turned back on, or Unmute. A
// menu button (aria-haspopup): Enter, Space or the arrow keys open it; Escape closes it and focus returns to
// the button. MutedIcon marks a muted conversation in headers.
import { useIntl } from 'react-intl';
import { Menu, useMenuButton } from '../../components/Menu.tsx';
import { mutedUntilText, useMuted, useMutedUntil, useNotificationMenuItems } from './conversation-prefs.ts';
import { parseConversationId } from '../../stores/conversation.ts';
import './notifications.css';

/** A bell with a slash: this conversation does not notify. */
export function MutedIcon({ id }: { id: string }) {
  const muted = useMuted(id);
  const until = useMutedUntil(id);
  if (!muted || until === null) return null;
  const text = mutedUntilText(until);
  return (
    <span className="muted-icon" role="img" aria-label={text} title={text}>
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
        <path
          d="M8 2.2a4 4 0 0 0-4 4v2.6L2.8 11h10.4L12 8.8V6.2a4 4 0 0 0-4-4zM6.5 12.4a1.6 1.6 0 0 0 3 0"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.3"
          strokeLinejoin="round"
        />
        <path d="M2.5 2.5l11 11" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
    </span>
  );
}

export function NotifyMenu({ chat, title }: { chat: string; title: string }) {
  const {
    button,
    at,
    show,
    close: closeMenu,
    onKeyDown,
  } = useMenuButton((rect) => ({ x: rect.right - 220, y: rect.bottom + 4 }));
  const muted = useMuted(chat);
  const items = useNotificationMenuItems(chat, parseConversationId(chat)?.kind ?? 'chat');
  const { formatMessage: t } = useIntl();

  const label = t({ id: 'notifications.menu.label' }, { title });
  // The visible word starts the accessible name (WCAG 2.5.3).
  const buttonLabel = muted
    ? t({ id: 'notifications.menu.mutedButton' }, { title })
    : t({ id: 'notifications.menu.muteButton' }, { title });

  return (
    <>
      <button
        ref={button}
        type="button"
        className="small"
        aria-label={buttonLabel}
        aria-haspopup="menu"
        aria-expanded={at !== null}
        onClick={() => (at ? closeMenu() : show())}
        onKeyDown={onKeyDown}
      >
        {muted ? t({ id: 'notifications.menu.muted' }) : t({ id: 'notifications.menu.mute' })}{' '}
        <span aria-hidden="true">▾</span>
      </button>
      {at && <Menu label={label} x={at.x} y={at.y} items={items} onClose={closeMenu} anchor={button} />}
    </>
  );
}
