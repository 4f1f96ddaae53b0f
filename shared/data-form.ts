// XEP-0004 data forms as one model for every feature that shows or sends one (room configuration,
// registration, request-voice, later ad-hoc commands): zod schemas with bounds (forms arrive from remote
// entities; data-form-schema.ts), the values a person edits, validation (XEP-0122 datatypes and ranges, required fields, JID
// syntax, list options) and the submit/cancel forms built from them. The wire format is in
// electron/core/forms/data-form-xml.ts; the renderer's DataForm component shows any form of this model.
//
// Left out on purpose:
// - XEP-0122 regex validation: a remote pattern run by a backtracking engine can take exponential time
//   (ReDoS), so the pattern is never kept and such a field is checked like 'basic'. The form's owner checks
//   the submitted value anyway.
// - XEP-0221 media, except an inline `data:` image of PNG, JPEG, GIF or WebP (a CAPTCHA's picture): a
//   remote URI would be fetched from the person's machine (a tracking beacon) and SVG can carry script.
import { isValidJid } from './jid.ts';
import type { DataForm, FieldValidation, FormField } from './data-form-schema.ts';

// The schemas (zod) live apart so the page, which uses only the functions below, does not bundle zod.
export type { DataForm, FieldValidation, FormField, FormMedia, FormOption } from './data-form-schema.ts';

export const NS_XDATA_VALIDATE = 'http://jabber.org/protocol/xdata-validate'; // XEP-0122
export const NS_XDATA_MEDIA = 'urn:xmpp:media-element'; // XEP-0221

/** Bounds on what a remote entity may send (the parser refuses a form past them). */
export const FORM_LIMITS = {
  fields: 200,
  optionsPerField: 1_000,
  valuesPerField: 2_000,
  valueChars: 10_000,
  labelChars: 1_024,
  descChars: 4_096,
  instructions: 16,
  /** Reported columns and item rows of a result form. */
  reportedFields: 50,
  items: 1_000,
  /** All text of one form together: fields x values x chars alone would allow a gigabyte. */
  totalChars: 512 * 1_024,
  /** A data: image, as base64 text. */
  mediaChars: 96 * 1_024,
} as const;

/** XEP-0004 §3.3; a missing or unknown type is text-single (§3.3: "the default is text-single"). */
export const FIELD_TYPES = [
  'boolean',
  'fixed',
  'hidden',
  'jid-multi',
  'jid-single',
  'list-multi',
  'list-single',
  'text-multi',
  'text-private',
  'text-single',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const FORM_TYPES = ['form', 'submit', 'cancel', 'result'] as const;
export type FormType = (typeof FORM_TYPES)[number];

/** Field types that hold more than one value. */
export const MULTI_VALUE_TYPES: ReadonlySet<FieldType> = new Set(['jid-multi', 'list-multi', 'text-multi']);

export function fieldType(raw: string | undefined): FieldType {
  return (FIELD_TYPES as readonly string[]).includes(raw ?? '') ? (raw as FieldType) : 'text-single';
}

export const SAFE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** What a person has entered: the values of each field, by its var (multi-value fields one entry a line). */
export type FormValues = Readonly<Record<string, readonly string[]>>;

/** A field with a default for the rest, for building forms in code and tests. */
export function formField(field: Partial<FormField> & Pick<FormField, 'type'>): FormField {
  return {
    var: null,
    label: null,
    desc: null,
    required: false,
    options: [],
    values: [],
    validation: null,
    media: null,
    ...field,
  };
}

/** The fields a person can edit or that are sent back: every field with a var except 'fixed'. */
export function submittableFields(form: DataForm): FormField[] {
  return form.fields.filter((f) => f.type !== 'fixed' && f.var !== null);
}

/** The form's own values (its defaults) as the starting point for editing. */
export function initialValues(form: DataForm): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const field of submittableFields(form)) values[field.var!] = [...field.values];
  return values;
}

/** The values as they are sent: trimmed JIDs, empty lines of JID lists dropped, booleans as '1' / '0'. */
function normalized(field: FormField, raw: readonly string[]): string[] {
  switch (field.type) {
    case 'boolean':
      // A box shown unticked is sent as false: the owner then gets what the person saw.
      return [raw.length > 0 && isTrue(raw[0]!) ? '1' : '0'];
    case 'jid-single':
    case 'jid-multi':
      return raw.map((v) => v.trim()).filter((v) => v !== '');
    case 'text-multi':
      // A textarea left empty is one empty line: no value at all.
      return raw.length === 1 && raw[0] === '' ? [] : [...raw];
    case 'list-multi':
      return [...new Set(raw)];
    default:
      return raw.length === 0 || (raw.length === 1 && raw[0] === '') ? [] : [raw[0]!];
  }
}

function isTrue(v: string): boolean {
  return v === '1' || v === 'true';
}

export type FieldProblem =
  | { kind: 'required' }
  | { kind: 'too-long'; max: number }
  | { kind: 'too-many'; max: number }
  | { kind: 'too-few'; min: number }
  | { kind: 'jid'; value: string }
  | { kind: 'not-an-option'; value: string }
  | { kind: 'datatype'; datatype: string; value: string }
  | { kind: 'range'; min: string | null; max: string | null; value: string };

