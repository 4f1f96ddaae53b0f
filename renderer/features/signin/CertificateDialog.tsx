// Shown when sign-in failed with tls-untrusted: the certificate's facts, and a choice to pin it or not.
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
  return (
    <Dialog title="Untrusted certificate" role="alertdialog" onClose={onCancel} className="cert-dialog">
      <p>
        The server for <strong>{jid}</strong> presented a certificate that could not be verified:{' '}
        <strong>{certificate.reason}</strong>. Trust it only if you know this is the right certificate (for
        example, you compared the fingerprint with your server administrator).
      </p>
      <dl className="cert-facts">
        <dt>Subject</dt>
        <dd>{certificate.subject}</dd>
        <dt>Issuer</dt>
        <dd>{certificate.issuer}</dd>
        {certificate.subjectAltNames.length > 0 && (
          <>
            <dt>Names</dt>
            <dd>{certificate.subjectAltNames.join(', ')}</dd>
          </>
        )}
        <dt>Valid from</dt>
        <dd>{certificate.validFrom}</dd>
        <dt>Valid until</dt>
        <dd>{certificate.validTo}</dd>
        <dt>SHA-256 fingerprint</dt>
        <dd className="fingerprint">{certificate.fingerprint256}</dd>
      </dl>
      <div className="dialog-buttons">
        <button type="button" onClick={onCancel} data-autofocus disabled={busy}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={onTrust} disabled={busy}>
          Trust this certificate
        </button>
      </div>
    </Dialog>
  );
}
