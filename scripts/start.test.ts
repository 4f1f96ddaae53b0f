// `npm start` on a machine without the Electron binary: it says so in its own words, before anything tries
// to download the binary (Electron's index.js would print "Downloading Electron binary… fetch failed" and
// advise reinstalling), then serves browser mode. And the binary lookup itself, on made-up package folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { electronBinary } from './electron-binary.ts';

const repo = path.resolve(import.meta.dirname, '..');

test('electronBinary: no package, no path.txt, a missing file, and a runnable binary', async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'parley-electron-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  assert.match((electronBinary(root) as { missing: string }).missing, /not installed \(run npm ci\)/);
  const pkg = path.join(root, 'node_modules', 'electron');
  await mkdir(path.join(pkg, 'dist'), { recursive: true });
  await writeFile(path.join(pkg, 'package.json'), '{}');
  assert.match((electronBinary(root) as { missing: string }).missing, /downloads it on first use/);
  await writeFile(path.join(pkg, 'path.txt'), 'electron');
  assert.match((electronBinary(root) as { missing: string }).missing, /dist\/electron is missing/);
  await writeFile(path.join(pkg, 'dist', 'electron'), '#!/bin/sh\n');
  await chmod(path.join(pkg, 'dist', 'electron'), 0o755);
  assert.deepEqual(electronBinary(root), { path: path.join(pkg, 'dist', 'electron') });
});

const here = electronBinary();
test(
  'npm start without the Electron binary says so plainly and starts browser mode',
  { skip: 'path' in here && 'this machine has the Electron binary, so npm start opens the app instead' },
  async (t) => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-start-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const child = spawn(process.execPath, [path.join(repo, 'scripts', 'start.ts')], {
      cwd: repo,
      env: { ...process.env, PARLEY_DATA_DIR: dataDir, PARLEY_PORT: '0' },
    });
    t.after(() => void child.kill('SIGTERM'));
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address within 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', () => {
        const found = /Parley is running at (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    assert.match(output, /no desktop app on this machine: the Electron binary is not here/);
    assert.match(output, /starting browser mode instead/);
    assert.match(output, /Stop Parley with Ctrl\+C/);
    assert.doesNotMatch(
      output,
      /Downloading Electron|fetch failed|install-electron|node_modules\/electron`/i,
    );
    const page = await fetch(url.replace(/#.*/, ''));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">|<script/);
  },
);
