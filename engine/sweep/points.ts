/**
 * The points of a sweep, by index, for the grid and the sampling strategies; and which shard evaluates which.
 *
 * Every point is a pure function of (spec, index): shard 3 of 8, a resumed run and a worker all compute the
 * same values for the same index, on every machine, without computing the points before it.
 * - grid: mixed-radix decoding over the axes (linked parameters are one axis), the last axis fastest;
 * - random: one draw per axis from a counter-based hash of (seed, index, axis);
 * - latin-hypercube: per axis, a seeded permutation of the strata (computed at an index, not stored) plus a
 *   hashed offset within the stratum, so each axis's `samples` values fall one in each of `samples` equal slices.
 * NSGA-II's points depend on the results before them: see `nsga2.ts`.
 */
import { axesOf, gridValues, valueAtFraction, type SweepAxis } from './axes';
import { createPermutation, hashUniform, hashWords } from './random';
import type { SweepSpec, SweepValue } from './spec';

/** One point to evaluate: its index in the sweep and its values, aligned with `spec.parameters`. */
export interface SweepPointValues {
  index: number;
  values: SweepValue[];
}

/** The points of a grid or sampling sweep, by index in [0, total). */
export interface PointSource {
  total: number;
  /** The values of point `index`, aligned with `spec.parameters`. */
  at(index: number): SweepValue[];
}

/** Streams of the counter-based hash, so that the strategies never share draws. */
const randomStream = 1;
const hypercubeStream = 2;
const permutationStream = 3;

/**
 * The point source of a grid, random or Latin-hypercube sweep. The spec must have passed `readSweepSpec` or
 * `parseSweepSpecValue` (a grid's ranges have steps, linked parameters agree). Throws for NSGA-II, whose
 * points come from `createNsga2`, and for an index outside [0, total).
 */
export function createPointSource(spec: SweepSpec): PointSource {
  const axes = axesOf(spec);
  const strategy = spec.strategy;
  switch (strategy.kind) {
    case 'grid':
      return gridSource(spec, axes);
    case 'random':
      return fractionSource(spec, axes, strategy.samples, (index, axis) =>
        hashUniform(strategy.seed, randomStream, index, axis),
      );
    case 'latin-hypercube': {
      const samples = strategy.samples;
      const strata = axes.map((_, axis) =>
        createPermutation(samples, hashWords(strategy.seed, permutationStream, axis)),
      );
      return fractionSource(spec, axes, samples, (index, axis) => {
        const stratum = strata[axis]?.(index) ?? 0;
        return (stratum + hashUniform(strategy.seed, hypercubeStream, index, axis)) / samples;
      });
    }
    case 'nsga2':
      throw new Error('an NSGA-II sweep has no fixed points: its points come from createNsga2(spec).ask()');
  }
}

function gridSource(spec: SweepSpec, axes: readonly SweepAxis[]): PointSource {
  const lists = spec.parameters.map((parameter, index) => {
    const values = gridValues(parameter);
    if (values === undefined) {
      throw new Error(
        `parameters[${index}] (${parameter.path}) has no grid values: give a list or a range with steps`,
      );
    }
    return values;
  });
  const lengths = axes.map((axis) => lists[axis.parameters[0] ?? 0]?.length ?? 1);
  const total = lengths.reduce((product, length) => product * length, 1);
  const count = spec.parameters.length;
  return {
    total,
    at(index) {
      checkIndex(index, total);
      const values: SweepValue[] = new Array<SweepValue>(count);
      let rest = index;
      for (let axis = axes.length - 1; axis >= 0; axis -= 1) {
        const length = lengths[axis] ?? 1;
        const step = rest % length;
        rest = (rest - step) / length;
        for (const parameter of axes[axis]?.parameters ?? [])
          values[parameter] = lists[parameter]?.[step] ?? Number.NaN;
      }
      return values;
    },
  };
}

function fractionSource(
  spec: SweepSpec,
  axes: readonly SweepAxis[],
  total: number,
  fraction: (index: number, axis: number) => number,
): PointSource {
  const count = spec.parameters.length;
  return {
    total,
    at(index) {
      checkIndex(index, total);
      const values: SweepValue[] = new Array<SweepValue>(count);
      axes.forEach((axis, axisIndex) => {
        const u = fraction(index, axisIndex);
        for (const parameter of axis.parameters) {
          const definition = spec.parameters[parameter];
          values[parameter] = definition ? valueAtFraction(definition, u) : Number.NaN;
        }
      });
      return values;
    },
  };
}

function checkIndex(index: number, total: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= total) {
    throw new RangeError(`point ${index} is outside the sweep (points 0 to ${total - 1})`);
  }
}

/** A point's values keyed by parameter path, as a `SweepRow` carries them. */
export function valuesByPath(
  spec: Pick<SweepSpec, 'parameters'>,
  values: readonly SweepValue[],
): Record<string, SweepValue> {
  const record: Record<string, SweepValue> = {};
  spec.parameters.forEach((parameter, index) => {
    const value = values[index];
    if (value !== undefined) record[parameter.path] = value;
  });
  return record;
}

// ---------------------------------------------------------------------------------------------------------
// Shards

/** Shard `index` (1-based) of `count`, as the command line's `--shard 3/8` names it. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * The 1-based shard a point belongs to when a sweep is split in `count` shards: interleaved (point i goes to
 * shard i mod count + 1), so every shard gets a fair share of every region of a grid, and a shard's points are
 * known without knowing the sweep's size.
 */
export function shardOf(index: number, count: number): number {
  return (index % count) + 1;
}

/** Throws unless `shard` is a whole 1-based index within a whole positive count. */
export function checkShard(shard: Shard): void {
  if (
    !Number.isInteger(shard.count) ||
    shard.count < 1 ||
    !Number.isInteger(shard.index) ||
    shard.index < 1 ||
    shard.index > shard.count
  ) {
    throw new RangeError(
      `shard ${shard.index}/${shard.count} does not exist: the shard is I/N with 1 ≤ I ≤ N`,
    );
  }
}

/** How many of a sweep's `total` points shard I of N evaluates. */
export function shardSize(total: number, shard: Shard): number {
  checkShard(shard);
  const first = shard.index - 1;
  return first >= total ? 0 : Math.floor((total - 1 - first) / shard.count) + 1;
}

/** The indices shard I of N evaluates, in increasing order, lazily (a shard of 100 million points holds no array). */
export function* shardIndices(total: number, shard: Shard): Generator<number, void, undefined> {
  checkShard(shard);
  for (let index = shard.index - 1; index < total; index += shard.count) yield index;
}
