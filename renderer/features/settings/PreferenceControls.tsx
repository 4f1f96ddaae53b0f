// The controls every section is made of: a switch or a choice bound to one preference. A change goes to the
// engine (prefs.set); the control shows what the engine holds, and its refusal beside it when it refused.
import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import type { Preferences, PreferencesPatch } from '../../../shared/preferences.ts';
import { usePreferences } from './preferences-store.ts';
import { setPreferences } from './settings-actions.ts';
import { refusalText } from './settings-logic.ts';

type Section = keyof Preferences;
type FieldOf<S extends Section, T> = {
  [K in keyof Preferences[S]]: Preferences[S][K] extends T ? K : never;
}[keyof Preferences[S]] &
  string;

/** Saves a patch and keeps its refusal (null once a change was saved). */
export function useSave(): { error: string | null; save: (patch: PreferencesPatch) => Promise<boolean> } {
  const [error, setError] = useState<string | null>(null);
  const save = async (patch: PreferencesPatch): Promise<boolean> => {
    const refused = await setPreferences(patch);
    setError(refused === null ? null : refusalText(refused));
    return refused === null;
  };
  return { error, save };
}

export function Refusal({ id, error }: { id: string; error: string | null }) {
  return (
    <div id={id} role="alert" className="form-error settings-error">
      {error}
    </div>
  );
}

export function Toggle<S extends Section>({
  section,
  field,
  label,
  hint,
}: {
  section: S;
  field: FieldOf<S, boolean>;
  label: string;
  hint?: ReactNode;
}) {
  const value = usePreferences((s) => s.preferences[section][field] as boolean);
  const { error, save } = useSave();
  const errorId = useId();
  const hintId = useId();
  return (
    <div className="settings-row">
      <label className="check">
        <input
          type="checkbox"
          checked={value}
          aria-describedby={[hint ? hintId : '', error ? errorId : ''].join(' ').trim() || undefined}
          onChange={(e) => void save({ [section]: { [field]: e.target.checked } })}
        />
        {label}
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <Refusal id={errorId} error={error} />
    </div>
  );
}

export function Choice<S extends Section, F extends FieldOf<S, string>>({
  section,
  field,
  label,
  options,
}: {
  section: S;
  field: F;
  label: string;
  options: ReadonlyArray<{ value: Preferences[S][F] & string; label: string }>;
}) {
  const value = usePreferences((s) => s.preferences[section][field] as string);
  const { error, save } = useSave();
  const id = useId();
  const errorId = useId();
  return (
    <div className="settings-row settings-field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => void save({ [section]: { [field]: e.target.value } })}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Refusal id={errorId} error={error} />
    </div>
  );
}
