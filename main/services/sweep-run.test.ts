/**
 * A sweep on real engine worker processes (issue 17 §3): rows in index order, each point once, the same figures
 * as evaluating the point here; the design sent to each worker once; shards that add up to the whole sweep; a
 * resumed sweep that skips what is done; pause, resume and cancel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexCatalog, type CatalogIndex } from '../../engine/catalog';
import type { DesignDocument } from '../../engine/schema/design';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { prepareSweep } from '../../engine/sweep/apply';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec } from '../../engine/sweep/spec';
import { libraryRoot, sourceProcess } from '../testing/fake-backend';
import { EnginePool, type EngineProcess, type JobMessage } from './engine-pool';
import { loadLibrary } from './library-loader';
import { SweepRun, type SweepRunOptions, type SweepRunProgress } from './sweep-run';

let pool: EnginePool;
let index: CatalogIndex;
let design: DesignDocument;
/** Sessions sent whole, per worker process started. */
const sessionsSent: number[] = [];
const workload: Workload = {
  ...defaultWorkload('llama-3-70b'),
  parallelism: { mode: 'manual', tensor: 8, pipeline: 1, expert: 1 },
};

beforeAll(async () => {
  const { catalog } = await loadLibrary(libraryRoot);
  index = indexCatalog(catalog);
  const preset = index.presets.get('nvidia-dgx-h100');
  if (!preset) throw new Error('the library has the DGX H100 preset');
  design = preset.design;
  pool = new EnginePool({
    size: 2,
    createProcess: (): EngineProcess => {
      const worker = sourceProcess(catalog);
      const slot = sessionsSent.push(0) - 1;
      return {
        ...worker,
        send(message: JobMessage) {
          if (message.session?.data !== undefined) sessionsSent[slot] = (sessionsSent[slot] ?? 0) + 1;
          worker.send(message);
        },
        listen: (listeners) => worker.listen(listeners),
        kill: () => worker.kill(),
      };
    },
  });
}, 60_000);

afterAll(async () => {
  await pool.close();
});

/** 40 batches × 3 HBM bandwidths = 120 points, some of them over a TPOT limit. */
const spec: SweepSpec = {
  format: 'tessera.sweep',
  version: 1,
  name: 'batch and bandwidth',
  parameters: [
    { path: 'hbm.bandwidthBytesPerSecond', values: ['2 TB/s', 3.35e12, '5 TB/s'] },
    { path: 'workload.batch', range: { from: 1, to: 40, steps: 40, scale: 'linear', integer: true } },
  ],
  strategy: { kind: 'grid' },
  constraints: [{ figure: 'tpotSeconds', max: 0.0125 }],
};
const TOTAL = 120;

function run(options: Partial<SweepRunOptions> = {}) {
  const rows: SweepRow[] = [];
  const progress: SweepRunProgress[] = [];
  const sweep = new SweepRun({
    pool,
    catalog: index,
    design,
    workload,
    spec,
    chunkSize: 7,
    onRows: (chunk) => rows.push(...chunk),
    onProgress: (update) => progress.push(update),
    ...options,
  });
  return { sweep, rows, progress };
}

