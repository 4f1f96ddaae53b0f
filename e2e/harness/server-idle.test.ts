// The idle check the benchmarks wait on, against real processes: one sleeping, one spinning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { processCpuMs, waitForIdle } from './server-idle.ts';

async function withProcess(script: string, check: (pidFile: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-idle-'));
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  try {
    const pidFile = path.join(dir, 'pid');
    await writeFile(pidFile, `${child.pid}\n`);
    await check(pidFile);
  } finally {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

test('a sleeping process is idle; a spinning one is not, and its CPU time grows', async () => {
  await withProcess('setTimeout(() => {}, 60_000)', async (pidFile) => {
    await new Promise((resolve) => setTimeout(resolve, 300)); // past its start-up
    assert.equal(await waitForIdle(pidFile, 100, 2_000), true);
  });
  await withProcess('for (;;) {}', async (pidFile) => {
    const before = await processCpuMs(pidFile);
    assert.equal(await waitForIdle(pidFile, 100, 600), false);
    // About 600 ms of one core when the machine is free; a busy one (other test files) may give it far
    // less, and any growth shows the counter is read.
    assert.ok((await processCpuMs(pidFile)) - before >= 50, 'the spinner used CPU time');
  });
});
