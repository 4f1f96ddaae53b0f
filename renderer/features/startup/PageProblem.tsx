// Browser mode: the page the host refused says what is wrong and what to do, instead of a sign-in form that
// cannot work or "Starting Parley…" for ever. The address Parley prints ends in #token=… (the secret that
// lets this machine's pages in); one tab at a time may use it.
import type { BridgeRefusal } from '../../../shared/bridge.ts';
import './startup.css';

const TEXT: Record<BridgeRefusal, { title: string; what: string; todo: string }> = {
  'no-token': {
    title: 'This address is missing its token',
    what: 'Parley only lets in pages opened with the full address it printed, which ends in #token= and a secret.',
    todo: 'Open the address that Parley printed in the terminal where it started ("Parley is running at …"), in full.',
  },
  'unknown-token': {
    title: 'This address is out of date',
    what: 'Its token is not the one this Parley was started with: each start prints a new address.',
    todo: 'Open the address that Parley printed when it last started ("Parley is running at …").',
  },
  'in-use': {
    title: 'Parley is already open in another tab',
    what: 'The address Parley printed can be open in one tab at a time.',
    todo: 'Go back to the other tab, or close it and then choose Try again here.',
  },
};

export function PageProblem({ refusal }: { refusal: BridgeRefusal }) {
  const { title, what, todo } = TEXT[refusal];
  return (
    <main className="page-problem" aria-labelledby="page-problem-title">
      <div className="page-problem-box" role="alert">
        <h1 id="page-problem-title">{title}</h1>
        <p>{what}</p>
        <p>{todo}</p>
        {refusal === 'in-use' && (
          <button type="button" className="primary" onClick={() => location.reload()}>
            Try again
          </button>
        )}
      </div>
    </main>
  );
}
