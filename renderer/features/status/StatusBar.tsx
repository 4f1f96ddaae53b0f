// The connection state, always on screen.
import { describeConnection, useConnection } from '../../stores/connection.ts';

export function StatusBar() {
  const state = useConnection((s) => s.state);
  return (
    <footer className="status-bar" data-status={state.status}>
      <span className={`conn-dot conn-${state.status}`} aria-hidden="true" />
      <span role="status" aria-live="polite" aria-label="Connection">
        {describeConnection(state)}
      </span>
    </footer>
  );
}
