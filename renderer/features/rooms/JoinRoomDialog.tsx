// "Join room…": the room's address (typed, or picked with "Browse rooms…" from the service's list), our nick
// in it (the account's localpart at first) and a password for rooms that need one. The room's refusal is said
// in words beside the field it is about: a nick conflict offers the room's suggestion, a password room asks
// for its password. "Bookmark and join at sign-in" is off unless the room is bookmarked so already: joining
// is often a one-off (a link, an invitation), and a room that comes back at every sign-in on every device
// is a lasting choice the user makes, not one made for them; once joined, the room row's star bookmarks it.
// "If the room is new, set it up before others can join" creates a room locked until its settings are saved
// (the room view opens them); otherwise a new room takes the service's defaults at once.
import { Suspense, lazy, useState } from 'react';
import type { FormEvent } from 'react';
import { useIntl } from 'react-intl';
import { bareJid, bareJidProblem } from '../../../shared/jid.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { useSessionAccounts } from '../accounts/use-accounts.ts';
import { setBookmark } from '../bookmarks/bookmark-actions.ts';
import { useBookmark } from '../bookmarks/bookmarks-store.ts';
import { joinProblem, joinRoom, type JoinProblem } from './rooms-actions.ts';
import { MUC_LIMITS } from './rooms-store.ts';
import '../bookmarks/bookmarks.css';

// The room list is browsed now and then: its own chunk, loaded when shown.
const RoomDirectory = lazy(() => import('./RoomDirectory.tsx').then((m) => ({ default: m.RoomDirectory })));

/** The nick a room is joined with unless the user types another: the account's localpart. */
export function defaultNick(account: string): string {
  const at = account.indexOf('@');
  return at > 0 ? account.slice(0, at) : account;
}

function addressProblem(text: string): string | null {
  const problem = bareJidProblem(text);
  if (problem === 'too-long') return currentIntl().formatMessage({ id: 'address.tooLong' });
  if (problem !== null || !text.includes('@'))
    return currentIntl().formatMessage({ id: 'rooms.join.invalidAddress' });
  return null;
}

