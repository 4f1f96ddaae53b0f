// The confirmation a link's destructive action asks for (?remove, ?unsubscribe). Its button stays inactive
// for a moment after the dialog appears: a link opened by another program arrives unasked, and a click or
// Enter meant for what was there before must not land on it. Inactive is aria-disabled (shown dimmed and
// announced as unavailable), so the focus stays where it is.
import { useEffect, useState, type ReactNode } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import type { EngineErrorPayload } from '../../../shared/contract.ts';

/** How long a link's destructive button is inactive after its dialog appears. */
export const ARM_AFTER_MS = 1_000;

export type Outcome = { ok: true } | { ok: false; error: EngineErrorPayload };

interface LinkConfirmProps {
  title: string;
  children: ReactNode;
  cancel: string;
  submit: string;
  /** The command; a refusal is shown in the dialog, success closes it. */
  run: () => Promise<Outcome>;
  onClose: () => void;
}

/** False until ARM_AFTER_MS after the component mounted. */
function useArmed(): boolean {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setArmed(true), ARM_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);
  return armed;
}

export function LinkConfirm({ title, children, cancel, submit, run, onClose }: LinkConfirmProps) {
  const armed = useArmed();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async (): Promise<void> => {
    if (busy || !armed) return;
    setBusy(true);
    setError(null);
    const result = await run();
    setBusy(false);
    if (result.ok) onClose();
    else setError(result.error.message);
  };
  return (
    <Dialog title={title} role="alertdialog" onClose={onClose}>
      {children}
      <div role="alert" className="form-error">
        {error && <p>{error}</p>}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose} data-autofocus>
          {cancel}
        </button>
        <button
          type="button"
          className="danger"
          aria-disabled={busy || !armed}
          onClick={() => void confirm()}
        >
          {submit}
        </button>
      </div>
    </Dialog>
  );
}
