/**
 * `tessera sweep merge part-*.jsonl --out all.csv [--pareto]`: the rows of shards (JSONL files `tessera sweep
 * --shard I/N` wrote) into one output, by index, as one unsharded run writes it (byte for byte; see
 * `sweep-output.ts`). The files are read line by line and merged as they are read (each shard's rows are in
 * increasing index order), so memory does not grow with the sweep. The order the files are named in does not
 * matter; a point found in two files must be the same row in both (the same file named twice is fine), else the
 * merge stops with both places named and writes nothing.
 */
import { constants, createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { objectivesOf } from '../../engine/sweep/judge';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepObjective } from '../../engine/sweep/spec';
import { sweepFigureIds } from '../../engine/sweep/figures';
import { UsageError, type Streams } from '../app/command-line';
import { readTextFile } from './read-input';
import { jsonlLine, openRowWriter, outputFormatOf, ParetoFilter } from './sweep-output';
import { parsedArgs } from './usage';

/** A row read from a line, or why the line is not one. */
function rowOf(value: unknown): SweepRow | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const row = value as Partial<Record<keyof SweepRow, unknown>>;
  if (typeof row.index !== 'number' || !Number.isSafeInteger(row.index) || row.index < 0)
    return '"index" must be a whole number from 0';
  if (typeof row.values !== 'object' || row.values === null || Array.isArray(row.values))
    return '"values" must be an object of parameter path → value';
  for (const [path, item] of Object.entries(row.values))
    if (typeof item !== 'number' && typeof item !== 'string')
      return `"values.${path}" must be a number or text`;
  if (typeof row.ok !== 'boolean') return '"ok" must be true or false';
  if (typeof row.feasible !== 'boolean') return '"feasible" must be true or false';
  if (row.error !== undefined && typeof row.error !== 'string') return '"error" must be text';
  if (
    row.violations !== undefined &&
    (!Array.isArray(row.violations) || row.violations.some((item) => typeof item !== 'string'))
  )
    return '"violations" must be a list of text';
  if (row.figures !== undefined) {
    if (typeof row.figures !== 'object' || row.figures === null) return '"figures" must be an object';
    const figures = row.figures as Record<string, unknown>;
    for (const id of sweepFigureIds) {
      const figure = figures[id];
      // null: a figure that is not a finite number (written so by the writers).
      if (figure !== null && typeof figure !== 'number') return `"figures.${id}" must be a number or null`;
    }
    const read = {} as NonNullable<SweepRow['figures']>;
    for (const id of sweepFigureIds) {
      const figure = figures[id];
      read[id] = typeof figure === 'number' ? figure : Number.NaN;
    }
    return { ...(row as SweepRow), figures: read };
  }
  return row as SweepRow;
}

interface Cursor {
  file: string;
  line: number;
  row: SweepRow | undefined;
  next: () => Promise<IteratorResult<string>>;
  close: () => void;
}

async function advance(cursor: Cursor): Promise<void> {
  for (;;) {
    const next = await cursor.next();
    if (next.done === true) {
      cursor.row = undefined;
      return;
    }
    cursor.line += 1;
    const text = next.value.trim();
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `${cursor.file} line ${cursor.line} is not JSON (${(error as Error).message}); nothing was written`,
      );
    }
    const row = rowOf(value);
    if (typeof row === 'string')
      throw new UsageError(
        `${cursor.file} line ${cursor.line} is not a sweep row: ${row}; nothing was written`,
      );
    if (cursor.row !== undefined && row.index <= cursor.row.index)
      throw new UsageError(
        `${cursor.file} line ${cursor.line}: point ${row.index} comes after point ${cursor.row.index}; a shard's rows are in increasing index order (as \`tessera sweep\` writes them); nothing was written`,
      );
    cursor.row = row;
    return;
  }
}

