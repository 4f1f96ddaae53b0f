// Real proxies from Debian for the engine's proxy path: microsocks (SOCKS5, RFC 1928, no authentication)
// and tinyproxy (HTTP CONNECT), each on a loopback port chosen at run time, tinyproxy with a temp config
// that lets only the given ports be CONNECTed to. Both die with the test process (exec.ts tracks them).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ProxySettings } from '../../shared/account-commands.ts';
import { removeAtExit, forgetTempDir, terminate, which } from './exec.ts';
import { freePort, HOST, spawnService, tail, type ServiceProcess } from './server-launch.ts';

export interface HarnessProxy {
  readonly settings: ProxySettings;
  /** What the proxy printed (tinyproxy logs each CONNECT request: see connectRequests). */
  output(): string;
  /** Stops the proxy: every tunnel through it closes. */
  stop(): Promise<void>;
}

/** Whether the Debian binaries are here (`./parley setup` installs them). */
export function proxiesInstalled(): boolean {
  return which('microsocks') !== null && which('tinyproxy') !== null;
}

/** microsocks on a free loopback port. */
export async function startSocks5Proxy(): Promise<HarnessProxy> {
  return startOnFreePort('socks5', async (port) => ({
    service: spawnService('microsocks', ['-i', HOST, '-p', String(port)], null, { cwd: os.tmpdir() }),
  }));
}

/** tinyproxy on a free loopback port, allowing CONNECT to `connectPorts` only (its ConnectPort list). */
export async function startHttpConnectProxy(connectPorts: readonly number[]): Promise<HarnessProxy> {
  return startOnFreePort('http', async (port) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-tinyproxy-'));
    removeAtExit(dir);
    const config = [
      `Port ${port}`,
      `Listen ${HOST}`,
      'Timeout 60',
      `Allow ${HOST}`,
      'MaxClients 50',
      'LogLevel Connect',
      ...connectPorts.map((p) => `ConnectPort ${p}`),
    ].join('\n');
    await writeFile(path.join(dir, 'tinyproxy.conf'), `${config}\n`);
    const service = spawnService('tinyproxy', ['-d', '-c', path.join(dir, 'tinyproxy.conf')], null, {
      cwd: dir,
    });
    return {
      service,
      cleanup: async () => {
        forgetTempDir(dir);
        await rm(dir, { recursive: true, force: true });
      },
    };
  });
}

/** CONNECT requests tinyproxy logged for host:port. */
export function connectRequests(proxy: HarnessProxy, authority: string): number {
  const line = `CONNECT ${authority} HTTP/1.1`;
  return proxy
    .output()
    .split('\n')
    .filter((l) => l.endsWith(line)).length;
}

async function startOnFreePort(
  type: ProxySettings['type'],
  launch: (port: number) => Promise<{ service: ServiceProcess; cleanup?: () => Promise<void> }>,
): Promise<HarnessProxy> {
  let lastFailure = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const { service, cleanup } = await launch(port);
    if (await listening(port, service)) {
      return {
        settings: { type, host: HOST, port },
        output: () => service.output(),
        stop: async () => {
          await terminate(service.proc);
          await cleanup?.();
        },
      };
    }
    lastFailure = `${service.exited() ?? 'not listening'}: ${tail(service.output(), 5)}`;
    await terminate(service.proc);
    await cleanup?.();
  }
  throw new Error(`the ${type} proxy did not start: ${lastFailure}`);
}

/** Polls until something accepts on HOST:port (up to 5 s) or the process ended. */
async function listening(port: number, service: ServiceProcess): Promise<boolean> {
  const until = Date.now() + 5_000;
  while (Date.now() < until && service.exited() === null) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: HOST, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
