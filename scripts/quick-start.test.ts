// The README's first quick-start command, as a newcomer runs it: a clean clone in a temp folder, the machine's
// own PATH (the system's Node 20, so Node 24 is fetched into the clone's .tools/), `./parley demo` until it
// prints the address; Chromium opens it and sees the demo account signed in with its buddies; Ctrl+C stops
// it. Then `./parley setup demo` again finds nothing to install. Needs the npm registry (as CI does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/harness/chromium.ts';

const repo = path.resolve(import.meta.dirname, '..');
/**
 * The environment of a fresh shell on this machine: its own variables (CA bundle settings included), without
 * what this test run adds: npm's lifecycle variables (npm_config_nodedir among them) and Node 24 from our
 * .tools/ or node_modules/.bin on PATH.
 */
const freshEnv = (): NodeJS.ProcessEnv => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const path = (process.env.PATH ?? '').split(':').filter((dir) => !/\/\.tools\/|node_modules/.test(dir));
  return { ...env, PATH: path.join(':') };
};

test('./parley demo from a clean clone reaches a signed-in demo; Ctrl+C stops it', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-clone-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  execFileSync('git', ['clone', '--quiet', repo, dir]);
  const demo = spawn('./parley', ['demo'], { cwd: dir, env: freshEnv(), detached: true });
  t.after(() => {
    if (demo.exitCode === null && demo.signalCode === null) process.kill(-demo.pid!, 'SIGKILL');
  });
  let output = '';
  demo.stdout.on('data', (data: Buffer) => (output += data.toString()));
  demo.stderr.on('data', (data: Buffer) => (output += data.toString()));
  // 'close', not 'exit': by then all of its output has been read.
  const exited = new Promise<number | null>((resolve) => demo.on('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within 10 min:\n${output}`)), 600_000);
    demo.stdout.on('data', () => {
      const found = /Parley is running at (\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`./parley demo exited with ${code}:\n${output}`)));
  });
  assert.match(output, /Demo account you@\S+ \(password \S+\) is signed in/);
  assert.match(output, /Stop the demo with Ctrl\+C/);

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page
      .getByRole('status', { name: 'Connection' })
      .getByText(/^Online as you@/)
      .waitFor();
    await page.getByRole('treeitem', { name: /^Alice, / }).waitFor();
    await page.getByRole('treeitem', { name: /^Bob, / }).waitFor();
  } finally {
    await browser.close();
  }

  process.kill(-demo.pid!, 'SIGINT'); // what Ctrl+C sends to the terminal's process group
  assert.equal(await exited, 0, output);

  const again = execFileSync('./parley', ['setup', 'demo'], { cwd: dir, env: freshEnv() }).toString();
  assert.doesNotMatch(again, /installing/, 'nothing is installed twice');
  assert.match(again, /ready \(node v24\./);
  // The same Node in the user's own shell, without an export line.
  const shell = execFileSync('bash', ['-c', 'eval "$(./parley env)" && node -v'], {
    cwd: dir,
    env: freshEnv(),
  });
  assert.match(shell.toString(), /^v24\./);
});

/** A clean clone anyone may read (the not-root case runs as 'nobody'); removed after the test. */
async function cloneForAll(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-clone-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  execFileSync('git', ['clone', '--quiet', repo, dir]);
  await chmod(dir, 0o755);
  return dir;
}

/** Runs ./parley ARGS in `dir` as `user` (default: this one); its exit code and all it printed. */
function runParley(dir: string, args: string[], env: NodeJS.ProcessEnv, user?: string) {
  const [command, argv] = user ? ['runuser', ['-u', user, '--', './parley', ...args]] : ['./parley', args];
  const result = spawnSync(command, argv as string[], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('not root and a Debian package missing: it says which and the apt-get line to run as root', async (t) => {
  const dir = await cloneForAll(t);
  const env = { ...freshEnv(), PARLEY_EXTRA_PACKAGES: 'parley-no-such-package' };
  const { status, output } = runParley(dir, ['setup', 'demo'], env, 'nobody');
  assert.equal(status, 1, output);
  assert.match(output, /these Debian packages are missing: parley-no-such-package\. Install them as root:/);
  assert.match(output, /apt-get update && apt-get install -y --no-install-recommends parley-no-such-package/);
});

test('the npm registry out of reach: it says it could not download Node 24, and where to look', async (t) => {
  const dir = await cloneForAll(t);
  // Nothing listens on port 1; no retries, so the answer comes at once; an empty cache, so npm must ask.
  const env: NodeJS.ProcessEnv = {
    ...freshEnv(),
    npm_config_registry: 'http://127.0.0.1:1/',
    npm_config_fetch_retries: '0',
    npm_config_prefer_offline: 'false',
    npm_config_cache: path.join(dir, '.empty-npm-cache'),
  };
  const { status, output } = runParley(dir, ['setup', 'demo'], env);
  assert.equal(status, 1, output);
  assert.match(
    output,
    /could not download Node 24 from the npm registry \(see \.tools-install\.log\): is the registry reachable\?/,
  );
});
