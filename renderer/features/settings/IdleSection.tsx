// Settings › Idle: auto-away on or off, and after how many minutes without input away and extended away.
// A number is saved when the field is left or Enter is pressed (not at each key: "3" on the way to "30"
// is no choice); the engine's refusal (out of range, extended not after away) shows under the fields.
import { useId, useState } from 'react';
import { useIntl } from 'react-intl';
import { usePreferences } from './preferences-store.ts';
import { Refusal, Toggle, useSave } from './PreferenceControls.tsx';

type MinutesField = 'awayMinutes' | 'extendedAwayMinutes';

function MinutesInput({
  field,
  label,
  describedBy,
  onCommit,
}: {
  field: MinutesField;
  label: string;
  describedBy: string | undefined;
  /** Resolves true when saved (the field then shows what the engine holds again). */
  onCommit: (field: MinutesField, text: string) => Promise<boolean>;
}) {
  const { formatMessage: t } = useIntl();
  const stored = usePreferences((s) => s.preferences.idle[field]);
  // What the user typed and has not had saved yet; null: the stored value shows.
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? String(stored);
  const id = useId();
  const commit = (): void => {
    if (draft === null) return;
    void onCommit(field, draft).then((saved) => {
      if (saved) setDraft(null);
    });
  };
  return (
    <div className="settings-row settings-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        className="settings-minutes"
        value={text}
        aria-describedby={describedBy}
        aria-invalid={describedBy !== undefined && draft !== null ? true : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      <span className="hint">{t({ id: 'settings.idle.minutes' })}</span>
    </div>
  );
}

export function IdleSection() {
  const { formatMessage: t } = useIntl();
  const { error, save } = useSave();
  const [local, setLocal] = useState<string | null>(null);
  const errorId = useId();
  const commit = async (field: MinutesField, text: string): Promise<boolean> => {
    const minutes = Number(text);
    if (text.trim() === '' || !Number.isInteger(minutes)) {
      setLocal(t({ id: 'settings.idle.wholeMinutes' }));
      return false;
    }
    setLocal(null);
    return save({ idle: { [field]: minutes } });
  };
  const shown = local ?? error;
  return (
    <>
      <Toggle
        section="idle"
        field="autoAway"
        label={t({ id: 'settings.idle.autoAway' })}
        hint={t({ id: 'settings.idle.autoAway.hint' })}
      />
      <div role="group" aria-label={t({ id: 'settings.idle.times' })}>
        <MinutesInput
          field="awayMinutes"
          label={t({ id: 'settings.idle.awayAfter' })}
          describedBy={shown ? errorId : undefined}
          onCommit={commit}
        />
        <MinutesInput
          field="extendedAwayMinutes"
          label={t({ id: 'settings.idle.extendedAwayAfter' })}
          describedBy={shown ? errorId : undefined}
          onCommit={commit}
        />
      </div>
      <Refusal id={errorId} error={shown} />
    </>
  );
}
