// "Blocked addresses (n)": whom the signed-in accounts block (XEP-0191; blocked here, from a message request,
// or on another device), each with Unblock. Unblocking is harmless, so it asks nothing; a notice says it is
// done, and focus moves to the next address (or the disclosure) as the row goes.
import { useEffect, useRef, useState } from 'react';
import { useIntl } from 'react-intl';
import { currentIntl } from '../../i18n/intl-instance.ts';
import { getBridge } from '../../transport/bridge.ts';
import { sessionAccounts, useConnection } from '../../stores/connection.ts';
import { useUi } from '../../stores/ui.ts';
import { useSeveralAccounts } from '../accounts/use-accounts.ts';
import { useBlocklist, useBlocklistSync } from './blocklist-store.ts';

/** Rows laid out at first, and added per "Show more": a list of 10,000 must not cost a long frame. */
const ROWS_PER_STEP = 100;

interface BlockedRow {
  account: string;
  jid: string;
}

const keyOf = (row: BlockedRow): string => `${row.account} ${row.jid}`;

async function unblock({ account, jid }: BlockedRow): Promise<boolean> {
  const result = await getBridge().invoke('blocking.unblock', { account, jid });
  const ui = useUi.getState();
  const t = currentIntl().formatMessage;
  if (!result.ok) ui.addToast(t({ id: 'blocked.unblockFailed' }, { jid, reason: result.error.message }));
  else ui.addToast(t({ id: 'blocked.unblocked' }, { jid }));
  return result.ok;
}

/** The signed-in accounts' blocked addresses, and how many more they block than are listed. */
export function useBlockedRows(): { rows: BlockedRow[]; notListed: number } {
  const connections = useConnection((s) => s.connections);
  const accounts = sessionAccounts(connections);
  useBlocklistSync(accounts);
  const byAccount = useBlocklist((s) => s.byAccount);
  const rows: BlockedRow[] = [];
  let notListed = 0;
  for (const account of accounts) {
    const list = byAccount.get(account);
    if (!list) continue;
    for (const jid of list.blocked) rows.push({ account, jid });
    notListed += list.more;
  }
  return { rows, notListed };
}

export function BlockedAddresses({ rows, notListed }: { rows: BlockedRow[]; notListed: number }) {
  const several = useSeveralAccounts();
  const { formatMessage: t } = useIntl();
  const [shown, setShown] = useState(ROWS_PER_STEP);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  /** A row just unblocked: focus goes to what takes its place once it has gone (its answer or its event). */
  const refocus = useRef<{ index: number; key: string } | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const summaryRef = useRef<HTMLElement>(null);
  const moveFocusIfGone = (): void => {
    const pending = refocus.current;
    const list = listRef.current;
    if (!pending || !list) return;
    const buttons = [...list.querySelectorAll<HTMLButtonElement>('button.blocked-unblock')];
    if (buttons.some((button) => button.dataset.key === pending.key)) return;
    refocus.current = null;
    (buttons[Math.min(pending.index, buttons.length - 1)] ?? summaryRef.current)?.focus();
  };
  useEffect(moveFocusIfGone, [rows]);

  const total = rows.length + notListed;
  if (total === 0) return null;
  const onUnblock = async (row: BlockedRow, index: number): Promise<void> => {
    const key = keyOf(row);
    setBusy((b) => new Set(b).add(key));
    const done = await unblock(row);
    setBusy((b) => {
      const next = new Set(b);
      next.delete(key);
      return next;
    });
    if (!done) return;
    refocus.current = { index, key };
    moveFocusIfGone();
  };
  return (
    <details className="blocked-addresses">
      <summary ref={summaryRef}>{t({ id: 'blocked.summary' }, { count: total })}</summary>
      <p className="blocked-hint">{t({ id: 'blocked.hint' })}</p>
      <ul ref={listRef}>
        {rows.slice(0, shown).map((row, index) => (
          <li key={keyOf(row)} className="blocked-row">
            <span className="blocked-jid">
              {row.jid}
              {several && (
                <span className="request-account">
                  {' '}
                  {t({ id: 'blocked.onAccount' }, { account: row.account })}
                </span>
              )}
            </span>
            <button
              type="button"
              className="small blocked-unblock"
              aria-label={
                several
                  ? t({ id: 'blocked.unblock.labelOn' }, { jid: row.jid, account: row.account })
                  : t({ id: 'blocked.unblock.label' }, { jid: row.jid })
              }
              data-key={keyOf(row)}
              // Not disabled while it works: a disabled button would drop the keyboard focus.
              aria-disabled={busy.has(keyOf(row)) || undefined}
              onClick={() => {
                if (!busy.has(keyOf(row))) void onUnblock(row, index);
              }}
            >
              {t({ id: 'blocked.unblock' })}
            </button>
          </li>
        ))}
      </ul>
      {rows.length > shown && (
        <button type="button" className="small blocked-more" onClick={() => setShown(shown + ROWS_PER_STEP)}>
          {t(
            { id: 'blocked.showMore' },
            { count: Math.min(ROWS_PER_STEP, rows.length - shown), total: rows.length },
          )}
        </button>
      )}
      {notListed > 0 && (
        <p className="blocked-hint">{t({ id: 'blocked.notListed' }, { count: notListed })}</p>
      )}
    </details>
  );
}
