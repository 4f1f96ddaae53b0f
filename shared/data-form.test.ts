// Tests run under node:test, so this file (unlike shared/ proper) may import Node built-ins.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FORM_LIMITS,
  FormInvalidError,
  cancelForm,
  describeProblem,
  fieldType,
  formField,
  formTypeOf,
  initialValues,
  safeDataUri,
  submitValues,
  validate,
  type DataForm,
  type FieldValidation,
  type FormField,
} from './data-form.ts';
import { dataFormSchema } from './data-form-schema.ts';

function form(...fields: FormField[]): DataForm {
  return { type: 'form', title: 'Room', instructions: [], fields, reported: [], items: [] };
}

function rule(partial: Partial<FieldValidation>): FieldValidation {
  return {
    datatype: 'xs:string',
    method: 'basic',
    min: null,
    max: null,
    listMin: null,
    listMax: null,
    ...partial,
  };
}

/** A room-configuration form with one field of each kind (XEP-0045 §10.1.3, shortened). */
const roomConfig = form(
  formField({
    var: 'FORM_TYPE',
    type: 'hidden',
    values: ['http://jabber.org/protocol/muc#roomconfig'],
  }),
  formField({ type: 'fixed', values: ['Room settings'] }),
  formField({ var: 'muc#roomconfig_roomname', type: 'text-single', label: 'Name', required: true }),
  formField({ var: 'muc#roomconfig_persistentroom', type: 'boolean', values: ['0'] }),
  formField({
    var: 'muc#roomconfig_whois',
    type: 'list-single',
    values: ['moderators'],
    options: [
      { label: 'Moderators only', value: 'moderators' },
      { label: 'Anyone', value: 'anyone' },
    ],
  }),
  formField({ var: 'muc#roomconfig_roomadmins', type: 'jid-multi' }),
  formField({ var: 'muc#roomconfig_roomsecret', type: 'text-private' }),
  formField({ var: 'muc#roomconfig_roomdesc', type: 'text-multi' }),
  formField({
    var: 'muc#roomconfig_presencebroadcast',
    type: 'list-multi',
    values: ['moderator', 'participant'],
    options: ['moderator', 'participant', 'visitor'].map((value) => ({ label: null, value })),
  }),
);

