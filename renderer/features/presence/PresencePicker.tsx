// Our own presence on one account: availability and status message ('presence.set'); the engine reports back
// 'presence.own'. With several accounts, each has its own picker, labelled with the account.
import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { OwnShow } from '../../../shared/contract.ts';
import { getBridge } from '../../transport/bridge.ts';
import { OWN_OFFLINE, SHOW_LABELS, usePresence } from '../../stores/presence.ts';
import { useUi } from '../../stores/ui.ts';
import { hasSession, useConnection } from '../../stores/connection.ts';
import { PresenceDot } from './PresenceDot.tsx';

const ORDER: OwnShow[] = ['available', 'chat', 'away', 'xa', 'dnd', 'offline'];

export function PresencePicker({ account, labelled }: { account: string; labelled: boolean }) {
  const own = usePresence((s) => s.own.get(account)) ?? OWN_OFFLINE;
  // Still connecting (the cached roster on screen): the choice is what we become once signed in, not yet true.
  const connected = useConnection((s) => hasSession(s.connections.get(account)));
  const on = labelled ? ` on ${account}` : '';
  const forAccount = labelled ? ` for ${account}` : '';
  // While the field is being edited it holds a draft; otherwise it shows what the engine reports.
  const [draft, setDraft] = useState<string | null>(null);
  const status = draft ?? own.status ?? '';

  const send = async (show: OwnShow, text: string): Promise<void> => {
    const result = await getBridge().invoke('presence.set', {
      account,
      show,
      status: text.trim() === '' ? null : text.trim(),
    });
    if (!result.ok) useUi.getState().addToast(`Could not change your presence: ${result.error.message}`);
  };

  const onStatusKey = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') {
      event.preventDefault();
      setDraft(null);
      void send(own.show, status);
    } else if (event.key === 'Escape') {
      setDraft(null);
    }
  };

  return (
    <div className="presence-picker" role="group" aria-label={`Your presence${on}`}>
      {connected ? (
        <PresenceDot show={own.show} />
      ) : (
        <PresenceDot show="offline" label={`Not connected yet: ${SHOW_LABELS[own.show]} once signed in`} />
      )}
      <select
        aria-label={`Presence${forAccount}`}
        value={own.show}
        onChange={(e) => void send(e.target.value as OwnShow, status)}
      >
        {ORDER.map((show) => (
          <option key={show} value={show}>
            {SHOW_LABELS[show]}
          </option>
        ))}
      </select>
      <input
        type="text"
        aria-label={`Status${forAccount}`}
        placeholder="Status message"
        maxLength={1024}
        value={status}
        onFocus={() => setDraft(own.status ?? '')}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onStatusKey}
        onBlur={() => {
          if (draft !== null && draft.trim() !== (own.status ?? '')) void send(own.show, draft);
          setDraft(null);
        }}
      />
    </div>
  );
}
