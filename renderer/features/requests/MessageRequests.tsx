// Message requests: people not in the contacts who wrote to an account. They do not open tabs by themselves
// (a flood from many addresses would bury the real chats); they wait here, newest first, until the user
// opens one (and perhaps answers), adds the person, blocks them or dismisses the request. The engine caps
// the list; what it did not keep is counted here. Below them, the addresses the accounts block, to unblock.
import { useState, type ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { currentIntl } from '../../i18n/intl-instance.ts';
import type { MessageRequest } from '../../../shared/contract.ts';
import { getBridge } from '../../transport/bridge.ts';
import { useMessageRequests } from '../../stores/message-requests.ts';
import { chatId } from '../../stores/conversation.ts';
import { useRoster } from '../../stores/roster.ts';
import { useUi } from '../../stores/ui.ts';
import { useSeveralAccounts } from '../accounts/use-accounts.ts';
import { AddContactDialog } from '../roster/ContactDialogs.tsx';
import { BlockedAddresses, useBlockedRows } from './BlockedAddresses.tsx';
import './requests.css';

/** Requests listed before "Show all": the area sits above the chats and must not push them away. */
const FIRST_SHOWN = 5;

async function act(
  command: 'chat.dismissRequest' | 'blocking.block',
  account: string,
  jid: string,
): Promise<void> {
  const result =
    command === 'blocking.block'
      ? await getBridge().invoke('blocking.block', { account, jid })
      : await getBridge().invoke('chat.dismissRequest', { account, peer: jid });
  const ui = useUi.getState();
  const t = currentIntl().formatMessage;
  if (!result.ok) {
    const values = { jid, reason: result.error.message };
    ui.addToast(
      command === 'blocking.block'
        ? t({ id: 'requests.blockFailed' }, values)
        : t({ id: 'requests.dismissFailed' }, values),
    );
  } else if (command === 'blocking.block') ui.addToast(t({ id: 'requests.blocked' }, { jid }));
}

function RequestRow({
  account,
  request,
  showAccount,
  onAdd,
}: {
  account: string;
  request: MessageRequest;
  showAccount: boolean;
  onAdd: () => void;
}) {
  const { formatMessage: t } = useIntl();
  const values = {
    jid: request.jid,
    account,
    count: request.count,
    who: (chunks: ReactNode[]) => <strong className="message-request-who">{chunks}</strong>,
    to: (chunks: ReactNode[]) => <span className="request-account">{chunks}</span>,
  };
  return (
    <li className="message-request">
      <div
        className="message-request-body"
        role="group"
        aria-label={
          showAccount
            ? t({ id: 'requests.row.labelTo' }, { jid: request.jid, account })
            : t({ id: 'requests.row.label' }, { jid: request.jid })
        }
      >
        <div className="message-request-text">
          {showAccount ? t({ id: 'requests.row.textTo' }, values) : t({ id: 'requests.row.text' }, values)}
          {request.preview && <span className="message-request-preview">{request.preview}</span>}
        </div>
        <div className="request-buttons">
          <button
            type="button"
            className="primary"
            onClick={() => useUi.getState().openTab(chatId(account, request.jid), true)}
          >
            {t({ id: 'requests.read' })}
          </button>
          <button type="button" onClick={onAdd}>
            {t({ id: 'requests.addToContacts' })}
          </button>
          <button type="button" onClick={() => void act('blocking.block', account, request.jid)}>
            {t({ id: 'requests.block' })}
          </button>
          <button type="button" onClick={() => void act('chat.dismissRequest', account, request.jid)}>
            {t({ id: 'requests.dismiss' })}
          </button>
        </div>
      </div>
    </li>
  );
}

export function MessageRequests() {
  const byAccount = useMessageRequests((s) => s.byAccount);
  const more = useMessageRequests((s) => s.more);
  const rosters = useRoster((s) => s.byAccount);
  const several = useSeveralAccounts();
  const [showAll, setShowAll] = useState(false);
  const [adding, setAdding] = useState<{ account: string; jid: string } | null>(null);
  const { formatMessage: t } = useIntl();
  const all: Array<{ account: string; request: MessageRequest }> = [];
  for (const [account, requests] of byAccount) {
    // Someone just added as a contact (here or on another device) is no longer a request.
    const contacts = rosters.get(account)?.contacts;
    for (const request of requests) if (!contacts?.has(request.jid)) all.push({ account, request });
  }
  all.sort((a, b) => b.request.at - a.request.at);
  let notKept = 0;
  for (const count of more.values()) notKept += count;
  const blocked = useBlockedRows();
  const anyBlocked = blocked.rows.length + blocked.notListed > 0;
  if (all.length === 0 && notKept === 0 && !anyBlocked)
    return adding ? <AddDialog adding={adding} onClose={() => setAdding(null)} /> : null;
  const shown = showAll ? all : all.slice(0, FIRST_SHOWN);
  const anyRequests = all.length > 0 || notKept > 0;
  return (
    <section className="requests message-requests" aria-label={t({ id: 'requests.label' })}>
      {anyRequests && (
        <h2 className="message-requests-title">
          {all.length > 0
            ? t({ id: 'requests.titleCount' }, { count: all.length })
            : t({ id: 'requests.label' })}
        </h2>
      )}
      {notKept > 0 && (
        <p className="requests-more" role="status">
          {t({ id: 'requests.notKept' }, { count: notKept })}
        </p>
      )}
      {shown.length > 0 && (
        <ul className="message-requests-list">
          {shown.map(({ account, request }) => (
            <RequestRow
              key={`${account} ${request.jid}`}
              account={account}
              request={request}
              showAccount={several}
              onAdd={() => setAdding({ account, jid: request.jid })}
            />
          ))}
        </ul>
      )}
      {all.length > FIRST_SHOWN && (
        <button type="button" className="small message-requests-toggle" onClick={() => setShowAll(!showAll)}>
          {showAll ? t({ id: 'requests.showFewer' }) : t({ id: 'requests.showAll' }, { count: all.length })}
        </button>
      )}
      <BlockedAddresses rows={blocked.rows} notListed={blocked.notListed} />
      {adding && <AddDialog adding={adding} onClose={() => setAdding(null)} />}
    </section>
  );
}

function AddDialog({ adding, onClose }: { adding: { account: string; jid: string }; onClose: () => void }) {
  return <AddContactDialog onClose={onClose} initialAccount={adding.account} initialJid={adding.jid} />;
}
