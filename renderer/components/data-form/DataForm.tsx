// Any XEP-0004 data form (shared/data-form.ts), for room settings, registration, voice requests and later
// ad-hoc commands. Controlled: the caller holds the values and gets each change; Submit runs validate()
// and calls onSubmit only when nothing is wrong, else it shows each problem next to its field, announces how
// many there are and moves focus to the first. Hidden fields are never shown and go back as they came;
// fixed fields are text. Remote text is rendered as text (React escapes it), never as markup.
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useIntl } from 'react-intl';
import {
  submitValues,
  validate,
  type DataForm as DataFormModel,
  type FieldProblem,
  type FormField,
  type FormProblems,
  type FormValues,
} from '../../../shared/data-form.ts';
import { DataFormResult } from './DataFormResult.tsx';
import { problemWords } from './problem-words.ts';
import './data-form.css';

/** Up to this many choices a list-single is a radio group; past it, a select. */
const RADIO_MAX = 4;

export interface DataFormProps {
  form: DataFormModel;
  values: FormValues;
  onChange: (values: FormValues) => void;
  /** Called only with values validate() accepts, and the submit form made from them. */
  onSubmit: (submit: DataFormModel, values: FormValues) => void;
  onCancel?: () => void;
  submitLabel?: string;
  /** While the owner has the submit: Submit is disabled. */
  busy?: boolean;
  /** The form's owner refused the last submit: its words, shown above the buttons. */
  submitError?: string | null;
  /** False when the surrounding dialog already shows the form's title. */
  showTitle?: boolean;
}

export function DataForm(props: DataFormProps) {
  const { form, values, onChange, onSubmit, onCancel, busy = false, submitError = null } = props;
  const idBase = useId();
  const { formatMessage: t } = useIntl();
  const formRef = useRef<HTMLFormElement>(null);
  // Problems are shown from the first submit on, and then follow every change.
  const [checked, setChecked] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const problems: FormProblems = checked ? validate(form, values) : {};
  const count = Object.keys(problems).length;

  useEffect(() => {
    if (attempt === 0) return;
    formRef.current?.querySelector<HTMLElement>('.df-invalid :is(input, select, textarea)')?.focus();
  }, [attempt]);

  if (form.type === 'result') return <DataFormResult form={form} showTitle={props.showTitle ?? true} />;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (busy) return;
    setChecked(true);
    if (Object.keys(validate(form, values)).length > 0) {
      setAttempt((n) => n + 1);
      return;
    }
    onSubmit(submitValues(form, values), values);
  };
  const set = (name: string, next: readonly string[]): void => onChange({ ...values, [name]: next });
  const titleId = `${idBase}-title`;
  const hasRequired = form.fields.some((f) => f.required && f.type !== 'hidden' && f.type !== 'fixed');

  return (
    <form
      ref={formRef}
      className="data-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={form.title !== null && (props.showTitle ?? true) ? titleId : undefined}
    >
      {form.title !== null && (props.showTitle ?? true) && (
        <h2 className="df-title" id={titleId}>
          {form.title}
        </h2>
      )}
      {form.instructions.map((text, i) => (
        <p key={i} className="df-instructions">
          {text}
        </p>
      ))}
      {hasRequired && (
        <p className="df-legend-note">
          {t(
            { id: 'dataForm.requiredNote' },
            { mark: (chunks: ReactNode[]) => <span aria-hidden="true">{chunks}</span> },
          )}
        </p>
      )}
      {form.fields.map((field, i) => (
        <Field
          key={`${i}:${field.var ?? ''}`}
          id={`${idBase}-f${i}`}
          field={field}
          values={field.var === null ? field.values : (values[field.var] ?? field.values)}
          problem={field.var === null ? undefined : problems[field.var]}
          onChange={(next) => field.var !== null && set(field.var, next)}
        />
      ))}
      <div className="df-summary" role="alert">
        {count > 0 && <p>{t({ id: 'dataForm.summary' }, { count, fields: fieldNames(form, problems) })}</p>}
        {submitError !== null && <p>{submitError}</p>}
      </div>
      <div className="df-buttons">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t({ id: 'dialog.cancel' })}
          </button>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t({ id: 'dataForm.saving' }) : (props.submitLabel ?? t({ id: 'dialog.save' }))}
        </button>
      </div>
    </form>
  );
}

function fieldNames(form: DataFormModel, problems: FormProblems): string {
  return form.fields
    .filter((f) => f.var !== null && problems[f.var])
    .map((f) => f.label ?? f.var)
    .join(', ');
}

interface FieldProps {
  id: string;
  field: FormField;
  values: readonly string[];
  problem: FieldProblem | undefined;
  onChange: (values: readonly string[]) => void;
}

