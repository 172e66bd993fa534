/**
 * The points a `SweepRun` evaluates, generated as they are needed: the sweep's point source (grid, random,
 * Latin hypercube: `engine/sweep/points.ts`), this shard's indices only, without the indices already done; or
 * NSGA-II's generations (`engine/sweep/nsga2.ts`), each asked for once the one before it has been told.
 */
import { createNsga2 } from '../../engine/sweep/nsga2';
import { createPointSource, shardSize, type SweepPointValues } from '../../engine/sweep/points';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec } from '../../engine/sweep/spec';

export type { SweepPointValues };

export interface PointFeed {
  /** Points this feed has in all (this shard's). */
  total: number;
  /** Of those, already done (`skip`). */
  skipped: number;
  /** Up to `max` next points; `'wait'` until the rows in flight are told (NSGA-II); undefined when done. */
  take(max: number): SweepPointValues[] | 'wait' | undefined;
  tell?(rows: SweepRow[]): void;
}

type Feed = { ok: true; feed: PointFeed } | { ok: false; message: string };

function shardProblem(shard: { index: number; count: number }): string | undefined {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index))
    return 'A shard is "I/N" with whole numbers N ≥ 1 and 1 ≤ I ≤ N.';
  if (shard.index < 1 || shard.index > shard.count)
    return `Shard ${shard.index}/${shard.count} does not exist: I must be from 1 to ${shard.count}.`;
  return undefined;
}

/** This shard's points of the sweep, without those in `skip`. The spec has passed `sweepSpecProblems`. */
export function createPointFeed(
  spec: SweepSpec,
  shard: { index: number; count: number } = { index: 1, count: 1 },
  skip: ReadonlySet<number> = new Set(),
): Feed {
  const problem = shardProblem(shard);
  if (problem) return { ok: false, message: problem };
  if (spec.strategy.kind === 'nsga2') return nsga2Feed(spec, shard, skip);
  const source = createPointSource(spec);
  const first = shard.index - 1;
  const total = shardSize(source.total, shard);
  let skipped = 0;
  for (const index of skip)
    if (index >= 0 && index < source.total && index % shard.count === first) skipped += 1;
  let next = first;
  return {
    ok: true,
    feed: {
      total,
      skipped,
      take(max) {
        const points: SweepPointValues[] = [];
        while (points.length < max && next < source.total) {
          const index = next;
          next += shard.count;
          if (!skip.has(index)) points.push({ index, values: source.at(index) });
        }
        return points.length > 0 ? points : undefined;
      },
    },
  };
}

/**
 * NSGA-II: a generation at a time, each asked for when the one before has been told. Its points depend on the
 * rows before them, so it runs whole: not in shards, and not resumed from a set of indices without their rows.
 */
function nsga2Feed(
  spec: SweepSpec,
  shard: { index: number; count: number },
  skip: ReadonlySet<number>,
): Feed {
  if (shard.count !== 1)
    return {
      ok: false,
      message: 'An NSGA-II sweep cannot be split in shards: each generation needs the one before.',
    };
  if (skip.size > 0)
    return {
      ok: false,
      message:
        'An NSGA-II sweep cannot skip points already done: its next generations need their rows. Run it again whole.',
    };
  const search = createNsga2(spec);
  let generation: SweepPointValues[] = [];
  let position = 0;
  let waiting = 0;
  return {
    ok: true,
    feed: {
      total: search.total,
      skipped: 0,
      take(max) {
        if (position >= generation.length) {
          if (waiting > 0) return 'wait';
          const asked = search.ask();
          if (!asked) return undefined;
          generation = asked;
          position = 0;
          waiting = asked.length;
        }
        const points = generation.slice(position, position + max);
        position += points.length;
        return points;
      },
      tell(rows) {
        search.tell(rows);
        waiting -= rows.length;
      },
    },
  };
}