/** Problems per field var; a var that is absent has none. */
export type FormProblems = Record<string, FieldProblem>;

/**
 * Checks values against the form: required fields, value bounds, JID syntax, list values among the options
 * (unless XEP-0122 'open'), XEP-0122 datatypes, ranges and list-ranges. The first problem of each field.
 * Linear in the size of the values (no regex over remote patterns).
 */
export function validate(form: DataForm, values: FormValues): FormProblems {
  const problems: FormProblems = {};
  for (const field of submittableFields(form)) {
    const problem = fieldProblem(field, normalized(field, values[field.var!] ?? field.values));
    if (problem) problems[field.var!] = problem;
  }
  return problems;
}

function fieldProblem(field: FormField, values: string[]): FieldProblem | null {
  if (field.type === 'hidden') return null; // not ours to change: sent back as the form gave it
  const present = values.filter((v) => v !== '');
  if (field.required && present.length === 0 && field.type !== 'boolean') return { kind: 'required' };
  if (values.length > FORM_LIMITS.valuesPerField)
    return { kind: 'too-many', max: FORM_LIMITS.valuesPerField };
  const rule = field.validation;
  if (rule && MULTI_VALUE_TYPES.has(field.type) && present.length > 0) {
    if (rule.listMin !== null && values.length < rule.listMin) return { kind: 'too-few', min: rule.listMin };
    if (rule.listMax !== null && values.length > rule.listMax) return { kind: 'too-many', max: rule.listMax };
  }
  const options = new Set(field.options.map((o) => o.value));
  const open = rule?.method === 'open';
  for (const v of values) {
    if (v.length > FORM_LIMITS.valueChars) return { kind: 'too-long', max: FORM_LIMITS.valueChars };
    if (v === '') continue;
    if ((field.type === 'jid-single' || field.type === 'jid-multi') && !isValidJid(v)) {
      return { kind: 'jid', value: v };
    }
    if ((field.type === 'list-single' || field.type === 'list-multi') && !open && !options.has(v)) {
      return { kind: 'not-an-option', value: v };
    }
    if (field.type === 'boolean' && !BOOLEAN_VALUES.has(v)) {
      return { kind: 'datatype', datatype: 'xs:boolean', value: v };
    }
    if (rule && v !== '') {
      const problem = datatypeProblem(rule, v);
      if (problem) return problem;
    }
  }
  return null;
}

const BOOLEAN_VALUES = new Set(['0', '1', 'true', 'false']);

