/**
 * How a sweep travels between `SweepRun` and the engine workers: the design, workload and definition go to each
 * worker ONCE (a pool session, `JobSession`), then chunks of points, each answered with its rows packed into a
 * few typed arrays (a row's values are not sent back: the run still has them).
 *
 * A chunk: `indices` (n point indices) and `values` (n × parameters values, row-major, aligned with
 * `spec.parameters`). Its answer: per row a status (0 failed, 1 evaluated, 2 evaluated and feasible), the
 * figures (n × `sweepFigureIds.length`, row-major; NaN for a failed row), and the few texts (errors,
 * violations) by position in the chunk.
 */
import type { CatalogIndex } from '../../engine/catalog';
import type { DesignDocument } from '../../engine/schema/design';
import type { Workload } from '../../engine/schema/workload';
import { prepareSweep, type PreparedSweep } from '../../engine/sweep/apply';
import { sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec, SweepValue } from '../../engine/sweep/spec';
import type { Result } from '../contract/api';

/** The job kind a chunk of points runs as. */
export const SWEEP_CHUNK_JOB = 'sweep-chunk';

/** What a worker keeps for a sweep (validated by whoever started it). */
export interface SweepSession {
  design: DesignDocument;
  workload: Workload;
  spec: SweepSpec;
}

export interface SweepChunk {
  indices: number[];
  values: SweepValue[];
}

export interface SweepChunkRows {
  status: Uint8Array;
  figures: Float64Array;
  /** Position in the chunk → why the point failed. */
  errors?: Record<number, string>;
  /** Position in the chunk → the constraints it breaks. */
  violations?: Record<number, string[]>;
}

const FIGURES = sweepFigureIds.length;

/** The prepared sweep of each session object a worker holds (the session object is the same for every chunk). */
const preparedSessions = new WeakMap<SweepSession, WeakMap<CatalogIndex, PreparedSweep>>();

function preparedOf(session: SweepSession, catalog: CatalogIndex): PreparedSweep {
  let perCatalog = preparedSessions.get(session);
  if (!perCatalog) {
    perCatalog = new WeakMap();
    preparedSessions.set(session, perCatalog);
  }
  let prepared = perCatalog.get(catalog);
  if (!prepared) {
    prepared = prepareSweep(session.design, session.workload, session.spec, catalog);
    perCatalog.set(catalog, prepared);
  }
  return prepared;
}

/** A worker's job: evaluates a chunk of points of the session's sweep. */
export function runSweepChunk(catalog: CatalogIndex, payload: unknown): Result<SweepChunkRows> {
  const { session, chunk } = (payload ?? {}) as { session?: SweepSession; chunk?: SweepChunk };
  if (!session || !chunk || !Array.isArray(chunk.indices) || !Array.isArray(chunk.values))
    return {
      ok: false,
      error: { code: 'invalid-payload', message: 'A sweep chunk needs its session and its points.' },
    };
  const prepared = preparedOf(session, catalog);
  if (!prepared.ok)
    return {
      ok: false,
      error: {
        code: 'invalid-payload',
        message: `The sweep cannot run: ${prepared.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`,
      },
    };
  const count = chunk.indices.length;
  const width = session.spec.parameters.length;
  if (chunk.values.length !== count * width)
    return {
      ok: false,
      error: {
        code: 'invalid-payload',
        message: `A sweep chunk of ${count} points needs ${count * width} values.`,
      },
    };
  const status = new Uint8Array(count);
  const figures = new Float64Array(count * FIGURES).fill(Number.NaN);
  const rows: SweepChunkRows = { status, figures };
  for (let position = 0; position < count; position += 1) {
    const values = chunk.values.slice(position * width, position * width + width);
    const row = prepared.evaluate(values, chunk.indices[position]);
    if (!row.ok || !row.figures) {
      (rows.errors ??= {})[position] = row.error ?? 'the point could not be evaluated';
      continue;
    }
    status[position] = row.feasible ? 2 : 1;
    const offset = position * FIGURES;
    for (let figure = 0; figure < FIGURES; figure += 1)
      figures[offset + figure] = row.figures[sweepFigureIds[figure] as SweepFigureId];
    if (row.violations) (rows.violations ??= {})[position] = row.violations;
  }
  return { ok: true, value: rows };
}

/** The rows of a chunk, rebuilt from its points and the worker's answer. */
export function unpackRows(paths: readonly string[], chunk: SweepChunk, packed: SweepChunkRows): SweepRow[] {
  const width = paths.length;
  const rows: SweepRow[] = [];
  for (let position = 0; position < chunk.indices.length; position += 1) {
    const values: Record<string, SweepValue> = {};
    for (let parameter = 0; parameter < width; parameter += 1)
      values[paths[parameter] as string] = chunk.values[position * width + parameter] as SweepValue;
    const index = chunk.indices[position] as number;
    const status = packed.status[position] ?? 0;
    if (status === 0) {
      rows.push({
        index,
        values,
        ok: false,
        error: packed.errors?.[position] ?? 'the point could not be evaluated',
        feasible: false,
      });
      continue;
    }
    const figures = {} as Record<SweepFigureId, number>;
    const offset = position * FIGURES;
    for (let figure = 0; figure < FIGURES; figure += 1)
      figures[sweepFigureIds[figure] as SweepFigureId] = packed.figures[offset + figure] as number;
    const row: SweepRow = { index, values, ok: true, figures, feasible: status === 2 };
    const violations = packed.violations?.[position];
    if (violations) row.violations = violations;
    rows.push(row);
  }
  return rows;
}
