// "← Contacts" in a conversation's header: shown in narrow windows only (narrow.css), where the conversation
// takes the place of the sidebar. Back there, focus goes to `focus` (the row we came from), else the roster.
import { useUi } from '../../stores/ui.ts';

export function BackToContacts({ focus = '[role="tree"]' }: { focus?: string }) {
  const back = (): void => {
    useUi.getState().showRoster();
    requestAnimationFrame(() => document.querySelector<HTMLElement>(focus)?.focus());
  };
  return (
    <button type="button" className="small back-to-contacts" aria-label="Back to contacts" onClick={back}>
      <span aria-hidden="true">← </span>Contacts
    </button>
  );
}

/** Back from a room or a private chat: the room's row in the sidebar, else the roster. */
export const ROOM_ROW_FOCUS = '.room-row.active, [role="tree"]';
