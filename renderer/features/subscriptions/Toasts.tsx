// Short notices (subscription answers, failures of background commands). Polite live region; each one
// leaves after a while or when dismissed.
import { useEffect } from 'react';
import { useUi } from '../../stores/ui.ts';
import type { Toast } from '../../stores/ui.ts';

const TOAST_MS = 8_000;

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    const timer = setTimeout(() => useUi.getState().dismissToast(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast.id]);
  return (
    <li className="toast">
      <span>{toast.text}</span>
      <button
        type="button"
        className="small"
        aria-label="Dismiss notice"
        onClick={() => useUi.getState().dismissToast(toast.id)}
      >
        ×
      </button>
    </li>
  );
}

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Notices">
      <ul>
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} />
        ))}
      </ul>
    </div>
  );
}
