/**
 * `tessera sweep`: evaluates the points of a sweep document (`tessera.sweep`, `engine/sweep/spec.ts`) on one
 * design and writes one row per point (CSV, JSONL or Parquet, by the output's extension), or only the Pareto
 * front with `--pareto`. `--shard I/N` evaluates shard I of N (interleaved: the points whose index mod N is I − 1,
 * `engine/sweep/points.ts`), so N machines split a sweep and `tessera sweep merge` (`sweep-merge.ts`) puts the
 * parts together into exactly the output one unsharded run writes.
 *
 * A bad spec, design or workload is found before anything is written: the message names the path (and the line
 * of the spec), exit code 2, no output file.
 */
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Catalog, CatalogIndex } from '../../engine/catalog';
import type { DesignDocument } from '../../engine/schema/design';
import { prepareSweep } from '../../engine/sweep/apply';
import { objectivesOf } from '../../engine/sweep/judge';
import type { Shard } from '../../engine/sweep/points';
import { readSweepSpec } from '../../engine/sweep/read';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec } from '../../engine/sweep/spec';
import {
  DEFAULT_MODEL_ID,
  defaultWorkload,
  workloadSchema,
  type Workload,
} from '../../engine/schema/workload';
import { formatPath } from '../../engine/schema/common';
import { loadCatalog, UsageError, type Streams } from '../app/command-line';
import type { EngineProcess, EnginePool } from '../services/engine-pool';
import { createPointFeed } from '../services/sweep-points';
import { designSourceFrom, projectReference, readTextFile, workloadFrom } from './read-input';
import { openRowWriter, outputFormatOf, ParetoFilter, type RowWriter } from './sweep-output';
import { createProgress } from './sweep-progress';
import { parsedArgs } from './usage';

