// Browser mode: the page the host refused says what is wrong and what to do, instead of a sign-in form that
// cannot work or "Starting Parley…" for ever. The address Parley prints ends in #token=… (the secret that
// lets this machine's pages in); one tab at a time may use it.
import { useIntl } from 'react-intl';
import type { BridgeRefusal } from '../../../shared/bridge.ts';
import './startup.css';

type Descriptor = { id: string };

const TEXT: Record<BridgeRefusal, { title: Descriptor; what: Descriptor; todo: Descriptor }> = {
  'no-token': {
    title: { id: 'startup.noToken.title' },
    what: { id: 'startup.noToken.what' },
    todo: { id: 'startup.noToken.todo' },
  },
  'unknown-token': {
    title: { id: 'startup.unknownToken.title' },
    what: { id: 'startup.unknownToken.what' },
    todo: { id: 'startup.unknownToken.todo' },
  },
  'in-use': {
    title: { id: 'startup.inUse.title' },
    what: { id: 'startup.inUse.what' },
    todo: { id: 'startup.inUse.todo' },
  },
};

export function PageProblem({ refusal }: { refusal: BridgeRefusal }) {
  const { formatMessage: t } = useIntl();
  const { title, what, todo } = TEXT[refusal];
  return (
    <main className="page-problem" aria-labelledby="page-problem-title">
      <div className="page-problem-box" role="alert">
        <h1 id="page-problem-title">{t(title)}</h1>
        <p>{t(what)}</p>
        <p>{t(todo)}</p>
        {refusal === 'in-use' && (
          <button type="button" className="primary" onClick={() => location.reload()}>
            {t({ id: 'startup.tryAgain' })}
          </button>
        )}
      </div>
    </main>
  );
}
