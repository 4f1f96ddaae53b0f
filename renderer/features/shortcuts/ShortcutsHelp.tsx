// F1 or Ctrl/Cmd+/: every shortcut and what it does. A browser keeps Ctrl+Tab, Ctrl+W and Ctrl+N for itself,
// so those rows say so and give the chord that works there too.
import { Dialog } from '../../components/Dialog.tsx';
import { useAboutView } from '../about/about-view.ts';
import { ESCAPE_ROW, isMac, shortcutRows } from './key-map.ts';
import { useShortcutsView } from './shortcuts-view.ts';
import './shortcuts.css';

/** The desktop app (Electron's preload is there), where every chord reaches the page. */
const inDesktopApp = (): boolean => typeof window !== 'undefined' && window.parley !== undefined;

/** The help closes and About opens in its place (its Close gives the focus back to where help was opened). */
function showAbout(): void {
  useShortcutsView.getState().hide();
  useAboutView.getState().show();
}

function Keys({ keys }: { keys: readonly string[] }) {
  return (
    <>
      {keys.map((chord, i) => (
        <span key={chord}>
          {i > 0 && ' or '}
          <kbd>{chord}</kbd>
        </span>
      ))}
    </>
  );
}

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const rows = shortcutRows(isMac(navigator.platform));
  const desktop = inDesktopApp();
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} className="shortcuts-help">
      <table className="shortcuts-table">
        <thead>
          <tr>
            <th scope="col">Action</th>
            <th scope="col">Keys</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.action} data-action={row.action}>
              <th scope="row">{row.what}</th>
              <td>
                <Keys keys={row.keys} />
                {row.browserTakesFirst && !desktop && (
                  <span className="shortcuts-note">{`${row.keys[0]} only in the desktop app`}</span>
                )}
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">{ESCAPE_ROW.what}</th>
            <td>
              <Keys keys={ESCAPE_ROW.keys} />
            </td>
          </tr>
        </tbody>
      </table>
      <div className="dialog-buttons">
        {/* The page's way to About (the desktop app also has it in its Help menu). */}
        <button type="button" className="shortcuts-about" onClick={showAbout}>
          About Parley
        </button>
        <button type="button" className="primary" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
