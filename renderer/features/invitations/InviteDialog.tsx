// "Invite…" for a room we are in: pick contacts of the account (type to filter by name or address) or type
// any address, add a reason if you like, and send. The engine picks the way for each person (directly when
// their client understands it, else through the room); a toast says who was invited. <InviteButton/> is
// the room header's button that opens it (only while we are in the room).
import { useMemo, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { MAX_INVITEES, MAX_INVITE_REASON_CHARS } from '../../../shared/limits.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { displayName, useRoster } from '../../stores/roster.ts';
import { useUi } from '../../stores/ui.ts';
import { useRooms } from '../rooms/rooms-store.ts';
import { sendInvitations } from './invitations-actions.ts';
import { typedAddress } from './invitation-words.ts';
import './invitations.css';

/** Contacts listed for the filter at once (the rest are a few more letters away). */
const SHOWN = 8;

export function InviteDialog({
  account,
  room,
  onClose,
}: {
  account: string;
  room: string;
  onClose: () => void;
}) {
  const order = useRoster((s) => s.byAccount.get(account)?.order);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { formatMessage: t } = useIntl();

  const needle = filter.trim().toLowerCase();
  const matches = useMemo(() => {
    const found: Array<{ jid: string; name: string }> = [];
    for (const { contact } of order ?? []) {
      if (found.length >= SHOWN) break;
      const name = displayName(contact, contact.jid);
      if (needle === '' || contact.jid.includes(needle) || name.toLowerCase().includes(needle))
        found.push({ jid: contact.jid, name });
    }
    return found;
  }, [order, needle]);
  const typed = typedAddress(filter);
  const offerTyped = typed !== null && !matches.some((m) => m.jid === typed) && !chosen.includes(typed);

  const toggle = (jid: string, on: boolean): void => {
    setProblem(null);
    setChosen((list) =>
      on ? [...list.filter((j) => j !== jid), jid].slice(0, MAX_INVITEES) : list.filter((j) => j !== jid),
    );
  };

  const submit = async (): Promise<void> => {
    if (busy) return;
    if (chosen.length === 0) {
      setProblem(t({ id: 'invitations.invite.noneChosen' }));
      return;
    }
    setBusy(true);
    const outcome = await sendInvitations(account, room, chosen, reason);
    setBusy(false);
    if ('code' in outcome) {
      setProblem(t({ id: 'invitations.invite.failed' }, { reason: outcome.message }));
      return;
    }
    const who = outcome.sent.map((s) => s.to).join(', ');
    useUi.getState().addToast(t({ id: 'invitations.invite.sent' }, { who, room }));
    for (const { to, reason } of outcome.failed) {
      useUi.getState().addToast(t({ id: 'invitations.invite.failedFor' }, { to, room, reason }));
    }
    onClose();
  };

  const chosenNotListed = chosen.filter((jid) => !matches.some((m) => m.jid === jid));
  return (
    <Dialog
      title={t({ id: 'invitations.invite.title' }, { room })}
      onClose={onClose}
      className="invite-dialog"
    >
      <form
        className="dialog-form"
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="invite-filter">{t({ id: 'invitations.invite.find' })}</label>
        <input
          id="invite-filter"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder={t({ id: 'invitations.invite.findPlaceholder' })}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-autofocus
        />
        <fieldset className="invite-people">
          <legend>
            {chosen.length > 0
              ? t({ id: 'invitations.invite.peopleChosen' }, { count: chosen.length })
              : t({ id: 'invitations.invite.people' })}
          </legend>
          {matches.length === 0 && !offerTyped && chosenNotListed.length === 0 && (
            <p className="invite-none">
              {needle ? t({ id: 'invitations.invite.noMatch' }) : t({ id: 'invitations.invite.noContacts' })}
            </p>
          )}
          <ul>
            {[...chosenNotListed.map((jid) => ({ jid, name: jid })), ...matches].map(({ jid, name }) => (
              <li key={jid}>
                <label className="invite-person">
                  <input
                    type="checkbox"
                    checked={chosen.includes(jid)}
                    onChange={(e) => toggle(jid, e.target.checked)}
                  />
                  <bdi>{name}</bdi>
                  {name !== jid && <span className="invite-jid">{jid}</span>}
                </label>
              </li>
            ))}
            {offerTyped && (
              <li>
                <label className="invite-person">
                  <input
                    type="checkbox"
                    checked={false}
                    onChange={(e) => {
                      toggle(typed, e.target.checked);
                      // Chosen, it is listed at the top: the field is free for the next address.
                      setFilter('');
                      document.getElementById('invite-filter')?.focus();
                    }}
                  />
                  {t(
                    { id: 'invitations.invite.typed' },
                    { jid: typed, bdi: (chunks: ReactNode[]) => <bdi>{chunks}</bdi> },
                  )}
                </label>
              </li>
            )}
          </ul>
        </fieldset>
        <label htmlFor="invite-reason">{t({ id: 'invitations.invite.message' })}</label>
        <input
          id="invite-reason"
          type="text"
          maxLength={MAX_INVITE_REASON_CHARS}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        <div role="alert" className="form-error">
          {problem && <p>{problem}</p>}
        </div>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t({ id: 'dialog.cancel' })}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy
              ? t({ id: 'invitations.invite.busy' })
              : t({ id: 'invitations.invite.submit' }, { count: chosen.length })}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The room header's "Invite…": shown while we are in the room. */
export function InviteButton({ account, room }: { account: string; room: string }) {
  const joined = useRooms((s) => s.byAccount.get(account)?.get(room)?.room.status === 'joined');
  const [open, setOpen] = useState(false);
  const { formatMessage: t } = useIntl();
  if (!joined) return null;
  return (
    <>
      <button type="button" className="small" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {t({ id: 'invitations.inviteButton' })}
      </button>
      {open && <InviteDialog account={account} room={room} onClose={() => setOpen(false)} />}
    </>
  );
}
