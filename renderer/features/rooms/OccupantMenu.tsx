// An occupant's menu (opened by a right-click on their row, the row's "⋯" button, or Shift+F10 / the menu
// key on it): Private message, and the moderator actions our role and affiliation allow on them (kick,
// voice, moderator, membership, ban, admin, owner). Each action asks for an optional reason in a small
// dialog and says the room's refusal in words; focus goes back to the row's button afterwards.
import { useEffect, useRef, useState } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import type { Occupant, Room } from '../../../shared/muc.ts';
import { MAX_STATUS_CHARS } from '../../../shared/limits.ts';
import { Menu, type MenuItem } from '../../components/Menu.tsx';
import { displayText } from '../../text/display-text.ts';
import { openPrivateChat } from '../chat/private-chat.ts';
import {
  bareOf,
  occupantActions,
  setAffiliation,
  setRole,
  type OccupantAction,
  type OccupantActionId,
  type RoleChange,
} from './room-admin-actions.ts';
import { PromptDialog } from './RoomDialogs.tsx';

export interface OccupantMenuTarget {
  nick: string;
  x: number;
  y: number;
  /** The row's "⋯" button: focus returns there. */
  from: HTMLElement | null;
}

interface OccupantMenuProps {
  account: string;
  room: string;
  self: Pick<Room, 'role' | 'affiliation'>;
  /** The occupant as the list has them now (null once they left). */
  occupant: Occupant | null;
  target: OccupantMenuTarget;
  onDone: () => void;
}

type Descriptor = { id: string };

/** Each action's menu item, its reason dialog's title ("Kick: bob") and that dialog's button. */
const ACTION_WORDS: Record<OccupantActionId, { label: Descriptor; title: Descriptor; verb: Descriptor }> = {
  kick: {
    label: { id: 'rooms.action.kick.label' },
    title: { id: 'rooms.action.kick.title' },
    verb: { id: 'rooms.action.kick.verb' },
  },
  voice: {
    label: { id: 'rooms.action.voice.label' },
    title: { id: 'rooms.action.voice.title' },
    verb: { id: 'rooms.action.voice.verb' },
  },
  mute: {
    label: { id: 'rooms.action.mute.label' },
    title: { id: 'rooms.action.mute.title' },
    verb: { id: 'rooms.action.mute.verb' },
  },
  mod: {
    label: { id: 'rooms.action.mod.label' },
    title: { id: 'rooms.action.mod.title' },
    verb: { id: 'rooms.action.mod.verb' },
  },
  unmod: {
    label: { id: 'rooms.action.unmod.label' },
    title: { id: 'rooms.action.unmod.title' },
    verb: { id: 'rooms.action.unmod.verb' },
  },
  member: {
    label: { id: 'rooms.action.member.label' },
    title: { id: 'rooms.action.member.title' },
    verb: { id: 'rooms.action.member.verb' },
  },
  ban: {
    label: { id: 'rooms.action.ban.label' },
    title: { id: 'rooms.action.ban.title' },
    verb: { id: 'rooms.action.ban.verb' },
  },
  admin: {
    label: { id: 'rooms.action.admin.label' },
    title: { id: 'rooms.action.admin.title' },
    verb: { id: 'rooms.action.admin.verb' },
  },
  owner: {
    label: { id: 'rooms.action.owner.label' },
    title: { id: 'rooms.action.owner.title' },
    verb: { id: 'rooms.action.owner.verb' },
  },
};

/** What the reason dialog says an action will do. */
function actionNote(t: IntlShape['formatMessage'], action: OccupantAction, nick: string): string {
  switch (action.id) {
    case 'kick':
      return t({ id: 'rooms.action.kick.note' }, { nick });
    case 'ban':
      return t({ id: 'rooms.action.ban.note' }, { nick });
    case 'mute':
      return t({ id: 'rooms.action.mute.note' }, { nick });
    case 'voice':
      return t({ id: 'rooms.action.voice.note' }, { nick });
    default:
      return t({ id: 'rooms.action.other.note' }, { nick });
  }
}

export function OccupantMenu({ account, room, self, occupant, target, onDone }: OccupantMenuProps) {
  const [menuOpen, setMenuOpen] = useState(true);
  const [action, setAction] = useState<OccupantAction | null>(null);
  const { formatMessage: t } = useIntl();
  const nick = displayText(target.nick);
  /** A kick or ban went through: their row (where focus would return) is about to go. */
  const removed = useRef(false);

  // Closed without a pick (Escape, a click elsewhere), or the action's dialog closed: done.
  useEffect(() => {
    if (menuOpen || action) return;
    if (removed.current) document.querySelector<HTMLElement>('.occupant-scroll')?.focus();
    onDone();
  }, [menuOpen, action, onDone]);

  const items: MenuItem[] = [
    {
      label: t({ id: 'rooms.action.privateMessage' }),
      onSelect: () => openPrivateChat(account, room, target.nick),
    },
    ...(occupant ? occupantActions(self, occupant) : []).map((a) => ({
      label: t(ACTION_WORDS[a.id].label),
      onSelect: () => setAction(a),
    })),
  ];

  const send = (chosen: OccupantAction, reason: string) => {
    if (chosen.kind === 'role') {
      return setRole(account, room, target.nick, chosen.to as RoleChange | 'none', reason);
    }
    const jid = occupant?.jid;
    if (!jid) return Promise.resolve({ ok: false as const, error: t({ id: 'rooms.action.left' }, { nick }) });
    return setAffiliation(account, room, bareOf(jid), chosen.to as Room['affiliation'], reason);
  };
  const run = async (chosen: OccupantAction, reason: string) => {
    const outcome = await send(chosen, reason);
    removed.current = outcome.ok && (chosen.id === 'kick' || chosen.id === 'ban');
    return outcome;
  };

  return (
    <>
      {menuOpen && (
        <Menu
          label={t({ id: 'roster.menu.label' }, { name: nick })}
          x={target.x}
          y={target.y}
          items={items}
          onClose={() => {
            setMenuOpen(false);
            target.from?.focus();
          }}
        />
      )}
      {action && (
        <PromptDialog
          title={t(ACTION_WORDS[action.id].title, { nick })}
          label={t({ id: 'rooms.action.reason' })}
          optional
          maxLength={MAX_STATUS_CHARS}
          note={actionNote(t, action, nick)}
          submitLabel={t(ACTION_WORDS[action.id].verb)}

          danger={action.id === 'kick' || action.id === 'ban'}
          onSubmit={(reason) => run(action, reason)}
          onClose={() => setAction(null)}
          fallbackFocus={() => document.querySelector<HTMLElement>('.occupant-scroll')}
        />
      )}
    </>
  );
}
