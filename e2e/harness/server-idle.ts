// Waits until a harness server process has stopped working (its CPU time stands still), so a benchmark step
// does not measure what the server still owes the step before it (a sign-out's unavailable presence to
// 10,000 contacts, a closed session's smacks queue); and the CPU time it used, to show what share of a
// figure is the server's. Linux only: reads /proc/<pid>/stat (times in clock ticks, 100 per second).
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** utime + stime of a process, in clock ticks (1/100 s on Linux). */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5)
}

/** CPU time (user + system) the process in `pidFile` has used so far, in ms (10 ms resolution). */
export async function processCpuMs(pidFile: string): Promise<number> {
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  return (await cpuTicks(pid)) * 10;
}

/**
 * Resolves once the process whose pid is in `pidFile` used at most one clock tick of CPU in `quietMs`, or
 * after `timeoutMs` (then false: the server never went quiet).
 */
export async function waitForIdle(pidFile: string, quietMs = 200, timeoutMs = 10_000): Promise<boolean> {
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  const deadline = Date.now() + timeoutMs;
  let before = await cpuTicks(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = await cpuTicks(pid);
    if (now - before <= 1) return true;
    before = now;
  }
  return false;
}

/** The harness Prosody's pid file; any harness server's is `server.pidFile` (Prosody and ejabberd alike). */
export const prosodyPidFile = (server: { dir: string }): string => path.join(server.dir, 'prosody.pid');
