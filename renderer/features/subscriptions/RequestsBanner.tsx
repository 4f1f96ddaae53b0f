// Inbound subscription requests of every account, as a non-modal list above the main view: Approve, Deny,
// and "Approve and add…", which asks for a name and group first (the add-contact dialog, filled in with the
// address and the nick they sent). With several accounts, each request says which account it was made to.
import { useRef, useState, type ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { getBridge } from '../../transport/bridge.ts';
import { requestKey, useRequests } from '../../stores/requests.ts';
import { useUi } from '../../stores/ui.ts';
import type { SubscriptionRequest } from '../../../shared/contract.ts';
import { useSeveralAccounts } from '../accounts/use-accounts.ts';
import { displayText } from '../../text/display-text.ts';
import { AddContactDialog } from '../roster/ContactDialogs.tsx';

type Answer = 'approve' | 'deny';

interface Adding {
  account: string;
  request: SubscriptionRequest;
}

async function answer(account: string, jid: string, choice: Answer): Promise<void> {
  useRequests.getState().markAnswering(account, jid, true);
  const result = await getBridge().invoke('subscription.answer', { account, jid, answer: choice });
  if (!result.ok) {
    useRequests.getState().markAnswering(account, jid, false);
    useUi
      .getState()
      .addToast(
        currentIntl().formatMessage(
          { id: 'subscriptions.answerFailed' },
          { jid, reason: result.error.message },
        ),
      );
  }
}

function RequestItem({
  account,
  request,
  showAccount,
  onApproveAndAdd,
}: {
  account: string;
  request: SubscriptionRequest;
  showAccount: boolean;
  onApproveAndAdd: () => void;
}) {
  const { formatMessage: t } = useIntl();
  const groupLabel = showAccount
    ? t({ id: 'subscriptions.request.labelOnAccount' }, { jid: request.jid, account })
    : t({ id: 'subscriptions.request.label' }, { jid: request.jid });
  const bdi = (chunks: ReactNode[]) => <bdi>{chunks}</bdi>;
  return (
    // The group sits inside the list item: a <ul> may only hold list items (axe "list").
    <li className="request-item">
      <div className="request" role="group" aria-label={groupLabel}>
        <div className="request-text">
          {/* The nick, address and status are the sender's words: each isolated, so no bidi control in
              them can reorder the sentence around them. */}
          {t(
            { id: 'subscriptions.request.text' },
            {
              who: (
                <strong>
                  {request.nick ? (
                    <>
                      <bdi>{displayText(request.nick)}</bdi> (<bdi>{request.jid}</bdi>)
                    </>
                  ) : (
                    <bdi>{request.jid}</bdi>
                  )}
                </strong>
              ),
            },
          )}
          {showAccount && (
            <span className="request-account">
              {' '}
              {t({ id: 'subscriptions.request.onAccount' }, { account })}
            </span>
          )}
          {request.status && (
            <span className="request-status">
              {' '}
              {t({ id: 'subscriptions.request.status' }, { status: displayText(request.status), bdi })}
            </span>
          )}
        </div>
        <div className="request-buttons">
          <button
            type="button"
            className="primary"
            onClick={() => void answer(account, request.jid, 'approve')}
          >
            {t({ id: 'subscriptions.approve' })}
          </button>
          <button type="button" aria-haspopup="dialog" onClick={onApproveAndAdd}>
            {t({ id: 'subscriptions.approveAndAdd' })}
          </button>
          <button type="button" onClick={() => void answer(account, request.jid, 'deny')}>
            {t({ id: 'subscriptions.deny' })}
          </button>
        </div>
      </div>
    </li>
  );
}

export function RequestsBanner() {
  const byAccount = useRequests((s) => s.byAccount);
  const answering = useRequests((s) => s.answering);
  const more = useRequests((s) => s.more);
  const several = useSeveralAccounts();
  const { formatMessage: t } = useIntl();
  const [adding, setAdding] = useState<Adding | null>(null);
  const section = useRef<HTMLElement>(null);
  const visible: Array<{ account: string; request: SubscriptionRequest }> = [];
  for (const [account, requests] of byAccount) {
    for (const request of requests) {
      if (!answering.has(requestKey(account, request.jid))) visible.push({ account, request });
    }
  }
  let waiting = 0;
  for (const count of more.values()) waiting += count;
  const dialog = adding && (
    <AddContactDialog
      approving
      initialAccount={adding.account}
      initialJid={adding.request.jid}
      initialName={adding.request.nick ?? ''}
      onClose={() => setAdding(null)}
      // Answered, its entry is gone: the next request takes the focus (on Cancel the dialog gives it back to
      // the button that opened it).
      fallbackFocus={() => section.current?.querySelector<HTMLElement>('button')}
    />
  );
  const empty = visible.length === 0 && waiting === 0;
  // The dialog keeps its place in the tree while the list comes and goes (answering hides the request).
  return (
    <>
      {!empty && (
        <section ref={section} className="requests" aria-label={t({ id: 'subscriptions.label' })}>
          {waiting > 0 && (
            <p className="requests-more" role="status">
              {t({ id: 'subscriptions.waiting' }, { count: waiting })}
            </p>
          )}
          <ul>
            {visible.map(({ account, request }) => (
              <RequestItem
                key={requestKey(account, request.jid)}
                account={account}
                request={request}
                showAccount={several}
                onApproveAndAdd={() => setAdding({ account, request })}
              />
            ))}
          </ul>
        </section>
      )}
      {dialog}
    </>
  );
}
