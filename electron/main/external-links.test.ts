import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenExternal } from './external-links.ts';

describe('openExternal', () => {
  function setup(fail = false) {
    const opened: string[] = [];
    const openExternal = createOpenExternal({
      openExternal: async (url: string) => {
        if (fail) throw new Error('no handler');
        opened.push(url);
      },
    });
    return { opened, openExternal };
  }

  it('opens http, https, mailto and xmpp URLs', async () => {
    const { opened, openExternal } = setup();
    for (const url of [
      'http://example.org/',
      'https://example.org/a?b#c',
      'mailto:a@example.org',
      'xmpp:a@example.org',
    ]) {
      assert.equal(await openExternal(url), true, url);
    }
    assert.equal(opened.length, 4);
  });

  it('never hands other schemes or unparseable text to the shell', async () => {
    const { opened, openExternal } = setup();
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'data:text/html,<script>alert(1)</script>',
      'parley://app/index.html',
      'example.org',
      '',
    ]) {
      assert.equal(await openExternal(url), false, url);
    }
    assert.deepEqual(opened, []);
  });

  it('reports a shell failure as false, without throwing', async () => {
    const { openExternal } = setup(true);
    assert.equal(await openExternal('https://example.org/'), false);
  });
});
