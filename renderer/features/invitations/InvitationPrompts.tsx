// Room invitations of every account, as a non-modal list beside the subscription and message requests: who
// invites (marked "not in your contacts" for a stranger, or an inviter the room did not name), to which room,
// their reason; Join (with the password the invitation carried, kept in the engine) and Decline (a mediated
// invitation may say why: the room passes it on; a direct one is only dismissed). A refused join is said in
// words under the invitation; a nick conflict offers the room's suggestion and a field for another nick.
import { useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useIntl } from 'react-intl';
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import type { Invitation } from '../../../shared/invitations.ts';
import { MAX_INVITE_REASON_CHARS } from '../../../shared/limits.ts';
import { displayText } from '../../text/display-text.ts';
import { useRoster } from '../../stores/roster.ts';
import { useSeveralAccounts } from '../accounts/use-accounts.ts';
import { joinProblem } from '../rooms/rooms-actions.ts';
import { JoinRoomDialog } from '../rooms/JoinRoomDialog.tsx';
import { MUC_LIMITS, useRooms } from '../rooms/rooms-store.ts';
import { acceptInvitation, declineInvitation } from './invitations-actions.ts';
import { inviterText, strangerNote } from './invitation-words.ts';
import { useInvitations } from './invitations-store.ts';
import './invitations.css';

/** Invitations listed before "Show all": the area sits above the chats and must not push them away. */
const FIRST_SHOWN = 5;

function InvitationItem({
  account,
  invitation,
  showAccount,
}: {
  account: string;
  invitation: Invitation;
  showAccount: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<EngineErrorPayload | null>(null);
  const [nick, setNick] = useState('');
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [askingPassword, setAskingPassword] = useState(false);
  const ids = useId();
  const declineButton = useRef<HTMLButtonElement>(null);
  const { formatMessage: t } = useIntl();
  // A contact is named as the roster names them, their address beside it; never on a room's mere word.
  const contactName = useRoster((s) => {
    const from = invitation.stranger ? undefined : invitation.from?.split('/')[0];
    return from ? (s.byAccount.get(account)?.contacts.get(from)?.name?.trim() ?? null) : null;
  });
  const stopDeclining = (): void => {
    setDeclining(false);
    requestAnimationFrame(() => declineButton.current?.focus());
  };
  const roomLabel = invitation.roomName ? `${invitation.roomName} (${invitation.room})` : invitation.room;

  const join = async (withNick?: string): Promise<void> => {
    if (busy) return;
    setBusy(true);
    const error = await acceptInvitation(account, invitation, withNick);
    setBusy(false);
    setProblem(error);
    if (error?.suggestion) setNick(error.suggestion);
  };
  const said = problem ? joinProblem(problem) : null;
  const nickConflict = problem?.code === 'nick-conflict';

  return (
    <li className="invitation-item">
      <div
        className="invitation"
        role="group"
        aria-label={
          showAccount
            ? t({ id: 'invitations.item.labelFor' }, { room: invitation.room, account })
            : t({ id: 'invitations.item.label' }, { room: invitation.room })
        }
      >
        <div className="invitation-text">
          {/* Remote words, each isolated: no bidi control in them can reorder the sentence. */}
          {t(showAccount ? { id: 'invitations.item.textOn' } : { id: 'invitations.item.text' }, {
            who: (
              <strong>
                {contactName ? (
                  <>
                    <bdi>{displayText(contactName)}</bdi> (<bdi>{inviterText(invitation)}</bdi>)
                  </>
                ) : (
                  <bdi>{displayText(inviterText(invitation))}</bdi>
                )}
              </strong>
            ),
            room: (
              <strong className="invitation-room">
                <bdi>{displayText(roomLabel)}</bdi>
              </strong>
            ),
            account,
            on: (chunks: ReactNode[]) => <span className="request-account">{chunks}</span>,
          })}
          {invitation.stranger && <span className="invitation-stranger">{strangerNote(invitation)}</span>}
          {invitation.reason && (
            <span className="invitation-reason">
              “<bdi>{displayText(invitation.reason)}</bdi>”
            </span>
          )}
          {invitation.hasPassword && (
            <span className="invitation-note">{t({ id: 'invitations.item.password' })}</span>
          )}
        </div>
        {!declining && (
          <div className="request-buttons">
            <button type="button" className="primary" disabled={busy} onClick={() => void join()}>
              {busy ? t({ id: 'rooms.status.joining' }) : t({ id: 'rooms.join.submit' })}
            </button>
            <button
              ref={declineButton}
              type="button"
              disabled={busy}
              onClick={() =>
                invitation.kind === 'mediated'
                  ? setDeclining(true)
                  : void declineInvitation(account, invitation)
              }
            >
              {t({ id: 'invitations.decline' })}
            </button>
          </div>
        )}
        {declining && (
          <form
            className="invitation-decline"
            onKeyDown={(e) => {
              if (e.key !== 'Escape') return;
              e.preventDefault();
              stopDeclining();
            }}
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void declineInvitation(account, invitation, reason.trim() || undefined);
            }}
          >
            <label htmlFor={`${ids}-reason`}>{t({ id: 'invitations.decline.reason' })}</label>
            <input
              id={`${ids}-reason`}
              type="text"
              maxLength={MAX_INVITE_REASON_CHARS}
              value={reason}
              autoFocus
              onChange={(e) => setReason(e.target.value)}
            />
            <div className="request-buttons">
              <button type="submit" className="primary">
                {t({ id: 'invitations.decline.send' })}
              </button>
              <button type="button" onClick={stopDeclining}>
                {t({ id: 'dialog.cancel' })}
              </button>
            </div>
          </form>
        )}
        <div role="alert" className="form-error invitation-problem">
          {said && <p>{said.text}</p>}
        </div>
        {problem?.code === 'password-required' && (
          <button
            type="button"
            className="small"
            aria-haspopup="dialog"
            onClick={() => setAskingPassword(true)}
          >
            {t({ id: 'invitations.joinWithPassword' })}
          </button>
        )}
        {askingPassword && (
          // The join dialog, filled in: the password the invitation carried was missing or wrong.
          <JoinRoomDialog
            initialRoom={invitation.room}
            initialAccount={account}
            initialProblem={said}
            onClose={() => setAskingPassword(false)}
          />
        )}
        {nickConflict && (
          <form
            className="invitation-nick"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              if (nick.trim()) void join(nick.trim());
            }}
          >
            <label htmlFor={`${ids}-nick`}>{t({ id: 'rooms.join.nick' })}</label>
            <input
              id={`${ids}-nick`}
              type="text"
              spellCheck={false}
              maxLength={MUC_LIMITS.nickChars}
              value={nick}
              onChange={(e) => setNick(e.target.value)}
            />
            <button type="submit" className="primary" disabled={busy || nick.trim() === ''}>
              {t({ id: 'invitations.joinAs' }, { nick: nick.trim() || '…' })}
            </button>
          </form>
        )}
      </div>
    </li>
  );
}

