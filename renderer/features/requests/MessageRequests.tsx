// Message requests: people not in the contacts who wrote to an account. They do not open tabs by themselves
// (a flood from many addresses would bury the real chats); they wait here, newest first, until the user
// opens one (and perhaps answers), adds the person, blocks them or dismisses the request. The engine caps
// the list; what it did not keep is counted here. Below them, the addresses the accounts block, to unblock.
import { useState } from 'react';
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
  if (!result.ok)
    ui.addToast(
      `Could not ${command === 'blocking.block' ? 'block' : 'dismiss'} ${jid}: ${result.error.message}`,
    );
  else if (command === 'blocking.block') ui.addToast(`Blocked ${jid}: their messages no longer reach you.`);
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
  const messages = request.count === 1 ? '1 message' : `${request.count} messages`;
  return (
    <li className="message-request">
      <div
        className="message-request-body"
        role="group"
        aria-label={`Message request from ${request.jid}${showAccount ? ` to ${account}` : ''}`}
      >
        <div className="message-request-text">
          <strong className="message-request-who">{request.jid}</strong> is not in your contacts and sent{' '}
          {messages}
          {showAccount && <span className="request-account"> (to {account})</span>}.
          {request.preview && <span className="message-request-preview">{request.preview}</span>}
        </div>
        <div className="request-buttons">
          <button
            type="button"
            className="primary"
            onClick={() => useUi.getState().openTab(chatId(account, request.jid), true)}
          >
            Read
          </button>
          <button type="button" onClick={onAdd}>
            Add to contacts…
          </button>
          <button type="button" onClick={() => void act('blocking.block', account, request.jid)}>
            Block
          </button>
          <button type="button" onClick={() => void act('chat.dismissRequest', account, request.jid)}>
            Dismiss
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
    <section className="requests message-requests" aria-label="Message requests">
      {anyRequests && (
        <h2 className="message-requests-title">Message requests{all.length > 0 ? ` (${all.length})` : ''}</h2>
      )}
      {notKept > 0 && (
        <p className="requests-more" role="status">
          {notKept} more {notKept === 1 ? 'message' : 'messages'} from people not in your contacts{' '}
          {notKept === 1 ? 'was' : 'were'} not kept (too many at once). Your server&apos;s archive may still
          have {notKept === 1 ? 'it' : 'them'}.
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
          {showAll ? 'Show fewer' : `Show all ${all.length}`}
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
