// About Parley: the version the engine reports ('app.info'), the licence package.json states (none is
// stated: nothing is made up), and the credits of every production dependency (credits.json, made by
// scripts/build-credits.ts). Loaded as its own chunk (Shortcuts.tsx): the credits are not startup code.
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Dialog } from '../../components/Dialog.tsx';
import { getBridge } from '../../transport/bridge.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';
import credits from './credits.json' with { type: 'json' };
import './about.css';

function useVersion(): string | null {
  const [version, setVersion] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void getBridge()
      .invoke('app.info', {})
      .then((result) => {
        if (live)
          setVersion(
            result.ok ? result.value.version : currentIntl().formatMessage({ id: 'about.versionUnknown' }),
          );
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
  return credits.app.licenseFile ? currentIntl().formatMessage({ id: 'about.seeLicenseFile' }) : null;
}

export default function AboutDialog({ onClose }: { onClose: () => void }) {
  const { formatMessage: t } = useIntl();
  const version = useVersion();
  const licence = appLicence();
  return (
    <Dialog title={t({ id: 'about.title' })} onClose={onClose} className="about-dialog">
      <p className="about-lead">{t({ id: 'about.lead' })}</p>
      <dl className="about-facts">
        <dt>{t({ id: 'about.version' })}</dt>
        <dd>{version ?? '…'}</dd>
        {licence && (
          <>
            <dt>{t({ id: 'about.licence' })}</dt>
            <dd>{licence}</dd>
          </>
        )}
      </dl>
      <h3 className="about-credits-title" id="about-credits-title">
        {t({ id: 'about.credits.title' }, { count: credits.packages.length })}
      </h3>
      {/* Focusable so a keyboard can scroll it. */}
      <ul className="about-credits" aria-labelledby="about-credits-title" tabIndex={0}>
        {credits.packages.map((p) => (
          <li key={`${p.name}@${p.version}`}>
            <span className="about-credit-name">{p.name}</span>{' '}
            <span className="about-credit-detail">
              {p.version} · {p.license ?? t({ id: 'about.credits.licenceNotStated' })}
            </span>
          </li>
        ))}
      </ul>
      <div className="dialog-buttons">
        <button type="button" className="primary" onClick={onClose} data-autofocus>
          {t({ id: 'dialog.close' })}
        </button>
      </div>
    </Dialog>
  );
}
