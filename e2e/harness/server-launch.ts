// What starting any harness server has in common: free loopback ports, handing the temp dir to the
// service user, spawning the process so it dies with us, and waiting until its ports answer as *our*
// server (its certificate) — or failing with what its log says.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chown, readdir, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { caSigned, selfSigned } from './certs.ts';
import type { CertificateFiles, IssuedCertificate } from './certs.ts';
import { serviceCommand, terminate, track } from './exec.ts';
import type { UserIds } from './exec.ts';
import { probeDirectTls, probeStartTls } from './probe.ts';
import type { CommonServerOptions } from './server.ts';

export const HOST = '127.0.0.1';

/** A port that was free a moment ago (bind 127.0.0.1:0, read, close). Racy by nature: callers retry. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the bound port'));
      });
    });
  });
}

/** `count` distinct ports that were free a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Hands the temp dir to the service user so the server can read its keys and write its data. */
export async function chownTree(dir: string, user: UserIds | null): Promise<void> {
  if (!user) return;
  const walk = async (p: string): Promise<void> => {
    await chown(p, user.uid, user.gid);
    if ((await stat(p)).isDirectory()) {
      for (const entry of await readdir(p)) await walk(path.join(p, entry));
    }
  };
  await walk(dir);
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The server could not bind a port (someone took it between freePort() and the start): try others. */
export class PortTakenError extends Error {}

/** What the server's log says about its start: a port it could not bind, or errors that make it unusable. */
export type LogVerdict = { portTaken: string } | { fatal: string } | null;

const OUTPUT_KEEP = 16 * 1024; // stdout/stderr tail kept for error messages; the log file has the rest

export interface ServiceProcess {
  proc: ChildProcess;
  /** The last few KiB of stdout/stderr (config errors land here before logging is set up). */
  output(): string;
  /** How the process ended ('exit code 1', 'signal SIGKILL'...), or null while it runs. */
  exited(): string | null;
}

/** Spawns `cmd` as `user` in its own process group, tracked so it dies with this Node process. */
export function spawnService(
  cmd: string,
  args: string[],
  user: UserIds | null,
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): ServiceProcess {
  const launch = serviceCommand(cmd, args, user);
  const proc = spawn(launch.cmd, launch.args, {
    cwd: opts.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.env ? { env: opts.env } : {}),
    ...launch.ids,
  });
  track(proc);
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString('utf8')).slice(-OUTPUT_KEEP);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let exited: string | null = null;
  proc.once('exit', (code, signal) => {
    exited = `exit code ${code ?? 'none'}${signal ? `, signal ${signal}` : ''}`;
  });
  proc.once('error', (err) => (exited = `spawn error: ${err.message}`));
  return { proc, output: () => output, exited: () => exited };
}

function exitsWithin(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    proc.once('exit', onExit);
  });
}

export interface ReadyCheck {
  service: ServiceProcess;
  domain: string;
  c2sPort: number;
  directTlsPort: number;
  /** The fingerprint both TLS ports must present. */
  fingerprint256: string;
  /** More things that must answer (name -> probe that throws until it does). */
  extraProbes?: Map<string, () => Promise<unknown>>;
  readLog(): string;
  judgeLog(log: string): LogVerdict;
  /** Builds the error thrown when the start fails (with the log's tail). */
  failure(what: string, exit: string): Error;
  timeoutMs: number;
}

/**
 * Resolves once the STARTTLS and direct TLS ports present our certificate and every extra probe answers;
 * kills the process and throws PortTakenError or a failure() otherwise.
 */
