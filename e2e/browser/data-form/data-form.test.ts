// DataForm in Chromium. No screen of the app shows a data form yet, so this test builds a page of its own
// (index.html + page.tsx beside this file) with vite's API into a temp dir, serves it on loopback under the
// app's CSP, and gives it forms parsed in Node by the real parser: real Prosody and ejabberd room
// configurations and one form with every field type. Everything is done with the keyboard only; each screen
// is checked with axe at 480 px in light and dark (screenshots in test-results/screens/data-form-*.png).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { chromium, expect as baseExpect, type Browser, type Locator, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { Parser, type Element } from '@xmpp/xml';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../harness/chromium.ts';
import { findDataForm, parseDataForm } from '../../../electron/core/forms/data-form-xml.ts';
import { initialValues, submitValues, type DataForm } from '../../../shared/data-form.ts';
import { EVERY_FIELD_XML, RESULT_XML } from './forms.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'electron', 'core', 'forms', 'fixtures');
const SCREENS_DIR = path.join(ROOT, 'test-results', 'screens');
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'";
const expect = baseExpect.configure({ timeout: 10_000 });

function parseXml(text: string): Element {
  const parser = new Parser() as Parser & { on(event: string, fn: (el: Element) => void): void };
  const found: Element[] = [];
  parser.on('element', (el) => found.push(el));
  parser.write(`<wrap>${text}</wrap>`);
  return found[0]!;
}

function formOf(xmlText: string): DataForm {
  const el = parseXml(xmlText);
  const result = el.is('x') ? parseDataForm(el) : findDataForm(el.getChildElements()[0]!);
  assert.ok(result.ok, 'the fixture parses');
  return result.form;
}

async function fixtureForm(name: string): Promise<DataForm> {
  return formOf(await readFile(path.join(FIXTURES, name), 'utf8'));
}

