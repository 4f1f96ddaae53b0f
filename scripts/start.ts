// `npm start`: the Electron app where its binary exists; otherwise (an offline machine like ours, where
// Electron cannot download it) says so and starts browser mode: the same engine behind a loopback page.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../electron/core/engine.ts';
import { keytarBackend } from '../electron/core/credentials.ts';
import { startBrowserHost } from '../electron/browser-host/browser-host.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary's path if it is installed, else the reason it is not. */
export function electronBinary(): { path: string } | { missing: string } {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    if (typeof binary === 'string' && existsSync(binary)) return { path: binary };
    return { missing: 'the Electron binary is not installed (it downloads on first use)' };
  } catch (error) {
    return { missing: `the Electron binary is unavailable (${(error as Error).message.split('\n')[0]})` };
  }
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** Where browser mode keeps settings: the same place the desktop app would (per OS conventions). */
function dataDir(): string {
  if (process.env.PARLEY_DATA_DIR) return process.env.PARLEY_DATA_DIR;
  if (process.platform === 'darwin')
    return path.join(os.homedir(), 'Library', 'Application Support', 'Parley');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'Parley');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'Parley');
}

export async function buildRenderer(): Promise<string> {
  const out = path.join(root, 'out', 'renderer');
  if (!existsSync(path.join(out, 'index.html')) || process.env.PARLEY_REBUILD) {
    const code = await run(process.execPath, [
      path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(root, 'renderer', 'vite.config.ts'),
      '--logLevel',
      'warn',
    ]);
    if (code !== 0) throw new Error('building the renderer failed');
  }
  return out;
}

export async function startBrowserMode(options: { port?: number; engine?: Engine } = {}) {
  const rendererDir = await buildRenderer();
  const engine =
    options.engine ?? (await Engine.create({ dataDir: dataDir(), secretBackends: [keytarBackend()] }));
  const host = await startBrowserHost({ engine, rendererDir, port: options.port });
  const stop = async () => {
    await host.close();
    await engine.dispose();
  };
  return { host, engine, stop };
}

async function main(): Promise<void> {
  const electron = electronBinary();
  if ('path' in electron && !process.env.PARLEY_BROWSER_MODE) {
    process.exit(
      await run(process.execPath, [
        path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
        'preview',
      ]),
    );
  }
  if ('missing' in electron) console.warn(`Parley: ${electron.missing}; starting browser mode instead.`);
  const { host, stop } = await startBrowserMode({ port: Number(process.env.PARLEY_PORT ?? 0) });
  process.stdout.write(`Parley is running at ${host.url}\n`);
  const shutdown = () => void stop().finally(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
