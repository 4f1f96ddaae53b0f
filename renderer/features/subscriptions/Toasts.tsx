// Short notices (subscription answers, failures of background commands). Polite live region; each one
// leaves after a while or when dismissed.
//
// The while is counted from when the notice was made, by one timer per notice kept outside the components:
// each screen has its own <Toasts/>, and a timer started when the list mounted began again on every change
// of screen, so a notice could stay for good while the user moved between them.
import { useIntl } from 'react-intl';
import { useUi } from '../../stores/ui.ts';
import type { Toast } from '../../stores/ui.ts';

const TOAST_MS = 8_000;

/** The pending dismissal of each notice in the store (the store keeps a handful). */
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function scheduleDismissals(toasts: readonly Toast[]): void {
  const present = new Set(toasts.map((t) => t.id));
  for (const [id, timer] of timers) {
    if (!present.has(id)) {
      clearTimeout(timer);
      timers.delete(id);
    }
  }
  for (const { id } of toasts) {
    if (!timers.has(id))
      timers.set(
        id,
        setTimeout(() => useUi.getState().dismissToast(id), TOAST_MS),
      );
  }
}

scheduleDismissals(useUi.getState().toasts);
useUi.subscribe((state, previous) => {
  if (state.toasts !== previous.toasts) scheduleDismissals(state.toasts);
});

function ToastItem({ toast }: { toast: Toast }) {
  const { formatMessage: t } = useIntl();
  return (
    <li className="toast">
      <span>{toast.text}</span>
      <button
        type="button"
        className="small"
        aria-label={t({ id: 'toasts.dismiss' })}
        onClick={() => useUi.getState().dismissToast(toast.id)}
      >
        ×
      </button>
    </li>
  );
}

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const { formatMessage: t } = useIntl();
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label={t({ id: 'toasts.label' })}>
      <ul>
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} />
        ))}
      </ul>
    </div>
  );
}
