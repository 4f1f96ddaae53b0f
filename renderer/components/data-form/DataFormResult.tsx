// A data form of type 'result' (XEP-0004 §3.4), read-only: its fields as label and value, and its
// reported items as a table with one row per item. Remote text only, rendered as text.
import { useId } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import type { DataForm, FormField } from '../../../shared/data-form.ts';

function shown(t: IntlShape['formatMessage'], field: FormField): string {
  if (field.type === 'boolean') {
    return field.values[0] === '1' || field.values[0] === 'true'
      ? t({ id: 'dataForm.yes' })
      : t({ id: 'dataForm.no' });
  }
  const labels = new Map(field.options.map((o) => [o.value, o.label ?? o.value]));
  return field.values.map((v) => labels.get(v) ?? v).join('\n');
}

export function DataFormResult({ form, showTitle }: { form: DataForm; showTitle: boolean }) {
  const titleId = useId();
  const { formatMessage: t } = useIntl();
  const fields = form.fields.filter((f) => f.type !== 'hidden');
  return (
    <section className="data-form" aria-labelledby={form.title !== null && showTitle ? titleId : undefined}>
      {form.title !== null && showTitle && (
        <h2 className="df-title" id={titleId}>
          {form.title}
        </h2>
      )}
      {form.instructions.map((text, i) => (
        <p key={i} className="df-instructions">
          {text}
        </p>
      ))}
      {fields.length > 0 && (
        <dl className="df-result">
          {fields.map((field, i) => (
            <div key={i}>
              <dt>{field.label ?? field.var ?? ''}</dt>
              <dd>{shown(t, field)}</dd>
            </div>
          ))}
        </dl>
      )}
      {form.reported.length > 0 && (
        <div
          className="df-table-scroll"
          tabIndex={0}
          role="region"
          aria-label={t({ id: 'dataForm.results' })}
        >
          <table className="df-table">
            <thead>
              <tr>
                {form.reported.map((column, i) => (
                  <th key={i} scope="col">
                    {column.label ?? column.var}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {form.items.map((row, r) => (
                <tr key={r}>
                  {form.reported.map((column, c) => {
                    const cell = row.find((f) => f.var === column.var);
                    return (
                      <td key={c}>
                        {cell ? shown(t, { ...cell, options: column.options, type: column.type }) : ''}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
