// A real ejabberd 23.01 (Debian's) on loopback for end-to-end tests, shaped like the harness Prosody:
// throwaway config, Mnesia spool, certificate and logs in a temp dir, ports picked at runtime, run as the
// `ejabberd` user, accounts registered before the server is handed out, torn down after.
//
// The VM is started as ejabberdctl's `foreground` would start it, but without the script and without
// Erlang distribution: setpriv execs `erl`, which execs beam, so the child we hold is the server itself
// (SIGTERM stops it cleanly, the parent-death signal kills it if we die) and nothing listens but our three
// loopback ports — no epmd, no distribution port, no cookie to guard. The node is `nonode@nohost`, so
// `ejabberdctl` cannot attach to it; accounts go through mod_http_api instead (ejabberd-config.ts).
import { existsSync, readFileSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { selfSigned } from './certs.ts';
import type { IssuedCertificate } from './certs.ts';
import {
  MNESIA_TO_MEMORY,
  renderEjabberdConfig,
  renderMnesiaSchema,
  WEBSOCKET_PATH,
} from './ejabberd-config.ts';
import type { EjabberdExtra } from './ejabberd-config.ts';
import { forgetTempDir, removeAtExit, serviceUser, terminate, which } from './exec.ts';
import {
  chownTree,
  HOST,
  issueCertificate,
  publicPart,
  restartOnSamePorts,
  spawnService,
  startFailure,
  startOnFreePorts,
  tail,
  waitUntilReady,
} from './server-launch.ts';
import type { LogVerdict, ServiceProcess } from './server-launch.ts';
import type { CommonServerOptions, XmppServer } from './server.ts';

export interface EjabberdOptions extends CommonServerOptions, EjabberdExtra {}

export interface EjabberdServer extends XmppServer {
  readonly kind: 'ejabberd';
  /** mod_http_api on loopback (the commands in ejabberd-config.ts's API_COMMANDS only). */
  apiPort: number;
  /** Runs an API command (POST /api/<command> with `body` as JSON); throws on an error status. */
  api(command: string, body: Record<string, string>): Promise<void>;
}

const EJABBERDCTL = '/usr/sbin/ejabberdctl';
const READY_TIMEOUT_MS = 20_000;
/** A clean stop takes ~2.5 s (the VM's shutdown after ejabberd's own); a restart must not lose Mnesia writes. */
const STOP_GRACE_MS = 10_000;
const START_ATTEMPTS = 3;

/**
 * Once ejabberd runs, its log handler is opened again without OTP's default delayed_write (which holds
 * lines up to 2 s), so log() shows what just happened: tests count connections in it. Same file, same
 * formatting; lines of the start are flushed when the old handler closes.
 */
const UNBUFFERED_LOG = [
  '{ok, Handler} = logger:get_handler_config(ejabberd_log),',
  'ok = logger:remove_handler(ejabberd_log),',
  'Config = maps:get(config, Handler),',
  'Kept = maps:with([file, max_no_bytes, max_no_files, file_check], Config),',
  'ok = logger:add_handler(ejabberd_log, logger_std_h,',
  '  (maps:with([level, filters, filter_default, formatter], Handler))',
  '  #{config => Kept#{modes => [raw, append, {delayed_write, 1, 1}]}}).',
].join(' ');

/** Where Debian keeps ejabberd's Erlang applications: ejabberdctl's own ERL_LIBS. */
function erlLibs(): string {
  const script = readFileSync(EJABBERDCTL, 'utf8');
  const match = /^ERL_LIBS='([^']+)'/m.exec(script);
  if (!match?.[1]) throw new Error(`could not find ERL_LIBS in ${EJABBERDCTL}`);
  return match[1];
}

/** Port conflicts and errors in ejabberd's log ("<time> [error] <pid>@module:fun/arity:line message"). */
function judgeLog(log: string): LogVerdict {
  const lines = log.split('\n');
  const taken = lines.filter((l) => /Failed to open socket at .*address already in use/.test(l));
  if (taken.length > 0) return { portTaken: tail(taken.join('\n'), 2) };
  const errors = lines.filter((l) => / \[(error|critical|alert|emergency)\] /.test(l));
  return errors.length > 0 ? { fatal: errors.slice(0, 3).join(' | ') } : null;
}

