import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { confirmWithDialog, createOpenExternal } from './external-links.ts';

describe('openExternal', () => {
  function setup(options: { fail?: boolean; answer?: boolean } = {}) {
    const opened: string[] = [];
    const asked: string[] = [];
    const openExternal = createOpenExternal(
      {
        openExternal: async (url: string) => {
          if (options.fail) throw new Error('no handler');
          opened.push(url);
        },
      },
      async (url) => {
        asked.push(url);
        return options.answer ?? true;
      },
    );
    return { opened, asked, openExternal };
  }

  it('opens http and https at once, mailto and xmpp once the user agrees', async () => {
    const { opened, asked, openExternal } = setup();
    for (const url of [
      'http://example.org/',
      'https://example.org/a?b#c',
      'mailto:a@example.org',
      'xmpp:a@example.org',
    ]) {
      assert.equal(await openExternal(url), true, url);
    }
    assert.equal(opened.length, 4);
    assert.deepEqual(asked, ['mailto:a@example.org', 'xmpp:a@example.org']);
  });

  it('a declined question opens nothing', async () => {
    const { opened, openExternal } = setup({ answer: false });
    assert.equal(await openExternal('mailto:a@example.org'), false);
    assert.equal(await openExternal('https://example.org/'), true, 'web links are not asked about');
    assert.deepEqual(opened, ['https://example.org/']);
  });

  it('hands the OS the parsed, normalised URL, never the raw string', async () => {
    const { opened, openExternal } = setup();
    assert.equal(await openExternal('HTTPS://Example.ORG/a/../b?q=ä'), true);
    assert.deepEqual(opened, ['https://example.org/b?q=%C3%A4']);
  });

  it('never hands other schemes, unsafe characters or unparseable text to the shell', async () => {
    const { opened, asked, openExternal } = setup();
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'data:text/html,<script>alert(1)</script>',
      'parley://app/index.html',
      'example.org',
      '',
      'https://example.org/ --flag',
      'https://example.org/"quoted"',
      "https://example.org/'x'",
      'https://example.org/a\tb',
      'https://example.org/\u0000',
      'https://example.org\\evil.test/',
      'https://example.org/<b>',
      'mailto:a@example.org\nBcc: all@example.org',
    ]) {
      assert.equal(await openExternal(url), false, JSON.stringify(url));
    }
    assert.deepEqual(opened, []);
    assert.deepEqual(asked, [], 'nothing refused was even asked about');
  });

  it('reports a shell failure as false, without throwing', async () => {
    const { openExternal } = setup({ fail: true });
    assert.equal(await openExternal('https://example.org/'), false);
  });

  it('the question: Cancel by default and on Esc, the URL shown whole, Open only when chosen', async () => {
    const shown: Electron.MessageBoxOptions[] = [];
    const dialog = (response: number) => ({
      showMessageBox: async (options: Electron.MessageBoxOptions) => {
        shown.push(options);
        return { response, checkboxChecked: false };
      },
    });
    assert.equal(await confirmWithDialog(dialog(0) as never)('mailto:a@example.org'), true);
    assert.equal(await confirmWithDialog(dialog(1) as never)('mailto:a@example.org'), false);
    assert.deepEqual(shown[0]!.buttons, ['Open', 'Cancel']);
    assert.equal(shown[0]!.defaultId, 1);
    assert.equal(shown[0]!.cancelId, 1);
    assert.equal(shown[0]!.detail, 'mailto:a@example.org');
  });
});
