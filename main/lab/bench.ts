/**
 * `tessera bench`: how fast the engine is. One evaluation per case on one thread (warm: the design already
 * resolved, as in a sweep or an edit of the workload; cold: checked and resolved again, as after a design
 * edit), and a batch of evaluations across the worker pool. Prints a table and the change since the last run
 * (kept in bench-results/engine.json); `--json` prints one object with `evaluationsPerSecond` per case.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CatalogIndex } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import type { DesignDocument } from '../../engine/schema/design';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { createEngineProcess } from '../services/create-engine-process';
import { EnginePool } from '../services/engine-pool';
import type { SweepPoint, SweepVariant } from '../services/engine-jobs';
import type { SweepSpec } from '../../engine/sweep/spec';
import { SweepRun } from '../services/sweep-run';
import { benchServing, servingTable, type ServingBenchResult } from './bench-serving';
import { loadCatalog, table, UsageError, type Streams } from '../app/command-line';

interface Case {
  name: string;
  preset: string;
  workload: Workload;
}

export interface BenchResult {
  name: string;
  /** Evaluations per second on one thread. */
  evaluationsPerSecond: number;
  microsecondsPerEvaluation: number;
  /** Including the design check and resolve stage (a design edit). */
  coldEvaluationsPerSecond?: number;
}

const cases: Case[] = [
  { name: 'Llama-3-8B on H100 SXM', preset: 'nvidia-h100-sxm', workload: defaultWorkload('llama-3-8b') },
  {
    name: 'Llama-3-70B TP8 on 8×H100 (DGX H100)',
    preset: 'nvidia-dgx-h100',
    workload: {
      ...defaultWorkload('llama-3-70b'),
      parallelism: { mode: 'manual', tensor: 8, pipeline: 1, expert: 1 },
    },
  },
  { name: 'Mixtral 8x7B on H200 SXM', preset: 'nvidia-h200-sxm', workload: defaultWorkload('mixtral-8x7b') },
];

function timeLoop(seconds: number, body: () => void): { iterations: number; seconds: number } {
  // Measure the steady state: V8 needs a few thousand calls to optimise the engine's hot paths.
  for (let warm = 0; warm < 5000; warm += 1) body();
  const start = performance.now();
  let iterations = 0;
  while (performance.now() - start < seconds * 1000) {
    for (let batch = 0; batch < 50; batch += 1) body();
    iterations += 50;
  }
  return { iterations, seconds: (performance.now() - start) / 1000 };
}

function singleThread(catalog: CatalogIndex, benchCase: Case, seconds: number): BenchResult {
  const preset = catalog.presets.get(benchCase.preset);
  if (!preset) throw new UsageError(`bench: the library has no preset "${benchCase.preset}"`);
  const check = evaluate({ design: preset.design, workload: benchCase.workload }, catalog);
  if (!check.ok)
    throw new UsageError(
      `bench: ${benchCase.name} does not run: ${check.diagnostics.map((diagnostic) => diagnostic.message).join('; ')}`,
    );
  const warm = timeLoop(seconds, () =>
    evaluate({ design: preset.design, workload: benchCase.workload }, catalog),
  );
  const copies: DesignDocument[] = Array.from({ length: 64 }, () => structuredClone(preset.design));
  let next = 0;
  const cold = timeLoop(seconds / 2, () => {
    next = (next + 1) % copies.length;
    // A fresh object each time defeats the per-design cache: check + resolve run again.
    copies[next] = { ...(copies[next] as DesignDocument) };
    evaluate({ design: copies[next] as DesignDocument, workload: benchCase.workload }, catalog);
  });
  const perSecond = warm.iterations / warm.seconds;
  return {
    name: benchCase.name,
    evaluationsPerSecond: perSecond,
    microsecondsPerEvaluation: 1e6 / perSecond,
    coldEvaluationsPerSecond: cold.iterations / cold.seconds,
  };
}

const POOL_ROUNDS = 3;