export async function startEjabberd(options: EjabberdOptions = {}): Promise<EjabberdServer> {
  if (!existsSync(EJABBERDCTL) || !which('erl')) {
    throw new Error(
      'ejabberd is not installed: run `apt-get install -y ejabberd` (Debian) to use the e2e harness with it',
    );
  }
  const libs = erlLibs();
  const domain = options.domain ?? 'parley.test';
  const mucDomain = options.muc === false ? null : `rooms.${domain}`;
  const user = await serviceUser('ejabberd');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-ejabberd-'));
  removeAtExit(dir);
  const configPath = path.join(dir, 'ejabberd.yml');
  const certDir = path.join(dir, 'certs');
  const pemPath = path.join(certDir, 'ejabberd.pem');
  const spoolDir = path.join(dir, 'spool');
  const logPath = path.join(dir, 'logs', 'ejabberd.log');
  const pidFile = path.join(dir, 'ejabberd.pid');
  const bootedFile = path.join(dir, 'booted');

  let service: ServiceProcess | null = null;
  let stopped = false;
  let ports = { c2s: 0, directTls: 0, api: 0, https: null as number | null };
  let cert: IssuedCertificate;

  const readLog = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  const writeConfig = async (): Promise<void> => {
    // ejabberd wants the key and the certificate in one file.
    await writeFile(pemPath, `${cert.keyPem.trimEnd()}\n${cert.certPem}`, { mode: 0o600 });
    await writeFile(
      configPath,
      renderEjabberdConfig({
        domain,
        certFile: pemPath,
        c2sPort: ports.c2s,
        directTlsPort: ports.directTls,
        apiPort: ports.api,
        passwordHash: options.passwordHash ?? 'SHA-256',
        requireEncryption: options.requireEncryption ?? true,
        debug: Boolean(process.env.PARLEY_EJABBERD_DEBUG),
        extraConfig: options.extraConfig ?? {},
        extraListeners: options.extraListeners ?? [],
        httpsPort: ports.https,
        mucDomain,
      }),
    );
    await chownTree(dir, user);
  };

  const failure = startFailure('ejabberd', logPath, readLog, () => service?.output() ?? '');

  const api = async (command: string, body: Record<string, string>): Promise<void> => {
    const response = await fetch(`http://${HOST}:${ports.api}/api/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) {
      const who = body.user ? ` ${body.user}@${domain}` : '';
      throw new Error(`ejabberd ${command}${who} failed (HTTP ${response.status}): ${text}`);
    }
  };

  /** Spawns the VM and waits until every port answers as our server; throws PortTakenError on bind failure. */
  const launch = async (): Promise<void> => {
    await rm(logPath, { force: true });
    await rm(bootedFile, { force: true });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      HOME: dir,
      EJABBERD_CONFIG_PATH: configPath,
      EJABBERD_LOG_PATH: logPath,
      EJABBERD_PID_PATH: pidFile,
      ERL_LIBS: libs,
      ERL_CRASH_DUMP: path.join(dir, 'logs', 'erl_crash.dump'),
      ERL_CRASH_DUMP_BYTES: '0',
    };
    const args = [
      // ejabberdctl's VM flags, minus busy-waiting schedulers: many servers share two cores in a test run.
      ...['+K', 'true', '+P', '250000', '+sbwt', 'none', '+sbwtdcpu', 'none', '+sbwtdio', 'none'],
      ...['-noinput', '-noshell', '-mnesia', 'dir', JSON.stringify(spoolDir)],
      // Only critical messages on stdout (kept for errors); the log file has everything.
      ...['-ejabberd', 'quiet', 'true', '-s', 'ejabberd', '-eval', UNBUFFERED_LOG, '-eval', MNESIA_TO_MEMORY],
      // Last: the VM has run every boot step and now answers SIGTERM at once (during them it waits).
      ...['-eval', `ok = file:write_file(${JSON.stringify(bootedFile)}, <<>>).`],
    ];
    service = spawnService('erl', args, user, { cwd: dir, env });
    await waitUntilReady({
      service,
      domain,
      c2sPort: ports.c2s,
      directTlsPort: ports.directTls,
      fingerprint256: cert.fingerprint256,
      extraProbes: new Map<string, () => Promise<unknown>>([
        [`HTTP API port ${ports.api}`, () => api('status', {})],
        ['the end of its boot steps', () => access(bootedFile)],
      ]),
      readLog,
      judgeLog,
      failure,
      timeoutMs: READY_TIMEOUT_MS,
    });
  };

  const stopChild = async (graceMs: number): Promise<void> => {
    const proc = service?.proc;
    service = null;
    if (proc) await terminate(proc, graceMs);
  };

  const server: EjabberdServer = {
    kind: 'ejabberd',
    domain,
    mucDomain,
    host: HOST,
    c2sPort: 0,
    directTlsPort: 0,
    apiPort: 0,
    certificate: { certPem: '', keyPem: '', fingerprint256: '' },
    caPem: null,
    dir,
    pidFile,
    api,
    register: (name, password) => api('register', { user: name, host: domain, password }),
    unregister: (name) => api('unregister', { user: name, host: domain }),
    async replaceCertificate() {
      cert = await selfSigned(certDir, domain, domain);
      server.certificate = publicPart(cert);
      await server.restart();
      return server.certificate;
    },
    restart: () => restartOnSamePorts({ stop: () => stopChild(STOP_GRACE_MS), writeConfig, launch }, failure),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild(0); // its data is deleted next: no clean shutdown needed
      forgetTempDir(dir);
      await rm(dir, { recursive: true, force: true });
    },
    log: readLog,
  };

  try {
    await Promise.all([certDir, spoolDir, path.dirname(logPath)].map((d) => mkdir(d)));
    await writeFile(path.join(spoolDir, 'ejabberd.schema'), renderMnesiaSchema());
    ({ leaf: cert, caPem: server.caPem } = await issueCertificate(certDir, domain, options.certificate));
    server.certificate = publicPart(cert);

    await startOnFreePorts(
      options.websocket ? 4 : 3,
      START_ATTEMPTS,
      async ([c2s, directTls, apiPort, https = null]) => {
        ports = { c2s: c2s!, directTls: directTls!, api: apiPort!, https };
        await writeConfig();
        await launch();
      },
      failure,
    );
    server.c2sPort = ports.c2s;
    server.directTlsPort = ports.directTls;
    server.apiPort = ports.api;
    if (ports.https !== null) {
      server.httpsPort = ports.https;
      server.websocketUrl = `wss://${HOST}:${ports.https}${WEBSOCKET_PATH}`;
    }
    for (const a of options.accounts ?? []) await server.register(a.user, a.password);
    return server;
  } catch (err) {
    await stopChild(0).catch(() => undefined);
    forgetTempDir(dir);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}