/** One field: its control with label, description and error wired up for assistive technology. */
function Field({ id, field, values, problem, onChange }: FieldProps) {
  const { formatMessage: t } = useIntl();
  if (field.type === 'hidden') return null;
  const label = field.label ?? field.var ?? '';
  if (field.type === 'fixed') {
    return (
      <p className={values.length === 1 && values[0]!.length < 80 ? 'df-fixed df-section' : 'df-fixed'}>
        {field.label !== null && <strong>{field.label}: </strong>}
        {values.join('\n')}
      </p>
    );
  }
  const descId = field.desc !== null ? `${id}-desc` : null;
  const errorId = problem ? `${id}-error` : null;
  const hintId = field.type === 'jid-multi' || field.type === 'text-multi' ? `${id}-hint` : null;
  const describedBy = [descId, hintId, errorId].filter(Boolean).join(' ') || undefined;
  const a11y = {
    'aria-describedby': describedBy,
    'aria-invalid': problem ? (true as const) : undefined,
  };
  const extras: ReactNode = (
    <>
      {field.media && (
        <img
          className="df-media"
          src={field.media.dataUri}
          alt={t({ id: 'dataForm.picture' }, { label })}
          width={field.media.width ?? undefined}
          height={field.media.height ?? undefined}
        />
      )}
      {field.desc !== null && (
        <p className="df-desc" id={descId!}>
          {field.desc}
        </p>
      )}
      {hintId && (
        <p className="df-desc" id={hintId}>
          {field.type === 'jid-multi'
            ? t({ id: 'dataForm.hint.jidMulti' })
            : t({ id: 'dataForm.hint.textMulti' })}
        </p>
      )}
      {problem && (
        <p className="df-error" id={errorId!}>
          {problemWords(t, problem)}
        </p>
      )}
    </>
  );
  const invalidClass = problem ? 'df-field df-invalid' : 'df-field';

  switch (field.type) {
    case 'boolean':
      return (
        <div className={`${invalidClass} df-boolean`}>
          <label className="check" htmlFor={id}>
            <input
              id={id}
              type="checkbox"
              checked={values[0] === '1' || values[0] === 'true'}
              onChange={(e) => onChange([e.target.checked ? '1' : '0'])}
              {...a11y}
            />
            {label}
            {field.required && <RequiredMark />}
          </label>
          {extras}
        </div>
      );
    case 'list-multi': {
      const chosen = new Set(values);
      return (
        <fieldset className={`${invalidClass} df-group`} {...a11y}>
          <legend>
            {label}
            {field.required && <RequiredMark />}
          </legend>
          <div className={field.options.length > 10 ? 'df-choices df-scroll' : 'df-choices'}>
            {field.options.map((option, i) => (
              <label key={i} className="check">
                <input
                  type="checkbox"
                  checked={chosen.has(option.value)}
                  onChange={(e) =>
                    onChange(
                      e.target.checked ? [...values, option.value] : values.filter((v) => v !== option.value),
                    )
                  }
                />
                {option.label ?? option.value}
              </label>
            ))}
          </div>
          {extras}
        </fieldset>
      );
    }
    case 'list-single':
      if (
        field.validation?.method !== 'open' &&
        field.options.length <= RADIO_MAX &&
        field.options.length > 0
      ) {
        return (
          <fieldset className={`${invalidClass} df-group`}>
            <legend>
              {label}
              {field.required && <RequiredMark />}
            </legend>
            <div
              className="df-choices"
              role="radiogroup"
              aria-required={field.required || undefined}
              {...a11y}
            >
              {field.options.map((option, i) => (
                <label key={i} className="check">
                  <input
                    type="radio"
                    name={id}
                    value={option.value}
                    checked={values[0] === option.value}
                    onChange={() => onChange([option.value])}
                  />
                  {option.label ?? option.value}
                </label>
              ))}
            </div>
            {extras}
          </fieldset>
        );
      }
      break;
  }

  return (
    <div className={invalidClass}>
      <label className="df-label" htmlFor={id}>
        {label}
        {field.required && <RequiredMark />}
      </label>
      <Control id={id} field={field} values={values} onChange={onChange} a11y={a11y} />
      {extras}
    </div>
  );
}

function RequiredMark() {
  const { formatMessage: t } = useIntl();
  return (
    <>
      <span className="df-required" aria-hidden="true">
        {' *'}
      </span>
      <span className="df-visually-hidden"> {t({ id: 'dataForm.required' })}</span>
    </>
  );
}

interface ControlProps {
  id: string;
  field: FormField;
  values: readonly string[];
  onChange: (values: readonly string[]) => void;
  a11y: { 'aria-describedby': string | undefined; 'aria-invalid': true | undefined };
}

/** The text-like controls: inputs, textareas (one value a line) and selects. */
function Control({ id, field, values, onChange, a11y }: ControlProps) {
  const { formatMessage: t } = useIntl();
  const common = { id, 'aria-required': field.required || undefined, ...a11y };
  const single = values[0] ?? '';
  switch (field.type) {
    case 'text-multi':
    case 'jid-multi':
      return (
        <textarea
          {...common}
          rows={Math.min(Math.max(values.length + 1, 3), 10)}
          value={values.join('\n')}
          spellCheck={field.type === 'text-multi'}
          onChange={(e) => onChange(e.target.value.split('\n'))}
        />
      );
    case 'list-single':
      if (field.validation?.method === 'open') {
        return (
          <>
            <input
              {...common}
              type="text"
              list={`${id}-list`}
              value={single}
              onChange={(e) => onChange([e.target.value])}
            />
            <datalist id={`${id}-list`}>
              {field.options.map((option, i) => (
                <option key={i} value={option.value}>
                  {option.label ?? option.value}
                </option>
              ))}
            </datalist>
          </>
        );
      }
      return (
        <select {...common} value={single} onChange={(e) => onChange([e.target.value])}>
          {!field.options.some((o) => o.value === single) && (
            <option value={single}>{single || t({ id: 'dataForm.choose' })}</option>
          )}
          {field.options.map((option, i) => (
            <option key={i} value={option.value}>
              {option.label ?? option.value}
            </option>
          ))}
        </select>
      );
    default: {
      const numeric = /^xs:(integer|int|long|short|byte)$/.test(field.validation?.datatype ?? '');
      return (
        <input
          {...common}
          type={field.type === 'text-private' ? 'password' : 'text'}
          autoComplete={field.type === 'text-private' ? 'new-password' : 'off'}
          inputMode={numeric ? 'numeric' : undefined}
          spellCheck={field.type === 'jid-single' ? false : undefined}
          autoCapitalize={field.type === 'jid-single' ? 'none' : undefined}
          value={single}
          onChange={(e) => onChange([e.target.value])}
        />
      );
    }
  }
}
