// What an xmpp: link asks, shown for the user to decide: the account to use when several are signed in, then
// the chat (its body only pre-filled in the composer), the add-contact or join-room dialog pre-filled, the
// room's invite dialog, or a confirmation before a contact is removed or we stop receiving its presence
// (LinkConfirm: its button inactive for a moment). Nothing is sent or joined without the user. One link at a
// time: later ones wait in links-store until this one is done.
import { useEffect, type ReactNode } from 'react';
import { useIntl, type MessageDescriptor } from 'react-intl';
import { Dialog } from '../../components/Dialog.tsx';
import { getBridge } from '../../transport/bridge.ts';
import { openChat } from '../../stores/actions.ts';
import { chatId } from '../../stores/conversation.ts';
import { displayName, useContact } from '../../stores/roster.ts';
import { useUi } from '../../stores/ui.ts';
import type { XmppUri } from '../../../shared/xmpp-uri.ts';
import { useSessionAccounts } from '../accounts/use-accounts.ts';
import { draftOf, setDraft } from '../chat/Composer.tsx';
import { InviteDialog } from '../invitations/InviteDialog.tsx';
import { AddContactDialog } from '../roster/ContactDialogs.tsx';
import { JoinRoomDialog } from '../rooms/JoinRoomDialog.tsx';
import { openRoom } from '../rooms/rooms-actions.ts';
import { useRoom, useRooms } from '../rooms/rooms-store.ts';
import { accountFor, draftWith, linkNick, linkPurpose, linkTarget } from './link-logic.ts';
import { LinkConfirm, type Outcome } from './LinkConfirm.tsx';
import { useLinks } from './links-store.ts';
import './links.css';

function AccountPicker({ uri, accounts }: { uri: XmppUri; accounts: readonly string[] }) {
  const { choose, done } = useLinks.getState();
  const { formatMessage: t } = useIntl();
  return (
    <Dialog title={t({ id: 'links.picker.title' })} onClose={done} className="link-account-picker">
      <p>
        {t(
          { id: 'links.picker.question' },
          { purpose: linkPurpose(uri), bdi: (chunks: ReactNode[]) => <bdi>{chunks}</bdi> },
        )}
      </p>
      <ul className="link-accounts">
        {accounts.map((account, i) => (
          <li key={account}>
            <button type="button" onClick={() => choose(account)} data-autofocus={i === 0 || undefined}>
              <bdi>{account}</bdi>
            </button>
          </li>
        ))}
      </ul>
      <div className="dialog-buttons">
        <button type="button" onClick={done}>
          {t({ id: 'dialog.cancel' })}
        </button>
      </div>
    </Dialog>
  );
}

/** ?message (or no action): the chat opens with the body in its composer, not sent. */
function OpenChat({ uri, account }: { uri: XmppUri; account: string }) {
  useEffect(() => {
    const target = linkTarget(uri);
    if (useRooms.getState().byAccount.get(account)?.has(target)) openRoom(account, target);
    else {
      const id = chatId(account, target);
      const body = uri.params.body ?? '';
      if (body !== '') setDraft(id, draftWith(draftOf(id), body));
      openChat(id);
    }
    useLinks.getState().done();
  }, [uri, account]);
  return null;
}

/** The confirmation a remove or unsubscribe link asks for: its words, and the command it runs once confirmed. */
interface ContactConfirmation {
  title: MessageDescriptor;
  submit: MessageDescriptor;
  question: MessageDescriptor;
  run: (account: string, jid: string) => Promise<Outcome>;
}

const REMOVE: ContactConfirmation = {
  title: { id: 'roster.remove.title' },
  submit: { id: 'roster.remove.submit' },
  question: { id: 'roster.remove.question' },
  run: (account, jid) => getBridge().invoke('roster.remove', { account, jid }),
};

const UNSUBSCRIBE: ContactConfirmation = {
  title: { id: 'links.unsubscribe.title' },
  submit: { id: 'links.unsubscribe.submit' },
  question: { id: 'links.unsubscribe.question' },
  run: (account, jid) => getBridge().invoke('subscription.unsubscribe', { account, jid }),
};

function ConfirmForContact({
  account,
  jid,
  what,
}: {
  account: string;
  jid: string;
  what: ContactConfirmation;
}) {
  const contact = useContact(account, jid);
  const done = useLinks.getState().done;
  const { formatMessage: t } = useIntl();
  return (
    <LinkConfirm
      title={t(what.title)}
      cancel={t({ id: 'dialog.cancel' })}
      submit={t(what.submit)}
      run={() => what.run(account, jid)}
      onClose={done}
    >
      <p>
        {t(what.question, {
          name: displayName(contact, jid),
          jid,
          strong: (chunks: ReactNode[]) => <strong>{chunks}</strong>,
          bdi: (chunks: ReactNode[]) => <bdi>{chunks}</bdi>,
        })}
      </p>
    </LinkConfirm>
  );
}

/** Only a contact can be removed: for anyone else the link says so and ends. */
function RemoveContact({ account, jid }: { account: string; jid: string }) {
  const contact = useContact(account, jid);
  const done = useLinks.getState().done;
  const { formatMessage: t } = useIntl();
  useEffect(() => {
    if (contact) return;
    useUi.getState().addToast(t({ id: 'links.remove.notAContact' }, { jid, account }));
    done();
  }, [contact, account, jid, done, t]);
  return contact ? <ConfirmForContact account={account} jid={jid} what={REMOVE} /> : null;
}

function InviteOrJoin({ uri, account }: { uri: XmppUri; account: string }) {
  const room = linkTarget(uri);
  const joined = useRoom(account, room)?.room.status === 'joined';
  const done = useLinks.getState().done;
  if (joined) return <InviteDialog account={account} room={room} onClose={done} />;
  return <JoinRoomDialog onClose={done} initialRoom={room} initialAccount={account} />;
}

function LinkAction({ uri, account }: { uri: XmppUri; account: string }) {
  const done = useLinks.getState().done;
  const target = linkTarget(uri);
  switch (uri.action) {
    case 'message':
      return <OpenChat uri={uri} account={account} />;
    case 'roster':
    case 'subscribe':
      return (
        <AddContactDialog
          onClose={done}
          initialJid={target}
          initialAccount={account}
          initialName={uri.params.name ?? ''}
          initialGroup={uri.params.group ?? ''}
        />
      );
    case 'join':
      return (
        <JoinRoomDialog
          onClose={done}
          initialRoom={target}
          initialAccount={account}
          initialNick={linkNick(uri)}
          initialPassword={uri.params.password ?? ''}
        />
      );
    case 'invite':
      return <InviteOrJoin uri={uri} account={account} />;
    case 'remove':
      return <RemoveContact account={account} jid={target} />;
    case 'unsubscribe':
      return <ConfirmForContact account={account} jid={target} what={UNSUBSCRIBE} />;
  }
}

/** Mounted once in the main window: the link being acted on, if any (it waits until an account is signed in). */
export function LinkDialogs() {
  const link = useLinks((s) => s.link);
  const accounts = useSessionAccounts();
  if (!link || accounts.length === 0) return null;
  const account = link.account ?? accountFor(link.uri, accounts);
  if (account === null) return <AccountPicker uri={link.uri} accounts={accounts} />;
  return <LinkAction key={link.seq} uri={link.uri} account={account} />;
}
