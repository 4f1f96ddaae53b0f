// A modal dialog: role=dialog + aria-modal, labelled by its title, focus kept inside (Tab wraps), Escape
// closes, and focus goes back to where it was when the dialog closes.
//
// The keys are heard on the document, not on the dialog: when the focused control goes away or is disabled
// (a busy button, an error that replaces a field) focus falls to <body>, and a dialog that only listened
// to itself would then no longer close on Escape or keep Tab inside. Only the topmost dialog acts.
import { useEffect, useId, useLayoutEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import './dialog.css';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Open dialogs, oldest first: the last one owns the keyboard. */
const openDialogs: HTMLElement[] = [];

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
}

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** alertdialog for confirmations and warnings. */
  role?: 'dialog' | 'alertdialog';
  className?: string;
  /** Where focus goes on closing when the element it came from is gone (e.g. the request just answered). */
  fallbackFocus?: () => HTMLElement | null | undefined;
}

export function Dialog({ title, onClose, children, role = 'dialog', className, fallbackFocus }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // The latest onClose, so the document listeners set up once always call the current one.
  const close = useRef(onClose);
  const fallback = useRef(fallbackFocus);
  useLayoutEffect(() => {
    close.current = onClose;
    fallback.current = fallbackFocus;
  });

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    openDialogs.push(root);
    const first =
      root.querySelector<HTMLElement>('[data-autofocus]') ?? root.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? root).focus();
    const topmost = (): boolean => openDialogs.at(-1) === root;

    const onKeyDown = (event: KeyboardEvent): void => {
      if (!topmost() || event.defaultPrevented) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        close.current();
        return;
      }
      if (event.key !== 'Tab') return;
      const items = focusables(root);
      const head = items[0];
      const tail = items.at(-1);
      const active = document.activeElement;
      if (!head || !tail) {
        event.preventDefault();
        root.focus();
      } else if (!(active instanceof Node) || !root.contains(active)) {
        // Focus fell out (to <body>): Tab brings it back in at the start, Shift+Tab at the end.
        event.preventDefault();
        (event.shiftKey ? tail : head).focus();
      } else if (event.shiftKey && (active === head || active === root)) {
        event.preventDefault();
        tail.focus();
      } else if (!event.shiftKey && active === tail) {
        event.preventDefault();
        head.focus();
      }
    };
    // Focus moved outside (a click on the page behind, a script): back to the dialog.
    const onFocusIn = (event: FocusEvent): void => {
      if (!topmost() || !(event.target instanceof Node) || root.contains(event.target)) return;
      (focusables(root)[0] ?? root).focus();
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('focusin', onFocusIn);
      const at = openDialogs.indexOf(root);
      if (at >= 0) openDialogs.splice(at, 1);
      if (previous && document.contains(previous)) previous.focus();
      else fallback.current?.()?.focus();
    };
  }, []);

  return (
    <div className="dialog-backdrop">
      <div
        ref={ref}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className={`dialog${className ? ` ${className}` : ''}`}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        {children}
      </div>
    </div>
  );
}
