// The data-form wire format both ways. The fixtures are real answers, captured from the harness servers with
// a raw session (the owner of a new room asks for its configuration; a room's registration form):
// prosody-room-config.xml and prosody-room-register.xml from Prosody 0.12.3's mod_muc, ejabberd-room-config.xml
// from ejabberd 23.01's mod_muc.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Parser, xml, type Element } from '@xmpp/xml';
import { FORM_LIMITS, initialValues, submitValues, validate } from '../../../shared/data-form.ts';
import { dataFormSchema } from '../../../shared/data-form-schema.ts';
import type { DataForm } from '../../../shared/data-form.ts';
import { NS_DATA } from '../xmpp/ns.ts';
import { dataFormElement, findDataForm, parseDataForm } from './data-form-xml.ts';

const MUC_OWNER = 'http://jabber.org/protocol/muc#owner';

/** One XML document as an element, through the same parser the connection uses. */
function parseXml(text: string): Element {
  const parser = new Parser() as Parser & { on(event: string, fn: (el: Element) => void): void };
  const found: Element[] = [];
  parser.on('element', (el) => found.push(el));
  parser.write(`<wrap>${text}</wrap>`);
  assert.equal(found.length, 1);
  return found[0]!;
}

function fixture(name: string): Element {
  return parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

function parsed(x: Element): DataForm {
  const result = parseDataForm(x);
  assert.ok(result.ok, `not parsed: ${JSON.stringify(result)}`);
  return result.form;
}

function formFrom(iq: Element, ns: string): DataForm {
  const result = findDataForm(iq.getChild('query', ns)!);
  assert.ok(result.ok);
  return result.form;
}

const x = (...children: Element[]) => xml('x', { xmlns: NS_DATA, type: 'form' }, ...children);

describe('data forms from the wire', () => {
  test("Prosody's room configuration: title, instructions, every field type it uses, desc and validation", () => {
    const form = formFrom(fixture('prosody-room-config.xml'), MUC_OWNER);
    assert.ok(dataFormSchema.safeParse(form).success);
    assert.equal(form.type, 'form');
    assert.equal(form.title, 'Configuration for castle@rooms.parley.test');
    assert.deepEqual(form.instructions, ['Complete and submit this form to configure the room.']);
    const byVar = new Map(form.fields.map((f) => [f.var, f]));
    assert.deepEqual(
      form.fields.filter((f) => f.type === 'fixed').map((f) => f.values[0]),
      ['Room information', 'Access to the room', 'Permissions in the room', 'Other options'],
    );
    const lang = byVar.get('muc#roomconfig_lang')!;
    assert.equal(lang.label, "Language tag for room (e.g. 'en', 'de', 'fr' etc.)");
    assert.equal(lang.desc, 'Indicate the primary language spoken in this room');
    assert.deepEqual(lang.validation?.datatype, 'xs:language');
    assert.deepEqual(lang.values, ['en']);
    assert.equal(byVar.get('muc#roomconfig_historylength')!.validation?.datatype, 'xs:integer');
    assert.equal(byVar.get('muc#roomconfig_roomsecret')!.type, 'text-private');
    const whois = byVar.get('muc#roomconfig_whois')!;
    assert.deepEqual(whois.options, [
      { label: 'Moderators only', value: 'moderators' },
      { label: 'Anyone', value: 'anyone' },
    ]);
    assert.deepEqual(whois.values, ['moderators']); // the value after the options still counts
    assert.deepEqual(byVar.get('muc#roomconfig_presencebroadcast')!.values, [
      'moderator',
      'visitor',
      'participant',
    ]);
    assert.equal(byVar.get('{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites')!.type, 'boolean');
    // The defaults are valid as they come, and an integer field refuses a word.
    assert.deepEqual(validate(form, initialValues(form)), {});
    const wrong = { ...initialValues(form), 'muc#roomconfig_historylength': ['lots'] };
    assert.equal(validate(form, wrong)['muc#roomconfig_historylength']?.kind, 'datatype');
  });

  test("ejabberd's room configuration: options with labels, list-multi defaults, an empty value", () => {
    const form = formFrom(fixture('ejabberd-room-config.xml'), MUC_OWNER);
    assert.ok(dataFormSchema.safeParse(form).success);
    assert.equal(form.title, 'Configuration of room castle@rooms.parley.test');
    assert.equal(form.fields.length, 28);
    const byVar = new Map(form.fields.map((f) => [f.var, f]));
    const max = byVar.get('muc#roomconfig_maxusers')!;
    assert.equal(max.type, 'list-single');
    assert.equal(max.options.length, 12);
    assert.deepEqual(max.values, ['1000000']);
    assert.deepEqual(byVar.get('muc#roomconfig_pubsub')!.values, ['']);
    assert.deepEqual(validate(form, initialValues(form)), {});
    assert.equal(
      validate(form, { ...initialValues(form), 'muc#roomconfig_maxusers': ['7'] })['muc#roomconfig_maxusers']
        ?.kind,
      'not-an-option',
    );
  });

  test("Prosody's room registration form: a required nickname", () => {
    const form = formFrom(fixture('prosody-room-register.xml'), 'jabber:iq:register');
    assert.deepEqual(
      form.fields.map((f) => [f.var, f.type, f.required]),
      [
        ['FORM_TYPE', 'hidden', false],
        ['muc#register_roomnick', 'text-single', true],
      ],
    );
    assert.deepEqual(validate(form, initialValues(form)), { 'muc#register_roomnick': { kind: 'required' } });
  });

  test('a submit carries var and values only, hidden fields included, fixed ones left out', () => {
    const form = formFrom(fixture('prosody-room-config.xml'), MUC_OWNER);
    const values = {
      ...initialValues(form),
      'muc#roomconfig_roomname': ['The <Castle> & "moat"'],
      'muc#roomconfig_persistentroom': ['0'],
    };
    const el = dataFormElement(submitValues(form, values));
    assert.equal(el.attrs.type, 'submit');
    assert.equal(el.attrs.xmlns, NS_DATA);
    const fields = el.getChildren('field');
    assert.equal(fields.length, form.fields.filter((f) => f.type !== 'fixed').length);
    assert.ok(fields.every((f) => Object.keys(f.attrs).join() === 'var'));
    assert.equal(fields[0]!.attrs.var, 'FORM_TYPE');
    assert.equal(fields[0]!.getChildText('value'), 'http://jabber.org/protocol/muc#roomconfig');
    const name = fields.find((f) => f.attrs.var === 'muc#roomconfig_roomname')!;
    assert.equal(name.getChildText('value'), 'The <Castle> & "moat"');
    // Prosody sends some booleans without a value; they are shown unticked, so they go back as false.
    assert.equal(
      fields.find((f) => f.attrs.var === 'muc#roomconfig_membersonly')!.getChildText('value'),
      '0',
    );
    assert.match(el.toString(), /The &lt;Castle&gt; &amp; "moat"/);
    // Read back, the submit is the same model.
    const again = parsed(parseXml(el.toString()));
    assert.equal(again.type, 'submit');
    assert.deepEqual(again.fields.find((f) => f.var === 'muc#roomconfig_persistentroom')?.values, ['0']);
  });

  test('a cancel is an empty <x type="cancel"/>', () => {
    const form = formFrom(fixture('prosody-room-register.xml'), 'jabber:iq:register');
    const el = dataFormElement({ ...form, type: 'cancel' });
    assert.equal(el.toString(), `<x xmlns="${NS_DATA}" type="cancel"/>`);
  });

  test('a form of our own (a voice request, XEP-0045 §7.13) is written whole and reads back the same', () => {
    const request = parsed(
      x(
        xml('title', {}, 'Voice request'),
        xml('instructions', {}, 'To approve this request, check the box.'),
        xml(
          'field',
          { var: 'FORM_TYPE', type: 'hidden' },
          xml('value', {}, 'http://jabber.org/protocol/muc#request'),
        ),
        xml(
          'field',
          { var: 'muc#role', type: 'list-single', label: 'Requested role' },
          xml('value', {}, 'participant'),
          xml('option', { label: 'Participant' }, xml('value', {}, 'participant')),
        ),
        xml('field', { var: 'muc#jid', type: 'jid-single', label: 'User ID' }, xml('required')),
        xml(
          'field',
          { var: 'muc#request_allow', type: 'boolean', label: 'Grant voice?' },
          xml('desc', {}, 'Why not'),
        ),
      ),
    );
    assert.deepEqual(parsed(dataFormElement(request)), request);
  });
});

describe('hostile data forms', () => {
  test('not a form: another element, another namespace, a missing or unknown type', () => {
    assert.deepEqual(parseDataForm(xml('x', { xmlns: 'jabber:x:oob', type: 'form' })), {
      ok: false,
      reason: 'not-a-form',
    });
    assert.deepEqual(parseDataForm(xml('x', { xmlns: NS_DATA })), { ok: false, reason: 'not-a-form' });
    assert.deepEqual(parseDataForm(xml('x', { xmlns: NS_DATA, type: 'evil' })), {
      ok: false,
      reason: 'not-a-form',
    });
    assert.deepEqual(findDataForm(xml('query', { xmlns: MUC_OWNER })), { ok: false, reason: 'not-a-form' });
  });

  test('unknown types are text-single; unknown elements, foreign namespaces and fields without var are ignored', () => {
    const form = parsed(
      x(
        xml('script', {}, 'alert(1)'),
        xml('field', { var: 'colour', type: 'x-colour' }, xml('value', {}, 'red'), xml('blink', {}, 'no')),
        xml('field', { type: 'text-single', label: 'no var' }, xml('value', {}, 'lost')),
        xml('field', { var: 'colour', type: 'boolean' }), // a repeated var: the first one stands
        xml('field', { var: 'n' }, xml('value', { xmlns: 'urn:other' }, 'foreign'), xml('value', {}, 'mine')),
        xml('field', { var: 'v' }, xml('validate', { xmlns: 'urn:other', datatype: 'xs:integer' })),
        xml('field', { xmlns: 'urn:other', var: 'foreign' }),
      ),
    );
    assert.deepEqual(
      form.fields.map((f) => [f.var, f.type, f.values, f.validation]),
      [
        ['colour', 'text-single', ['red'], null],
        ['n', 'text-single', ['mine'], null],
        ['v', 'text-single', [], null],
      ],
    );
  });

  test('a regex rule keeps no pattern; list-range and range bounds are read', () => {
    const v = (...children: Element[]) =>
      xml(
        'validate',
        { xmlns: 'http://jabber.org/protocol/xdata-validate', datatype: 'xs:integer' },
        ...children,
      );
    const form = parsed(
      x(
        xml('field', { var: 'r' }, v(xml('regex', {}, '(a+)+$'))),
        xml('field', { var: 'n' }, v(xml('range', { min: '1', max: '99' }))),
        xml(
          'field',
          { var: 'm', type: 'jid-multi' },
          v(xml('open'), xml('list-range', { min: '1', max: 'x' })),
        ),
      ),
    );
    assert.deepEqual(form.fields[0]!.validation, {
      datatype: 'xs:integer',
      method: 'regex',
      min: null,
      max: null,
      listMin: null,
      listMax: null,
    });
    assert.ok(!JSON.stringify(form).includes('a+'));
    assert.deepEqual([form.fields[1]!.validation?.min, form.fields[1]!.validation?.max], ['1', '99']);
    assert.deepEqual(
      [
        form.fields[2]!.validation?.method,
        form.fields[2]!.validation?.listMin,
        form.fields[2]!.validation?.listMax,
      ],
      ['open', 1, null],
    );
  });

  test('media: only an inline PNG/JPEG/GIF/WebP of the declared type is kept', () => {
    const media = (...uris: Element[]) =>
      xml('media', { xmlns: 'urn:xmpp:media-element', width: '80', height: '9999' }, ...uris);
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const form = parsed(
      x(
        xml(
          'field',
          { var: 'ocr' },
          media(
            xml('uri', { type: 'image/png' }, 'https://tracker.example/pixel.png'),
            xml('uri', { type: 'image/svg+xml' }, 'data:image/svg+xml;base64,PHN2Zy8+'),
            xml('uri', { type: 'image/jpeg' }, png), // declared JPEG, is PNG
            xml('uri', { type: 'image/png' }, png),
          ),
        ),
        xml(
          'field',
          { var: 'remote' },
          media(xml('uri', { type: 'image/png' }, 'cid:sha1+abc@bob.xmpp.org')),
        ),
      ),
    );
    assert.deepEqual(form.fields[0]!.media, { type: 'image/png', dataUri: png, width: 80, height: null });
    assert.equal(form.fields[1]!.media, null);
  });

  test('past the bounds the form is refused whole, not cut', () => {
    const field = (i: number) => xml('field', { var: `f${i}` });
    const tooLarge = { ok: false, reason: 'too-large' };
    assert.ok(parseDataForm(x(...Array.from({ length: FORM_LIMITS.fields }, (_, i) => field(i)))).ok);
    assert.deepEqual(
      parseDataForm(x(...Array.from({ length: FORM_LIMITS.fields + 1 }, (_, i) => field(i)))),
      tooLarge,
    );
    const values = Array.from({ length: FORM_LIMITS.valuesPerField + 1 }, () => xml('value', {}, 'v'));
    assert.deepEqual(parseDataForm(x(xml('field', { var: 'many', type: 'jid-multi' }, ...values))), tooLarge);
    const long = xml('field', { var: 'long' }, xml('value', {}, 'x'.repeat(FORM_LIMITS.valueChars + 1)));
    assert.deepEqual(parseDataForm(x(long)), tooLarge);
    const options = Array.from({ length: FORM_LIMITS.optionsPerField + 1 }, (_, i) =>
      xml('option', {}, xml('value', {}, `${i}`)),
    );
    assert.deepEqual(parseDataForm(x(xml('field', { var: 'l', type: 'list-single' }, ...options))), tooLarge);
    // Each value within its bound, all of them together past the form's budget.
    const chunk = 'y'.repeat(FORM_LIMITS.valueChars);
    const big = Array.from({ length: Math.ceil(FORM_LIMITS.totalChars / chunk.length) + 1 }, () =>
      xml('value', {}, chunk),
    );
    assert.deepEqual(parseDataForm(x(xml('field', { var: 'big', type: 'text-multi' }, ...big))), tooLarge);
    assert.deepEqual(
      parseDataForm(x(xml('field', { var: 'l', label: 'z'.repeat(FORM_LIMITS.labelChars + 1) }))),
      tooLarge,
    );
  });

  test('a 100,000-field form is refused at the first field past the bound, the rest never read', () => {
    const fields = Array.from({ length: FORM_LIMITS.fields + 1 }, (_, i) => xml('field', { var: `f${i}` }));
    // Anything after field 201 throws when the parser looks at it.
    const trap = {
      get name(): string {
        throw new Error('read past the bound');
      },
    } as unknown as Element;
    const form = x(...fields);
    for (let i = fields.length; i < 100_000; i++) form.children.push(trap);
    assert.deepEqual(parseDataForm(form), { ok: false, reason: 'too-large' });
  });

  test('a result form reads its reported columns and items', () => {
    const form = parsed(
      xml(
        'x',
        { xmlns: NS_DATA, type: 'result' },
        xml('reported', {}, xml('field', { var: 'jid', type: 'jid-single', label: 'Address' })),
        xml('item', {}, xml('field', { var: 'jid' }, xml('value', {}, 'juliet@capulet.lit'))),
        xml('item', {}, xml('field', { var: 'jid' }, xml('value', {}, 'romeo@montague.lit'))),
      ),
    );
    assert.deepEqual(
      form.reported.map((f) => f.label),
      ['Address'],
    );
    assert.deepEqual(
      form.items.map((row) => row[0]!.values[0]),
      ['juliet@capulet.lit', 'romeo@montague.lit'],
    );
    assert.ok(dataFormSchema.safeParse(form).success);
  });
});