export function InvitationPrompts() {
  const byAccount = useInvitations((s) => s.byAccount);
  const answering = useInvitations((s) => s.answering);
  const more = useInvitations((s) => s.more);
  const several = useSeveralAccounts();
  // Invitations to rooms joined meanwhile another way (the join dialog, a bookmark): nothing left to answer.
  // Read as one string, so an occupant storm in the rooms store re-renders nothing here.
  const joined = useRooms((s) => {
    let ids = '';
    for (const [account, invitations] of byAccount) {
      for (const { id, room } of invitations)
        if (s.byAccount.get(account)?.get(room)?.room.status === 'joined') ids += `${id}\n`;
    }
    return ids;
  });
  const all: Array<{ account: string; invitation: Invitation }> = [];
  for (const [account, invitations] of byAccount) {
    for (const invitation of invitations) {
      if (!answering.has(invitation.id) && !joined.includes(`${invitation.id}\n`))
        all.push({ account, invitation });
    }
  }
  all.sort((a, b) => b.invitation.at - a.invitation.at);
  let notKept = 0;
  for (const count of more.values()) notKept += count;
  const [showAll, setShowAll] = useState(false);
  const { formatMessage: t } = useIntl();
  if (all.length === 0 && notKept === 0) return null;
  const shown = showAll ? all : all.slice(0, FIRST_SHOWN);
  return (
    <section className="requests invitations" aria-label={t({ id: 'invitations.label' })}>
      <h2 className="invitations-title">
        {all.length > 0
          ? t({ id: 'invitations.titleCount' }, { count: all.length })
          : t({ id: 'invitations.label' })}
      </h2>
      {notKept > 0 && (
        <p className="requests-more" role="status">
          {t({ id: 'invitations.notKept' }, { count: notKept })}
        </p>
      )}
      <ul className="invitations-list">
        {shown.map(({ account, invitation }) => (
          <InvitationItem
            key={invitation.id}
            account={account}
            invitation={invitation}
            showAccount={several}
          />
        ))}
      </ul>
      {all.length > FIRST_SHOWN && (
        <button type="button" className="small invitations-toggle" onClick={() => setShowAll(!showAll)}>
          {showAll ? t({ id: 'requests.showFewer' }) : t({ id: 'requests.showAll' }, { count: all.length })}
        </button>
      )}
    </section>
  );
}