/** Builds the page once and serves the build from loopback with the app's CSP. */
async function servePage(): Promise<{ url: string; server: Server; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-data-form-'));
  await build({
    configFile: false,
    root: HERE,
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: dir, emptyOutDir: true, target: 'es2023', assetsInlineLimit: 0, modulePreload: false },
  });
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
  };
  const server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path.join(dir, name === '/' ? 'index.html' : path.normalize(name));
    if (!file.startsWith(dir)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => {
        const type = types[path.extname(file)] ?? 'application/octet-stream';
        res.writeHead(200, { 'Content-Type': type, 'Content-Security-Policy': CSP }).end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { url: `http://127.0.0.1:${address.port}/`, server, dir };
}

async function checkScreen(page: Page, name: string): Promise<void> {
  await mkdir(SCREENS_DIR, { recursive: true });
  await page.screenshot({
    path: path.join(SCREENS_DIR, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
  });
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad)
    console.error(`axe ${name}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
  assert.deepEqual(
    bad.map((v) => v.id),
    [],
    `axe on ${name}`,
  );
}

/** Light and dark at 480 px wide; nothing may stick out sideways. */
async function checkBothSchemes(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await checkScreen(page, `data-form-${name}-480-${scheme}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} (${scheme}) is ${overflow} px wider than the window`);
  }
  await page.emulateMedia({ colorScheme: null });
}

/** Presses Tab until `target` has the focus (at most `max` times). */
async function tabTo(page: Page, target: Locator, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

describe('browser: the generic data form', () => {
  let browser: Browser;
  let served: Awaited<ReturnType<typeof servePage>>;

  before(async () => {
    served = await servePage();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  });
  after(async () => {
    await browser?.close();
    served?.server.close();
    if (served) await rm(served.dir, { recursive: true, force: true });
  });

  async function open(form: DataForm): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 480, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.addInitScript((json) => (window.__dataForm = JSON.parse(json)), JSON.stringify(form));
    await page.goto(served.url);
    await expect(page.locator('form.data-form, section.data-form')).toBeVisible();
    assert.deepEqual(errors, [], 'no script or CSP errors');
    return page;
  }

  async function submitted(page: Page): Promise<DataForm | null> {
    const text = await page.getByTestId('submitted').textContent();
    return text ? (JSON.parse(text) as DataForm) : null;
  }

  it('every field type: labels, keyboard-only entry, errors next to fields and announced, then a valid submit', async () => {
    const form = formOf(EVERY_FIELD_XML);
    const page = await open(form);
    const owner = page.getByRole('textbox', { name: /^Owner address \(required\)$/ });
    const name = page.getByRole('textbox', { name: /^Room name \(required\)$/ });
    const history = page.getByRole('textbox', { name: 'History messages' });
    const admins = page.getByRole('textbox', { name: 'Administrators' });
    const save = page.getByRole('button', { name: 'Save' });

    // Labels, descriptions, fixed text, the inline picture; the hidden field is not on the page.
    await expect(owner).toHaveAccessibleDescription('The account that owns the room');
    await expect(page.getByText('Who may join', { exact: true })).toBeVisible();
    await expect(page.getByRole('img', { name: 'Picture for Letters in the picture' })).toBeVisible();
    await expect(page.getByLabel('Password')).toHaveAttribute('type', 'password');
    await expect(page.getByRole('radio', { name: 'Moderators only' })).toBeChecked();
    await expect(page.getByRole('combobox', { name: 'Maximum occupants' })).toHaveValue('50');
    await expect(page.getByRole('checkbox', { name: 'moderator' })).toBeChecked();
    await expect(admins).toHaveAccessibleDescription('One address per line.');
    assert.ok(!(await page.content()).includes('urn:parley:test'), 'the hidden FORM_TYPE is not in the page');
    await checkBothSchemes(page, 'every-field');

    // Keyboard only, in tab order.
    await tabTo(page, owner, 3);
    await page.keyboard.type('not a jid');
    await page.keyboard.press('Tab');
    await expect(name).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Password')).toBeFocused();
    await page.keyboard.type('s3cret');
    await page.keyboard.press('Tab');
    await expect(history).toBeFocused();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('500');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await expect(page.getByRole('checkbox', { name: 'Keep the room when empty' })).toBeChecked();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('radio', { name: 'Moderators only' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('radio', { name: 'Anyone' })).toBeChecked();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('combobox', { name: 'Maximum occupants' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('combobox', { name: 'Maximum occupants' })).toHaveValue('100');
    await page.keyboard.press('Tab');
    await page.keyboard.type('de');
    await tabTo(page, page.getByRole('checkbox', { name: 'participant' }), 3);
    await page.keyboard.press('Space');
    await tabTo(page, admins, 3);
    await page.keyboard.type('juliet@capulet.lit\nnot@@valid');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Line one\nLine two');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('textbox', { name: 'Letters in the picture' })).toBeFocused();
    await page.keyboard.type('xyz');
    await tabTo(page, save, 3);
    await page.keyboard.press('Enter');

    // Nothing sent; four problems, each beside its field, announced, focus on the first.
    const alert = page.getByRole('alert');
    await expect(alert).toHaveText(
      '4 fields need attention: Owner address, Room name, History messages, Administrators.',
    );
    await expect(owner).toBeFocused();
    await expect(owner).toHaveAttribute('aria-invalid', 'true');
    await expect(owner).toHaveAccessibleDescription(
      'The account that owns the room “not a jid” is not a valid XMPP address.',
    );
    await expect(name).toHaveAccessibleDescription('This field is required.');
    await expect(history).toHaveAccessibleDescription(/Enter a value from 0 to 100\./);
    await expect(admins).toHaveAccessibleDescription(/“not@@valid” is not a valid XMPP address\./);
    assert.equal(await submitted(page), null);
    await checkBothSchemes(page, 'errors');

    // Fixed one by one: the problems follow the values.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('owner@parley.test');
    await page.keyboard.press('Tab');
    await page.keyboard.type('The Castle');
    await expect(alert).toHaveText('2 fields need attention: History messages, Administrators.');
    await expect(owner).not.toHaveAttribute('aria-invalid', 'true');
    await tabTo(page, history, 3);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('42');
    await tabTo(page, admins, 12);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('juliet@capulet.lit\nromeo@montague.lit\n');
    await expect(alert).toHaveText('');
    await tabTo(page, save, 6);
    await page.keyboard.press('Enter');

    await expect(page.getByTestId('submitted')).not.toBeEmpty();
    const sent = await submitted(page);
    assert.equal(sent?.type, 'submit');
    assert.deepEqual(Object.fromEntries(sent!.fields.map((f) => [f.var, f.values])), {
      FORM_TYPE: ['urn:parley:test'],
      owner: ['owner@parley.test'],
      name: ['The Castle'],
      secret: ['s3cret'],
      history: ['42'],
      persistent: ['1'],
      whois: ['anyone'],
      maxusers: ['100'],
      lang: ['de'],
      broadcast: ['moderator', 'participant'],
      admins: ['juliet@capulet.lit', 'romeo@montague.lit'],
      description: ['Line one', 'Line two'],
      captcha: ['xyz'],
      colour: [],
    });

    // Cancel is a button like any other.
    await expect(save).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('cancelled')).toBeVisible();
    await page.context().close();
  });

  for (const [server, file, title, fixed] of [
    [
      'Prosody',
      'prosody-room-config.xml',
      'Configuration for castle@rooms.parley.test',
      'Access to the room',
    ],
    ['ejabberd', 'ejabberd-room-config.xml', 'Configuration of room castle@rooms.parley.test', null],
  ] as const) {
    it(`${server}'s room configuration renders whole and submits its defaults`, async () => {
      const form = await fixtureForm(file);
      const page = await open(form);
      await expect(page.getByRole('heading', { name: title })).toBeVisible();
      await expect(page.getByRole('form', { name: title })).toBeVisible();
      if (fixed) await expect(page.getByText(fixed, { exact: true })).toBeVisible();
      // Every visible field has a control with its label as its name.
      for (const field of form.fields.filter((f) => f.type !== 'hidden' && f.type !== 'fixed')) {
        const label = field.label ?? field.var!;
        const group =
          field.type === 'list-multi' || (field.type === 'list-single' && field.options.length <= 4);
        const control = group
          ? page.getByRole('group', { name: label })
          : page.getByLabel(label, { exact: true });
        await expect(control.first(), `${field.var}`).toBeVisible();
      }
      await checkBothSchemes(page, `${server.toLowerCase()}-room-config`);
      await tabTo(page, page.getByRole('button', { name: 'Save' }), 80);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('submitted')).not.toBeEmpty();
      assert.deepEqual(await submitted(page), submitValues(form, initialValues(form)));
      await page.context().close();
    });
  }

  it('a result form shows its fields and its reported items as a table', async () => {
    const page = await open(formOf(RESULT_XML));
    await expect(page.getByRole('columnheader', { name: 'Address' })).toBeVisible();
    await expect(page.getByRole('row')).toHaveCount(3);
    await expect(page.getByRole('cell', { name: 'romeo@montague.lit' })).toBeVisible();
    await expect(page.getByText('Yes', { exact: true })).toBeVisible();
    // Remote text is text: the <b> of the XML's escaped value is shown, not made bold.
    await expect(page.getByText('<b>not bold</b>')).toBeVisible();
    await checkBothSchemes(page, 'result');
    await page.context().close();
  });
});
