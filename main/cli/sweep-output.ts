/**
 * Where `tessera sweep` and `tessera sweep merge` put their rows: CSV, JSONL or Parquet by the output's extension,
 * written as the rows come (a million points never sit in memory), into a temporary file renamed over the output
 * only when every row is written, so a failed run leaves nothing behind.
 *
 * Every writer is a function of the rows alone, in the order given, so a merge of shards (rows read back from
 * JSONL) writes exactly the bytes one unsharded run writes:
 * - a row's text has one key order and one figure order (`sweepFigureIds`), whatever object it came from;
 * - a figure that is not a finite number (area without a process node: NaN) is `null` in JSONL and Parquet and an
 *   empty cell in CSV, as it is once read back from JSONL.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import { dominates, objectiveVector } from '../../engine/sweep/pareto';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepObjective, SweepValue } from '../../engine/sweep/spec';
import { UsageError } from '../app/command-line';

export const sweepOutputFormats = ['csv', 'jsonl', 'parquet'] as const;
export type SweepOutputFormat = (typeof sweepOutputFormats)[number];

/** The output format of a file name, from its extension; anything else is a usage error. */
export function outputFormatOf(path: string): SweepOutputFormat {
  const extension = extname(path).slice(1).toLowerCase();
  const format = sweepOutputFormats.find((name) => name === extension);
  if (!format)
    throw new UsageError(
      `--out ${path}: the format comes from the extension, one of ${sweepOutputFormats.map((name) => `.${name}`).join(', ')}`,
    );
  return format;
}

const finiteOrNull = (value: number | undefined): number | null =>
  value !== undefined && Number.isFinite(value) ? value : null;

/**
 * A row with one key order, its values in the given parameter order and its figures in `sweepFigureIds` order
 * (non-finite figures as `null`): the object every writer writes.
 */
export function canonicalRow(row: SweepRow, paths: readonly string[]): Record<string, unknown> {
  const values: Record<string, SweepValue> = {};
  for (const path of paths) {
    const value = row.values[path];
    if (value !== undefined) values[path] = value;
  }
  const out: Record<string, unknown> = { index: row.index, values, ok: row.ok };
  if (row.error !== undefined) out.error = row.error;
  if (row.figures) {
    const figures: Record<string, number | null> = {};
    for (const id of sweepFigureIds) figures[id] = finiteOrNull(row.figures[id]);
    out.figures = figures;
  }
  out.feasible = row.feasible;
  if (row.violations !== undefined && row.violations.length > 0) out.violations = row.violations;
  return out;
}

/** One JSONL line (with its newline) for a row. */
export function jsonlLine(row: SweepRow, paths: readonly string[]): string {
  return `${JSON.stringify(canonicalRow(row, paths))}\n`;
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvNumber(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

/** The CSV header: index, each parameter path, each figure id, ok, feasible, error, violations. */
export function csvHeader(paths: readonly string[]): string {
  return `${['index', ...paths, ...sweepFigureIds, 'ok', 'feasible', 'error', 'violations'].map(csvCell).join(',')}\n`;
}

/** One CSV line (with its newline) for a row; violations joined by "; ". */
export function csvLine(row: SweepRow, paths: readonly string[]): string {
  const cells: string[] = [String(row.index)];
  for (const path of paths) {
    const value = row.values[path];
    cells.push(value === undefined ? '' : typeof value === 'number' ? csvNumber(value) : csvCell(value));
  }
  for (const id of sweepFigureIds) cells.push(csvNumber(row.figures?.[id]));
  cells.push(
    String(row.ok),
    String(row.feasible),
    csvCell(row.error ?? ''),
    csvCell((row.violations ?? []).join('; ')),
  );
  return `${cells.join(',')}\n`;
}

/** Rows in, a file out. `close` finishes the file and moves it into place; `abort` removes it. */
export interface RowWriter {
  write(rows: readonly SweepRow[]): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/** A text stream into `temporary`, with back-pressure; moved to `path` on close. */
function textFile(
  path: string,
  temporary: string,
): {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
} {
  const stream: WriteStream = createWriteStream(temporary, { encoding: 'utf8' });
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  const check = () => {
    if (failure) throw new UsageError(`cannot write ${path}: ${failure.message}`);
  };
  return {
    async write(text) {
      check();
      if (!stream.write(text))
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            resolve();
          };
          stream.on('drain', done);
          stream.on('error', done);
        });
      check();
    },
    async close() {
      await new Promise<void>((resolve) => stream.end(resolve));
      check();
      await rename(temporary, path);
    },
    async abort() {
      await new Promise<void>((resolve) => stream.end(resolve));
      await rm(temporary, { force: true });
    },
  };
}

/** How many rows a Parquet row group holds: the memory the Parquet writer keeps is about one group. */
export const parquetRowGroupRows = 10_000;

type ColumnKind = 'number' | 'text';

/**
 * Parquet: index (INT64), each parameter (DOUBLE, or UTF8 text when its first value is text), each figure
 * (DOUBLE, null when not finite), ok and feasible (BOOLEAN), error and violations (UTF8, null when none). Rows are
 * buffered into row groups of {@link parquetRowGroupRows} and each group is written to the file as it fills.
 */
