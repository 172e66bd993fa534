import { describe, expect, it } from 'vitest';
import { mergeRows, mergeSortedRows, missingIndices, SweepMergeError } from './merge';
import { createPointSource, shardIndices, valuesByPath } from './points';
import type { SweepRow } from './row';
import type { SweepSpec, SweepStrategy } from './spec';
import { figuresOf, specOf } from './testing';

/** A stand-in evaluation: a pure function of the values, with some points failing. */
function evaluate(
  spec: SweepSpec,
  index: number,
  values: SweepSpec['parameters'][number]['values'] & {},
): SweepRow {
  const [a, b] = values as [number, number];
  if ((a * 7 + b) % 11 === 0)
    return { index, values: valuesByPath(spec, values), ok: false, error: 'no', feasible: false };
  return {
    index,
    values: valuesByPath(spec, values),
    ok: true,
    figures: figuresOf({ decodeTokensPerSecond: a * b, ttftSeconds: a / (b + 1) }),
    feasible: a > b,
  };
}

function runShard(spec: SweepSpec, shard?: { index: number; count: number }): SweepRow[] {
  const source = createPointSource(spec);
  const indices = shard
    ? [...shardIndices(source.total, shard)]
    : Array.from({ length: source.total }, (_, i) => i);
  return indices.map((index) => evaluate(spec, index, source.at(index)));
}

const strategies: SweepStrategy[] = [
  { kind: 'grid' },
  { kind: 'random', samples: 103, seed: 4 },
  { kind: 'latin-hypercube', samples: 97, seed: 9 },
];

describe('sharded runs', () => {
  for (const strategy of strategies) {
    it(`${strategy.kind}: the merge of N shards is the unsharded run, byte for byte, for N = 1, 3, 7, in any order`, () => {
      const spec = specOf({
        parameters: [
          { path: 'p.a', range: { from: 1, to: 20, steps: 20, scale: 'linear', integer: true } },
          { path: 'p.b', values: [0, 1, 2, 3, 5, 8] },
        ],
        strategy,
      });
      const whole = runShard(spec);
      const lines = (rows: readonly SweepRow[]) => rows.map((row) => JSON.stringify(row)).join('\n');
      for (const count of [1, 3, 7]) {
        const parts = Array.from({ length: count }, (_, at) => runShard(spec, { index: at + 1, count }));
        for (const order of [parts, [...parts].reverse(), [...parts.slice(1), ...parts.slice(0, 1)]]) {
          const merged = mergeRows(order);
          expect(merged.ok && lines(merged.rows)).toBe(lines(whole));
          expect(lines([...mergeSortedRows(order)])).toBe(lines(whole));
        }
      }
    });
  }

  it('accepts a point given twice with the same row, refuses it with a different one', () => {
    const spec = specOf({
      parameters: [
        { path: 'p.a', values: [1, 2, 3] },
        { path: 'p.b', values: [1] },
      ],
    });
    const rows = runShard(spec);
    const reordered = rows.map(
      (row) => Object.fromEntries(Object.entries(row).reverse()) as unknown as SweepRow,
    );
    expect(mergeRows([rows, reordered])).toEqual({ ok: true, rows });
    const changed = { ...rows[1]!, feasible: !rows[1]!.feasible };
    expect(mergeRows([rows, [changed]])).toMatchObject({ ok: false, index: 1 });
    expect(() => [...mergeSortedRows([rows, [changed]])]).toThrow(SweepMergeError);
  });

  it('refuses a streamed part out of index order, and names the points no part has', () => {
    const spec = specOf({
      parameters: [
        { path: 'p.a', values: [1, 2, 3, 4] },
        { path: 'p.b', values: [1] },
      ],
    });
    const rows = runShard(spec);
    expect(() => [...mergeSortedRows([[rows[2]!, rows[0]!]])]).toThrow(/not in index order/);
    expect(missingIndices([rows[0]!, rows[3]!], 4)).toEqual([1, 2]);
  });
});
