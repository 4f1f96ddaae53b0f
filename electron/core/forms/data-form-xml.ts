// XEP-0004 data forms on the wire: a <x xmlns='jabber:x:data'/> from a remote entity into the model of
// shared/data-form.ts, and the model (a submit, a cancel, or a form of our own such as a voice request) back
// into an element. Remote input is hostile: one pass over the children, every count and every text checked
// against FORM_LIMITS as it is read (a form past them is refused whole, not cut: a cut hidden value sent
// back would be a different value), unknown elements and attributes ignored.
import { xml, type Element } from '@xmpp/xml';
import { NS_DATA } from '../xmpp/ns.ts';
import {
  FORM_LIMITS,
  FORM_TYPES,
  NS_XDATA_MEDIA,
  NS_XDATA_VALIDATE,
  fieldType,
  safeDataUri,
  type DataForm,
  type FieldValidation,
  type FormField,
  type FormMedia,
  type FormOption,
  type FormType,
} from '../../../shared/data-form.ts';

export type ParsedDataForm =
  | { ok: true; form: DataForm }
  /** 'not-a-form': not a jabber:x:data <x/> with a known type; 'too-large': past FORM_LIMITS. */
  | { ok: false; reason: 'not-a-form' | 'too-large' };

/** Thrown inside the parser only, to leave every nested loop at once. */
class TooLarge extends Error {}

/** The text children of an element, joined (its child elements are ignored), within `max` characters. */
function textOf(el: Element, max: number, budget: Budget): string {
  let text = '';
  for (const child of el.children) {
    if (typeof child !== 'string') continue;
    text += child;
    if (text.length > max) throw new TooLarge();
  }
  budget.take(text.length);
  return text;
}

