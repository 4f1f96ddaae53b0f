// F1 or Ctrl/Cmd+/: every shortcut and what it does. A browser keeps Ctrl+Tab, Ctrl+W and Ctrl+N for itself,
// so those rows say so and give the chord that works there too.
import { useIntl } from 'react-intl';
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
  const { formatMessage: t } = useIntl();
  return (
    <>
      {keys.map((chord, i) => (
        <span key={chord}>
          {i > 0 && t({ id: 'shortcuts.help.or' })}
          <kbd>{chord}</kbd>
        </span>
      ))}
    </>
  );
}

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const { formatMessage: t } = useIntl();
  const rows = shortcutRows(isMac(navigator.platform));
  const desktop = inDesktopApp();
  return (
    <Dialog title={t({ id: 'shortcuts.help.title' })} onClose={onClose} className="shortcuts-help">
      <table className="shortcuts-table">
        <thead>
          <tr>
            <th scope="col">{t({ id: 'shortcuts.help.action' })}</th>
            <th scope="col">{t({ id: 'shortcuts.help.keys' })}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.action} data-action={row.action}>
              <th scope="row">{t(row.what)}</th>
              <td>
                <Keys keys={row.keys} />
                {row.browserTakesFirst && !desktop && (
                  <span className="shortcuts-note">
                    {t({ id: 'shortcuts.help.desktopOnly' }, { chord: row.keys[0] })}
                  </span>
                )}
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t(ESCAPE_ROW.what)}</th>
            <td>
              <Keys keys={ESCAPE_ROW.keys} />
            </td>
          </tr>
        </tbody>
      </table>
      <div className="dialog-buttons">
        {/* The page's way to About (the desktop app also has it in its Help menu). */}
        <button type="button" className="shortcuts-about" onClick={showAbout}>
          {t({ id: 'about.title' })}
        </button>
        <button type="button" className="primary" onClick={onClose} data-autofocus>
          {t({ id: 'dialog.close' })}
        </button>
      </div>
    </Dialog>
  );
}
