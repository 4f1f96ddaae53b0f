// An occupant's menu (opened by a right-click on their row, the row's "⋯" button, or Shift+F10 / the menu
// key on it): Private message, and the moderator actions our role and affiliation allow on them (kick,
// voice, moderator, membership, ban, admin, owner). Each action asks for an optional reason in a small
// dialog and says the room's refusal in words; focus goes back to the row's button afterwards.
import { useEffect, useRef, useState } from 'react';
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

/** What the reason dialog says an action will do. */
function actionNote(action: OccupantAction, nick: string): string {
  switch (action.id) {
    case 'kick':
      return `${nick} is removed from the room; they may join again.`;
    case 'ban':
      return `${nick} is removed and may not join again until unbanned.`;
    case 'mute':
      return `${nick} can still read the room but not write in it.`;
    case 'voice':
      return `${nick} can write in the room again.`;
    default:
      return `The room tells ${nick} and everyone in it.`;
  }
}

export function OccupantMenu({ account, room, self, occupant, target, onDone }: OccupantMenuProps) {
  const [menuOpen, setMenuOpen] = useState(true);
  const [action, setAction] = useState<OccupantAction | null>(null);
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
    { label: 'Private message', onSelect: () => openPrivateChat(account, room, target.nick) },
    ...(occupant ? occupantActions(self, occupant) : []).map((a) => ({
      label: a.label,
      onSelect: () => setAction(a),
    })),
  ];

  const send = (chosen: OccupantAction, reason: string) => {
    if (chosen.kind === 'role') {
      return setRole(account, room, target.nick, chosen.to as RoleChange | 'none', reason);
    }
    const jid = occupant?.jid;
    if (!jid) return Promise.resolve({ ok: false as const, error: `${nick} left the room.` });
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
          label={`Actions for ${nick}`}
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
          title={`${action.label.replace('…', '')}: ${nick}`}
          label="Reason (optional)"
          optional
          maxLength={MAX_STATUS_CHARS}
          note={actionNote(action, nick)}
          submitLabel={action.verb}
          danger={action.id === 'kick' || action.id === 'ban'}
          onSubmit={(reason) => run(action, reason)}
          onClose={() => setAction(null)}
          fallbackFocus={() => document.querySelector<HTMLElement>('.occupant-scroll')}
        />
      )}
    </>
  );
}
