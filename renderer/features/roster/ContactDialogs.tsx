// Add contact, rename, edit groups, remove: small modal forms over roster commands.
import { useId, useMemo, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import { bareJid, bareJidProblem, sameBareJid } from '../../../shared/jid.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { getBridge } from '../../transport/bridge.ts';
import { MAX_NAME_CHARS } from '../../../shared/limits.ts';
import { displayName, nameCollator, useContact, useRoster } from '../../stores/roster.ts';
import { useRequests } from '../../stores/requests.ts';
import { useUi } from '../../stores/ui.ts';
import { useSessionAccounts } from '../accounts/use-accounts.ts';
import { parseGroups } from './roster-model.ts';

export type ContactDialogState =
  | { kind: 'add' }
  | { kind: 'rename'; account: string; jid: string }
  | { kind: 'groups'; account: string; jid: string }
  | { kind: 'remove'; account: string; jid: string };

function FormDialog({
  title,
  submitLabel,
  onClose,
  onSubmit,
  error,
  busy,
  children,
  fallbackFocus,
}: {
  title: string;
  submitLabel: string;
  onClose: () => void;
  onSubmit: () => void;
  error: string | null;
  busy: boolean;
  children: ReactNode;
  fallbackFocus?: () => HTMLElement | null | undefined;
}) {
  const { formatMessage: t } = useIntl();
  return (
    <Dialog title={title} onClose={onClose} fallbackFocus={fallbackFocus}>
      <form
        className="dialog-form"
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (!busy) onSubmit();
        }}
      >
        {children}
        <div role="alert" className="form-error">
          {error && <p>{error}</p>}
        </div>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            {t({ id: 'dialog.cancel' })}
          </button>
          {/* aria-disabled, not disabled: a disabled button loses the focus, which then leaves the dialog. */}
          <button type="submit" className="primary" aria-disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function useCommand(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (
    call: () => Promise<{ ok: true } | { ok: false; error: EngineErrorPayload }>,
  ): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await call();
    setBusy(false);
    if (result.ok) onDone();
    else setError(result.error.message);
  };
  return { busy, error, setError, run };
}

/** What the add-contact form says about an address before asking the server, or null when it may go. */
function addressProblem(text: string, account: string, t: IntlShape['formatMessage']): string | null {
  const problem = bareJidProblem(text);
  if (problem === 'too-long') return t({ id: 'address.tooLong' });
  if (problem !== null) return t({ id: 'address.invalid' });
  // The server would refuse it (Prosody) or quietly put us in our own roster (ejabberd).
  if (sameBareJid(text, account)) return t({ id: 'roster.add.ownAddress' });
  return null;
}

/** The groups this account already uses, for the group field to offer (a bounded list, name order). */
function useKnownGroups(account: string): string[] {
  const contacts = useRoster((s) => s.byAccount.get(account)?.contacts);
  return useMemo(() => {
    const groups = new Set<string>();
    for (const contact of contacts?.values() ?? []) for (const g of contact.groups) groups.add(g);
    return [...groups].sort(nameCollator.compare).slice(0, MAX_OFFERED_GROUPS);
  }, [contacts]);
}
const MAX_OFFERED_GROUPS = 200;

/**
 * `initialJid`/`initialAccount` fill it in (adding someone who wrote to that account); `initialName` the
 * name (a request's nick). `approving`: the address asked to see our presence; Add approves that first,
 * then adds them and asks for theirs (address and account are then fixed).
 */
