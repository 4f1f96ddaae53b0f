// Browser-mode benches measure the renderer as it is in the working tree: rebuild it, then start Debian's
// Chromium with the project's flags (e2e/harness/chromium.ts).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/harness/chromium.ts';
import { buildRenderer } from '../start.ts';

export async function rebuildRendererAndLaunchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const before = process.env.PARLEY_REBUILD;
  process.env.PARLEY_REBUILD = '1';
  try {
    await buildRenderer();
  } finally {
    if (before === undefined) delete process.env.PARLEY_REBUILD;
    else process.env.PARLEY_REBUILD = before;
  }
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}