describe('data-form model', () => {
  test('a missing or unknown field type is text-single (XEP-0004 §3.3)', () => {
    assert.equal(fieldType(undefined), 'text-single');
    assert.equal(fieldType('x-colour-picker'), 'text-single');
    assert.equal(fieldType('jid-multi'), 'jid-multi');
  });

  test('initial values are the form defaults for every field with a var except fixed', () => {
    assert.deepEqual(initialValues(roomConfig), {
      FORM_TYPE: ['http://jabber.org/protocol/muc#roomconfig'],
      'muc#roomconfig_roomname': [],
      'muc#roomconfig_persistentroom': ['0'],
      'muc#roomconfig_whois': ['moderators'],
      'muc#roomconfig_roomadmins': [],
      'muc#roomconfig_roomsecret': [],
      'muc#roomconfig_roomdesc': [],
      'muc#roomconfig_presencebroadcast': ['moderator', 'participant'],
    });
    assert.equal(formTypeOf(roomConfig), 'http://jabber.org/protocol/muc#roomconfig');
  });

  test('required fields, JID syntax and list options are checked', () => {
    const values = {
      ...initialValues(roomConfig),
      'muc#roomconfig_roomadmins': ['wiccarocks@shakespeare.lit', '', 'not an@@address'],
      'muc#roomconfig_whois': ['everyone'],
      'muc#roomconfig_presencebroadcast': ['moderator', 'owner'],
    };
    const problems = validate(roomConfig, values);
    assert.deepEqual(
      { ...problems },
      {
        'muc#roomconfig_roomname': { kind: 'required' },
        'muc#roomconfig_roomadmins': { kind: 'jid', value: 'not an@@address' },
        'muc#roomconfig_whois': { kind: 'not-an-option', value: 'everyone' },
        'muc#roomconfig_presencebroadcast': { kind: 'not-an-option', value: 'owner' },
      },
    );
    assert.equal(describeProblem(problems['muc#roomconfig_roomname']!), 'This field is required.');
    assert.match(describeProblem(problems['muc#roomconfig_roomadmins']!), /not a valid XMPP address/);

    const fixed = { ...values, 'muc#roomconfig_roomname': ['  '] };
    fixed['muc#roomconfig_roomadmins'] = ['wiccarocks@shakespeare.lit', ' hecate@shakespeare.lit '];
    fixed['muc#roomconfig_whois'] = ['anyone'];
    fixed['muc#roomconfig_presencebroadcast'] = ['visitor'];
    // A name of spaces is a value (the server decides); JIDs are trimmed before they are checked.
    assert.deepEqual(validate(roomConfig, fixed), {});
  });

  test('list-single with XEP-0122 open takes a value that is not among the options', () => {
    const lang = formField({
      var: 'lang',
      type: 'list-single',
      options: [{ label: 'English', value: 'en' }],
      validation: rule({ datatype: 'xs:language', method: 'open' }),
    });
    assert.deepEqual(validate(form(lang), { lang: ['pt-BR'] }), {});
    assert.equal(validate(form(lang), { lang: ['not a tag'] }).lang?.kind, 'datatype');
    const closed = { ...lang, validation: null };
    assert.equal(validate(form(closed), { lang: ['pt-BR'] }).lang?.kind, 'not-an-option');
  });

  test('XEP-0122 integer datatypes and ranges, with bounds as big integers', () => {
    const max = formField({
      var: 'maxusers',
      type: 'text-single',
      validation: rule({ datatype: 'xs:integer', method: 'range', min: '1', max: '1000' }),
    });
    const check = (v: string) => validate(form(max), { maxusers: [v] }).maxusers ?? null;
    assert.equal(check('30'), null);
    assert.equal(check('+1000'), null);
    assert.deepEqual(check('0'), { kind: 'range', min: '1', max: '1000', value: '0' });
    assert.deepEqual(check('1001'), { kind: 'range', min: '1', max: '1000', value: '1001' });
    assert.equal(check('12.5')?.kind, 'datatype');
    assert.equal(check('ten')?.kind, 'datatype');
    assert.equal(describeProblem(check('0')!), 'Enter a value from 1 to 1000.');
    assert.equal(describeProblem(check('ten')!), '“ten” is not a whole number.');

    // The bounds come from the form's sender: a 10,000-digit one is cut in the sentence.
    const huge = formField({
      var: 'h',
      type: 'text-single',
      validation: rule({ datatype: 'xs:integer', method: 'range', min: '9'.repeat(10_000), max: null }),
    });
    const hugeProblem = validate(form(huge), { h: ['1'] }).h;
    assert.equal(hugeProblem?.kind, 'range');
    assert.ok(describeProblem(hugeProblem!).length < 100);

    const byte = formField({ var: 'b', type: 'text-single', validation: rule({ datatype: 'xs:byte' }) });
    assert.deepEqual(validate(form(byte), { b: ['127'] }), {});
    assert.equal(validate(form(byte), { b: ['128'] }).b?.kind, 'datatype');
    const long = formField({ var: 'l', type: 'text-single', validation: rule({ datatype: 'xs:long' }) });
    assert.deepEqual(validate(form(long), { l: ['9223372036854775807'] }), {});
    assert.equal(validate(form(long), { l: ['9223372036854775808'] }).l?.kind, 'datatype');
  });

  test('dates, times, decimals, booleans and unknown datatypes', () => {
    const of = (datatype: string, v: string, extra: Partial<FieldValidation> = {}) =>
      validate(form(formField({ var: 'f', type: 'text-single', validation: rule({ datatype, ...extra }) })), {
        f: [v],
      }).f?.kind ?? 'ok';
    assert.equal(of('xs:date', '2024-02-29'), 'ok');
    assert.equal(of('xs:date', '2023-02-29'), 'datatype'); // not a leap year
    assert.equal(of('xs:date', '2024-13-01'), 'datatype');
    assert.equal(of('xs:date', '2024-02-29Z'), 'ok');
    assert.equal(of('xs:dateTime', '2024-02-29T12:30:00Z'), 'ok');
    assert.equal(of('xs:dateTime', '2024-02-29 12:30'), 'datatype');
    assert.equal(of('xs:time', '12:30:00'), 'ok');
    assert.equal(of('xs:decimal', '-3.25'), 'ok');
    assert.equal(of('xs:decimal', '1e3'), 'datatype');
    assert.equal(of('xs:double', '1e3'), 'ok');
    assert.equal(of('xs:boolean', 'yes'), 'datatype');
    assert.equal(of('x:colour', 'anything at all'), 'ok');
    assert.equal(
      of('xs:date', '2024-06-01', { method: 'range', min: '2024-01-01', max: '2024-12-31' }),
      'ok',
    );
    assert.equal(
      of('xs:date', '2025-01-01', { method: 'range', min: '2024-01-01', max: '2024-12-31' }),
      'range',
    );
  });

  test('regex validation is never run: any value passes the pattern check', () => {
    // A remote pattern such as (a+)+$ would backtrack exponentially; the model keeps no pattern at all.
    const field = formField({ var: 'code', type: 'text-single', validation: rule({ method: 'regex' }) });
    assert.deepEqual(validate(form(field), { code: [`${'a'.repeat(5_000)}!`] }), {});
    assert.ok(!('pattern' in field.validation!));
  });

  test('list-range bounds the number of values of a multi-value field', () => {
    const field = formField({
      var: 'admins',
      type: 'jid-multi',
      validation: rule({ listMin: 2, listMax: 3 }),
    });
    const check = (jids: string[]) => validate(form(field), { admins: jids }).admins ?? null;
    assert.deepEqual(check(['a@b.c']), { kind: 'too-few', min: 2 });
    assert.equal(check(['a@b.c', 'd@e.f']), null);
    assert.deepEqual(check(['a@b.c', 'd@e.f', 'g@h.i', 'j@k.l']), { kind: 'too-many', max: 3 });
    assert.equal(check([]), null); // not required: empty is allowed
  });

  test('a value longer than the bound is refused', () => {
    const field = formField({ var: 'name', type: 'text-single' });
    const problems = validate(form(field), { name: ['x'.repeat(FORM_LIMITS.valueChars + 1)] });
    assert.deepEqual(problems, { name: { kind: 'too-long', max: FORM_LIMITS.valueChars } });
  });

  test('submitValues keeps hidden fields, drops fixed ones and normalizes values', () => {
    const values = {
      ...initialValues(roomConfig),
      FORM_TYPE: ['tampered'],
      'muc#roomconfig_roomname': ['The Castle'],
      'muc#roomconfig_persistentroom': ['true'],
      'muc#roomconfig_roomadmins': [' wiccarocks@shakespeare.lit', '', 'hecate@shakespeare.lit '],
      'muc#roomconfig_roomdesc': ['line one', '', 'line three'],
      'muc#roomconfig_presencebroadcast': ['moderator', 'moderator'],
    };
    const submit = submitValues(roomConfig, values);
    assert.equal(submit.type, 'submit');
    assert.deepEqual(
      submit.fields.map((f) => [f.var, f.values]),
      [
        ['FORM_TYPE', ['http://jabber.org/protocol/muc#roomconfig']],
        ['muc#roomconfig_roomname', ['The Castle']],
        ['muc#roomconfig_persistentroom', ['1']],
        ['muc#roomconfig_whois', ['moderators']],
        ['muc#roomconfig_roomadmins', ['wiccarocks@shakespeare.lit', 'hecate@shakespeare.lit']],
        ['muc#roomconfig_roomsecret', []],
        ['muc#roomconfig_roomdesc', ['line one', '', 'line three']],
        ['muc#roomconfig_presencebroadcast', ['moderator']],
      ],
    );
    assert.ok(dataFormSchema.safeParse(submit).success);
  });

  test('submitValues refuses an invalid form with its problems', () => {
    assert.throws(
      () => submitValues(roomConfig, initialValues(roomConfig)),
      (err: unknown) =>
        err instanceof FormInvalidError && err.problems['muc#roomconfig_roomname']?.kind === 'required',
    );
  });

  test('an empty textarea is no value; a required one then says so', () => {
    const desc = formField({ var: 'desc', type: 'text-multi', required: true });
    assert.deepEqual(validate(form(desc), { desc: [''] }), { desc: { kind: 'required' } });
    const optional = { ...desc, required: false };
    assert.deepEqual(submitValues(form(optional), { desc: [''] }).fields[0]?.values, []);
  });

  test('cancel is an empty form of type cancel', () => {
    assert.deepEqual(cancelForm(), {
      type: 'cancel',
      title: null,
      instructions: [],
      fields: [],
      reported: [],
      items: [],
    });
  });

  test('the schema holds remote forms to their bounds', () => {
    assert.ok(dataFormSchema.safeParse(roomConfig).success);
    const many = form(
      ...Array.from({ length: FORM_LIMITS.fields + 1 }, (_, i) =>
        formField({ var: `f${i}`, type: 'text-single' }),
      ),
    );
    assert.ok(!dataFormSchema.safeParse(many).success);
    const options = Array.from({ length: FORM_LIMITS.optionsPerField + 1 }, (_, i) => ({
      label: null,
      value: `${i}`,
    }));
    assert.ok(!dataFormSchema.safeParse(form(formField({ var: 'l', type: 'list-single', options }))).success);
    const long = formField({
      var: 't',
      type: 'text-single',
      values: ['x'.repeat(FORM_LIMITS.valueChars + 1)],
    });
    assert.ok(!dataFormSchema.safeParse(form(long)).success);
  });

  test('only base64 data: images of PNG, JPEG, GIF or WebP are safe media', () => {
    assert.equal(safeDataUri('data:image/png;base64,iVBORw0KGgo='), 'image/png');
    assert.equal(safeDataUri('data:image/jpeg;base64,/9j/4AAQ'), 'image/jpeg');
    assert.equal(safeDataUri('data:image/svg+xml;base64,PHN2Zz4='), null);
    assert.equal(safeDataUri('data:text/html;base64,PHNjcmlwdD4='), null);
    assert.equal(safeDataUri('https://evil.example/captcha.png'), null);
    assert.equal(safeDataUri('data:image/png,<svg onload=x>'), null);
    assert.equal(safeDataUri('data:image/png;base64,not base64!'), null);
  });
});