export function AddContactDialog({
  onClose,
  initialJid = '',
  initialAccount = null,
  initialName = '',
  initialGroup = '',
  approving = false,
  fallbackFocus,
}: {
  onClose: () => void;
  initialJid?: string;
  initialAccount?: string | null;
  initialName?: string;
  /** The group an xmpp: link suggests (?roster;group=…). */
  initialGroup?: string;
  approving?: boolean;
  /** Where focus goes after closing when the control that opened the dialog is gone. */
  fallbackFocus?: () => HTMLElement | null | undefined;
}) {
  const accounts = useSessionAccounts();
  const [chosen, setChosen] = useState<string | null>(initialAccount);
  const account = chosen !== null && accounts.includes(chosen) ? chosen : (accounts[0] ?? '');
  const [jid, setJid] = useState(initialJid);
  const [name, setName] = useState(initialName.slice(0, MAX_NAME_CHARS));
  const [group, setGroup] = useState(initialGroup);
  const knownGroups = useKnownGroups(account);
  const groupsListId = useId();
  // Approved once already (the add after it failed): a retry only adds.
  const approved = useRef(false);
  const cmd = useCommand(onClose);
  const { formatMessage: t } = useIntl();
  const submit = (): void => {
    const text = jid.trim();
    const problem = addressProblem(text, account, t);
    if (problem !== null) {
      cmd.setError(problem);
      document.getElementById('add-jid')?.focus();
      return;
    }
    const contact = bareJid(text);
    const groups = parseGroups(group);
    void cmd.run(async () => {
      if (approving && !approved.current) {
        useRequests.getState().markAnswering(account, contact, true);
        const answer = await getBridge().invoke('subscription.answer', {
          account,
          jid: contact,
          answer: 'approve',
        });
        if (!answer.ok) {
          useRequests.getState().markAnswering(account, contact, false);
          return answer;
        }
        approved.current = true;
      }
      const result = await getBridge().invoke('roster.add', {
        account,
        jid: contact,
        name: name.trim() === '' ? null : name.trim(),
        groups,
        subscribe: true,
      });
      if (result.ok) {
        useUi
          .getState()
          .addToast(
            approving
              ? t({ id: 'roster.add.approvedAndAsked' }, { jid: contact })
              : t({ id: 'roster.add.asked' }, { jid: contact }),
          );
      } else if (approved.current) {
        const message = t({ id: 'roster.add.approvedNotAdded' }, { reason: result.error.message });
        return { ok: false, error: { ...result.error, message } };
      }
      return result;
    });
  };
  return (
    <FormDialog
      title={approving ? t({ id: 'roster.add.approveTitle' }) : t({ id: 'roster.add.title' })}
      submitLabel={approving ? t({ id: 'roster.add.approveSubmit' }) : t({ id: 'roster.add.submit' })}
      onClose={onClose}
      onSubmit={submit}
      error={cmd.error}
      busy={cmd.busy}
      fallbackFocus={fallbackFocus}
    >
      {approving && (
        <p className="hint">
          {t(accounts.length > 1 ? { id: 'roster.add.approveHintOn' } : { id: 'roster.add.approveHint' }, {
            jid,
            account,
            bdi: (chunks: ReactNode[]) => <bdi>{chunks}</bdi>,
          })}
        </p>
      )}
      {accounts.length > 1 && !approving && (
        <>
          <label htmlFor="add-account">{t({ id: 'roster.add.account' })}</label>
          <select id="add-account" value={account} onChange={(e) => setChosen(e.target.value)}>
            {accounts.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor="add-jid">{t({ id: 'roster.add.address' })}</label>
      <input
        id="add-jid"
        type="text"
        spellCheck={false}
        placeholder="name@example.com"
        value={jid}
        readOnly={approving}
        aria-invalid={cmd.error !== null && addressProblem(jid.trim(), account, t) !== null}
        onChange={(e) => setJid(e.target.value)}
        data-autofocus={approving ? undefined : true}
      />
      <label htmlFor="add-name">{t({ id: 'roster.contact.name' })}</label>
      <input
        id="add-name"
        type="text"
        value={name}
        maxLength={MAX_NAME_CHARS}
        onChange={(e) => setName(e.target.value)}
        data-autofocus={approving ? true : undefined}
      />
      <label htmlFor="add-group">{t({ id: 'roster.add.group' })}</label>
      <input
        id="add-group"
        type="text"
        placeholder={t({ id: 'roster.group.ungrouped' })}
        value={group}
        list={knownGroups.length > 0 ? groupsListId : undefined}
        onChange={(e) => setGroup(e.target.value)}
      />
      {knownGroups.length > 0 && (
        <datalist id={groupsListId}>
          {knownGroups.map((g) => (
            <option key={g} value={g} />
          ))}
        </datalist>
      )}
    </FormDialog>
  );
}

interface ContactProps {
  account: string;
  jid: string;
  onClose: () => void;
}

export function RenameDialog({ account, jid, onClose }: ContactProps) {
  const contact = useContact(account, jid);
  const [name, setName] = useState(contact?.name ?? '');
  const cmd = useCommand(onClose);
  const { formatMessage: t } = useIntl();
  const submit = (): void =>
    void cmd.run(() =>
      getBridge().invoke('roster.update', {
        account,
        jid,
        name: name.trim() === '' ? null : name.trim(),
        groups: contact?.groups ?? [],
      }),
    );
  return (
    <FormDialog
      title={t({ id: 'roster.rename.title' }, { jid })}
      submitLabel={t({ id: 'dialog.save' })}
      onClose={onClose}
      onSubmit={submit}
      error={cmd.error}
      busy={cmd.busy}
    >
      <label htmlFor="rename-name">{t({ id: 'roster.contact.name' })}</label>
      <input
        id="rename-name"
        type="text"
        value={name}
        placeholder={jid}
        onChange={(e) => setName(e.target.value)}
        data-autofocus
      />
    </FormDialog>
  );
}

export function GroupsDialog({ account, jid, onClose }: ContactProps) {
  const contact = useContact(account, jid);
  const [groups, setGroups] = useState((contact?.groups ?? []).join(', '));
  const cmd = useCommand(onClose);
  const { formatMessage: t } = useIntl();
  const submit = (): void =>
    void cmd.run(() =>
      getBridge().invoke('roster.update', {
        account,
        jid,
        name: contact?.name ?? null,
        groups: parseGroups(groups),
      }),
    );
  return (
    <FormDialog
      title={t({ id: 'roster.groups.title' }, { name: displayName(contact, jid) })}
      submitLabel={t({ id: 'dialog.save' })}
      onClose={onClose}
      onSubmit={submit}
      error={cmd.error}
      busy={cmd.busy}
    >
      <label htmlFor="groups-list">{t({ id: 'roster.groups.label' })}</label>
      <input
        id="groups-list"
        type="text"
        value={groups}
        aria-describedby="groups-hint"
        onChange={(e) => setGroups(e.target.value)}
        data-autofocus
      />
      <p id="groups-hint" className="hint">
        {t({ id: 'roster.groups.hint' }, { ungrouped: t({ id: 'roster.group.ungrouped' }) })}
      </p>
    </FormDialog>
  );
}

export function RemoveDialog({ account, jid, onClose }: ContactProps) {
  const contact = useContact(account, jid);
  const cmd = useCommand(onClose);
  const { formatMessage: t } = useIntl();
  return (
    <Dialog title={t({ id: 'roster.remove.title' })} role="alertdialog" onClose={onClose}>
      <p>
        {t(
          { id: 'roster.remove.question' },
          {
            name: displayName(contact, jid),
            jid,
            strong: (chunks: ReactNode[]) => <strong>{chunks}</strong>,
            bdi: (chunks: ReactNode[]) => <bdi>{chunks}</bdi>,
          },
        )}
      </p>
      <div role="alert" className="form-error">
        {cmd.error && <p>{cmd.error}</p>}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose} data-autofocus>
          {t({ id: 'dialog.cancel' })}
        </button>
        <button
          type="button"
          className="danger"
          aria-disabled={cmd.busy}
          onClick={() => {
            if (!cmd.busy) void cmd.run(() => getBridge().invoke('roster.remove', { account, jid }));
          }}
        >
          {t({ id: 'roster.remove.submit' })}
        </button>
      </div>
    </Dialog>
  );
}

export function ContactDialog({ state, onClose }: { state: ContactDialogState; onClose: () => void }) {
  switch (state.kind) {
    case 'add':
      return <AddContactDialog onClose={onClose} />;
    case 'rename':
      return <RenameDialog account={state.account} jid={state.jid} onClose={onClose} />;
    case 'groups':
      return <GroupsDialog account={state.account} jid={state.jid} onClose={onClose} />;
    case 'remove':
      return <RemoveDialog account={state.account} jid={state.jid} onClose={onClose} />;
  }
}