// XEP-0122 §4 datatypes with their integer bounds; each pattern has no nested quantifier (linear time).
const INTEGER_BOUNDS: Record<string, readonly [bigint, bigint] | null> = {
  'xs:integer': null,
  'xs:byte': [-128n, 127n],
  'xs:short': [-32_768n, 32_767n],
  'xs:int': [-2_147_483_648n, 2_147_483_647n],
  'xs:long': [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
};
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DOUBLE = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$/;
const DATE = /^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/;
const TIME = /^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const LANGUAGE = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;

type Kind = 'integer' | 'decimal' | 'date' | 'string';

function datatypeKind(datatype: string): Kind {
  if (datatype in INTEGER_BOUNDS) return 'integer';
  if (datatype === 'xs:decimal' || datatype === 'xs:double') return 'decimal';
  if (datatype === 'xs:date' || datatype === 'xs:dateTime' || datatype === 'xs:time') return 'date';
  return 'string';
}

function matchesDatatype(datatype: string, v: string): boolean {
  switch (datatype) {
    case 'xs:boolean':
      return BOOLEAN_VALUES.has(v);
    case 'xs:decimal':
      return DECIMAL.test(v);
    case 'xs:double':
      return DOUBLE.test(v);
    case 'xs:date':
      return DATE.test(v) && calendarDate(v);
    case 'xs:dateTime':
      return DATE_TIME.test(v) && calendarDate(v);
    case 'xs:time':
      return TIME.test(v);
    case 'xs:language':
      return LANGUAGE.test(v);
    case 'xs:anyURI':
      return !/\s/.test(v);
    default: {
      if (!(datatype in INTEGER_BOUNDS)) return true; // xs:string and unknown (x:…) datatypes
      if (!INTEGER.test(v)) return false;
      const bounds = INTEGER_BOUNDS[datatype];
      return !bounds || (BigInt(v) >= bounds[0] && BigInt(v) <= bounds[1]);
    }
  }
}

/** Month 01–12 and a day that month has (leap years included), on a value DATE or DATE_TIME matched. */
function calendarDate(v: string): boolean {
  const parts = /^-?(\d{4,})-(\d{2})-(\d{2})/.exec(v);
  if (!parts) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

function datatypeProblem(rule: FieldValidation, v: string): FieldProblem | null {
  if (!matchesDatatype(rule.datatype, v)) return { kind: 'datatype', datatype: rule.datatype, value: v };
  if (rule.method !== 'range' || (rule.min === null && rule.max === null)) return null;
  const kind = datatypeKind(rule.datatype);
  const below = rule.min !== null && compare(kind, v, rule.min) < 0;
  const above = rule.max !== null && compare(kind, v, rule.max) > 0;
  return below || above ? { kind: 'range', min: rule.min, max: rule.max, value: v } : null;
}

/** Orders two values of a datatype; a bound that is not of the datatype never fails a value. */
function compare(kind: Kind, a: string, b: string): number {
  if (kind === 'integer' && INTEGER.test(b)) {
    const [x, y] = [BigInt(a), BigInt(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (kind === 'decimal' && DOUBLE.test(b)) return Number(a) - Number(b);
  if (kind === 'date' || kind === 'string') return a < b ? -1 : a > b ? 1 : 0; // ISO 8601 sorts as text
  return 0;
}

/** A person-readable sentence for a problem (the form shows it next to the field). */
export function describeProblem(problem: FieldProblem): string {
  switch (problem.kind) {
    case 'required':
      return 'This field is required.';
    case 'too-long':
      return `Each value may be at most ${problem.max.toLocaleString('en')} characters.`;
    case 'too-many':
      return `At most ${problem.max.toLocaleString('en')} values.`;
    case 'too-few':
      return `At least ${problem.min.toLocaleString('en')} values.`;
    case 'jid':
      return `“${shorten(problem.value)}” is not a valid XMPP address.`;
    case 'not-an-option':
      return `“${shorten(problem.value)}” is not one of the choices.`;
    case 'datatype':
      return `“${shorten(problem.value)}” is not ${DATATYPE_NAMES[problem.datatype] ?? 'valid here'}.`;
    case 'range':
      if (problem.min !== null && problem.max !== null) {
        return `Enter a value from ${shorten(problem.min)} to ${shorten(problem.max)}.`;
      }
      return problem.min !== null
        ? `Enter ${shorten(problem.min)} or more.`
        : `Enter ${shorten(problem.max!)} or less.`;
  }
}

const DATATYPE_NAMES: Record<string, string> = {
  'xs:integer': 'a whole number',
  'xs:byte': 'a whole number from -128 to 127',
  'xs:short': 'a whole number from -32,768 to 32,767',
  'xs:int': 'a whole number from -2,147,483,648 to 2,147,483,647',
  'xs:long': 'a whole number in the 64-bit range',
  'xs:decimal': 'a number',
  'xs:double': 'a number',
  'xs:boolean': 'yes or no (1, 0, true or false)',
  'xs:date': 'a date (YYYY-MM-DD)',
  'xs:dateTime': 'a date and time (YYYY-MM-DDThh:mm:ss)',
  'xs:time': 'a time (hh:mm:ss)',
  'xs:language': 'a language tag (such as en or pt-BR)',
  'xs:anyURI': 'an address without spaces',
};

function shorten(v: string): string {
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}

export class FormInvalidError extends Error {
  override name = 'FormInvalidError';
  readonly problems: FormProblems;
  constructor(problems: FormProblems) {
    super(
      `The form has ${Object.keys(problems).length} invalid field(s): ${Object.keys(problems).join(', ')}`,
    );
    this.problems = problems;
  }
}

/**
 * The submit form (XEP-0004 §3.1 'submit') for `values`: every field with a var except 'fixed', hidden ones
 * with the form's own values, in the form's order. Throws FormInvalidError when validate() finds problems,
 * so an invalid form is never sent.
 */
export function submitValues(form: DataForm, values: FormValues): DataForm {
  const problems = validate(form, values);
  if (Object.keys(problems).length > 0) throw new FormInvalidError(problems);
  const fields = submittableFields(form).map((field) =>
    formField({
      var: field.var,
      type: field.type,
      values:
        field.type === 'hidden' ? [...field.values] : normalized(field, values[field.var!] ?? field.values),
    }),
  );
  return { type: 'submit', title: null, instructions: [], fields, reported: [], items: [] };
}

/** The answer that declines a form (§3.1 'cancel'). */
export function cancelForm(): DataForm {
  return { type: 'cancel', title: null, instructions: [], fields: [], reported: [], items: [] };
}

/** The FORM_TYPE hidden field's value (§3.4 of XEP-0068), or null. */
export function formTypeOf(form: DataForm): string | null {
  const field = form.fields.find((f) => f.var === 'FORM_TYPE');
  return field?.values[0] ?? null;
}

/** The media type of a data: URI when it is base64 of a safe image type and nothing else, else null. */
export function safeDataUri(uri: string): (typeof SAFE_MEDIA_TYPES)[number] | null {
  const comma = uri.indexOf(',');
  if (!uri.startsWith('data:') || comma < 0) return null;
  const header = uri.slice(5, comma).toLowerCase();
  const type = SAFE_MEDIA_TYPES.find((t) => header === `${t};base64`);
  return type && BASE64.test(uri.slice(comma + 1)) ? type : null;
}
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
