/**
 * Merging the rows of a sweep's shards into one sequence, as one unsharded run would have written it: by
 * index, whatever order the parts come in. A point evaluated by two shards must have the same row in both
 * (the runs are deterministic); a different row means the parts are from different sweeps, which is an error.
 */
import type { SweepRow } from './row';

/** The merged rows, or why the parts do not merge. */
export type MergedRows = { ok: true; rows: SweepRow[] } | { ok: false; message: string; index: number };

/** Merges parts held in memory; order-independent. */
export function mergeRows(parts: readonly (readonly SweepRow[])[]): MergedRows {
  const all = parts.flat();
  all.sort((first, second) => first.index - second.index);
  const rows: SweepRow[] = [];
  for (const row of all) {
    const previous = rows[rows.length - 1];
    if (previous !== undefined && previous.index === row.index) {
      if (!sameRow(previous, row)) return conflict(row.index);
      continue;
    }
    rows.push(row);
  }
  return { ok: true, rows };
}

/** Thrown by {@link mergeSortedRows} when two parts disagree on a point, or a part is not in index order. */
export class SweepMergeError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'SweepMergeError';
  }
}

/**
 * Merges parts that are each in increasing index order (as a shard writes them), streaming: memory holds one
 * row per part, so a million-point sweep merges from files without loading them. Same result as
 * {@link mergeRows}; throws {@link SweepMergeError} where it would fail.
 */
export function* mergeSortedRows(parts: readonly Iterable<SweepRow>[]): Generator<SweepRow, void, undefined> {
  const iterators = parts.map((part) => part[Symbol.iterator]());
  const heads: (SweepRow | undefined)[] = iterators.map((iterator) => nextOf(iterator, undefined));
  let last: SweepRow | undefined;
  for (;;) {
    let chosen = -1;
    for (let part = 0; part < heads.length; part += 1) {
      const head = heads[part];
      if (head !== undefined && (chosen < 0 || head.index < (heads[chosen]?.index ?? Infinity)))
        chosen = part;
    }
    if (chosen < 0) return;
    const row = heads[chosen] as SweepRow;
    heads[chosen] = nextOf(iterators[chosen] as Iterator<SweepRow>, row);
    if (last !== undefined && last.index === row.index) {
      if (!sameRow(last, row)) throw new SweepMergeError(row.index, conflict(row.index).message);
      continue;
    }
    last = row;
    yield row;
  }
}

function nextOf(iterator: Iterator<SweepRow>, previous: SweepRow | undefined): SweepRow | undefined {
  const next = iterator.next();
  if (next.done === true) return undefined;
  const row = next.value;
  if (previous !== undefined && row.index <= previous.index) {
    throw new SweepMergeError(
      row.index,
      `a part is not in index order: point ${row.index} comes after point ${previous.index}`,
    );
  }
  return row;
}

/** The indices in [0, total) that no row has, at most `limit` of them (to say which shards are missing). */
export function missingIndices(rows: readonly SweepRow[], total: number, limit = 20): number[] {
  const present = new Uint8Array(total);
  for (const row of rows) if (row.index >= 0 && row.index < total) present[row.index] = 1;
  const missing: number[] = [];
  for (let index = 0; index < total && missing.length < limit; index += 1)
    if (present[index] === 0) missing.push(index);
  return missing;
}

function conflict(index: number): { ok: false; message: string; index: number } {
  return {
    ok: false,
    index,
    message: `point ${index} appears in two parts with different results: the parts are not from the same sweep`,
  };
}

/** Whether two rows say the same, whatever the order of their keys. */
function sameRow(a: SweepRow, b: SweepRow): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([first], [second]) => (first < second ? -1 : first > second ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
