// About Parley: the version the engine reports ('app.info'), the licence package.json states (none is
// stated: nothing is made up), and the credits of every production dependency (credits.json, made by
// scripts/build-credits.ts). Loaded as its own chunk (Shortcuts.tsx): the credits are not startup code.
import { useEffect, useState } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { getBridge } from '../../transport/bridge.ts';
import credits from './credits.json' with { type: 'json' };
import './about.css';

function useVersion(): string | null {
  const [version, setVersion] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void getBridge()
      .invoke('app.info', {})
      .then((result) => {
        if (live) setVersion(result.ok ? result.value.version : 'unknown');
      });
    return () => {
      live = false;
    };
  }, []);
  return version;
}

/** The app's licence as package.json states it, else a pointer to a LICENSE file, else nothing. */
function appLicence(): string | null {
  if (credits.app.license) return credits.app.license;
  return credits.app.licenseFile ? 'see LICENSE' : null;
}

export default function AboutDialog({ onClose }: { onClose: () => void }) {
  const version = useVersion();
  const licence = appLicence();
  return (
    <Dialog title="About Parley" onClose={onClose} className="about-dialog">
      <p className="about-lead">A desktop client for XMPP (Jabber) instant messaging.</p>
      <dl className="about-facts">
        <dt>Version</dt>
        <dd>{version ?? '…'}</dd>
        {licence && (
          <>
            <dt>Licence</dt>
            <dd>{licence}</dd>
          </>
        )}
      </dl>
      <h3 className="about-credits-title" id="about-credits-title">
        Built with {credits.packages.length} open-source packages
      </h3>
      {/* Focusable so a keyboard can scroll it. */}
      <ul className="about-credits" aria-labelledby="about-credits-title" tabIndex={0}>
        {credits.packages.map((p) => (
          <li key={`${p.name}@${p.version}`}>
            <span className="about-credit-name">{p.name}</span>{' '}
            <span className="about-credit-detail">
              {p.version} · {p.license ?? 'licence not stated'}
            </span>
          </li>
        ))}
      </ul>
      <div className="dialog-buttons">
        <button type="button" className="primary" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