async function acrossPool(
  catalog: CatalogIndex,
  evaluations: number,
): Promise<{
  evaluations: number;
  seconds: number;
  evaluationsPerSecond: number;
  workers: number;
  /** Slowest and fastest of the rounds, evaluations per second. */
  range: [number, number];
}> {
  const preset = catalog.presets.get('nvidia-h100-sxm');
  if (!preset) throw new UsageError('bench: the library has no preset "nvidia-h100-sxm"');
  const workers = availableParallelism();
  const pool = new EnginePool({ createProcess: () => createEngineProcess(catalog.catalog), size: workers });
  try {
    const workload = defaultWorkload('llama-3-8b');
    const chunk = 500;
    const jobs: SweepVariant[][] = [];
    for (let start = 0; start < evaluations; start += chunk) {
      jobs.push(
        Array.from({ length: Math.min(chunk, evaluations - start) }, (_, index) => ({
          workload: { batch: 1 + ((start + index) % 256) },
        })),
      );
    }
    // Warm the workers (module load, JIT) before timing: the steady state of a long sweep is measured, not a
    // cold start (V8 needs some thousands of evaluations to optimise the engine's hot paths).
    const warmUp = Array.from({ length: 15_000 }, (_, index) => ({ workload: { batch: 1 + (index % 256) } }));
    await Promise.all(
      Array.from({ length: workers }, () =>
        pool.run('sweep', { design: preset.design, workload, variants: warmUp }),
      ),
    );
    // Three rounds, reported by their median: on a shared machine one round varies by half from run to run.
    const rounds: number[] = [];
    for (let round = 0; round < POOL_ROUNDS; round += 1) {
      const started = performance.now();
      const results = await Promise.all(
        jobs.map((variants) =>
          pool.run<SweepPoint[]>('sweep', { design: preset.design, workload, variants }),
        ),
      );
      rounds.push((performance.now() - started) / 1000);
      const failed = results.find((result) => !result.ok);
      if (failed && !failed.ok) throw new UsageError(`bench: a pool job failed: ${failed.error.message}`);
    }
    const sorted = [...rounds].sort((a, b) => a - b);
    const seconds = sorted[Math.floor(sorted.length / 2)] ?? 0;
    return {
      evaluations,
      seconds,
      evaluationsPerSecond: evaluations / seconds,
      workers,
      range: [evaluations / (sorted.at(-1) ?? seconds), evaluations / (sorted[0] ?? seconds)],
    };
  } finally {
    await pool.close();
  }
}

/** The sweep case: Llama-3-70B TP8 on the DGX H100, one swept parameter. */
const sweepCase = cases[1] as Case;

export interface SweepBenchResult {
  /** The swept parameter's path. */
  parameter: string;
  kind: 'design' | 'workload';
  points: number;
  workers: number;
  /** Median of the rounds. */
  pointsPerSecond: number;
  /** Slowest and fastest round. */
  range: [number, number];
  /** Points that failed (should be none) and points whose model fits. */
  failed: number;
  fits: number;
  /** This process's peak resident memory (MB), with the rows counted and dropped as they arrive. */
  peakRssMegabytes: number;
}

function sweepSpecOf(path: string, from: number, to: number, points: number, integer: boolean): SweepSpec {
  return {
    format: 'tessera.sweep',
    version: 1,
    name: `bench ${path}`,
    parameters: [{ path, range: { from, to, steps: points, scale: 'linear', integer } }],
    strategy: { kind: 'grid' },
    constraints: [],
  };
}

/**
 * `SweepRun` through the real pool: point generation, transport to the workers and back, rows delivered in order
 * to a sink that counts them. A design parameter (the HBM's bandwidth: every point is a new design, checked and
 * resolved) and a workload parameter (the batch: one design for the whole sweep).
 */
async function sweepThroughPool(
  catalog: CatalogIndex,
  rounds: number,
  sizes: { design: number; workload: number },
): Promise<SweepBenchResult[]> {
  const preset = catalog.presets.get(sweepCase.preset);
  if (!preset) throw new UsageError(`bench: the library has no preset "${sweepCase.preset}"`);
  const workers = availableParallelism();
  const pool = new EnginePool({ createProcess: () => createEngineProcess(catalog.catalog), size: workers });
  const variants = [
    {
      kind: 'design' as const,
      spec: (points: number) => sweepSpecOf('hbm.bandwidthBytesPerSecond', 1e12, 8e12, points, false),
      points: sizes.design,
    },
    {
      kind: 'workload' as const,
      spec: (points: number) => sweepSpecOf('workload.batch', 1, points, points, true),
      points: sizes.workload,
    },
  ];
  const once = async (spec: SweepSpec) => {
    let count = 0;
    let failed = 0;
    let fits = 0;
    const sweep = new SweepRun({
      pool,
      catalog,
      design: preset.design,
      workload: sweepCase.workload,
      spec,
      onRows: (rows) => {
        count += rows.length;
        for (const row of rows) {
          if (!row.ok) failed += 1;
          else if (row.figures?.fits === 1) fits += 1;
        }
      },
    });
    const started = performance.now();
    const result = await sweep.start();
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 'done')
      throw new UsageError(`bench: a sweep ended ${result.status}: ${result.error?.message}`);
    return { count, failed, fits, seconds };
  };
  try {
    const results: SweepBenchResult[] = [];
    for (const variant of variants) {
      // Warm the workers on this sweep first (V8 optimises the engine's hot paths after some thousands of calls).
      await once(variant.spec(Math.min(10_000, variant.points)));
      const times: number[] = [];
      let last = { count: 0, failed: 0, fits: 0, seconds: 0 };
      for (let round = 0; round < rounds; round += 1) {
        last = await once(variant.spec(variant.points));
        times.push(last.seconds);
      }
      const sorted = [...times].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
      const spec = variant.spec(variant.points);
      results.push({
        parameter: spec.parameters[0]?.path ?? '',
        kind: variant.kind,
        points: last.count,
        workers,
        pointsPerSecond: last.count / median,
        range: [last.count / (sorted.at(-1) ?? median), last.count / (sorted[0] ?? median)],
        failed: last.failed,
        fits: last.fits,
        peakRssMegabytes: process.resourceUsage().maxRSS / 1024,
      });
    }
    return results;
  } finally {
    await pool.close();
  }
}

