// `npm run bench -- hostile [runs] [stanzas]`: the hostile generator (e2e/hostile/generator.ts, seed 9) into
// one signed-in engine through the rogue server on loopback (no real server in the loop: the figures are the
// engine's), e2e/hostile/run-generator.ts doing the work generator.test.ts asserts on. Default 3 runs of
// 100,000 stanzas, a fresh engine each; medians over the runs, each run's own figure in `runs_values`.
//
// Figures (one JSON line each):
//   hostile_stanzas_per_s    stanzas / (last stanza handled - first write); every 5,000 the writer waits
//                            until the engine has handled them (a ping it answers in order).
//   hostile_peak_heap_mb     the largest heapUsed seen while stanzas flow (sampled every 250 ms, no GC).
//   hostile_heap_growth_mb   heapUsed after a full GC once all are handled, minus the same once signed in.
//   hostile_invoke_max_ms    the slowest state.snapshot of the run (one every 250 ms while stanzas flow).
// Then, when scripts/bench/hostile-render.ts is there, its figures (the longest main-thread task with hostile
// bodies on screen in browser mode).
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runGenerator, type GeneratorRun } from '../../e2e/hostile/run-generator.ts';
import { median, percentile, report } from './_stats.ts';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function figure(metric: string, unit: string, values: number[], extra: Record<string, unknown>): void {
  report({
    metric,
    value: round(median(values)),
    unit,
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    runs_values: values.map((v) => round(v)),
    ...extra,
  });
}

export async function main(args: string[]): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 3));
  const count = Math.max(1_000, Number(args[1] ?? 100_000));
  const results: GeneratorRun[] = [];
  for (let run = 0; run < runs; run++) results.push(await runGenerator({ count, seed: 9 }));
  const extra = { stanzas: count, runs, load_average_1m: round(os.loadavg()[0]!, 2) };
  figure(
    'hostile_stanzas_per_s',
    'stanzas/s',
    results.map((r) => r.stanzasPerSecond),
    extra,
  );
  figure(
    'hostile_peak_heap_mb',
    'MB',
    results.map((r) => r.peakHeapMb),
    extra,
  );
  figure(
    'hostile_heap_growth_mb',
    'MB',
    results.map((r) => r.heapGrowthMb),
    extra,
  );
  const samples = results.flatMap((r) => r.invokeMs);
  figure(
    'hostile_invoke_max_ms',
    'ms',
    results.map((r) => Math.max(...r.invokeMs)),
    {
      ...extra,
      samples: samples.length,
      p99_ms: round(percentile(samples, 99), 2),
    },
  );

  const render = fileURLToPath(new URL('./hostile-render.ts', import.meta.url));
  if (existsSync(render)) {
    const { benchHostileRender } = (await import(pathToFileURL(render).href)) as {
      benchHostileRender(): Promise<void>;
    };
    await benchHostileRender();
  } else {
    console.warn('hostile: scripts/bench/hostile-render.ts is not there: no render figures');
  }
}
