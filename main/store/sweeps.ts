/**
 * Sweeps kept in the project: each sweep row holds its definition, the design document and workload it ran on
 * (so its points stay meaningful after the design changes) and its counts; `sweep_points` holds one row per
 * evaluated point with one REAL column per figure, so sorting, filtering, the front and sampling are SQL queries
 * and a million-point sweep never has to be in memory. Points are written in chunks, each chunk one transaction
 * that also moves the sweep's counts: a crash leaves the file with whole chunks and counts that match them.
 */
import { randomBytes } from 'node:crypto';
import { parseWith } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import { sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import { sweepSpecSchema, type SweepSpec, type SweepValue } from '../../engine/sweep/spec';
import type {
  StoredSweep,
  SweepHeatmap,
  SweepHeatmapCell,
  SweepHeatmapQuery,
  SweepPointsPage,
  SweepPointsQuery,
  SweepStatus,
  SweepSummary,
} from '../contract/api';
import { timestamp, type StoreContext } from './context';
import { readContent, requireRow } from './rows';
import type { Connection } from './sqlite';
import { StoreError } from './store-error';

const statuses: readonly SweepStatus[] = ['running', 'paused', 'cancelled', 'done', 'failed'];

interface SweepRecord {
  [key: string]: unknown;
  id: string;
  design_id: string;
  design_revision: number;
  name: string;
  document: string;
  workload: string;
  spec: string;
  status: string;
  total: number;
  evaluated: number;
  failed: number;
  feasible: number;
  created_at: string;
  message: string | null;
}

type PointRecord = {
  [key: string]: unknown;
  idx: number;
  point_values: string;
  ok: number;
  feasible: number;
  error: string | null;
  violations: string | null;
} & Partial<Record<SweepFigureId, number | null>>;

const summaryColumns =
  'id, design_id, design_revision, name, status, total, evaluated, failed, feasible, created_at, message';
const figureColumns = sweepFigureIds.map((figure) => `"${figure}"`).join(', ');
const pointColumns = `idx, point_values, ok, feasible, error, violations, ${figureColumns}`;

function newSweepId(): string {
  return `s-${randomBytes(5).toString('hex')}`;
}

function toSummary(row: SweepRecord): SweepSummary {
  const status = statuses.find((candidate) => candidate === row.status);
  if (!status)
    throw new StoreError(
      'damaged',
      `A sweep (id "${row.id}") is damaged in the project file: its status "${row.status}" is unknown.`,
    );
  return {
    id: row.id,
    name: row.name,
    designId: row.design_id,
    designRevision: row.design_revision,
    createdAt: row.created_at,
    status,
    total: row.total,
    evaluated: row.evaluated,
    failed: row.failed,
    feasible: row.feasible,
    ...(row.message === null ? {} : { message: row.message }),
  };
}

/** A sweep as the runner needs it: the stored summary, definition, and the design document it runs on. */
export interface SweepRunInput extends StoredSweep {
  document: DesignDocument;
}

/** Keeps a new sweep of a design's current revision (its document and the workload as given). */
export async function createSweep(
  context: StoreContext,
  designId: string,
  spec: SweepSpec,
  workload: Workload,
  total: number,
): Promise<SweepRunInput> {
  const { connection } = context;
  return connection.transaction(async () => {
    const design = await requireRow(connection, designId);
    const id = newSweepId();
    const now = timestamp(context);
    await connection.run(
      `INSERT INTO sweeps (id, design_id, design_revision, name, document, workload, spec, status, total, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
      [
        id,
        designId,
        design.revision,
        spec.name,
        design.document,
        JSON.stringify(workload),
        JSON.stringify(spec),
        total,
        now,
      ],
    );
    const { document } = readContent(design.document, null, `design "${design.name}"`);
    return {
      id,
      name: spec.name,
      designId,
      designRevision: design.revision,
      createdAt: now,
      status: 'running' as const,
      total,
      evaluated: 0,
      failed: 0,
      feasible: 0,
      spec,
      workload,
      document,
    };
  });
}

async function requireSweep(connection: Connection, sweepId: string): Promise<SweepRecord> {
  const row = await connection.get<SweepRecord>('SELECT * FROM sweeps WHERE id = ?', [sweepId]);
  if (!row) throw new StoreError('not-found', `There is no sweep with id "${sweepId}" in this project.`);
  return row;
}

/** The project's sweeps, newest first (of one design when given). */
export async function listSweeps(connection: Connection, designId?: string): Promise<SweepSummary[]> {
  const rows = await connection.all<SweepRecord>(
    `SELECT ${summaryColumns} FROM sweeps ${designId === undefined ? '' : 'WHERE design_id = ?'}
       ORDER BY created_at DESC, rowid DESC`,
    designId === undefined ? [] : [designId],
  );
  return rows.map(toSummary);
}

export async function getSummary(connection: Connection, sweepId: string): Promise<SweepSummary> {
  const row = await connection.get<SweepRecord>(`SELECT ${summaryColumns} FROM sweeps WHERE id = ?`, [
    sweepId,
  ]);
  if (!row) throw new StoreError('not-found', `There is no sweep with id "${sweepId}" in this project.`);
  return toSummary(row);
}

/** A sweep with its definition, workload and the design document it ran on, validated on the way out. */
export async function getSweep(connection: Connection, sweepId: string): Promise<SweepRunInput> {
  const row = await requireSweep(connection, sweepId);
  const subject = `the design of sweep "${row.name}"`;
  const { document } = readContent(row.document, null, subject);
  const spec = parseWith(sweepSpecSchema, safeParse(row.spec));
  const workload = parseWith(workloadSchema, safeParse(row.workload));
  if (!spec.ok || !workload.ok)
    throw new StoreError(
      'damaged',
      `Sweep "${row.name}" is damaged in the project file: its ${spec.ok ? 'workload' : 'definition'} does not read.`,
    );
  return { ...toSummary(row), spec: spec.value, workload: workload.value, document };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sets a sweep's status (and message, cleared when not given). */
export async function setStatus(
  connection: Connection,
  sweepId: string,
  status: SweepStatus,
  message?: string,
): Promise<SweepSummary> {
  const { changes } = await connection.run('UPDATE sweeps SET status = ?, message = ? WHERE id = ?', [
    status,
    message ?? null,
    sweepId,
  ]);
  if (changes === 0)
    throw new StoreError('not-found', `There is no sweep with id "${sweepId}" in this project.`);
  return getSummary(connection, sweepId);
}

/**
 * Sweeps left `running` by a process that ended (a crash, a closed window) are paused: their points are kept,
 * and resuming skips them.
 */
export async function pauseInterrupted(connection: Connection): Promise<void> {
  await connection.run("UPDATE sweeps SET status = 'paused' WHERE status = 'running'");
}

export async function deleteSweep(connection: Connection, sweepId: string): Promise<void> {
  await connection.transaction(async () => {
    await requireSweep(connection, sweepId);
    await connection.run('DELETE FROM sweep_points WHERE sweep_id = ?', [sweepId]);
    await connection.run('DELETE FROM sweeps WHERE id = ?', [sweepId]);
  });
}

/** Rows per INSERT statement (SQLite binds at most 32,766 parameters; a row binds 21). */
const ROWS_PER_STATEMENT = 500;

/**
 * Adds evaluated points in one transaction and moves the sweep's counts by what was new. A point already kept
 * (the same index) is left as it was and not counted twice.
 */
export async function addPoints(
  connection: Connection,
  sweepId: string,
  rows: readonly SweepRow[],
): Promise<SweepSummary> {
  return connection.transaction(async () => {
    const exists = await connection.get('SELECT id FROM sweeps WHERE id = ?', [sweepId]);
    if (!exists) throw new StoreError('not-found', `There is no sweep with id "${sweepId}" in this project.`);
    let evaluated = 0;
    let failed = 0;
    let feasible = 0;
    let repeated = false;
    const placeholders = `(?, ?, ?, ?, ?, ?, ?, ${sweepFigureIds.map(() => '?').join(', ')})`;
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
      const params: unknown[] = [];
      for (const row of chunk) {
        evaluated += 1;
        if (!row.ok) failed += 1;
        if (row.feasible) feasible += 1;
        params.push(
          sweepId,
          row.index,
          JSON.stringify(row.values),
          row.ok ? 1 : 0,
          row.feasible ? 1 : 0,
          row.error ?? null,
          row.violations && row.violations.length > 0 ? JSON.stringify(row.violations) : null,
          ...sweepFigureIds.map((figure) => storedNumber(row.figures?.[figure])),
        );
      }
      // A point already kept stays as it was (OR IGNORE).
      const { changes } = await connection.run(
        `INSERT OR IGNORE INTO sweep_points (sweep_id, idx, point_values, ok, feasible, error, violations, ${figureColumns})
           VALUES ${chunk.map(() => placeholders).join(', ')}`,
        params,
      );
      if (changes !== chunk.length) repeated = true;
    }
    if (repeated)
      // Some points were kept already (a repeated chunk): the counts are those of the rows the sweep has.
      await connection.run(
        `UPDATE sweeps SET (evaluated, failed, feasible) = (SELECT COUNT(*), COALESCE(SUM(ok = 0), 0),
           COALESCE(SUM(feasible), 0) FROM sweep_points WHERE sweep_id = ?) WHERE id = ?`,
        [sweepId, sweepId],
      );
    else
      await connection.run(
        'UPDATE sweeps SET evaluated = evaluated + ?, failed = failed + ?, feasible = feasible + ? WHERE id = ?',
        [evaluated, failed, feasible, sweepId],
      );
    return getSummary(connection, sweepId);
  });
}

/** SQLite has no NaN or infinity in REAL columns: a figure that is not finite is kept as NULL. */
function storedNumber(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}

/** The indices a sweep has points for, in order (a resumed sweep skips them). */
export async function doneIndices(connection: Connection, sweepId: string): Promise<Set<number>> {
  const rows = await connection.all<{ idx: number }>(
    'SELECT idx FROM sweep_points WHERE sweep_id = ? ORDER BY idx',
    [sweepId],
  );
  return new Set(rows.map((row) => row.idx));
}

/** The feasible points' values of the given figures (for the front), without their swept values. */
export async function feasibleFigures(
  connection: Connection,
  sweepId: string,
  figures: readonly SweepFigureId[],
): Promise<{ index: number; figures: number[] }[]> {
  const rows = await connection.all<Record<string, number | null> & { idx: number }>(
    `SELECT idx, ${figures.map((figure) => `"${figure}"`).join(', ')} FROM sweep_points
       WHERE sweep_id = ? AND feasible = 1 ORDER BY idx`,
    [sweepId],
  );
  return rows.map((row) => ({
    index: row.idx,
    figures: figures.map((figure) => row[figure] ?? Number.NaN),
  }));
}

/**
 * Marks the Pareto front of one or two objectives in SQL, so a million points are never read into memory: with
 * both objectives turned into "smaller is better" and the distinct pairs sorted by them, a pair is on the front
 * when every pair before it has a larger second objective, and a point is on the front when its pair is (exact
 * ties share their fate). One objective: the points with its best value. Only feasible points with finite
 * figures take part.
 */
export async function markFrontInSql(
  connection: Connection,
  sweepId: string,
  objectives: readonly { figure: SweepFigureId; goal: 'min' | 'max' }[],
): Promise<void> {
  const [first, second] = objectives.map(
    (objective) => `(${objective.goal === 'max' ? '-' : ''}"${objective.figure}")`,
  );
  if (first === undefined || objectives.length > 2)
    throw new StoreError('internal', 'The front is marked in SQL for one or two objectives only.');
  const known = objectives.map((objective) => `"${objective.figure}" IS NOT NULL`).join(' AND ');
  const candidates = `FROM sweep_points WHERE sweep_id = ? AND feasible = 1 AND ${known}`;
  // Two objectives: the distinct pairs sorted, each compared with the least second objective of the pairs before
  // it (a frame that only grows, so SQLite keeps one running minimum); the points with a pair on the front.
  const front =
    second === undefined
      ? `SELECT idx ${candidates} AND ${first} = (SELECT MIN(${first}) ${candidates})`
      : `WITH pairs AS (SELECT ${first} AS a, ${second} AS b ${candidates} GROUP BY 1, 2),
           ranked AS (SELECT a, b, MIN(b) OVER (ORDER BY a, b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
             AS before FROM pairs),
           front AS (SELECT a, b FROM ranked WHERE before IS NULL OR before > b)
         SELECT idx ${candidates} AND (${first}, ${second}) IN (SELECT a, b FROM front)`;
  await connection.transaction(async () => {
    await connection.run('UPDATE sweep_points SET on_front = 0 WHERE sweep_id = ? AND on_front = 1', [
      sweepId,
    ]);
    await connection.run(
      `UPDATE sweep_points SET on_front = 1 WHERE sweep_id = ? AND idx IN (${front})`,
      second === undefined ? [sweepId, sweepId, sweepId] : [sweepId, sweepId, sweepId],
    );
  });
}

/** Marks exactly these points as the sweep's Pareto front, in one transaction. */
export async function markFront(
  connection: Connection,
  sweepId: string,
  indices: readonly number[],
): Promise<void> {
  await connection.transaction(async () => {
    await connection.run('UPDATE sweep_points SET on_front = 0 WHERE sweep_id = ? AND on_front = 1', [
      sweepId,
    ]);
    for (let start = 0; start < indices.length; start += ROWS_PER_STATEMENT) {
      const chunk = indices.slice(start, start + ROWS_PER_STATEMENT);
      await connection.run(
        `UPDATE sweep_points SET on_front = 1 WHERE sweep_id = ? AND idx IN (${chunk.map(() => '?').join(', ')})`,
        [sweepId, ...chunk],
      );
    }
  });
}

function toRow(record: PointRecord): SweepRow {
  const values = safeParse(record.point_values) as Record<string, SweepValue> | undefined;
  const row: SweepRow = {
    index: record.idx,
    values: values ?? {},
    ok: record.ok === 1,
    feasible: record.feasible === 1,
  };
  if (record.error !== null) row.error = record.error;
  if (record.violations !== null)
    row.violations = (safeParse(record.violations) as string[] | undefined) ?? [];
  if (row.ok) {
    const figures = {} as Record<SweepFigureId, number>;
    for (const figure of sweepFigureIds) figures[figure] = record[figure] ?? Number.NaN;
    row.figures = figures;
  }
  return row;
}

/**
 * The SQL expression of a sort or filter key: `index`, a figure id (its column), or one of the sweep's parameter
 * paths (its value in the point's JSON). Anything else is refused with the keys there are.
 */
function keyExpression(key: string, parameters: readonly string[]): { sql: string; params: unknown[] } {
  if (key === 'index') return { sql: 'idx', params: [] };
  if ((sweepFigureIds as readonly string[]).includes(key)) return { sql: `"${key}"`, params: [] };
  if (parameters.includes(key)) return { sql: 'json_extract(point_values, ?)', params: [`$."${key}"`] };
  throw new StoreError(
    'invalid-payload',
    `"${key}" is not a column of this sweep: use "index", a figure (${sweepFigureIds.join(', ')}) or a swept parameter (${parameters.join(', ')}).`,
  );
}

/** A page of a sweep's points: filtered, sorted, or an even sample of the matching ones. */
export async function queryPoints(connection: Connection, query: SweepPointsQuery): Promise<SweepPointsPage> {
  const sweep = await requireSweep(connection, query.sweepId);
  const spec = parseWith(sweepSpecSchema, safeParse(sweep.spec));
  const parameters = spec.ok ? spec.value.parameters.map((parameter) => parameter.path) : [];
  const where = ['sweep_id = ?'];
  const whereParams: unknown[] = [query.sweepId];
  if (query.only === 'feasible') where.push('feasible = 1');
  if (query.only === 'front') where.push('on_front = 1');
  for (const filter of query.filters ?? []) {
    const key = keyExpression(filter.key, parameters);
    if (filter.min !== undefined) {
      where.push(`${key.sql} >= ?`);
      whereParams.push(...key.params, filter.min);
    }
    if (filter.max !== undefined) {
      where.push(`${key.sql} <= ?`);
      whereParams.push(...key.params, filter.max);
    }
  }
  const whereSql = where.join(' AND ');
  const counted = await connection.get<{ total: number }>(
    `SELECT COUNT(*) AS total FROM sweep_points WHERE ${whereSql}`,
    whereParams,
  );
  const total = counted?.total ?? 0;
  const sort = query.sort ? keyExpression(query.sort.key, parameters) : { sql: 'idx', params: [] };
  const direction = query.sort?.direction === 'desc' ? 'DESC' : 'ASC';
  // Points without the value (failed ones) last either way; then by index, so pages are stable.
  const order = `ORDER BY (${sort.sql}) IS NULL, ${sort.sql} ${direction}, idx`;
  const orderParams = [...sort.params, ...sort.params];
  let records: PointRecord[];
  if (query.sample === true && total > query.limit) {
    // Row r of n is kept when r·limit mod n < limit: exactly `limit` rows, one in each n/limit stretch.
    records = await connection.all<PointRecord>(
      `SELECT ${pointColumns} FROM (
           SELECT *, ROW_NUMBER() OVER (${order}) - 1 AS position FROM sweep_points WHERE ${whereSql})
         WHERE (position * ?) % ? < ? ORDER BY position`,
      [...orderParams, ...whereParams, query.limit, total, query.limit],
    );
  } else {
    records = await connection.all<PointRecord>(
      `SELECT ${pointColumns} FROM sweep_points WHERE ${whereSql} ${order} LIMIT ? OFFSET ?`,
      [...whereParams, ...orderParams, query.limit, query.offset ?? 0],
    );
  }
  return { total, rows: records.map(toRow) };
}

/** The most cells a heat map has (a 500 × 500 grid); more is refused with a message. */
export const MAX_HEATMAP_CELLS = 250_000;

function compareSweepValues(a: SweepValue, b: SweepValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), 'en');
}

/**
 * A heat map in SQL: the points grouped by their values of `x` and `y` (read from the point's JSON), and per group
 * the best value of the figure and the point that has it (the lowest index among equal values). Every kept point
 * counts, so a 200 × 150 grid is filled whatever the charts' sample holds. Failed points and points without the
 * figure are left out.
 */
export async function heatmap(
  connection: Connection,
  query: SweepHeatmapQuery,
  maxCells = MAX_HEATMAP_CELLS,
): Promise<SweepHeatmap> {
  const sweep = await requireSweep(connection, query.sweepId);
  const spec = parseWith(sweepSpecSchema, safeParse(sweep.spec));
  const parameters = spec.ok ? spec.value.parameters.map((parameter) => parameter.path) : [];
  for (const path of query.y === undefined ? [query.x] : [query.x, query.y])
    if (!parameters.includes(path))
      throw new StoreError(
        'invalid-payload',
        `"${path}" is not a parameter of sweep "${sweep.name}": a heat map's axes are swept parameters (${parameters.join(', ')}).`,
      );
  if (!(sweepFigureIds as readonly string[]).includes(query.figure))
    throw new StoreError(
      'invalid-payload',
      `"${query.figure}" is not a figure (${sweepFigureIds.join(', ')}).`,
    );
  const figure = `"${query.figure}"`;
  const feasible = query.only === 'feasible' ? 'AND feasible = 1' : '';
  const order = query.goal === 'max' ? 'DESC' : 'ASC';
  const y = query.y === undefined ? "''" : 'json_extract(point_values, ?)';
  const paths = query.y === undefined ? [`$."${query.x}"`] : [`$."${query.x}"`, `$."${query.y}"`];
  // One more than the bound is read, so a map that is too large is told apart without counting it first.
  const records = await connection.all<{ x: SweepValue; y: SweepValue; value: number; idx: number }>(
    `WITH cells AS (SELECT idx, json_extract(point_values, ?) AS x, ${y} AS y, ${figure} AS value
         FROM sweep_points WHERE sweep_id = ? AND ok = 1 ${feasible} AND ${figure} IS NOT NULL),
       ranked AS (SELECT x, y, value, idx,
           ROW_NUMBER() OVER (PARTITION BY x, y ORDER BY value ${order}, idx) AS rank
         FROM cells WHERE x IS NOT NULL AND y IS NOT NULL)
     SELECT x, y, value, idx FROM ranked WHERE rank = 1 LIMIT ?`,
    [...paths, query.sweepId, maxCells + 1],
  );
  if (records.length > maxCells)
    throw new StoreError(
      'invalid-payload',
      `A heat map of sweep "${sweep.name}" over these parameters would have more than ${maxCells.toLocaleString('en')} cells; choose parameters with fewer values.`,
    );
  const distinct = (values: SweepValue[]): SweepValue[] =>
    [...new Map(values.map((value) => [`${typeof value}:${String(value)}`, value])).values()].sort(
      compareSweepValues,
    );
  const xValues = distinct(records.map((record) => record.x));
  const yValues = distinct(records.map((record) => record.y));
  const keyOf = (value: SweepValue): string => `${typeof value}:${String(value)}`;
  const xAt = new Map(xValues.map((value, position) => [keyOf(value), position]));
  const yAt = new Map(yValues.map((value, position) => [keyOf(value), position]));
  const cells: SweepHeatmapCell[] = records.map((record) => ({
    x: xAt.get(keyOf(record.x)) ?? 0,
    y: yAt.get(keyOf(record.y)) ?? 0,
    value: record.value,
    index: record.idx,
  }));
  cells.sort((a, b) => a.y - b.y || a.x - b.x);
  return { xValues, yValues, cells };
}

/** One point of a sweep, or `not-found`. */
export async function getPoint(connection: Connection, sweepId: string, index: number): Promise<SweepRow> {
  const record = await connection.get<PointRecord>(
    `SELECT ${pointColumns} FROM sweep_points WHERE sweep_id = ? AND idx = ?`,
    [sweepId, index],
  );
  if (!record) throw new StoreError('not-found', `Sweep "${sweepId}" has no evaluated point #${index}.`);
  return toRow(record);
}

/** The first point of the front (lowest index), if any. */
export async function firstFrontPoint(
  connection: Connection,
  sweepId: string,
): Promise<SweepRow | undefined> {
  const record = await connection.get<PointRecord>(
    `SELECT ${pointColumns} FROM sweep_points WHERE sweep_id = ? AND on_front = 1 ORDER BY idx LIMIT 1`,
    [sweepId],
  );
  return record ? toRow(record) : undefined;
}

/** Points in index order, `size` at a time, after `afterIndex` (keyset paging: an export streams through these). */
export async function pointsAfter(
  connection: Connection,
  sweepId: string,
  afterIndex: number,
  size: number,
): Promise<SweepRow[]> {
  const records = await connection.all<PointRecord>(
    `SELECT ${pointColumns} FROM sweep_points WHERE sweep_id = ? AND idx > ? ORDER BY idx LIMIT ?`,
    [sweepId, afterIndex, size],
  );
  return records.map(toRow);
}
