// A moderator's prompt for visitors asking for voice (XEP-0045 §7.13), under the room's header: who asks,
// Grant voice and Dismiss. The list is the room's (Room.voiceRequests): answered or gone, a request leaves it.
import { useState, type ReactNode } from 'react';
import { useIntl } from 'react-intl';
import type { Room } from '../../../shared/muc.ts';
import { displayText } from '../../text/display-text.ts';
import { answerVoice } from './room-admin-actions.ts';

export function VoiceRequests({ account, room }: { account: string; room: Room }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { formatMessage: t } = useIntl();
  const requests = room.voiceRequests ?? [];
  if (requests.length === 0 || room.role !== 'moderator') return null;

  const answer = async (nick: string, allow: boolean): Promise<void> => {
    if (busy) return;
    setBusy(nick);
    setError(null);
    const outcome = await answerVoice(account, room.room, nick, allow);
    setBusy(null);
    if (!outcome.ok) setError(outcome.error);
  };

  return (
    <section className="voice-requests" aria-label={t({ id: 'rooms.voice.label' })}>
      <ul>
        {requests.map(({ nick }) => {
          const shown = displayText(nick);
          return (
            <li key={nick}>
              <span className="voice-request-text">
                {t(
                  { id: 'rooms.voice.asks' },
                  { nick: shown, bdi: (chunks: ReactNode[]) => <bdi>{chunks}</bdi> },
                )}
              </span>
              <button
                type="button"
                className="small primary"
                aria-label={t({ id: 'rooms.voice.grantTo' }, { nick: shown })}
                aria-disabled={busy === nick}
                onClick={() => void answer(nick, true)}
              >
                {t({ id: 'rooms.action.voice.verb' })}
              </button>
              <button
                type="button"
                className="small"
                aria-label={t({ id: 'rooms.voice.dismissFor' }, { nick: shown })}
                aria-disabled={busy === nick}
                onClick={() => void answer(nick, false)}
              >
                {t({ id: 'requests.dismiss' })}
              </button>
            </li>
          );
        })}
      </ul>
      <div role="alert" className="form-error">
        {error && <p>{error}</p>}
      </div>
    </section>
  );
}
