// `npm start`: the Electron app where its binary exists; otherwise (an offline machine like ours, where
// Electron cannot download it) says so and starts browser mode: the same engine behind a loopback page.
// `npm start -- 'xmpp:…'` in browser mode hands the link to the Parley already running on this data folder
// and exits, or starts one that opens the link once its page is up (running-instance.ts).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../electron/core/engine.ts';
import { keytarBackend } from '../electron/core/credentials.ts';
import { startBrowserHost } from '../electron/browser-host/browser-host.ts';
import { uriFromArgv } from '../electron/main/protocol-links.ts';
import { electronBinary } from './electron-binary.ts';
import {
  AlreadyRunningError,
  findRunning,
  linksAfterFirstPage,
  passLinkToRunning,
  serveLinks,
} from './running-instance.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

/** The version About shows: package.json's (the desktop app asks Electron, which reads the same field). */
function appVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'dev';
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

export async function startBrowserMode(options: { port?: number; engine?: Engine; links?: boolean } = {}) {
  const rendererDir = await buildRenderer();
  const engine =
    options.engine ??
    (await Engine.create({
      dataDir: dataDir(),
      appVersion: appVersion(),
      secretBackends: [keytarBackend()],
    }));
  // `npm start` (not tests) takes links from later runs, and holds one back until a page is up.
  const links = options.links ? linksAfterFirstPage(engine) : null;
  const host = await startBrowserHost({ engine: links?.engine ?? engine, rendererDir, port: options.port });
  let served: Awaited<ReturnType<typeof serveLinks>> | null = null;
  try {
    served = links ? await serveLinks(dataDir(), links.open, host.url) : null;
  } catch (error) {
    // Another Parley took this data folder meanwhile: leave it be.
    await host.close();
    await engine.dispose();
    throw error;
  }
  const stop = async () => {
    await served?.close();
    await host.close();
    await engine.dispose();
  };
  return { host, engine, stop, openLink: links?.open ?? null };
}

/** `npm start -- 'xmpp:…'` with Parley running: the link goes to it. False when none runs. */
async function passToRunning(link: string): Promise<boolean> {
  const answer = await passLinkToRunning(dataDir(), link);
  if (answer === null) return false;
  if (answer.ok) process.stdout.write('Parley: the link was passed to the Parley already running.\n');
  else process.stderr.write(`Parley: the running Parley refused the link: ${answer.error}\n`);
  process.exit(answer.ok ? 0 : 1);
}

/** A second `npm start` without a link must not take over the running one's links: it points at it. */
function alreadyRunning(page: string | null): never {
  const where = page ? ` at ${page}\nOpen that page, or stop that Parley first.` : '. Stop it first.';
  process.stderr.write(`Parley already runs on this data folder${where}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const link = uriFromArgv(process.argv.slice(2));
  const electron = electronBinary();
  if ('path' in electron && !process.env.PARLEY_BROWSER_MODE) {
    process.exit(
      await run(process.execPath, [
        path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
        'preview',
      ]),
    );
  }
  if ('missing' in electron) {
    // Said before anything could try to fetch the binary, and as what it is: not an error to fix.
    process.stdout.write(
      `Parley: no desktop app on this machine: ${electron.missing}, and it cannot be downloaded from here.\n` +
        'Parley: starting browser mode instead: the same app, in your browser, at the address below.\n',
    );
  }
  if (link && (await passToRunning(link))) return;
  const running = await findRunning(dataDir());
  if (running) alreadyRunning(running.page);
  const started = await startBrowserMode({ port: Number(process.env.PARLEY_PORT ?? 0), links: true }).catch(
    (error: unknown) => {
      if (error instanceof AlreadyRunningError) alreadyRunning(error.page);
      throw error;
    },
  );
  const { host, stop, openLink } = started;
  if (link && openLink) {
    const opened = await openLink(link);
    if (!opened.ok) process.stderr.write(`Parley: that link cannot be opened: ${opened.error}\n`);
  }
  // One write: whoever reads the address (a person, a test) gets how to stop it with it.
  process.stdout.write(
    `Parley is running at ${host.url}\nOpen it in a browser on this machine. Stop Parley with Ctrl+C.\n`,
  );
  const shutdown = () => void stop().finally(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