export function JoinRoomDialog({
  onClose,
  initialRoom = '',
  initialAccount = null,
  initialNick = null,
  initialPassword = '',
  initialProblem = null,
}: {
  onClose: () => void;
  initialRoom?: string;
  initialAccount?: string | null;
  /** The nick to offer (joining a room again: the one we had). */
  initialNick?: string | null;
  /** The password an xmpp: link carried (?join;password=…): filled in, never joined with unasked. */
  initialPassword?: string;
  /** Why the last join of this room failed (a bookmarked room that refused us), shown at once. */
  initialProblem?: JoinProblem | null;
}) {
  const accounts = useSessionAccounts();
  const { formatMessage: t } = useIntl();
  const [chosen, setChosen] = useState<string | null>(initialAccount);
  const account = chosen !== null && accounts.includes(chosen) ? chosen : (accounts[0] ?? '');
  const [room, setRoom] = useState(initialRoom);
  const [nick, setNick] = useState(() => initialNick ?? defaultNick(account));
  const [password, setPassword] = useState(initialPassword);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<JoinProblem | null>(initialProblem);
  const [browsing, setBrowsing] = useState(false);
  const typed = room.trim();
  const bookmark = useBookmark(account, addressProblem(typed) ? '' : bareJid(typed));
  const [bookmarkChoice, setBookmarkChoice] = useState<boolean | null>(null);
  const [configure, setConfigure] = useState(false);
  const bookmarkIt = bookmarkChoice ?? bookmark?.autojoin ?? false;

  const focus = (id: string): void => {
    requestAnimationFrame(() => document.getElementById(id)?.focus());
  };

  const submit = async (): Promise<void> => {
    if (busy) return;
    const address = room.trim();
    const wrongAddress = addressProblem(address);
    if (wrongAddress) {
      setProblem({ text: wrongAddress, field: 'room' });
      focus('join-room');
      return;
    }
    if (nick.trim() === '') {
      setProblem({ text: t({ id: 'rooms.join.nickMissing' }), field: 'nick' });
      focus('join-nick');
      return;
    }
    setBusy(true);
    setProblem(null);
    const jid = bareJid(address);
    const error = await joinRoom(account, jid, nick.trim(), password || undefined, configure);
    if (!error) {
      if (bookmarkIt) {
        await setBookmark(account, jid, {
          autojoin: true,
          nick: nick.trim(),
          ...(password ? { password } : {}),
        });
      } else if (bookmark?.autojoin) await setBookmark(account, jid, { autojoin: false });
      setBusy(false);
      onClose();
      return;
    }
    setBusy(false);
    const said = joinProblem(error);
    setProblem(said);
    if (said.field === 'password') focus('join-password');
    else if (said.field === 'nick') focus('join-nick');
    else if (said.field === 'room') focus('join-room');
  };

  const described = (field: JoinProblem['field']) =>
    problem?.field === field ? { 'aria-invalid': true, 'aria-describedby': 'join-problem' } : {};
  // The refusal is said under the field it is about (one at a time), or above the buttons.
  const problemAt = (field: JoinProblem['field']) =>
    problem?.field === field && (
      <>
        <div role="alert" id="join-problem" className="form-error">
          <p>{problem.text}</p>
        </div>
        {problem.suggestion && (
          <button
            type="button"
            className="small join-suggestion"
            onClick={() => {
              setNick(problem.suggestion!);
              setProblem(null);
              focus('join-nick');
            }}
          >
            {t({ id: 'rooms.join.useSuggestion' }, { suggestion: problem.suggestion })}
          </button>
        )}
      </>
    );

  return (
    <Dialog title={t({ id: 'rooms.join.title' })} onClose={onClose} className="join-room-dialog">
      <form
        className="dialog-form"
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void submit();
        }}
      >
        {accounts.length > 1 && (
          <>
            <label htmlFor="join-account">{t({ id: 'roster.add.account' })}</label>
            <select
              id="join-account"
              value={account}
              onChange={(e) => {
                setChosen(e.target.value);
                setNick(defaultNick(e.target.value));
              }}
            >
              {accounts.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="join-room">{t({ id: 'rooms.join.address' })}</label>
        <input
          id="join-room"
          type="text"
          spellCheck={false}
          placeholder="room@conference.example.com"
          value={room}
          onChange={(e) => setRoom(e.target.value)}
          data-autofocus
          {...described('room')}
        />
        {problemAt('room')}
        <button
          type="button"
          className="small join-browse"
          aria-expanded={browsing}
          onClick={() => {
            setBrowsing(!browsing);
            if (browsing) focus('join-room');
          }}
        >
          {browsing ? t({ id: 'rooms.join.hideList' }) : t({ id: 'rooms.join.browse' })}
        </button>
        {browsing && (
          <Suspense fallback={null}>
            <RoomDirectory
              account={account}
              current={room.trim()}
              onPick={(picked) => {
                setRoom(picked);
                setBrowsing(false);
                setProblem(null);
                focus('join-nick');
              }}
            />
          </Suspense>
        )}
        <label htmlFor="join-nick">{t({ id: 'rooms.join.nick' })}</label>
        <input
          id="join-nick"
          type="text"
          spellCheck={false}
          maxLength={MUC_LIMITS.nickChars}
          value={nick}
          onChange={(e) => setNick(e.target.value)}
          {...described('nick')}
        />
        {problemAt('nick')}
        <label htmlFor="join-password">{t({ id: 'rooms.join.password' })}</label>
        <input
          id="join-password"
          type="password"
          autoComplete="off"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          {...described('password')}
        />
        {problemAt('password')}
        <label className="join-bookmark">
          <input type="checkbox" checked={bookmarkIt} onChange={(e) => setBookmarkChoice(e.target.checked)} />
          {t({ id: 'rooms.join.bookmark' })}
        </label>
        <label className="join-configure">
          <input type="checkbox" checked={configure} onChange={(e) => setConfigure(e.target.checked)} />
          {t({ id: 'rooms.join.configure' })}
        </label>
        {problemAt(null)}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t({ id: 'dialog.cancel' })}
          </button>
          {/* aria-disabled, not disabled: a disabled button loses the focus, which then leaves the dialog. */}
          <button type="submit" className="primary" aria-disabled={busy}>
            {busy ? t({ id: 'rooms.status.joining' }) : t({ id: 'rooms.join.submit' })}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
