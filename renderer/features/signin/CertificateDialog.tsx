// Shown when sign-in failed with tls-untrusted: the certificate's facts, and a choice to pin it or not.
import type { ReactNode } from 'react';
import { useIntl } from 'react-intl';
import type { CertificateInfo } from '../../../shared/contract.ts';
import { Dialog } from '../../components/Dialog.tsx';

interface Props {
  jid: string;
  certificate: CertificateInfo;
  busy: boolean;
  onTrust: () => void;
  onCancel: () => void;
}

export function CertificateDialog({ jid, certificate, busy, onTrust, onCancel }: Props) {
  const { formatMessage: t } = useIntl();
  return (
    <Dialog
      title={t({ id: 'signin.certificate.title' })}
      role="alertdialog"
      onClose={onCancel}
      className="cert-dialog"
    >
      <p>
        {t(
          { id: 'signin.certificate.question' },
          {
            jid,
            reason: certificate.reason,
            strong: (chunks: ReactNode[]) => <strong>{chunks}</strong>,
          },
        )}
      </p>
      <dl className="cert-facts">
        <dt>{t({ id: 'signin.certificate.subject' })}</dt>
        <dd>{certificate.subject}</dd>
        <dt>{t({ id: 'signin.certificate.issuer' })}</dt>
        <dd>{certificate.issuer}</dd>
        {certificate.subjectAltNames.length > 0 && (
          <>
            <dt>{t({ id: 'signin.certificate.names' })}</dt>
            <dd>{certificate.subjectAltNames.join(', ')}</dd>
          </>
        )}
        <dt>{t({ id: 'signin.certificate.validFrom' })}</dt>
        <dd>{certificate.validFrom}</dd>
        <dt>{t({ id: 'signin.certificate.validTo' })}</dt>
        <dd>{certificate.validTo}</dd>
        <dt>{t({ id: 'signin.certificate.fingerprint' })}</dt>
        <dd className="fingerprint">{certificate.fingerprint256}</dd>
      </dl>
      <div className="dialog-buttons">
        <button type="button" onClick={onCancel} data-autofocus disabled={busy}>
          {t({ id: 'dialog.cancel' })}
        </button>
        <button type="button" className="primary" onClick={onTrust} disabled={busy}>
          {t({ id: 'signin.certificate.trust' })}
        </button>
      </div>
    </Dialog>
  );
}
