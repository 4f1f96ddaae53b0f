// "Members and bans…" (admins and owners): one affiliation list at a time (members, admins, owners, banned)
// from muc.affiliations, each address with Remove (or Unban), and a field to add an address to the list
// shown. The room judges each change; its refusal is said in words above the list.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useIntl } from 'react-intl';
import type { AffiliationItem } from '../../../shared/muc.ts';
import { isBareJid } from '../../../shared/jid.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { displayText } from '../../text/display-text.ts';
import { listAffiliation, setAffiliation, type ListedAffiliation } from './room-admin-actions.ts';

type Descriptor = { id: string };

const LISTS: ReadonlyArray<{
  id: ListedAffiliation;
  label: Descriptor;
  add: Descriptor;
  remove: Descriptor;
}> = [
  {
    id: 'member',
    label: { id: 'rooms.affiliations.members' },
    add: { id: 'rooms.affiliations.addMember' },
    remove: { id: 'rooms.affiliations.remove' },
  },
  {
    id: 'admin',
    label: { id: 'rooms.affiliations.admins' },
    add: { id: 'rooms.affiliations.addAdmin' },
    remove: { id: 'rooms.affiliations.remove' },
  },
  {
    id: 'owner',
    label: { id: 'rooms.affiliations.owners' },
    add: { id: 'rooms.affiliations.addOwner' },
    remove: { id: 'rooms.affiliations.remove' },
  },
  {
    id: 'outcast',
    label: { id: 'rooms.affiliations.banned' },
    add: { id: 'rooms.action.ban.verb' },
    remove: { id: 'rooms.affiliations.unban' },
  },
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
  const { formatMessage: t } = useIntl();
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
      setError(t({ id: 'rooms.affiliations.notAnAddress' }, { jid: displayText(jid) }));
      return;
    }
    if (await change(jid, list)) setAddress('');
  };

  return (
    <Dialog
      title={t({ id: 'rooms.affiliations.title' }, { name })}
      onClose={onClose}
      className="affiliations-dialog"
    >
      <div className="affiliation-lists" role="group" aria-label={t({ id: 'rooms.affiliations.list' })}>
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
            {t(l.label)}
          </button>
        ))}
      </div>
      <div role="alert" className="form-error">
        {error && <p>{error}</p>}
      </div>
      <ul className="affiliation-items" aria-label={t(shown.label)} aria-busy={items === null}>
        {items === null && <li className="affiliation-empty">{t({ id: 'rooms.affiliations.asking' })}</li>}
        {items?.length === 0 && !error && (
          <li className="affiliation-empty">{t({ id: 'rooms.affiliations.nobody' })}</li>
        )}
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
                aria-label={`${t(shown.remove)} ${item.jid}`}
                aria-disabled={busy}
                onClick={() => void (busy ? null : change(item.jid, 'none'))}
              >
                {t(shown.remove)}
              </button>
            )}
          </li>
        ))}
      </ul>
      {more && <p className="dialog-note">{t({ id: 'rooms.affiliations.more' })}</p>}
      {editable && (
        <form className="affiliation-add" noValidate onSubmit={(e) => void add(e)}>
          <label htmlFor={`${id}-address`}>{t({ id: 'roster.add.address' })}</label>
          <input
            id={`${id}-address`}
            type="text"
            spellCheck={false}
            placeholder="name@example.com"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
          />
          <button type="submit" className="small" aria-disabled={busy}>
            {t(shown.add)}
          </button>
        </form>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          {t({ id: 'dialog.close' })}
        </button>
      </div>
    </Dialog>
  );
}