export async function waitUntilReady(c: ReadyCheck): Promise<void> {
  const { proc, exited } = c.service;
  const deadline = Date.now() + c.timeoutMs;
  const pending = new Map<string, () => Promise<unknown>>([
    [`STARTTLS port ${c.c2sPort}`, () => presents(probeStartTls(HOST, c.c2sPort, c.domain, 2000))],
    [
      `direct TLS port ${c.directTlsPort}`,
      () => presents(probeDirectTls(HOST, c.directTlsPort, c.domain, 2000)),
    ],
    ...(c.extraProbes ?? []),
  ]);
  const presents = async (probe: Promise<{ fingerprint256: string }>): Promise<void> => {
    const { fingerprint256 } = await probe;
    if (fingerprint256 !== c.fingerprint256) {
      throw new Error(`presented certificate ${fingerprint256}, expected ${c.fingerprint256}`);
    }
  };
  const lastError = new Map<string, string>();
  for (;;) {
    const verdict = c.judgeLog(c.readLog());
    if (verdict && 'portTaken' in verdict) {
      await terminate(proc);
      throw new PortTakenError(verdict.portTaken);
    }
    const ended = exited();
    if (ended !== null) throw c.failure('exited during startup', ended);
    // Anything logged at error level during startup (bad module, unreadable cert...) is fatal:
    // a half-configured server makes for confusing test failures later. A server that is about to exit
    // over it (ejabberd logs the critical line, then stops) gets a moment to, so its exit code is told.
    if (verdict) {
      if (await exitsWithin(proc, 1000)) {
        throw c.failure(`exited during startup: ${verdict.fatal}`, exited() ?? 'exited');
      }
      await terminate(proc);
      throw c.failure(`logged errors during startup: ${verdict.fatal}`, 'killed');
    }
    for (const [name, probe] of pending) {
      try {
        await probe();
        pending.delete(name);
      } catch (err) {
        lastError.set(name, (err as Error).message);
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      await terminate(proc);
      const waiting = [...pending.keys()].map((n) => `${n}: ${lastError.get(n) ?? 'no answer'}`).join('; ');
      throw c.failure(
        `was not ready within ${c.timeoutMs / 1000} s — ${waiting}`,
        exited() ?? 'still running, killed',
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How a harness server says it could not start: what failed, with the tails of its log and its output. */
export function startFailure(
  name: string,
  logPath: string,
  readLog: () => string,
  output: () => string,
): (what: string, exit: string) => Error {
  return (what, exit) => {
    const log = readLog().trim() ? `\n--- last 40 lines of ${logPath} ---\n${tail(readLog(), 40)}` : '';
    const printed = output();
    const out = printed.trim() ? `\n--- ${name} stdout/stderr ---\n${tail(printed, 20)}` : '';
    return new Error(`${name} ${what} (${exit}).${log}${out}`);
  };
}

/** The leaf a harness server presents: self-signed, or issued by a fresh CA (`caPem`, for clients to trust). */
export async function issueCertificate(
  certDir: string,
  domain: string,
  kind: CommonServerOptions['certificate'],
): Promise<{ leaf: IssuedCertificate; caPem: string | null }> {
  if (kind !== 'ca-signed') return { leaf: await selfSigned(certDir, domain, domain), caPem: null };
  const issued = await caSigned(certDir, domain, domain);
  return { leaf: issued.leaf, caPem: issued.ca.certPem };
}

export function publicPart(c: IssuedCertificate): CertificateFiles {
  return { certPem: c.certPem, keyPem: c.keyPem, fingerprint256: c.fingerprint256 };
}

type StartFailure = (what: string, exit: string) => Error;

/**
 * Starts a server on `count` free loopback ports, and again on fresh ones (up to `attempts` in all) while
 * another process takes one of them between the check and the bind (PortTakenError).
 */
export async function startOnFreePorts(
  count: number,
  attempts: number,
  start: (ports: number[], attempt: number) => Promise<void>,
  failure: StartFailure,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePorts(count), attempt);
    } catch (err) {
      if (!(err instanceof PortTakenError)) throw err;
      if (attempt >= attempts)
        throw failure(`could not bind its ports after ${attempt} attempts: ${err.message}`, 'killed');
    }
  }
}

/** Stops a server and starts it again with a fresh config on the same ports (a port lost meanwhile fails). */
export async function restartOnSamePorts(
  steps: { stop(): Promise<void>; writeConfig(): Promise<void>; launch(): Promise<void> },
  failure: StartFailure,
): Promise<void> {
  await steps.stop();
  await steps.writeConfig();
  try {
    await steps.launch();
  } catch (err) {
    if (err instanceof PortTakenError) throw failure(`could not rebind its ports: ${err.message}`, 'killed');
    throw err;
  }
}
