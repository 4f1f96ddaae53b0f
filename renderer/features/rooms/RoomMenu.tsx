// The room header's "Room" menu button: Request voice for a visitor, Change subject… and Change nickname…
// for everyone in it, and what
// our affiliation offers (admins: Members and bans…; owners: Room settings… and Destroy room…). A menu button
// (aria-haspopup): Enter, Space or the arrow keys open it; Escape closes it and focus returns to the button.
// A room we created unconfigured opens its settings by itself.
import { Suspense, lazy, useState } from 'react';
import type { Room } from '../../../shared/muc.ts';
import { MAX_NICK_CHARS, MAX_SUBJECT_CHARS } from '../../../shared/limits.ts';
import { Menu, useMenuButton, type MenuItem } from '../../components/Menu.tsx';
import { DestroyRoomDialog, PromptDialog } from './RoomDialogs.tsx';
import { useUi } from '../../stores/ui.ts';
import { changeNick, changeSubject, requestVoice, roomPowers } from './room-admin-actions.ts';
import { conversationId } from '../../../shared/conversation.ts';
import { MutedIcon } from '../notifications/NotifyMenu.tsx';
import { useNotificationMenuItems } from '../notifications/conversation-prefs.ts';

// Owners' and admins' dialogs (the data-form renderer with them): their own chunks, loaded when opened.
const AffiliationsDialog = lazy(() =>
  import('./AffiliationsDialog.tsx').then((m) => ({ default: m.AffiliationsDialog })),
);
const RoomSettingsDialog = lazy(() =>
  import('./RoomSettingsDialog.tsx').then((m) => ({ default: m.RoomSettingsDialog })),
);

type Open = 'subject' | 'nick' | 'lists' | 'settings' | 'destroy' | null;

export function RoomMenu({ account, room, name }: { account: string; room: Room; name: string }) {
  const {
    button,
    at,
    show,
    close: closeMenu,
    onKeyDown,
  } = useMenuButton((rect) => ({ x: rect.right - 200, y: rect.bottom + 4 }));
  const [open, setOpen] = useState<Open>(null);
  const powers = roomPowers(room);
  const jid = room.room;
  const id = conversationId({ account, kind: 'groupchat', peer: jid });
  const notifyItems = useNotificationMenuItems(id, 'groupchat');

  const close = (): void => setOpen(null);

  const askForVoice = async (): Promise<void> => {
    const outcome = await requestVoice(account, jid);
    useUi
      .getState()
      .addToast(
        outcome.ok ? `Asked the moderators of ${name} for voice.` : `No voice request: ${outcome.error}`,
      );
  };
  const items: MenuItem[] = [
    ...(room.role === 'visitor' ? [{ label: 'Request voice', onSelect: () => void askForVoice() }] : []),
    ...(powers.subject ? [{ label: 'Change subject…', onSelect: () => setOpen('subject') }] : []),
    { label: 'Change nickname…', onSelect: () => setOpen('nick') },
    ...(powers.lists ? [{ label: 'Members and bans…', onSelect: () => setOpen('lists') }] : []),
    ...(powers.settings ? [{ label: 'Room settings…', onSelect: () => setOpen('settings') }] : []),
    ...(powers.destroy ? [{ label: 'Destroy room…', onSelect: () => setOpen('destroy') }] : []),
    // Mute and how much of the room notifies (prefs.conversation).
    ...notifyItems,
  ];
  const label = `Room menu of ${name}`;

  return (
    <>
      <button
        ref={button}
        type="button"
        className="small"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={at !== null}
        onClick={() => (at ? closeMenu() : show())}
        onKeyDown={onKeyDown}
      >
        Room
        <MutedIcon id={id} /> <span aria-hidden="true">▾</span>
      </button>
      {at && <Menu label={label} x={at.x} y={at.y} items={items} onClose={closeMenu} anchor={button} />}
      {open === 'subject' && (
        <PromptDialog
          title={`Subject of ${name}`}
          label="Subject"
          multiline
          optional
          initial={room.subject ?? ''}
          maxLength={MAX_SUBJECT_CHARS}
          note="Everyone in the room sees the new subject. Leave it empty to clear it."
          submitLabel="Change subject"
          onSubmit={(subject) => changeSubject(account, jid, subject.trim())}
          onClose={close}
        />
      )}
      {open === 'nick' && (
        <PromptDialog
          title={`Your nickname in ${name}`}
          label="Nickname"
          initial={room.nick}
          maxLength={MAX_NICK_CHARS}
          submitLabel="Change nickname"
          onSubmit={(nick) => changeNick(account, jid, nick.trim())}
          onClose={close}
        />
      )}
      {open === 'lists' && (
        <Suspense fallback={null}>
          <AffiliationsDialog
            account={account}
            room={jid}
            name={name}
            owner={room.affiliation === 'owner'}
            onClose={close}
          />
        </Suspense>
      )}
      {/* A room we created unconfigured shows its settings until they are saved (or the defaults kept). */}
      {(open === 'settings' || (room.unconfigured === true && open === null)) && (
        <Suspense fallback={null}>
          <RoomSettingsDialog
            account={account}
            room={jid}
            name={name}
            fresh={room.unconfigured === true}
            onClose={close}
          />
        </Suspense>
      )}
      {open === 'destroy' && <DestroyRoomDialog account={account} room={jid} name={name} onClose={close} />}
    </>
  );
}
