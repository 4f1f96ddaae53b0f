// Inbound subscription requests, as a non-modal list above the main view: Approve, Deny, Approve and add.
import { getBridge } from '../../transport/bridge.ts';
import { useRequests } from '../../stores/requests.ts';
import { useUi } from '../../stores/ui.ts';
import type { SubscriptionRequest } from '../../../shared/contract.ts';

type Answer = 'approve' | 'deny' | 'approve-and-subscribe';

async function answer(jid: string, choice: Answer): Promise<void> {
  useRequests.getState().markAnswering(jid, true);
  const result = await getBridge().invoke('subscription.answer', { jid, answer: choice });
  if (!result.ok) {
    useRequests.getState().markAnswering(jid, false);
    useUi.getState().addToast(`Could not answer ${jid}: ${result.error.message}`);
  }
}

function RequestItem({ request }: { request: SubscriptionRequest }) {
  const label = request.nick ? `${request.nick} (${request.jid})` : request.jid;
  return (
    // The group sits inside the list item: a <ul> may only hold list items (axe "list").
    <li className="request-item">
      <div className="request" role="group" aria-label={`Request from ${request.jid}`}>
        <div className="request-text">
          <strong>{label}</strong> wants to see when you are online.
          {request.status && <span className="request-status"> “{request.status}”</span>}
        </div>
        <div className="request-buttons">
          <button type="button" className="primary" onClick={() => void answer(request.jid, 'approve')}>
            Approve
          </button>
          <button type="button" onClick={() => void answer(request.jid, 'approve-and-subscribe')}>
            Approve and add
          </button>
          <button type="button" onClick={() => void answer(request.jid, 'deny')}>
            Deny
          </button>
        </div>
      </div>
    </li>
  );
}

export function RequestsBanner() {
  const requests = useRequests((s) => s.requests);
  const answering = useRequests((s) => s.answering);
  const visible = requests.filter((r) => !answering.has(r.jid));
  if (visible.length === 0) return null;
  return (
    <section className="requests" aria-label="Subscription requests">
      <ul>
        {visible.map((r) => (
          <RequestItem key={r.jid} request={r} />
        ))}
      </ul>
    </section>
  );
}
