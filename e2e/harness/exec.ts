// Small process helpers shared by the harness modules: run a command to completion, find a binary,
// and make sure every long-lived child we start dies with the Node process.
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';
import path from 'node:path';

/** Runs a command and resolves with stdout; rejects with the command line, exit code and stderr. */
export function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; user?: UserIds | null } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const ids = opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {};
    execFile(
      cmd,
      args,
      { timeout: opts.timeoutMs ?? 30_000, encoding: 'utf8', ...ids },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException & { code?: unknown }).code;
          reject(
            new Error(
              `${cmd} ${args.join(' ')} failed (exit ${String(code)}): ${stderr || stdout || err.message}`,
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** Absolute path of an executable found on PATH, or null. */
export function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

export interface UserIds {
  name: string;
  uid: number;
  gid: number;
}

/** The system user to run a service as when we are root (Prosody refuses root), else null. */
export async function serviceUser(name: string): Promise<UserIds | null> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const uid = Number((await run('id', ['-u', name])).trim());
  const gid = Number((await run('id', ['-g', name])).trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`cannot resolve user ${name}`);
  return { name, uid, gid };
}

// Children are spawned detached (own process group) so one group kill also reaches anything they
// started themselves.
const live = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

const tempDirs = new Set<string>();

/** Kills what is still running and removes temp dirs left behind by tests that forgot to stop. */
function cleanup(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  tempDirs.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
}

/** Removes `dir` when the process exits, unless forgetTempDir() is called first. */
export function removeAtExit(dir: string): void {
  tempDirs.add(dir);
  hookExit();
}

export function forgetTempDir(dir: string): void {
  tempDirs.delete(dir);
}

function onSignal(signal: NodeJS.Signals): void {
  cleanup();
  // Keep the default behaviour (terminate) when nobody else handles this signal.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/**
 * Command line that runs `cmd` as `user` and dies with us even if we are SIGKILLed: setpriv execs in
 * place (the child we signal and reap is the server itself, unlike runuser, which forks, delays
 * SIGTERM by 2 s and leaves zombies) and sets the parent-death signal after dropping privileges.
 * Without setpriv, fall back to spawn's uid/gid and rely on the exit hooks below.
 */
export function serviceCommand(
  cmd: string,
  args: string[],
  user: UserIds | null,
): { cmd: string; args: string[]; ids: object } {
  if (which('setpriv')) {
    const drop = user ? ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups'] : [];
    return { cmd: 'setpriv', args: ['--pdeathsig', 'KILL', ...drop, '--', cmd, ...args], ids: {} };
  }
  return { cmd, args, ids: user ? { uid: user.uid, gid: user.gid } : {} };
}

/** Registers a detached child so it is killed (best effort) when this Node process exits. */
export function track(child: ChildProcess): void {
  live.add(child);
  // A test that forgets stop() must not hang the run: let Node exit, the exit hook kills the child.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as { unref?: () => void } | null)?.unref?.();
  child.once('exit', () => live.delete(child));
  hookExit();
}

/** SIGTERM the child's process group, SIGKILL after graceMs; resolves once it has exited. */
export function terminate(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // track() unref'd the child; until it has exited it must keep the event loop alive, or Node may end
    // with this promise pending (once the SIGKILL timer has fired, nothing else would hold the loop).
    child.ref();
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // Make sure nothing the child started survives it.
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // group already empty
      }
      resolve();
    });
    killGroup(child, 'SIGTERM');
  });
}
