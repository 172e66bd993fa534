/**
 * The points a `SweepRun` evaluates, generated as they are needed: the sweep's point source (grid, random,
 * Latin hypercube), this shard's indices only, without the indices already done.
 *
 * Until core's `createPointSource` (`engine/sweep/points.ts`, branch i17-core) lands, a private stand-in covers
 * the grid; the other strategies say they are not available yet.
 */
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepParameter, SweepSpec, SweepValue } from '../../engine/sweep/spec';

export interface SweepPointValues {
  index: number;
  values: SweepValue[];
}

export interface PointFeed {
  /** Points this feed has in all (this shard's). */
  total: number;
  /** Of those, already done (`skip`). */
  skipped: number;
  /** Up to `max` next points; `'wait'` until the rows in flight are told (NSGA-II); undefined when done. */
  take(max: number): SweepPointValues[] | 'wait' | undefined;
  tell?(rows: SweepRow[]): void;
}

/** The values of one grid axis: a list, or a range's steps (log or linear, rounded when integer). */
function axisValues(parameter: SweepParameter): SweepValue[] | string {
  if (parameter.values) return parameter.values;
  const range = parameter.range;
  if (!range) return `${parameter.path}: a grid needs values or a range`;
  const steps = range.steps ?? 2;
  const values: number[] = [];
  for (let step = 0; step < steps; step += 1) {
    const t = step / (steps - 1);
    let value =
      range.scale === 'log'
        ? Math.exp(Math.log(range.from) + t * (Math.log(range.to) - Math.log(range.from)))
        : range.from + t * (range.to - range.from);
    if (step === steps - 1) value = range.to;
    values.push(range.integer ? Math.round(value) : value);
  }
  return values;
}

/** A grid's point source: linked parameters form one axis; the first axis varies slowest. */
function gridSource(
  spec: SweepSpec,
): { ok: true; total: number; at: (index: number) => SweepValue[] } | { ok: false; message: string } {
  const axes: { members: number[]; length: number }[] = [];
  const values: SweepValue[][] = [];
  const byLink = new Map<string, number>();
  for (const [position, parameter] of spec.parameters.entries()) {
    const list = axisValues(parameter);
    if (typeof list === 'string') return { ok: false, message: list };
    values.push(list);
    const linked = parameter.link === undefined ? undefined : byLink.get(parameter.link);
    if (linked !== undefined) {
      const axis = axes[linked] as { members: number[]; length: number };
      if (axis.length !== list.length)
        return { ok: false, message: `${parameter.path}: linked parameters need the same number of values` };
      axis.members.push(position);
      continue;
    }
    if (parameter.link !== undefined) byLink.set(parameter.link, axes.length);
    axes.push({ members: [position], length: list.length });
  }
  const total = axes.reduce((product, axis) => product * axis.length, 1);
  return {
    ok: true,
    total,
    at(index) {
      const point: SweepValue[] = new Array<SweepValue>(spec.parameters.length);
      let rest = index;
      for (let axis = axes.length - 1; axis >= 0; axis -= 1) {
        const { members, length } = axes[axis] as { members: number[]; length: number };
        const position = rest % length;
        rest = Math.floor(rest / length);
        for (const member of members)
          point[member] = (values[member] as SweepValue[])[position] as SweepValue;
      }
      return point;
    },
  };
}

/** This shard's points of the sweep, without those in `skip`. */
export function createPointFeed(
  spec: SweepSpec,
  shard: { index: number; count: number } = { index: 1, count: 1 },
  skip: ReadonlySet<number> = new Set(),
): { ok: true; feed: PointFeed } | { ok: false; message: string } {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index))
    return { ok: false, message: 'A shard is "I/N" with whole numbers N ≥ 1 and 1 ≤ I ≤ N.' };
  if (shard.index < 1 || shard.index > shard.count)
    return {
      ok: false,
      message: `Shard ${shard.index}/${shard.count} does not exist: I must be from 1 to ${shard.count}.`,
    };
  if (spec.strategy.kind !== 'grid')
    return { ok: false, message: `The "${spec.strategy.kind}" strategy is not available in this build yet.` };
  const source = gridSource(spec);
  if (!source.ok) return source;
  const first = shard.index - 1;
  const total = source.total > first ? Math.ceil((source.total - first) / shard.count) : 0;
  let skipped = 0;
  for (const index of skip) if (index < source.total && index % shard.count === first) skipped += 1;
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