async function openCursor(file: string): Promise<Cursor> {
  // A missing or unreadable file is named before anything is merged.
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    throw new UsageError(
      `cannot read shard ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const cursor: Cursor = {
    file,
    line: 0,
    row: undefined,
    next: () => lines.next(),
    close: () => stream.destroy(),
  };
  await advance(cursor);
  return cursor;
}

/** The merged rows, by index, one per point; duplicates must be equal. */
async function* mergedRows(files: readonly string[]): AsyncGenerator<SweepRow> {
  const cursors: Cursor[] = [];
  try {
    for (const file of files) cursors.push(await openCursor(file));
    for (;;) {
      let lowest: Cursor | undefined;
      for (const cursor of cursors)
        if (cursor.row !== undefined && (lowest?.row === undefined || cursor.row.index < lowest.row.index))
          lowest = cursor;
      if (lowest?.row === undefined) return;
      const row = lowest.row;
      const place = `${lowest.file} line ${lowest.line}`;
      const text = jsonlLine(row, Object.keys(row.values));
      // Every file holding this index: the same row, or the merge stops.
      for (const cursor of cursors) {
        if (cursor.row?.index !== row.index) continue;
        if (jsonlLine(cursor.row, Object.keys(cursor.row.values)) !== text)
          throw new UsageError(
            `point ${row.index} is in ${place} and in ${cursor.file} line ${cursor.line} with different content: are these shards of the same sweep? Nothing was written`,
          );
        await advance(cursor);
      }
      yield row;
    }
  } finally {
    for (const cursor of cursors) cursor.close();
  }
}

export async function runSweepMerge(args: string[], streams: Streams): Promise<number> {
  const { values, positionals } = parsedArgs(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        pareto: { type: 'boolean', default: false },
        spec: { type: 'string' },
      },
    }),
  );
  if (positionals.length === 0) throw new UsageError('sweep merge needs the JSONL files of the shards');
  if (values.out === undefined) throw new UsageError('sweep merge needs --out <all.csv | .jsonl | .parquet>');
  for (const file of positionals)
    if (!file.toLowerCase().endsWith('.jsonl'))
      throw new UsageError(
        `sweep merge reads the JSONL files \`tessera sweep --out part.jsonl\` writes (got ${file})`,
      );
  const format = outputFormatOf(values.out);
  // The objectives of --pareto: the spec's when given, else the defaults (what an unsharded run of a spec
  // without objectives uses).
  let objectives: readonly SweepObjective[] = objectivesOf({});
  if (values.spec !== undefined) {
    const { readSweepSpec } = await import('../../engine/sweep/read');
    const read = readSweepSpec(await readTextFile(values.spec, 'sweep spec'));
    if (!read.ok)
      throw new UsageError(
        `sweep spec ${values.spec} is invalid:\n${read.problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n')}`,
      );
    objectives = objectivesOf(read.value);
  }

  // The parameter paths (the columns) are the first row's: every row of a sweep has every parameter.
  const rows = mergedRows(positionals);
  const first = await rows.next();
  if (first.done === true) throw new UsageError(`the files hold no rows; nothing was written`);
  const paths = Object.keys(first.value.values);
  const expected = JSON.stringify(paths);
  const pareto = values.pareto === true ? new ParetoFilter(objectives) : undefined;
  const writer = await openRowWriter(values.out, format, paths);
  let count = 0;
  let missing = 0;
  let previous = -1;
  let batch: SweepRow[] = [];
  try {
    const take = async (row: SweepRow) => {
      if (JSON.stringify(Object.keys(row.values)) !== expected)
        throw new UsageError(
          `point ${row.index} sweeps ${Object.keys(row.values).join(', ')}, not ${paths.join(', ')}: the files come from different sweeps; nothing was written`,
        );
      missing += row.index - previous - 1;
      previous = row.index;
      count += 1;
      if (pareto) pareto.add(row);
      else {
        batch.push(row);
        if (batch.length >= 1000) {
          await writer.write(batch);
          batch = [];
        }
      }
    };
    await take(first.value);
    for await (const row of rows) await take(row);
    await writer.write(batch);
    if (pareto) await writer.write(pareto.rows());
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  streams.stderr(
    `${values.out}: ${pareto ? `the Pareto front of ${count.toLocaleString('en-US')} points` : `${count.toLocaleString('en-US')} points`} from ${positionals.length} file${positionals.length === 1 ? '' : 's'}\n`,
  );
  if (missing > 0 && !pareto)
    streams.stderr(
      `warning: ${missing.toLocaleString('en-US')} point index(es) between 0 and ${previous} are in none of the files (a shard missing?)\n`,
    );
  return 0;
}
