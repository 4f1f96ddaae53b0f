// `npm run bench -- login [runs]`: sign-in time against the harness Prosody on loopback, from connect to
// online with the roster received, for Parley's engine and, in the same run, for stock @xmpp/client 0.14;
// and Parley over WebSocket (RFC 7395) beside Parley over TCP, on the same server in the same run (sign-ins
// alternate between the two), on Prosody and on ejabberd.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody, type ProsodyServer } from '../../e2e/harness/prosody.ts';
import { startServer, type ServerKind, type XmppServer } from '../../e2e/harness/server.ts';
import { Engine } from '../../electron/core/engine.ts';
import { median, percentile, report } from './_stats.ts';

const USER = 'bench';
const PASSWORD = 'bench-password';

type Transport = 'tcp' | 'websocket';

/** Sign-in times over each transport, alternating between them sign-in by sign-in (same server, same run). */
async function parleyRuns(
  server: XmppServer,
  runs: number,
  transports: readonly Transport[] = ['tcp'],
): Promise<Record<Transport, number[]>> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-bench-'));
  const engine = await Engine.create({ dataDir, extraCertificates: [server.certificate.certPem] });
  const times: Record<Transport, number[]> = { tcp: [], websocket: [] };
  const where = (transport: Transport) =>
    transport === 'tcp'
      ? { host: server.host, port: server.c2sPort }
      : { transport: 'websocket' as const, websocketUrl: server.websocketUrl! };
  try {
    for (let i = 0; i < runs + 2; i++) {
      for (const transport of transports) {
        const start = performance.now();
        const result = await engine.invoke('account.signIn', {
          jid: `${USER}@${server.domain}`,
          password: PASSWORD,
          ...where(transport),
        });
        const elapsed = performance.now() - start;
        if (!result.ok) throw new Error(`sign-in failed: ${result.error.message}`);
        if (i >= 2) times[transport].push(elapsed); // the first two warm up the JIT and module caches
        await engine.invoke('account.signOut', { account: `${USER}@${server.domain}` });
      }
    }
  } finally {
    await engine.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
  return times;
}

/**
 * Stock @xmpp/client in a child process. It has no TLS options, so that process trusts the harness
 * certificate through NODE_EXTRA_CA_CERTS (adds a root; verification stays on).
 */
async function stockRuns(server: ProsodyServer, runs: number): Promise<number[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-bench-stock-'));
  const caFile = path.join(dir, 'ca.pem');
  await writeFile(caFile, server.certificate.certPem);
  const script = `
    import { client, xml } from '@xmpp/client';
    const times = [];
    for (let i = 0; i < ${runs + 2}; i++) {
      const xmpp = client({ service: 'xmpp://${server.host}:${server.c2sPort}', domain: '${server.domain}',
        username: '${USER}', password: '${PASSWORD}', resource: 'stock' });
      xmpp.reconnect.stop();
      xmpp.on('error', () => {});
      const start = performance.now();
      await xmpp.start();
      await xmpp.iqCaller.get(xml('query', { xmlns: 'jabber:iq:roster' }));
      const elapsed = performance.now() - start;
      if (i >= 2) times.push(elapsed);
      await xmpp.stop();
    }
    process.stdout.write(JSON.stringify(times));
  `;
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: process.cwd(),
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('exit', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`stock client failed (${code}): ${err}`)),
      );
    });
    return JSON.parse(output) as number[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 30);
  const figure = (client: string, server: string, mechanism: string, times: number[], transport = 'tcp') =>
    report({
      metric: 'login_ms',
      client,
      server,
      transport,
      mechanism,
      value: Number(median(times).toFixed(2)),
      unit: 'ms',
      median: Number(median(times).toFixed(2)),
      p90: Number(percentile(times, 90).toFixed(2)),
      min: Number(Math.min(...times).toFixed(2)),
      runs: times.length,
    });
  // Prosody offers the SCRAM variant matching its password_hash. Stock xmpp.js only speaks SCRAM-SHA-1
  // (and falls back to PLAIN over TLS), so the like-for-like comparison is on the SHA-1 server.
  for (const hash of ['SHA-256', 'SHA-1'] as const) {
    const server = await startProsody({ passwordHash: hash, accounts: [{ user: USER, password: PASSWORD }] });
    try {
      const label = `prosody password_hash=${hash}`;
      figure('parley', label, `SCRAM-${hash}`, (await parleyRuns(server, runs)).tcp);
      figure(
        '@xmpp/client 0.14 (stock)',
        label,
        hash === 'SHA-1' ? 'SCRAM-SHA-1' : 'PLAIN',
        await stockRuns(server, Math.min(runs, 15)),
      );
    } finally {
      await server.stop();
    }
  }
  // WebSocket beside TCP on each server kind (Prosody's mod_websocket, ejabberd's ejabberd_http_ws).
  for (const kind of ['prosody', 'ejabberd'] as const satisfies readonly ServerKind[]) {
    const server = await startServer(kind, {
      websocket: true,
      accounts: [{ user: USER, password: PASSWORD }],
    });
    try {
      const times = await parleyRuns(server, runs, ['tcp', 'websocket']);
      for (const transport of ['tcp', 'websocket'] as const) {
        figure('parley', `${kind} (SHA-256)`, 'SCRAM-SHA-256', times[transport], transport);
      }
    } finally {
      await server.stop();
    }
  }
}