describe('SweepRun', () => {
  it('evaluates every point once on the workers, in index order, with the figures of an evaluation here', async () => {
    const { sweep, rows, progress } = run();
    const result = await sweep.start();
    expect(result.status).toBe('done');
    expect(rows.map((row) => row.index)).toEqual(Array.from({ length: TOTAL }, (_, position) => position));
    const prepared = prepareSweep(design, workload, spec, index);
    if (!prepared.ok) throw new Error('the sweep prepares');
    for (const row of rows) {
      const values = [row.values['hbm.bandwidthBytesPerSecond'], row.values['workload.batch']] as (
        string | number
      )[];
      expect(row).toEqual(prepared.evaluate(values, row.index));
    }
    // Grid order: the first parameter varies slowest.
    expect(rows[41]?.values).toEqual({ 'hbm.bandwidthBytesPerSecond': 3.35e12, 'workload.batch': 2 });
    const feasible = rows.filter((row) => row.feasible).length;
    expect(feasible).toBeGreaterThan(0);
    expect(feasible).toBeLessThan(TOTAL);
    expect(result.progress).toMatchObject({
      status: 'done',
      total: TOTAL,
      evaluated: TOTAL,
      failed: 0,
      feasible,
    });
    expect(progress.at(-1)?.status).toBe('done');
    // Progress only grows.
    const counts = progress.map((update) => update.evaluated);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    // The design, workload and definition went to each worker once, not with every chunk.
    expect(sessionsSent.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(1);
    expect(sessionsSent.every((count) => count <= 1)).toBe(true);
  }, 60_000);

  it('splits the points into disjoint shards that add up to the whole sweep, and skips points already done', async () => {
    const shards = await Promise.all(
      [1, 2, 3].map(async (shardIndex) => {
        const { sweep, rows } = run({ shard: { index: shardIndex, count: 3 }, key: `shard-${shardIndex}` });
        const result = await sweep.start();
        expect(result.progress.total).toBe(TOTAL / 3);
        return rows.map((row) => row.index);
      }),
    );
    for (const [position, indices] of shards.entries())
      expect(indices.every((value) => value % 3 === position)).toBe(true);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(
      Array.from({ length: TOTAL }, (_, position) => position),
    );
    const done = new Set(Array.from({ length: 50 }, (_, position) => position * 2));
    const { sweep, rows } = run({ skip: done });
    const result = await sweep.start();
    expect(rows.some((row) => done.has(row.index))).toBe(false);
    expect(rows).toHaveLength(TOTAL - done.size);
    expect(result.progress).toMatchObject({ evaluated: TOTAL, skipped: done.size });
  }, 60_000);

  it('pauses, resumes and cancels', async () => {
    const paused = run({ inFlight: 1, chunkSize: 5 });
    const finished = paused.sweep.start();
    await until(() => paused.rows.length > 0);
    paused.sweep.pause();
    const pausedAt = paused.rows.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // At most the chunk in flight when it paused arrives.
    expect(paused.rows.length).toBeLessThanOrEqual(pausedAt + 5);
    expect(paused.sweep.progress).toMatchObject({ status: 'paused', etaSeconds: null });
    paused.sweep.resume();
    expect((await finished).status).toBe('done');
    expect(paused.rows.map((row) => row.index)).toEqual(
      Array.from({ length: TOTAL }, (_, position) => position),
    );

    const cancelled = run({ inFlight: 1, chunkSize: 5 });
    const stopped = cancelled.sweep.start();
    await until(() => cancelled.rows.length > 0);
    cancelled.sweep.cancel();
    const result = await stopped;
    expect(result.status).toBe('cancelled');
    expect(result.progress.evaluated).toBeLessThan(TOTAL);
    expect(result.progress.evaluated).toBe(cancelled.rows.length);
  }, 60_000);

  it('runs an NSGA-II search a generation at a time, every row in index order', async () => {
    const search = run({
      spec: {
        ...spec,
        parameters: [
          { path: 'hbm.bandwidthBytesPerSecond', range: { from: 1e12, to: 5e12, scale: 'linear' } },
          { path: 'workload.batch', range: { from: 1, to: 64, scale: 'linear', integer: true } },
        ],
        strategy: { kind: 'nsga2', population: 8, generations: 3, seed: 5, crossoverProbability: 0.9 },
        objectives: [
          { figure: 'decodeTokensPerSecond', goal: 'max' },
          { figure: 'energyJoulesPerToken', goal: 'min' },
        ],
      },
      chunkSize: 3,
    });
    const result = await search.sweep.start();
    expect(result.status).toBe('done');
    expect(search.rows.map((row) => row.index)).toEqual(
      Array.from({ length: 24 }, (_, position) => position),
    );
    expect(search.rows.every((row) => row.ok)).toBe(true);
    expect(result.progress).toMatchObject({ total: 24, evaluated: 24 });
  }, 60_000);

  it('refuses a sweep of a parameter the design does not have, before sending any point', async () => {
    const { sweep, rows } = run({
      spec: { ...spec, parameters: [{ path: 'hbm.speed', values: [1] }] },
    });
    const result = await sweep.start();
    expect(result.status).toBe('failed');
    expect(result.problems?.[0]).toMatchObject({ path: 'parameters[0].path' });
    expect(result.error?.message).toMatch(/block "hbm" has no parameter "speed"/);
    expect(rows).toEqual([]);
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