async function parquetWriter(
  path: string,
  temporary: string,
  paths: readonly string[],
  rowGroupRows: number,
): Promise<RowWriter> {
  const { ParquetWriter, fileWriter } = await import('hyparquet-writer');
  let writer: InstanceType<typeof ParquetWriter> | undefined;
  let kinds: ColumnKind[] = [];
  let buffer: SweepRow[] = [];
  const open = (first: SweepRow) => {
    kinds = paths.map((name) => (typeof first.values[name] === 'string' ? 'text' : 'number'));
    const text = { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' } as const;
    const double = { type: 'DOUBLE', repetition_type: 'OPTIONAL' } as const;
    const columns = [
      { name: 'index', type: 'INT64', repetition_type: 'REQUIRED' } as const,
      ...paths.map((name, column) => ({ name, ...(kinds[column] === 'text' ? text : double) })),
      ...sweepFigureIds.map((name) => ({ name, ...double })),
      { name: 'ok', type: 'BOOLEAN', repetition_type: 'REQUIRED' } as const,
      { name: 'feasible', type: 'BOOLEAN', repetition_type: 'REQUIRED' } as const,
      { name: 'error', ...text },
      { name: 'violations', ...text },
    ];
    writer = new ParquetWriter({
      writer: fileWriter(temporary),
      schema: [{ name: 'root', num_children: columns.length }, ...columns],
      createdBy: 'tessera sweep',
    });
  };
  const flush = () => {
    if (buffer.length === 0) return;
    const first = buffer[0] as SweepRow;
    if (!writer) open(first);
    const rows = buffer;
    buffer = [];
    const parameterData = paths.map((name, column) =>
      rows.map((row) => {
        const value = row.values[name];
        if (value === undefined) return null;
        if (kinds[column] === 'text') return String(value);
        if (typeof value === 'string')
          throw new UsageError(
            `parameter ${name} has numbers and text (point ${row.index}: "${value}"); Parquet needs one type per column: write .csv or .jsonl`,
          );
        return finiteOrNull(value);
      }),
    );
    void writer?.write({
      rowGroupSize: rows.length,
      columnData: [
        { name: 'index', data: rows.map((row) => BigInt(row.index)) },
        ...paths.map((name, column) => ({ name, data: parameterData[column] ?? [] })),
        ...sweepFigureIds.map((id: SweepFigureId) => ({
          name: id,
          data: rows.map((row) => finiteOrNull(row.figures?.[id])),
        })),
        { name: 'ok', data: rows.map((row) => row.ok) },
        { name: 'feasible', data: rows.map((row) => row.feasible) },
        { name: 'error', data: rows.map((row) => row.error ?? null) },
        {
          name: 'violations',
          data: rows.map((row) =>
            row.violations && row.violations.length > 0 ? row.violations.join('; ') : null,
          ),
        },
      ],
    });
  };
  return {
    write(rows) {
      for (const row of rows) {
        buffer.push(row);
        if (buffer.length >= rowGroupRows) flush();
      }
      return Promise.resolve();
    },
    async close() {
      flush();
      if (!writer) {
        // No rows at all: a file with the schema and no row group.
        open({ index: 0, values: {}, ok: false, feasible: false });
      }
      await writer?.finish();
      await rename(temporary, path);
    },
    async abort() {
      await rm(temporary, { force: true });
    },
  };
}

/** A writer of `format` into `path` (through a temporary file beside it) for rows over these parameter paths. */
export async function openRowWriter(
  path: string,
  format: SweepOutputFormat,
  paths: readonly string[],
  options: { rowGroupRows?: number } = {},
): Promise<RowWriter> {
  const temporary = `${path}.${process.pid}.partial`;
  if (format === 'parquet')
    return await parquetWriter(path, temporary, paths, options.rowGroupRows ?? parquetRowGroupRows);
  const file = textFile(path, temporary);
  const line = format === 'csv' ? csvLine : jsonlLine;
  if (format === 'csv') await file.write(csvHeader(paths));
  return {
    async write(rows) {
      let text = '';
      for (const row of rows) text += line(row, paths);
      if (text !== '') await file.write(text);
    },
    close: () => file.close(),
    abort: () => file.abort(),
  };
}

/**
 * The Pareto front of the feasible rows seen so far, kept as rows arrive: a row joins unless a member dominates
 * it, and pushes out the members it dominates. Memory is the front's size, not the sweep's.
 */
export class ParetoFilter {
  private front: SweepRow[] = [];

  constructor(private readonly objectives: readonly SweepObjective[]) {}

  add(row: SweepRow): void {
    // Not a candidate: not evaluated, not feasible, or an objective not known.
    if (objectiveVector(row, this.objectives) === undefined) return;
    if (this.front.some((member) => dominates(member, row, this.objectives))) return;
    this.front = this.front.filter((member) => !dominates(row, member, this.objectives));
    this.front.push(row);
  }

  /** The front, by index. */
  rows(): SweepRow[] {
    return [...this.front].sort((a, b) => a.index - b.index);
  }
}
