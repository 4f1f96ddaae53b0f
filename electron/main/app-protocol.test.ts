import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  createAppProtocolHandler,
  isAppUrl,
} from './app-protocol.ts';

describe('parley://app/ protocol handler', () => {
  let base: string;
  let root: string;
  let handle: (request: Request) => Promise<Response>;

  before(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'parley-protocol-'));
    root = path.join(base, 'renderer');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Parley</title>');
    await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(path.join(root, 'assets', 'app.css'), 'body{}');
    await writeFile(path.join(root, 'assets', 'logo.svg'), '<svg/>');
    await writeFile(path.join(base, 'secret.txt'), 'outside the root');
    await symlink(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
    handle = createAppProtocolHandler(root);
  });
  after(() => rm(base, { recursive: true, force: true }));

  const get = (url: string) => handle(new Request(url));

  it('registers the scheme as standard and secure', () => {
    assert.equal(APP_SCHEME_PRIVILEGES.scheme, 'parley');
    assert.equal(APP_SCHEME_PRIVILEGES.privileges?.standard, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges?.secure, true);
    assert.notEqual(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP, true);
  });

  it('serves files with the right MIME type and the strict CSP', async () => {
    for (const [url, type] of [
      ['parley://app/index.html', 'text/html; charset=utf-8'],
      ['parley://app/', 'text/html; charset=utf-8'],
      ['parley://app/assets/app.js', 'text/javascript; charset=utf-8'],
      ['parley://app/assets/app.css', 'text/css; charset=utf-8'],
      ['parley://app/assets/logo.svg', 'image/svg+xml'],
    ] as const) {
      const response = await get(url);
      assert.equal(response.status, 200, url);
      assert.equal(response.headers.get('content-type'), type, url);
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    }
    assert.equal(await (await get('parley://app/index.html')).text(), '<!doctype html><title>Parley</title>');
  });

  it('has exactly the required CSP directives, with no unsafe sources', () => {
    assert.equal(
      CONTENT_SECURITY_POLICY,
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe/);
  });

  it('refuses path traversal in every spelling', async () => {
    for (const url of [
      'parley://app/%2e%2e/secret.txt',
      'parley://app/assets/%2e%2e/%2e%2e/secret.txt',
      'parley://app/..%2fsecret.txt',
      'parley://app/assets%2f..%2f..%2fsecret.txt',
      'parley://app/..%5csecret.txt',
      'parley://app/index.html%00.png',
    ]) {
      const response = await get(url);
      assert.ok(response.status === 403 || response.status === 400 || response.status === 404, url);
      assert.notEqual(await response.text(), 'outside the root', url);
    }
    // The URL parser folds a literal "../" to the root: it can never name a file outside it.
    assert.equal((await get('parley://app/../secret.txt')).status, 404);
  });

  it('refuses a symlink that leads out of the root', async () => {
    assert.equal((await get('parley://app/assets/link.txt')).status, 403);
  });

  it('answers 404 for unknown files, directories and other hosts', async () => {
    assert.equal((await get('parley://app/nope.js')).status, 404);
    assert.equal((await get('parley://app/assets')).status, 404);
    assert.equal((await get('parley://evil/index.html')).status, 404);
    const notFound = await get('parley://app/nope.js');
    assert.equal(notFound.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  });

  it('refuses methods other than GET and HEAD', async () => {
    assert.equal(
      (await handle(new Request('parley://app/index.html', { method: 'POST', body: 'x' }))).status,
      405,
    );
  });

  it('isAppUrl recognises only our origin', () => {
    assert.equal(isAppUrl('parley://app/index.html#/chat/a%40b'), true);
    assert.equal(isAppUrl('parley://app.evil/index.html'), false);
    assert.equal(isAppUrl('parley://evil/index.html'), false);
    assert.equal(isAppUrl('https://app/index.html'), false);
    assert.equal(isAppUrl('file:///index.html'), false);
    assert.equal(isAppUrl('not a url'), false);
  });
});
