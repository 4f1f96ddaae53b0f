// The test entry (`npm test` = `node scripts/run-tests.ts [node --test options] [files...]`).
//
// The credential tests need a real, unlocked Secret Service (README: Commands). When no D-Bus session
// bus is set and dbus-run-session + gnome-keyring-daemon exist, this script re-runs itself inside a private
// `dbus-run-session`, starts a throwaway gnome-keyring-daemon there (its keyring lives in a temp folder, unlocked
// with a fixed test password, never the user's keyring), runs `node --test`, then stops the daemon and deletes
// the folder. Either way it ends with node --test's exit code.
//
// Two servers: the whole run goes against the harness Prosody, then the server suites among the targets
// (the files whose imports reach e2e/harness/server.ts: e2e/harness/server-suites.ts) run again with
// PARLEY_SERVER=ejabberd. The exit code is non-zero if either pass fails. With PARLEY_SERVER set, only that
// server's pass runs (every target, on that server).
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverSuites } from '../e2e/harness/server-suites.ts';
import { SERVER_KINDS, type ServerKind } from '../e2e/harness/server.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');
const DEFAULT_TARGETS = [
  'shared/**/*.test.ts',
  'electron/**/*.test.ts',
  'e2e/**/*.test.ts',
  'scripts/**/*.test.ts',
  'renderer/**/*.test.ts',
];
// No --test-force-exit: it ends a test file's process while tests are still to run there, and node:test then
// counts the file as passed (seen: history-store.test.ts reporting 26 to 33 of its 33 tests, and a failing
// roster test never reported). A teardown that hangs is stopped by the run's time budget below instead.
const BASE_OPTIONS = [
  '--test',
  '--test-concurrency=2',
  '--test-timeout=180000',
  // spec for people, plus a check that every test that started also finished (see that file).
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  `--test-reporter=${fileURLToPath(new URL('./unfinished-tests-reporter.ts', import.meta.url))}`,
  '--test-reporter-destination=stderr',
];
/** Set by the outer run for the inner one; 'ready' tells the keychain tests a working keyring was set up for them. */
const MARKER = 'PARLEY_TEST_KEYRING';
const KEYRING_PASSWORD = 'parley'; // unlocks a keyring created for this run only

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** Resolves with an exit code; a child killed by a signal counts as 128 + signal number, like a shell. */
function waitExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`run-tests: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? osConstants.signals[signal] : 1));
    });
  });
}

/**
 * SIGINT/SIGTERM/SIGHUP are passed on to the running child instead of killing this process before the child
 * (and the keyring cleanup) is done. A child started as a process-group leader gets the signal as a group:
 * dbus-run-session does not stop its dbus-daemon when it is killed itself. A signal that arrives between
 * children is remembered, so startup stops early and cleans up.
 */
let running: { child: ChildProcess; group: boolean } | null = null;
let interrupted: NodeJS.Signals | null = null;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    interrupted ??= signal;
    if (!running) return;
    const { child, group } = running;
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  });
}

async function runChild(child: ChildProcess, group = false): Promise<number> {
  running = { child, group };
  try {
    return await waitExit(child);
  } finally {
    running = null;
  }
}

function interruptedCode(): number {
  return 128 + (interrupted ? osConstants.signals[interrupted] : 0);
}

function nameHasOwner(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      { timeout: 2000 },
      (error, stdout) => resolve(!error && /boolean true/.test(stdout)),
    );
  });
}

interface Keyring {
  stop(): Promise<void>;
}

/** Starts gnome-keyring-daemon (secrets only) in this D-Bus session and waits until it owns the Secret Service name. */
async function startKeyring(): Promise<Keyring> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-keyring-'));
  const daemon = spawn(
    'gnome-keyring-daemon',
    ['--foreground', '--unlock', '--components=secrets', `--control-directory=${path.join(dir, 'control')}`],
    { env: { ...process.env, XDG_DATA_HOME: dir }, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  daemon.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = waitExit(daemon);
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  daemon.stdin?.end(KEYRING_PASSWORD);

  const stop = async (): Promise<void> => {
    if (alive) {
      daemon.kill('SIGTERM');
      const timer = setTimeout(() => daemon.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const canAsk = onPath('dbus-send');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && alive && !interrupted) {
    if (canAsk ? await nameHasOwner('org.freedesktop.secrets') : true) {
      if (!canAsk) await new Promise((r) => setTimeout(r, 500)); // no way to ask: give it a moment
      return { stop };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  if (interrupted) throw new Error(`interrupted by ${interrupted}`);
  throw new Error(
    alive
      ? 'gnome-keyring-daemon did not take the Secret Service name within 10 s'
      : `gnome-keyring-daemon exited early: ${stderr.trim() || 'no message'}`,
  );
}

/**
 * Builds the renderer once before the run, so browser-mode suites test the current UI and parallel test
 * files never race to build it. PARLEY_SKIP_RENDERER_BUILD=1 skips it (e.g. when iterating on core tests).
 */
async function buildRenderer(env: NodeJS.ProcessEnv): Promise<number> {
  if (env.PARLEY_SKIP_RENDERER_BUILD === '1') return 0;
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const config = path.join(ROOT, 'renderer', 'vite.config.ts');
  const child = spawn(process.execPath, [vite, 'build', '--config', config, '--logLevel', 'warn'], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  return runChild(child);
}

/** One `node --test` over `targets` (files or globs), under the run's time budget. */
async function nodeTest(
  options: readonly string[],
  targets: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  if (interrupted) return interruptedCode();
  // Its own process group, so the time budget (and Ctrl+C) reaches the per-file test processes too.
  const child = spawn(process.execPath, [...BASE_OPTIONS, ...options, ...targets], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
    detached: true,
  });
  const budgetMs = Number(process.env.PARLEY_TEST_BUDGET_MINUTES ?? 20) * 60_000;
  let overBudget = false;
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let killer: NodeJS.Timeout | undefined;
  const watchdog = setTimeout(() => {
    overBudget = true;
    console.error(
      `run-tests: the tests ran past their ${budgetMs / 60_000} min budget (a hung test or teardown?)`,
    );
    // SIGTERM to node --test first: it then names the files and tests still running ("Interrupted while
    // running"). Whatever is left after a few seconds is killed with the group.
    try {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    killer = setTimeout(killGroup, 15_000);
  }, budgetMs);
  try {
    const code = await runChild(child, true);
    if (overBudget) killGroup(); // its per-file processes too
    return overBudget ? 124 : code;
  } finally {
    clearTimeout(watchdog);
    clearTimeout(killer);
  }
}

interface Pass {
  server: ServerKind;
  what: string;
  targets: readonly string[];
}

/** Prosody over every target, then ejabberd over the server suites; or just the server PARLEY_SERVER names. */
function plan(targets: readonly string[], env: NodeJS.ProcessEnv): Pass[] {
  const chosen = env.PARLEY_SERVER?.trim();
  if (chosen) {
    if (!(SERVER_KINDS as readonly string[]).includes(chosen))
      throw new Error(`PARLEY_SERVER must be one of ${SERVER_KINDS.join(', ')}; got '${chosen}'`);
    return [{ server: chosen as ServerKind, what: 'the tests', targets }];
  }
  const suites = serverSuites(ROOT, targets);
  return [
    { server: 'prosody', what: 'the tests', targets },
    ...(suites.length > 0
      ? [{ server: 'ejabberd' as const, what: `${suites.length} server suites`, targets: suites }]
      : []),
  ];
}

async function runTests(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (interrupted) return interruptedCode();
  const built = await buildRenderer(env);
  if (built !== 0) {
    console.error('run-tests: building the renderer failed');
    return built;
  }
  const options = args.filter((arg) => arg.startsWith('-'));
  const files = args.filter((arg) => !arg.startsWith('-'));
  const passes = plan(files.length > 0 ? files : DEFAULT_TARGETS, env);
  const results: string[] = [];
  let exitCode = 0;
  for (const pass of passes) {
    const label = `${pass.what} against ${pass.server}`;
    console.log(`\nrun-tests: ${label}\n`);
    const started = Date.now();
    const code = await nodeTest(options, pass.targets, { ...env, PARLEY_SERVER: pass.server });
    const seconds = Math.round((Date.now() - started) / 1000);
    results.push(`run-tests: ${label}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s`);
    if (exitCode === 0) exitCode = code;
    if (interrupted) break;
  }
  if (passes.length > 1) console.log(`\n${results.join('\n')}`);
  else console.log(results[0] ?? '');
  return exitCode;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);

  if (!process.env.DBUS_SESSION_BUS_ADDRESS && !process.env[MARKER]) {
    if (onPath('dbus-run-session') && onPath('gnome-keyring-daemon')) {
      if (interrupted) return interruptedCode();
      const child = spawn('dbus-run-session', ['--', process.execPath, ...process.execArgv, SELF, ...args], {
        cwd: ROOT,
        env: { ...process.env, [MARKER]: 'session' },
        stdio: 'inherit',
        detached: true, // its own process group, so a signal reaches dbus-daemon and the keyring too
      });
      return runChild(child, true);
    }
    console.warn(
      'run-tests: no D-Bus session and no dbus-run-session/gnome-keyring-daemon: the keychain tests will be skipped',
    );
    return runTests(args, process.env);
  }

  if (process.env[MARKER] === 'session' && process.env.DBUS_SESSION_BUS_ADDRESS) {
    let keyring: Keyring;
    try {
      keyring = await startKeyring();
    } catch (error) {
      console.warn(
        `run-tests: could not start a test keyring (${(error as Error).message}); keychain tests will skip`,
      );
      return runTests(args, { ...process.env, [MARKER]: 'failed' });
    }
    try {
      return await runTests(args, { ...process.env, [MARKER]: 'ready' });
    } finally {
      await keyring.stop();
    }
  }

  return runTests(args, process.env);
}

process.exitCode = await main();