/** `I/N` → the shard; anything else is a usage error. */
export function parseShard(text: string): Shard {
  const match = /^([0-9]+)\/([0-9]+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (
    !match ||
    !Number.isSafeInteger(index) ||
    !Number.isSafeInteger(count) ||
    count < 1 ||
    index < 1 ||
    index > count
  )
    throw new UsageError(`--shard must be I/N with 1 ≤ I ≤ N, e.g. 3/8 (got "${text}")`);
  return { index, count };
}

/** Points evaluated at a time in this process (`--workers 0`). */
const chunkPoints = 500;

/** Below this many points a sweep runs in this process unless `--workers` says otherwise. */
const smallSweepPoints = 2000;

/** More engine processes than this would only share the same cores. */
const maxWorkers = 64;

/** Runs the sweep on the engine pool with `SweepRun` (the design, workload and spec go to each worker once). */
async function runOnPool(run: {
  options: SweepOptions;
  workers: number;
  catalog: CatalogIndex;
  design: DesignDocument;
  workload: Workload;
  spec: SweepSpec;
  shard: Shard;
  onRows: (rows: SweepRow[]) => void;
}): Promise<void> {
  const [{ SweepRun }, { EnginePool }] = await Promise.all([
    import('../services/sweep-run'),
    import('../services/engine-pool'),
  ]);
  let pool = run.options.pool;
  if (!pool) {
    const create =
      run.options.createEngineProcess ??
      (await import('../services/create-engine-process')).createEngineProcess;
    pool = new EnginePool({ createProcess: () => create(run.catalog.catalog), size: run.workers });
  }
  try {
    const result = await new SweepRun({
      pool,
      catalog: run.catalog,
      design: run.design,
      workload: run.workload,
      spec: run.spec,
      shard: run.shard,
      onRows: run.onRows,
    }).start();
    if (result.status !== 'done')
      throw new UsageError(
        `the sweep stopped (${result.status}): ${result.error?.message ?? 'no reason given'}`,
      );
  } finally {
    if (!run.options.pool) await pool.close();
  }
}

/**
 * The spec's `design:` with a relative file path read from the spec's folder (a job that runs the spec from
 * elsewhere still finds the design next to it); `preset:ID` and absolute paths as they are.
 */
export function besideSpec(reference: string, specPath: string): string {
  if (reference.startsWith('preset:')) return reference;
  const inProject = projectReference(reference);
  const file = inProject ? inProject.project : reference;
  if (isAbsolute(file)) return reference;
  const resolved = join(dirname(specPath), file);
  return inProject ? `${resolved}#${inProject.design}` : resolved;
}

/** The sweep's workload: the base (a --workload file, the project design's, or the defaults) with the spec's fields over it. */
function sweepWorkload(spec: SweepSpec, base: Workload | undefined): Workload {
  const fields = spec.workload ?? {};
  const model = typeof fields.model === 'string' ? fields.model : (base?.model ?? DEFAULT_MODEL_ID);
  const merged = { ...(base ?? defaultWorkload(model)), ...fields };
  const parsed = workloadSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  throw new UsageError(
    `the sweep's workload is invalid:\n${parsed.error.issues.map((issue) => `workload.${formatPath(issue.path)}: ${issue.message}`).join('\n')}`,
  );
}

export interface SweepOptions {
  /** The engine pool to run on (tests keep one for every command); default a new pool of `--workers` processes. */
  pool?: EnginePool;
  /** Starts an engine worker process for a new pool; default the bundled worker (`create-engine-process.ts`). */
  createEngineProcess?: (catalog: Catalog) => EngineProcess;
  /** Workers when `--workers` is not given; default 0 (this process) below 2,000 points, else one per core. */
  workers?: number;
  /** Whether stderr is a terminal (the progress line then rewrites itself with `\r`); default `process.stderr.isTTY`. */
  isTty?: boolean;
  /** The clock for progress (tests pass their own); default `performance.now()` in ms. */
  now?: () => number;
}

export async function runSweep(
  args: string[],
  streams: Streams,
  options: SweepOptions = {},
): Promise<number> {
  const { values } = parsedArgs(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        spec: { type: 'string' },
        out: { type: 'string' },
        design: { type: 'string' },
        workload: { type: 'string' },
        shard: { type: 'string' },
        progress: { type: 'boolean', default: false },
        pareto: { type: 'boolean', default: false },
        workers: { type: 'string' },
      },
    }),
  );
  if (values.spec === undefined) throw new UsageError('sweep needs --spec <sweep.yaml | sweep.json>');
  if (values.out === undefined) throw new UsageError('sweep needs --out <results.csv | .jsonl | .parquet>');
  const format = outputFormatOf(values.out);
  const shard = values.shard === undefined ? { index: 1, count: 1 } : parseShard(values.shard);
  if (values.workers !== undefined && !/^[0-9]+$/.test(values.workers))
    throw new UsageError(
      `--workers must be a whole number: 0 evaluates in this process (got "${values.workers}")`,
    );
  const requestedWorkers =
    values.workers === undefined ? options.workers : Math.min(Number(values.workers), maxWorkers);

  const read = readSweepSpec(await readTextFile(values.spec, 'sweep spec'));
  if (!read.ok)
    throw new UsageError(
      `sweep spec ${values.spec} is invalid; nothing was written:\n${read.problems
        .map(
          (problem) =>
            `${problem.line === undefined ? '' : `line ${problem.line}: `}${problem.path}: ${problem.message}`,
        )
        .join('\n')}`,
    );
  const spec = read.value;
  const designReference =
    values.design ?? (spec.design === undefined ? undefined : besideSpec(spec.design, values.spec));
  if (designReference === undefined)
    throw new UsageError(
      `sweep needs a design: --design <preset:ID | file | project.tessera#NAME> or "design:" in ${values.spec}`,
    );
  const catalog: CatalogIndex = await loadCatalog();
  const source = await designSourceFrom(designReference, catalog);
  const base = values.workload === undefined ? source.workload : await workloadFrom(values.workload);
  const workload = sweepWorkload(spec, base);
  const prepared = prepareSweep(source.design, workload, spec, catalog);
  if (!prepared.ok)
    throw new UsageError(
      `sweep spec ${values.spec} does not fit design ${designReference}; nothing was written:\n${prepared.problems
        .map((problem) => `${problem.path}: ${problem.message}`)
        .join('\n')}`,
    );

  const feed = createPointFeed(spec, shard);
  if (!feed.ok) throw new UsageError(feed.message);
  const paths = spec.parameters.map((parameter) => parameter.path);
  const total = feed.feed.total;
  // Without --workers: a small sweep runs here (starting engine processes costs more than it saves), a large one
  // on one process per core. Both write the same bytes.
  const workers = requestedWorkers ?? (total < smallSweepPoints ? 0 : availableParallelism());
  const pareto = values.pareto === true ? new ParetoFilter(objectivesOf(spec)) : undefined;
  const progress = values.progress
    ? createProgress(total, streams, { isTty: options.isTty ?? process.stderr.isTTY, now: options.now })
    : undefined;

  const writer: RowWriter = await openRowWriter(values.out, format, paths);
  let evaluated = 0;
  let failed = 0;
  let feasible = 0;
  // Rows arrive in index order (the pool's runner reorders its chunks); they are written in the order they come.
  let writing: Promise<void> = Promise.resolve();
  const take = (rows: SweepRow[]) => {
    for (const row of rows) {
      if (!row.ok) failed += 1;
      if (row.feasible) feasible += 1;
      pareto?.add(row);
    }
    evaluated += rows.length;
    if (!pareto) writing = writing.then(() => writer.write(rows));
    progress?.update({ evaluated, failed, feasible });
  };
  try {
    if (workers === 0) {
      // In this process: a chunk at a time, so the progress line and the writer keep up.
      for (;;) {
        const points = feed.feed.take(chunkPoints);
        if (points === undefined) break;
        if (points === 'wait') throw new Error('the point feed waits for rows it was given');
        const rows = points.map((point) => prepared.evaluate(point.values, point.index));
        feed.feed.tell?.(rows);
        take(rows);
        await writing;
      }
    } else {
      await runOnPool({
        options,
        workers,
        catalog,
        design: source.design,
        workload,
        spec,
        shard,
        onRows: take,
      });
    }
    await writing;
    if (pareto) await writer.write(pareto.rows());
    await writer.close();
  } catch (error) {
    await writing.catch(() => undefined);
    await writer.abort();
    throw error;
  }
  progress?.finish({ evaluated, failed, feasible });
  streams.stderr(
    `${values.out}: ${pareto ? `the Pareto front of ${evaluated.toLocaleString('en-US')} points` : `${evaluated.toLocaleString('en-US')} points`}${shard.count > 1 ? ` (shard ${shard.index}/${shard.count})` : ''}; ${feasible.toLocaleString('en-US')} feasible, ${failed.toLocaleString('en-US')} could not be evaluated\n`,
  );
  return 0;
}
