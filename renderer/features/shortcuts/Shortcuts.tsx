// The main window's keyboard shortcuts (key-map.ts) and app-menu items (menu-sync.ts), heard once on the
// document, and the dialogs they open. Mounted once, in the main window's root (App.tsx).
import { Suspense, lazy, useEffect } from 'react';
import { AddContactDialog } from '../roster/ContactDialogs.tsx';
import { useAboutView } from '../about/about-view.ts';
import { shortcutFor } from './key-map.ts';
import { handleKeyAction, useMenuSync } from './menu-sync.ts';
import { useShortcutsView } from './shortcuts-view.ts';

// Opened on demand: their own chunks, so the first paint does not wait for them.
const QuickSwitcher = lazy(() => import('./QuickSwitcher.tsx').then((m) => ({ default: m.QuickSwitcher })));
const ShortcutsHelp = lazy(() => import('./ShortcutsHelp.tsx').then((m) => ({ default: m.ShortcutsHelp })));

// Rarely opened, and it carries the dependency credits: its own chunk, loaded when first shown.
const AboutDialog = lazy(() => import('../about/AboutDialog.tsx'));

function onKeyDown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing) return;
  const action = shortcutFor(event);
  if (action === null) return;
  // A dialog owns the keyboard while it is open (its Esc and Tab, and no chat changing behind it).
  if (document.querySelector('[aria-modal="true"]')) return;
  event.preventDefault();
  handleKeyAction(action);
}

export function Shortcuts() {
  useMenuSync();
  useEffect(() => {
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
  const overlay = useShortcutsView((s) => s.overlay);
  const about = useAboutView((s) => s.open);
  const hide = useShortcutsView.getState().hide;
  return (
    <>
      <Suspense fallback={null}>
        {overlay === 'switcher' && <QuickSwitcher onClose={hide} />}
        {overlay === 'help' && <ShortcutsHelp onClose={hide} />}
      </Suspense>
      {overlay === 'new-chat' && <AddContactDialog onClose={hide} />}
      {about && (
        <Suspense fallback={null}>
          <AboutDialog onClose={useAboutView.getState().hide} />
        </Suspense>
      )}
    </>
  );
}
