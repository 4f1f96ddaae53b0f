// Our own presence on one account: availability and status message ('presence.set'); the engine reports back
// 'presence.own'. With several accounts, each has its own picker, labelled with the account.
import { useState } from 'react';
import { useIntl } from 'react-intl';
import type { KeyboardEvent } from 'react';
import type { OwnShow } from '../../../shared/contract.ts';
import { getBridge } from '../../transport/bridge.ts';
import { OWN_OFFLINE, usePresence } from '../../stores/presence.ts';
import { useUi } from '../../stores/ui.ts';
import { hasSession, useConnection } from '../../stores/connection.ts';
import { PresenceDot } from './PresenceDot.tsx';
import { useShowLabel } from './show-labels.ts';

const ORDER: OwnShow[] = ['available', 'chat', 'away', 'xa', 'dnd', 'offline'];

export function PresencePicker({ account, labelled }: { account: string; labelled: boolean }) {
  const own = usePresence((s) => s.own.get(account)) ?? OWN_OFFLINE;
  // Still connecting (the cached roster on screen): the choice is what we become once signed in, not yet true.
  const connected = useConnection((s) => hasSession(s.connections.get(account)));
  const { formatMessage: t } = useIntl();
  const showLabel = useShowLabel();
  // While the field is being edited it holds a draft; otherwise it shows what the engine reports.
  const [draft, setDraft] = useState<string | null>(null);
  const status = draft ?? own.status ?? '';

  const send = async (show: OwnShow, text: string): Promise<void> => {
    const result = await getBridge().invoke('presence.set', {
      account,
      show,
      status: text.trim() === '' ? null : text.trim(),
    });
    if (!result.ok) {
      useUi.getState().addToast(t({ id: 'presence.setFailed' }, { reason: result.error.message }));
    }
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
    <div
      className="presence-picker"
      role="group"
      aria-label={
        labelled ? t({ id: 'presence.picker.labelOn' }, { account }) : t({ id: 'presence.picker.label' })
      }
    >
      {connected ? (
        <PresenceDot show={own.show} />
      ) : (
        <PresenceDot
          show="offline"
          label={t({ id: 'presence.notConnectedYet' }, { show: showLabel(own.show) })}
        />
      )}
      <select
        aria-label={
          labelled ? t({ id: 'presence.select.labelFor' }, { account }) : t({ id: 'presence.select.label' })
        }
        value={own.show}
        onChange={(e) => void send(e.target.value as OwnShow, status)}
      >
        {ORDER.map((show) => (
          <option key={show} value={show}>
            {showLabel(show)}
          </option>
        ))}
      </select>
      <input
        type="text"
        aria-label={
          labelled ? t({ id: 'presence.status.labelFor' }, { account }) : t({ id: 'presence.status.label' })
        }
        placeholder={t({ id: 'presence.status.placeholder' })}

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