/**
 * The user's first edit after the app has started: a worker started a while before (it warms itself up as it
 * starts, see `warmUp`) runs its first simulation of the H100 preset; then a few more, for comparison.
 */
async function firstSimulation(catalog: CatalogIndex): Promise<{ firstMs: number; laterMs: number }> {
  const preset = catalog.presets.get('nvidia-h100-sxm');
  if (!preset) throw new UsageError('bench: the library has no preset "nvidia-h100-sxm"');
  const pool = new EnginePool({ createProcess: () => createEngineProcess(catalog.catalog), size: 1 });
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const payload = { design: preset.design, workload: defaultWorkload('llama-3-8b') };
    const times: number[] = [];
    for (let run = 0; run < 6; run += 1) {
      const started = performance.now();
      const result = await pool.run('simulate', payload);
      times.push(performance.now() - started);
      if (!result.ok) throw new UsageError(`bench: a simulation failed: ${result.error.message}`);
    }
    const later = times.slice(1).sort((a, b) => a - b);
    return { firstMs: times[0] ?? 0, laterMs: later[Math.floor(later.length / 2)] ?? 0 };
  } finally {
    await pool.close();
  }
}

export async function runBench(args: string[], streams: Streams): Promise<number> {
  let values: { json?: boolean; quick?: boolean; case?: string; 'sweep-points'?: string };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        /** `sweep` or `serve`: only that case. */
        case: { type: 'string' },
        /** Points per round of the sweep case's batch sweep (a 1,000,000-point run for its peak memory). */
        'sweep-points': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.case !== undefined && values.case !== 'sweep' && values.case !== 'serve')
    throw new UsageError(`bench: there is no case "${values.case}" to run alone (only "sweep" or "serve")`);
  const catalog = await loadCatalog();
  if (values.case === 'serve') {
    const serving = benchServing(catalog, { million: values.quick !== true });
    if (values.json === true) streams.stdout(`${JSON.stringify({ serving }, null, 2)}\n`);
    else streams.stdout(servingTable(serving));
    return 0;
  }
  const sweepPoints = values['sweep-points'] === undefined ? undefined : Number(values['sweep-points']);
  if (
    sweepPoints !== undefined &&
    (!Number.isInteger(sweepPoints) || sweepPoints < 2 || sweepPoints > 1_000_000)
  )
    throw new UsageError('bench: --sweep-points is a whole number from 2 to 1,000,000');
  const sweepSizes =
    sweepPoints !== undefined
      ? { design: Math.min(sweepPoints, 30_000), workload: sweepPoints }
      : values.quick === true
        ? { design: 5_000, workload: 20_000 }
        : { design: 30_000, workload: 100_000 };
  if (values.case === 'sweep') {
    const sweeps = await sweepThroughPool(catalog, sweepPoints === undefined ? POOL_ROUNDS : 1, sweepSizes);
    if (values.json === true) streams.stdout(`${JSON.stringify({ sweeps }, null, 2)}\n`);
    else streams.stdout(sweepTable(sweeps));
    return 0;
  }
  const seconds = values.quick === true ? 0.3 : 1.5;
  const results = cases.map((benchCase) => singleThread(catalog, benchCase, seconds));
  const pool = await acrossPool(catalog, 10_000);
  const first = await firstSimulation(catalog);
  const sweeps = await sweepThroughPool(catalog, POOL_ROUNDS, sweepSizes);
  const serving: ServingBenchResult = benchServing(catalog, { million: values.quick !== true });

  const historyFile = join(process.cwd(), 'bench-results', 'engine.json');
  const previous = await readFile(historyFile, 'utf8').then(
    (text) => JSON.parse(text) as { cases: BenchResult[]; pool: { evaluationsPerSecond: number } },
    () => undefined,
  );
  const output = {
    cases: results,
    pool,
    first,
    sweeps,
    serving,
    targets: {
      microsecondsPerEvaluation70B: 100,
      poolEvaluationsPerSecond: 20_000,
      sweepPointsPerSecond: SWEEP_TARGET,
    },
  };
  await mkdir(join(process.cwd(), 'bench-results'), { recursive: true });
  await writeFile(historyFile, `${JSON.stringify(output, null, 2)}\n`, 'utf8');

  if (values.json === true) {
    streams.stdout(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  }
  const change = (now: number, before: number | undefined): string =>
    before === undefined
      ? '—'
      : `${now >= before ? '+' : ''}${(((now - before) / before) * 100).toFixed(1)} %`;
  streams.stdout(
    table(
      ['case (one thread)', 'µs / evaluation', 'evaluations / s', 'cold evaluations / s', 'vs last run'],
      results.map((result) => [
        result.name,
        result.microsecondsPerEvaluation.toFixed(1),
        Math.round(result.evaluationsPerSecond).toLocaleString('en-US'),
        Math.round(result.coldEvaluationsPerSecond ?? 0).toLocaleString('en-US'),
        change(
          result.evaluationsPerSecond,
          previous?.cases.find((entry) => entry.name === result.name)?.evaluationsPerSecond,
        ),
      ]),
      ['left', 'right', 'right', 'right', 'right'],
    ),
  );
  streams.stdout('\n');
  streams.stdout(
    table(
      [
        'worker pool',
        'evaluations',
        'seconds (median)',
        `evaluations / s (median of ${POOL_ROUNDS})`,
        'slowest–fastest round',
        'vs last run',
      ],
      [
        [
          `${pool.workers} workers`,
          pool.evaluations.toLocaleString('en-US'),
          pool.seconds.toFixed(3),
          Math.round(pool.evaluationsPerSecond).toLocaleString('en-US'),
          pool.range.map((value) => Math.round(value).toLocaleString('en-US')).join('–'),
          change(pool.evaluationsPerSecond, previous?.pool.evaluationsPerSecond),
        ],
      ],
      ['left', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  streams.stdout('\n');
  streams.stdout(
    table(
      [
        'first edit (H100 preset, a worker started 2 s before)',
        'first simulation, ms',
        'later ones (median), ms',
      ],
      [['one worker, through the pool', first.firstMs.toFixed(1), first.laterMs.toFixed(1)]],
      ['left', 'right', 'right'],
    ),
  );
  streams.stdout('\n');
  streams.stdout(sweepTable(sweeps));
  streams.stdout('\n');
  streams.stdout(servingTable(serving));
  const seventy = results[1];
  streams.stdout(
    `\ntargets: 70B evaluation ≤ 100 µs on one core — ${seventy ? `${seventy.microsecondsPerEvaluation.toFixed(1)} µs (${seventy.microsecondsPerEvaluation <= 100 ? 'met' : 'not met'})` : 'not run'}; ≥ 20,000 evaluations/s across the pool — ${Math.round(pool.evaluationsPerSecond).toLocaleString('en-US')} (${pool.evaluationsPerSecond >= 20_000 ? 'met' : 'not met'})\n`,
  );
  return 0;
}

/** Issue 17's target: sweep points per second on 2 cores, the 70B TP8 case, one swept parameter. */
const SWEEP_TARGET = 50_000;

function sweepTable(sweeps: SweepBenchResult[]): string {
  const rows = sweeps.map((sweep) => [
    `${sweep.parameter} (${sweep.kind})`,
    `${sweep.workers} workers`,
    sweep.points.toLocaleString('en-US'),
    Math.round(sweep.pointsPerSecond).toLocaleString('en-US'),
    sweep.range.map((value) => Math.round(value).toLocaleString('en-US')).join('–'),
    `${sweep.failed} / ${sweep.fits.toLocaleString('en-US')}`,
    sweep.peakRssMegabytes.toFixed(0),
    sweep.pointsPerSecond >= SWEEP_TARGET ? 'met' : 'not met',
  ]);
  return `${table(
    [
      `sweep: ${sweepCase.name}, one swept parameter`,
      'pool',
      'points / round',
      'points / s (median)',
      'slowest–fastest round',
      'failed / fit',
      'peak RSS, MB',
      `≥ ${SWEEP_TARGET.toLocaleString('en-US')} / s`,
    ],
    rows,
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  )}\n`;
}
