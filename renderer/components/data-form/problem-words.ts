// A data-form field's problem in the page's language (shared/data-form.ts's describeProblem is the
// English one the engine side and its tests use). Values are remote text: cut to 60 characters.
import type { IntlShape } from 'react-intl';
import type { FieldProblem } from '../../../shared/data-form.ts';

type Format = IntlShape['formatMessage'];

const DATATYPES: Record<string, { id: string }> = {
  'xs:integer': { id: 'dataForm.datatype.integer' },
  'xs:byte': { id: 'dataForm.datatype.byte' },
  'xs:short': { id: 'dataForm.datatype.short' },
  'xs:int': { id: 'dataForm.datatype.int' },
  'xs:long': { id: 'dataForm.datatype.long' },
  'xs:decimal': { id: 'dataForm.datatype.number' },
  'xs:double': { id: 'dataForm.datatype.number' },
  'xs:boolean': { id: 'dataForm.datatype.boolean' },
  'xs:date': { id: 'dataForm.datatype.date' },
  'xs:dateTime': { id: 'dataForm.datatype.dateTime' },
  'xs:time': { id: 'dataForm.datatype.time' },
  'xs:language': { id: 'dataForm.datatype.language' },
  'xs:anyURI': { id: 'dataForm.datatype.uri' },
};

const shorten = (v: string): string => (v.length > 60 ? `${v.slice(0, 60)}…` : v);

export function problemWords(t: Format, problem: FieldProblem): string {
  switch (problem.kind) {
    case 'required':
      return t({ id: 'dataForm.problem.required' });
    case 'too-long':
      return t({ id: 'dataForm.problem.tooLong' }, { max: problem.max });
    case 'too-many':
      return t({ id: 'dataForm.problem.tooMany' }, { max: problem.max });
    case 'too-few':
      return t({ id: 'dataForm.problem.tooFew' }, { min: problem.min });
    case 'jid':
      return t({ id: 'dataForm.problem.jid' }, { value: shorten(problem.value) });
    case 'not-an-option':
      return t({ id: 'dataForm.problem.notAnOption' }, { value: shorten(problem.value) });
    case 'datatype': {
      const kind = DATATYPES[problem.datatype];
      return t(
        { id: 'dataForm.problem.datatype' },
        {
          value: shorten(problem.value),
          kind: kind ? t(kind) : t({ id: 'dataForm.datatype.other' }),
        },
      );
    }
    case 'range':
      if (problem.min !== null && problem.max !== null) {
        return t({ id: 'dataForm.problem.range' }, { min: shorten(problem.min), max: shorten(problem.max) });
      }
      return problem.min !== null
        ? t({ id: 'dataForm.problem.atLeast' }, { min: shorten(problem.min) })
        : t({ id: 'dataForm.problem.atMost' }, { max: shorten(problem.max!) });
  }
}
