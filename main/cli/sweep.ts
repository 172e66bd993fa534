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
import { parseArgs } from 'node:util';
import type { CatalogIndex } from '../../engine/catalog';
import { prepareSweep } from '../../engine/sweep/apply';
import { objectivesOf } from '../../engine/sweep/judge';
import { createPointSource, shardIndices, shardSize, type Shard } from '../../engine/sweep/points';
import { readSweepSpec } from '../../engine/sweep/read';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec, SweepValue } from '../../engine/sweep/spec';
import {
  DEFAULT_MODEL_ID,
  defaultWorkload,
  workloadSchema,
  type Workload,
} from '../../engine/schema/workload';
import { formatPath } from '../../engine/schema/common';
import { loadCatalog, UsageError, type Streams } from '../app/command-line';
import { designSourceFrom, readTextFile, workloadFrom } from './read-input';
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

/**
 * Evaluates points and hands their rows back. The CLI's default runs them in this process with the sweep's own
 * evaluator (`prepareSweep`), in chunks, so the progress line and the writers keep up.
 */
export type PointEvaluator = (
  points: readonly { index: number; values: SweepValue[] }[],
) => Promise<SweepRow[]>;

/** How many points go to the evaluator at a time. */
const chunkPoints = 500;

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
  /** Evaluates the points; default: in this process. */
  evaluator?: (prepared: (values: readonly SweepValue[], index: number) => SweepRow) => PointEvaluator;
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
  if (values.workers !== undefined && !/^[1-9][0-9]*$/.test(values.workers))
    throw new UsageError(`--workers must be a whole number from 1 (got "${values.workers}")`);

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
  if (spec.strategy.kind === 'nsga2')
    throw new UsageError(
      'an NSGA-II sweep runs in the app (its points depend on the figures of earlier ones); the command line runs grid, random and latin-hypercube sweeps',
    );
  const designReference = values.design ?? spec.design;
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

  const points = createPointSource(spec);
  const paths = spec.parameters.map((parameter) => parameter.path);
  const total = shardSize(points.total, shard);
  const evaluatePoint = (pointValues: readonly SweepValue[], index: number) =>
    prepared.evaluate(pointValues, index);
  const evaluator: PointEvaluator = options.evaluator
    ? options.evaluator(evaluatePoint)
    : (chunk) => Promise.resolve(chunk.map((point) => evaluatePoint(point.values, point.index)));
  const pareto = values.pareto === true ? new ParetoFilter(objectivesOf(spec)) : undefined;
  const progress = values.progress
    ? createProgress(total, streams, { isTty: options.isTty ?? process.stderr.isTTY, now: options.now })
    : undefined;

  const writer: RowWriter = await openRowWriter(values.out, format, paths);
  let evaluated = 0;
  let failed = 0;
  let feasible = 0;
  try {
    let chunk: { index: number; values: SweepValue[] }[] = [];
    const run = async () => {
      const rows = await evaluator(chunk);
      chunk = [];
      rows.sort((a, b) => a.index - b.index);
      for (const row of rows) {
        if (!row.ok) failed += 1;
        if (row.feasible) feasible += 1;
        pareto?.add(row);
      }
      evaluated += rows.length;
      if (!pareto) await writer.write(rows);
      progress?.update({ evaluated, failed, feasible });
    };
    for (const index of shardIndices(points.total, shard)) {
      chunk.push({ index, values: points.at(index) });
      if (chunk.length >= chunkPoints) await run();
    }
    if (chunk.length > 0) await run();
    if (pareto) await writer.write(pareto.rows());
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  progress?.finish({ evaluated, failed, feasible });
  streams.stderr(
    `${values.out}: ${pareto ? `the Pareto front of ${evaluated.toLocaleString('en-US')} points` : `${evaluated.toLocaleString('en-US')} points`}${shard.count > 1 ? ` (shard ${shard.index}/${shard.count} of ${points.total.toLocaleString('en-US')})` : ''}; ${feasible.toLocaleString('en-US')} feasible, ${failed.toLocaleString('en-US')} could not be evaluated\n`,
  );
  return 0;
}
