// `npm run bench -- accounts [runs]`: several accounts in one engine, against the harness Prosody on loopback.
// Ten accounts, each with a 200-contact roster, signed in at once (first invoke -> every account online with
// its roster) beside one account alone in the same run (the baseline: ten at once should cost at most twice
// one), and the engine heap each signed-in idle account costs (after GC, ten minus none, divided by ten).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startProsody, type ProsodyServer } from '../../e2e/harness/prosody.ts';
import { seedRoster } from '../../e2e/harness/roster-seed.ts';
import { xml } from '@xmpp/xml';
import { Engine } from '../../electron/core/engine.ts';
import { openRawSession } from '../../e2e/harness/raw-session.ts';
import { processCpuMs, prosodyPidFile, waitForIdle } from '../../e2e/harness/server-idle.ts';
import { median, report } from './_stats.ts';

const ACCOUNTS = 10;
const CONTACTS = 200;
const PASSWORD = 'bench-accounts';
const user = (i: number) => `acct${i}`;

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function withEngine<T>(server: ProsodyServer, work: (engine: Engine) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-bench-accounts-'));
  const engine = await Engine.create({ dataDir, extraCertificates: [server.certificate.certPem] });
  try {
    return await work(engine);
  } finally {
    await engine.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Signs the accounts in at once; resolves when all are online with their rosters (sign-in awaits it). */
async function signInAll(engine: Engine, server: ProsodyServer, users: string[]): Promise<void> {
  const results = await Promise.all(
    users.map((u) =>
      engine.invoke('account.signIn', {
        jid: `${u}@${server.domain}`,
        password: PASSWORD,
        host: server.host,
        port: server.c2sPort,
      }),
    ),
  );
  for (const r of results) if (!r.ok) throw new Error(`sign-in failed: ${r.error.message}`);
  const snap = await engine.invoke('state.snapshot', {});
  if (!snap.ok) throw new Error(snap.error.message);
  for (const u of users) {
    const account = snap.value.accounts.find((a) => a.account === `${u}@${server.domain}`);
    if (account?.roster.length !== CONTACTS) throw new Error(`${u}: roster not complete`);
  }
}

/**
 * The same protocol steps with bare sessions and nothing else (sign in, fetch the roster, send initial
 * presence): the server's share, which on one single-threaded Prosody grows with the accounts signing in.
 */
async function rawSignIn(server: ProsodyServer, users: string[]): Promise<number> {
  const start = performance.now();
  const sessions = await Promise.all(
    users.map(async (u) => {
      const raw = await openRawSession(server, { jid: `${u}@${server.domain}`, password: PASSWORD }, 'raw');
      const reply = await raw.iq.request('get', null, xml('query', { xmlns: 'jabber:iq:roster' }));
      if (reply.getChild('query')?.getChildren('item').length !== CONTACTS) throw new Error('raw roster');
      await raw.session.send(xml('presence'));
      return raw.session;
    }),
  );
  const elapsed = performance.now() - start;
  await Promise.all(sessions.map((s) => s.close()));
  return elapsed;
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 5);
  const users = Array.from({ length: ACCOUNTS }, (_, i) => user(i));
  const server = await startProsody({ accounts: users.map((u) => ({ user: u, password: PASSWORD })) });
  try {
    for (const u of users) {
      await seedRoster(
        server,
        u,
        Array.from({ length: CONTACTS }, (_, c) => ({
          jid: `${u}-friend${c}@${server.domain}`,
          name: `Friend ${c}`,
          groups: [`Group ${c % 7}`],
          subscription: 'both' as const,
        })),
      );
    }
    const single: number[] = [];
    const all: number[] = [];
    const rawSingle: number[] = [];
    const rawAll: number[] = [];
    const cpuSingle: number[] = [];
    const cpuAll: number[] = [];
    const perAccountMb: number[] = [];
    const pidFile = prosodyPidFile(server);
    /** Runs one measured step from an idle server: its wall time, and the CPU time Prosody spent meanwhile. */
    const step = async <T>(work: () => Promise<T>) => {
      if (!(await waitForIdle(pidFile))) console.warn('accounts bench: Prosody never went idle');
      const cpu = await processCpuMs(pidFile);
      const start = performance.now();
      const result = await work();
      const ms = performance.now() - start;
      return { ms, result, serverCpuMs: (await processCpuMs(pidFile)) - cpu };
    };
    // One warm-up round, then `runs` measured ones; each engine starts cold (new data folder, no cache).
    for (let run = 0; run <= runs; run++) {
      const one = await withEngine(server, (engine) => step(() => signInAll(engine, server, [users[0]!])));
      const ten = await withEngine(server, async (engine) => {
        const before = heapAfterGc();
        const measured = await step(() => signInAll(engine, server, users));
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // idle: presence probes answered
        engine.flushEvents();
        perAccountMb.push((heapAfterGc() - before) / ACCOUNTS / 2 ** 20);
        return measured;
      });
      const rawOne = await step(() => rawSignIn(server, [users[0]!]));
      const rawTen = await step(() => rawSignIn(server, users));
      if (run === 0) continue;
      single.push(one.ms);
      all.push(ten.ms);
      cpuSingle.push(one.serverCpuMs);
      cpuAll.push(ten.serverCpuMs);
      rawSingle.push(rawOne.result); // up to online (the step also holds closing the sessions)
      rawAll.push(rawTen.result);
    }
    const figure = (metric: string, values: number[], unit: string, extra: Record<string, unknown> = {}) =>
      report({
        metric,
        value: Number(median(values).toFixed(2)),
        unit,
        samples: values.map((v) => Number(v.toFixed(2))),
        ...extra,
      });
    figure('accounts_single_login_ms', single, 'ms', { contacts: CONTACTS });
    figure('accounts_all_online_ms', all, 'ms', {
      accounts: ACCOUNTS,
      contacts: CONTACTS,
      ratio_to_single: Number((median(all) / median(single)).toFixed(2)),
    });
    figure('accounts_raw_single_login_ms', rawSingle, 'ms', { contacts: CONTACTS, via: 'bare session' });
    figure('accounts_raw_all_online_ms', rawAll, 'ms', {
      accounts: ACCOUNTS,
      contacts: CONTACTS,
      via: 'bare sessions',
      ratio_to_single: Number((median(rawAll) / median(rawSingle)).toFixed(2)),
    });
    // Prosody runs on one thread: ten sign-ins at once cannot take less wall time than its CPU time for them.
    figure('accounts_server_cpu_single_ms', cpuSingle, 'ms', {
      what: 'Prosody CPU time (user + system, 10 ms ticks) while one account signed in',
    });
    figure('accounts_server_cpu_all_ms', cpuAll, 'ms', {
      accounts: ACCOUNTS,
      what: 'Prosody CPU time while the ten signed in at once: a floor for accounts_all_online_ms',
      ratio_to_single: Number((median(cpuAll) / Math.max(1, median(cpuSingle))).toFixed(2)),
    });
    figure('accounts_engine_heap_mb_per_account', perAccountMb.slice(1), 'MB', { accounts: ACCOUNTS });
  } finally {
    await server.stop();
  }
}