/** All text of one form together (FORM_LIMITS.totalChars). */
class Budget {
  #left: number = FORM_LIMITS.totalChars;
  take(chars: number): void {
    this.#left -= chars;
    if (this.#left < 0) throw new TooLarge();
  }
}

/** A child of the form in its own namespace: unprefixed (inherited) or naming jabber:x:data again. */
function isData(el: Element, name: string): boolean {
  return el.name === name && (el.attrs.xmlns === undefined || el.attrs.xmlns === NS_DATA);
}

function attr(el: Element, name: string, max: number, budget: Budget): string | null {
  const value = el.attrs[name];
  if (value === undefined) return null;
  if (value.length > max) throw new TooLarge();
  budget.take(value.length);
  return value;
}

/** A non-negative integer attribute (XEP-0122 list-range), or null when absent or not one. */
function count(el: Element, name: string): number | null {
  const raw = el.attrs[name];
  if (raw === undefined || raw.length > 9 || !/^\d+$/.test(raw)) return null;
  return Number(raw);
}

function parseValidation(el: Element, budget: Budget): FieldValidation {
  const rule: FieldValidation = {
    datatype: attr(el, 'datatype', 100, budget) ?? 'xs:string',
    method: 'basic',
    min: null,
    max: null,
    listMin: null,
    listMax: null,
  };
  let methodSeen = false;
  for (const child of el.children) {
    if (typeof child === 'string') continue;
    if (child.name === 'list-range') {
      rule.listMin = count(child, 'min');
      rule.listMax = count(child, 'max');
    } else if (!methodSeen && (child.name === 'basic' || child.name === 'open' || child.name === 'regex')) {
      rule.method = child.name; // a regex's pattern is never read (ReDoS: see shared/data-form.ts)
      methodSeen = true;
    } else if (!methodSeen && child.name === 'range') {
      rule.method = 'range';
      rule.min = attr(child, 'min', FORM_LIMITS.valueChars, budget);
      rule.max = attr(child, 'max', FORM_LIMITS.valueChars, budget);
      methodSeen = true;
    }
  }
  return rule;
}

function dimension(el: Element, name: string): number | null {
  const n = count(el, name);
  return n !== null && n >= 1 && n <= 4_096 ? n : null;
}

/** The first <uri/> that is a safe inline image of the type it declares; remote URIs are never kept. */
function parseMedia(el: Element): FormMedia | null {
  let seen = 0;
  for (const uri of el.children) {
    if (typeof uri === 'string' || uri.name !== 'uri') continue;
    if (++seen > 16) break;
    const text =
      uri.children.length === 1 && typeof uri.children[0] === 'string' ? uri.children[0].trim() : '';
    if (text.length > FORM_LIMITS.mediaChars) continue;
    const type = safeDataUri(text);
    if (type !== null && uri.attrs.type?.toLowerCase() === type) {
      return { type, dataUri: text, width: dimension(el, 'width'), height: dimension(el, 'height') };
    }
  }
  return null;
}

function parseField(el: Element, budget: Budget): FormField | null {
  const type = fieldType(el.attrs.type);
  const name = attr(el, 'var', FORM_LIMITS.labelChars, budget);
  if (name === null && type !== 'fixed') return null; // §3.2: nothing to submit it under
  const field: FormField = {
    var: name,
    type,
    label: attr(el, 'label', FORM_LIMITS.labelChars, budget),
    desc: null,
    required: false,
    options: [],
    values: [],
    validation: null,
    media: null,
  };
  for (const child of el.children) {
    if (typeof child === 'string') continue;
    if (child.name === 'validate' && child.attrs.xmlns === NS_XDATA_VALIDATE) {
      field.validation ??= parseValidation(child, budget);
    } else if (child.name === 'media' && child.attrs.xmlns === NS_XDATA_MEDIA) {
      field.media ??= parseMedia(child);
    } else if (!isData(child, child.name)) {
      continue; // another namespace's extension
    } else if (child.name === 'value') {
      if (field.values.length === FORM_LIMITS.valuesPerField) throw new TooLarge();
      field.values.push(textOf(child, FORM_LIMITS.valueChars, budget));
    } else if (child.name === 'option') {
      const option = parseOption(child, budget);
      if (option === null) continue;
      if (field.options.length === FORM_LIMITS.optionsPerField) throw new TooLarge();
      field.options.push(option);
    } else if (child.name === 'desc' && field.desc === null) {
      field.desc = textOf(child, FORM_LIMITS.descChars, budget);
    } else if (child.name === 'required') {
      field.required = true;
    }
  }
  return field;
}

function parseOption(el: Element, budget: Budget): FormOption | null {
  const value = el.getChildren('value')[0];
  if (value === undefined) return null; // §3.3: an option without a value offers nothing
  return {
    label: attr(el, 'label', FORM_LIMITS.labelChars, budget),
    value: textOf(value, FORM_LIMITS.valueChars, budget),
  };
}

/** The fields of a form, a <reported/> or an <item/>: one per var (a repeated var is ignored). */
function parseFields(parent: Element, max: number, budget: Budget): FormField[] {
  const fields: FormField[] = [];
  const vars = new Set<string>();
  for (const child of parent.children) {
    if (typeof child === 'string' || !isData(child, 'field')) continue;
    const field = parseField(child, budget);
    if (field === null || (field.var !== null && vars.has(field.var))) continue;
    if (fields.length === max) throw new TooLarge();
    if (field.var !== null) vars.add(field.var);
    fields.push(field);
  }
  return fields;
}

/** Reads a <x xmlns='jabber:x:data'/> (XEP-0004 §3) into the model. Never throws. */
export function parseDataForm(x: Element): ParsedDataForm {
  const type = x.attrs.type as FormType | undefined;
  if (x.name !== 'x' || x.attrs.xmlns !== NS_DATA || !type || !FORM_TYPES.includes(type)) {
    return { ok: false, reason: 'not-a-form' };
  }
  const budget = new Budget();
  try {
    const form: DataForm = {
      type,
      title: null,
      instructions: [],
      fields: parseFields(x, FORM_LIMITS.fields, budget),
      reported: [],
      items: [],
    };
    let reportedSeen = false;
    for (const child of x.children) {
      if (typeof child === 'string' || !isData(child, child.name)) continue;
      if (child.name === 'title' && form.title === null) {
        form.title = textOf(child, FORM_LIMITS.labelChars, budget);
      } else if (child.name === 'instructions') {
        if (form.instructions.length === FORM_LIMITS.instructions) throw new TooLarge();
        form.instructions.push(textOf(child, FORM_LIMITS.descChars, budget));
      } else if (child.name === 'reported' && !reportedSeen) {
        form.reported = parseFields(child, FORM_LIMITS.reportedFields, budget);
        reportedSeen = true;
      } else if (child.name === 'item') {
        if (form.items.length === FORM_LIMITS.items) throw new TooLarge();
        form.items.push(parseFields(child, FORM_LIMITS.reportedFields, budget));
      }
    }
    return { ok: true, form };
  } catch (error) {
    if (error instanceof TooLarge) return { ok: false, reason: 'too-large' };
    throw error;
  }
}

/** The first jabber:x:data form among `parent`'s children (e.g. a muc#owner <query/>), parsed. */
export function findDataForm(parent: Element): ParsedDataForm {
  const x = parent.getChild('x', NS_DATA);
  return x ? parseDataForm(x) : { ok: false, reason: 'not-a-form' };
}

function fieldElement(field: FormField, full: boolean): Element {
  return xml(
    'field',
    full
      ? { var: field.var ?? undefined, type: field.type, label: field.label ?? undefined }
      : { var: field.var ?? undefined },
    full && field.desc !== null ? xml('desc', {}, field.desc) : null,
    full && field.required ? xml('required') : null,
    ...field.values.map((v) => xml('value', {}, v)),
    ...(full
      ? field.options.map((o) => xml('option', { label: o.label ?? undefined }, xml('value', {}, o.value)))
      : []),
  );
}

/**
 * The element for a form of ours: a submit carries each field's var and values only (§3.1: the form's owner
 * knows the rest), a cancel nothing; a form or result (a voice request, §7.13 of XEP-0045) is written whole,
 * without validation rules or media.
 */
export function dataFormElement(form: DataForm): Element {
  const full = form.type === 'form' || form.type === 'result';
  return xml(
    'x',
    { xmlns: NS_DATA, type: form.type },
    full && form.title !== null ? xml('title', {}, form.title) : null,
    ...(full ? form.instructions.map((text) => xml('instructions', {}, text)) : []),
    ...(form.type === 'cancel' ? [] : form.fields.map((field) => fieldElement(field, full))),
  );
}
