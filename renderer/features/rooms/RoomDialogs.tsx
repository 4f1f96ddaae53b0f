// Small dialogs of the room view: one line or a few of text for a command (the subject, a nickname, the
// reason of a kick or ban), and the confirmation of destroying a room (reason, alternate venue). Each keeps
// its text while the room answers and shows the room's refusal in words under the field.
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useIntl } from 'react-intl';
import { Dialog } from '../../components/Dialog.tsx';
import type { Outcome } from './room-admin-actions.ts';
import { destroyRoom } from './room-admin-actions.ts';

interface PromptDialogProps {
  title: string;
  label: string;
  initial?: string;
  /** A textarea (the subject) instead of one line. */
  multiline?: boolean;
  /** May be left empty (a reason; a subject cleared). */
  optional?: boolean;
  maxLength: number;
  submitLabel: string;
  /** A sentence above the field (what will happen). */
  note?: string;
  onSubmit: (text: string) => Promise<Outcome>;
  onClose: () => void;
  danger?: boolean;
  /** Where focus goes on closing when the control that opened the dialog is gone (a kicked occupant's row). */
  fallbackFocus?: () => HTMLElement | null;
}

export function PromptDialog(props: PromptDialogProps) {
  const { title, label, multiline = false, optional = false, maxLength, submitLabel, note } = props;
  const [text, setText] = useState(props.initial ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const { formatMessage: t } = useIntl();

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    if (!optional && text.trim() === '') {
      setError(t({ id: 'rooms.prompt.empty' }, { label }));
      return;
    }
    setBusy(true);
    setError(null);
    const outcome = await props.onSubmit(text);
    setBusy(false);
    if (outcome.ok) props.onClose();
    else setError(outcome.error);
  };
  const field = {
    id: `${id}-field`,
    value: text,
    maxLength,
    spellCheck: multiline,
    'data-autofocus': true,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': `${id}-error`,
  };

  return (
    <Dialog
      title={title}
      onClose={props.onClose}
      className="room-prompt-dialog"
      fallbackFocus={props.fallbackFocus}
    >
      <form className="dialog-form" noValidate onSubmit={(e) => void submit(e)}>
        {note && <p className="dialog-note">{note}</p>}
        <label htmlFor={field.id}>{label}</label>
        {multiline ? (
          <textarea rows={3} {...field} onChange={(e) => setText(e.target.value)} />
        ) : (
          <input type="text" {...field} onChange={(e) => setText(e.target.value)} />
        )}
        <div role="alert" id={`${id}-error`} className="form-error">
          {error && <p>{error}</p>}
        </div>
        <div className="dialog-buttons">
          <button type="button" onClick={props.onClose}>
            {t({ id: 'dialog.cancel' })}
          </button>
          <button type="submit" className={props.danger ? 'danger' : 'primary'} aria-disabled={busy}>
            {busy ? t({ id: 'rooms.prompt.sending' }) : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Destroying a room: why, where its people should go, and a confirmation that says it cannot be undone. */
export function DestroyRoomDialog(props: {
  account: string;
  room: string;
  name: string;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [alternate, setAlternate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const { formatMessage: t } = useIntl();

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const outcome = await destroyRoom(props.account, props.room, reason, alternate);
    setBusy(false);
    if (outcome.ok) props.onClose();
    else setError(outcome.error);
  };

  return (
    <Dialog
      title={t({ id: 'rooms.destroy.title' }, { name: props.name })}
      role="alertdialog"
      onClose={props.onClose}
    >
      <form className="dialog-form" noValidate onSubmit={(e) => void submit(e)}>
        <p className="dialog-note">{t({ id: 'rooms.destroy.note' })}</p>
        <label htmlFor={`${id}-reason`}>{t({ id: 'rooms.destroy.reason' })}</label>
        <input
          id={`${id}-reason`}
          type="text"
          maxLength={1024}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-autofocus
        />
        <label htmlFor={`${id}-alternate`}>{t({ id: 'rooms.destroy.alternate' })}</label>
        <input
          id={`${id}-alternate`}
          type="text"
          spellCheck={false}
          placeholder="room@conference.example.com"
          value={alternate}
          onChange={(e) => setAlternate(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-error`}
        />
        <div role="alert" id={`${id}-error`} className="form-error">
          {error && <p>{error}</p>}
        </div>
        <div className="dialog-buttons">
          <button type="button" onClick={props.onClose}>
            {t({ id: 'dialog.cancel' })}
          </button>
          <button type="submit" className="danger" aria-disabled={busy}>
            {busy ? t({ id: 'rooms.destroy.busy' }) : t({ id: 'rooms.destroy.submit' })}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
