// "Members and bans…" (admins and owners): one affiliation list at a time (members, admins, owners, banned)
// from muc.affiliations, each address with Remove (or Unban), and a field to add an address to the list
// shown. The room judges each change; its refusal is said in words above the list.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { AffiliationItem } from '../../../shared/muc.ts';
import { isBareJid } from '../../../shared/jid.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { displayText } from '../../text/display-text.ts';
import { listAffiliation, setAffiliation, type ListedAffiliation } from './room-admin-actions.ts';

const LISTS: ReadonlyArray<{ id: ListedAffiliation; label: string; add: string; remove: string }> = [
  { id: 'member', label: 'Members', add: 'Add member', remove: 'Remove' },
  { id: 'admin', label: 'Admins', add: 'Add admin', remove: 'Remove' },
  { id: 'owner', label: 'Owners', add: 'Add owner', remove: 'Remove' },
  { id: 'outcast', label: 'Banned', add: 'Ban', remove: 'Unban' },
];

interface AffiliationsDialogProps {
  account: string;
  room: string;
  name: string;
  /** Owners may edit the admin and owner lists too. */
  owner: boolean;
  onClose: () => void;
}

export function AffiliationsDialog({ account, room, name, owner, onClose }: AffiliationsDialogProps) {
  const [list, setList] = useState<ListedAffiliation>('member');
  const [items, setItems] = useState<AffiliationItem[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const shown = LISTS.find((l) => l.id === list)!;
  const editable = owner || list === 'member' || list === 'outcast';

  /** Bumped after a change: the list is asked again. */
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    void listAffiliation(account, room, list).then((outcome) => {
      if (!live) return;
      if (outcome.ok) {
        setItems(outcome.value.items);
        setMore(outcome.value.more);
      } else {
        setItems([]);
        setError(outcome.error);
      }
    });
    return () => {
      live = false;
    };
  }, [account, room, list, version]);

  const change = async (jid: string, affiliation: ListedAffiliation | 'none'): Promise<boolean> => {
    setBusy(true);
    setError(null);
    const outcome = await setAffiliation(account, room, jid, affiliation, '');
    setBusy(false);
    if (!outcome.ok) {
      setError(outcome.error);
      return false;
    }
    setVersion((n) => n + 1);
    return true;
  };
  const add = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const jid = address.trim();
    if (busy) return;
    if (!isBareJid(jid)) {
      setError(`“${displayText(jid)}” is not an address such as name@example.com.`);
      return;
    }
    if (await change(jid, list)) setAddress('');
  };

  return (
    <Dialog title={`Members and bans of ${name}`} onClose={onClose} className="affiliations-dialog">
      <div className="affiliation-lists" role="group" aria-label="List">
        {LISTS.map((l) => (
          <button
            key={l.id}
            type="button"
            className="small"
            aria-pressed={l.id === list}
            onClick={() => {
              if (l.id === list) return;
              setItems(null);
              setError(null);
              setList(l.id);
            }}
          >
            {l.label}
          </button>
        ))}
      </div>
      <div role="alert" className="form-error">
        {error && <p>{error}</p>}
      </div>
      <ul className="affiliation-items" aria-label={shown.label} aria-busy={items === null}>
        {items === null && <li className="affiliation-empty">Asking the room…</li>}
        {items?.length === 0 && !error && <li className="affiliation-empty">Nobody.</li>}
        {items?.map((item) => (
          <li key={item.jid}>
            <span className="affiliation-jid">
              <bdi>{displayText(item.jid)}</bdi>
              {item.reason && <span className="affiliation-reason"> — {displayText(item.reason)}</span>}
            </span>
            {editable && (
              <button
                type="button"
                className="small"
                aria-label={`${shown.remove} ${item.jid}`}
                aria-disabled={busy}
                onClick={() => void (busy ? null : change(item.jid, 'none'))}
              >
                {shown.remove}
              </button>
            )}
          </li>
        ))}
      </ul>
      {more && <p className="dialog-note">The room listed more than are shown here.</p>}
      {editable && (
        <form className="affiliation-add" noValidate onSubmit={(e) => void add(e)}>
          <label htmlFor={`${id}-address`}>Address</label>
          <input
            id={`${id}-address`}
            type="text"
            spellCheck={false}
            placeholder="name@example.com"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
          />
          <button type="submit" className="small" aria-disabled={busy}>
            {shown.add}
          </button>
        </form>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
