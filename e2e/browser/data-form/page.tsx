// The test page for DataForm (data-form.test.ts builds it with vite): no screen of the app shows a data
// form yet, so the component is rendered here on its own, with the app's styles, under the app's CSP. The
// test puts the form (parsed in Node from a real server's XML) in window.__dataForm before the page runs;
// the page holds the values, as a feature would, and shows what was submitted for the test to read.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DataForm } from '../../../renderer/components/data-form/DataForm.tsx';
import { LanguageProvider } from '../../../renderer/i18n/LanguageProvider.tsx';
import { initialValues, type FormValues } from '../../../shared/data-form.ts';
import { dataFormSchema } from '../../../shared/data-form-schema.ts';
import '../../../renderer/styles.css';
import './page.css';

declare global {
  interface Window {
    __dataForm?: unknown;
  }
}

function Page() {
  // The schema the IPC contract would apply: the page gets the form as it would arrive from the engine.
  const [form] = useState(() => dataFormSchema.parse(window.__dataForm));
  const [values, setValues] = useState<FormValues>(() => initialValues(form));
  const [submitted, setSubmitted] = useState<string | null>(null);
  const [cancelled, setCancelled] = useState(false);
  return (
    <main className="df-page">
      <DataForm
        form={form}
        values={values}
        onChange={setValues}
        onSubmit={(submit) => setSubmitted(JSON.stringify(submit))}
        onCancel={() => setCancelled(true)}
      />
      <pre data-testid="submitted" hidden>
        {submitted}
      </pre>
      {cancelled && <p data-testid="cancelled">Cancelled</p>}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LanguageProvider>
      <Page />
    </LanguageProvider>
  </StrictMode>,
);
