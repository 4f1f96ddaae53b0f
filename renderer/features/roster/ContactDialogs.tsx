// Add contact, rename, edit groups, remove: small modal forms over roster commands.
import { useId, useMemo, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { EngineErrorPayload } from '../../../shared/contract.ts';
import { ADDRESS_TOO_LONG, bareJid, bareJidProblem, sameBareJid } from '../../../shared/jid.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { getBridge } from '../../transport/bridge.ts';
import { MAX_NAME_CHARS } from '../../../shared/limits.ts';
import { displayName, nameCollator, useContact, useRoster } from '../../stores/roster.ts';
import { useRequests } from '../../stores/requests.ts';
import { useUi } from '../../stores/ui.ts';
import { useSessionAccounts } from '../accounts/use-accounts.ts';
import { UNGROUPED, parseGroups } from './roster-model.ts';

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
            Cancel
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
function addressProblem(text: string, account: string): string | null {
  const problem = bareJidProblem(text);
  if (problem === 'too-long') return ADDRESS_TOO_LONG;
  if (problem !== null) return 'Enter an address like name@example.com.';
  // The server would refuse it (Prosody) or quietly put us in our own roster (ejabberd).
  if (sameBareJid(text, account)) return 'That is your own address: you cannot add yourself as a contact.';
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
  const submit = (): void => {
    const text = jid.trim();
    const problem = addressProblem(text, account);
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
              ? `Approved ${contact} and asked them to share their presence.`
              : `Asked ${contact} to share their presence.`,
          );
      } else if (approved.current) {
        return {
          ok: false,
          error: { ...result.error, message: `Approved, but not added: ${result.error.message}` },
        };
      }
      return result;
    });
  };
  return (
    <FormDialog
      title={approving ? 'Approve and add contact' : 'Add contact'}
      submitLabel={approving ? 'Approve and add' : 'Add'}
      onClose={onClose}
      onSubmit={submit}
      error={cmd.error}
      busy={cmd.busy}
      fallbackFocus={fallbackFocus}
    >
      {approving && (
        <p className="hint">
          <bdi>{jid}</bdi> will see when you are online{accounts.length > 1 && <> (on {account})</>}, and will
          be asked to share their presence with you.
        </p>
      )}
      {accounts.length > 1 && !approving && (
        <>
          <label htmlFor="add-account">Account</label>
          <select id="add-account" value={account} onChange={(e) => setChosen(e.target.value)}>
            {accounts.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor="add-jid">Address</label>
      <input
        id="add-jid"
        type="text"
        spellCheck={false}
        placeholder="name@example.com"
        value={jid}
        readOnly={approving}
        aria-invalid={cmd.error !== null && addressProblem(jid.trim(), account) !== null}
        onChange={(e) => setJid(e.target.value)}
        data-autofocus={approving ? undefined : true}
      />
      <label htmlFor="add-name">Name</label>
      <input
        id="add-name"
        type="text"
        value={name}
        maxLength={MAX_NAME_CHARS}
        onChange={(e) => setName(e.target.value)}
        data-autofocus={approving ? true : undefined}
      />
      <label htmlFor="add-group">Group</label>
      <input
        id="add-group"
        type="text"
        placeholder={UNGROUPED}
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
      title={`Rename ${jid}`}
      submitLabel="Save"
      onClose={onClose}
      onSubmit={submit}
      error={cmd.error}
      busy={cmd.busy}
    >
      <label htmlFor="rename-name">Name</label>
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
      title={`Groups of ${displayName(contact, jid)}`}
      submitLabel="Save"
      onClose={onClose}
      onSubmit={submit}
      error={cmd.error}
      busy={cmd.busy}
    >
      <label htmlFor="groups-list">Groups</label>
      <input
        id="groups-list"
        type="text"
        value={groups}
        aria-describedby="groups-hint"
        onChange={(e) => setGroups(e.target.value)}
        data-autofocus
      />
      <p id="groups-hint" className="hint">
        Separate groups with commas. Leave empty for “{UNGROUPED}”.
      </p>
    </FormDialog>
  );
}

export function RemoveDialog({ account, jid, onClose }: ContactProps) {
  const contact = useContact(account, jid);
  const cmd = useCommand(onClose);
  return (
    <Dialog title="Remove contact" role="alertdialog" onClose={onClose}>
      <p>
        Remove{' '}
        <strong>
          <bdi>{displayName(contact, jid)}</bdi>
        </strong>{' '}
        (<bdi>{jid}</bdi>) from your contacts? You will stop sharing presence with each other.
      </p>
      <div role="alert" className="form-error">
        {cmd.error && <p>{cmd.error}</p>}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          aria-disabled={cmd.busy}
          onClick={() => {
            if (!cmd.busy) void cmd.run(() => getBridge().invoke('roster.remove', { account, jid }));
          }}
        >
          Remove
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
