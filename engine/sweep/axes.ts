/**
 * The axes of a sweep: its parameters grouped by `link` (an unlinked parameter is an axis of its own), and how
 * one position on an axis becomes each parameter's value. Shared by the reader's checks, the point sources,
 * NSGA-II and the sensitivity variants, so a position means the same thing everywhere.
 *
 * A position is either a grid step (an index into the axis's list of values) or a fraction `u` in (0, 1) that
 * each parameter turns into a value through its quantile function: a list picks entry ⌊u·n⌋, a range or a
 * uniform distribution goes linearly (or logarithmically) from its start to its end, a normal distribution
 * goes through the inverse normal CDF and is clipped, a weighted choice picks by cumulative weight.
 */
import type { SweepParameter, SweepSpec, SweepValue } from './spec';

/** Parameters that move together, by their positions in `spec.parameters`, in order of first appearance. */
export interface SweepAxis {
  /** Indices into `spec.parameters`. */
  parameters: number[];
  /** The link id, when the parameters are linked. */
  link?: string;
}

/** Groups a spec's parameters into axes: linked ones share an axis, in the order their first one appears. */
export function axesOf(spec: Pick<SweepSpec, 'parameters'>): SweepAxis[] {
  const axes: SweepAxis[] = [];
  const byLink = new Map<string, SweepAxis>();
  spec.parameters.forEach((parameter, index) => {
    if (parameter.link === undefined) {
      axes.push({ parameters: [index] });
      return;
    }
    const existing = byLink.get(parameter.link);
    if (existing) {
      existing.parameters.push(index);
      return;
    }
    const axis: SweepAxis = { parameters: [index], link: parameter.link };
    byLink.set(parameter.link, axis);
    axes.push(axis);
  });
  return axes;
}

/**
 * The values a parameter takes in a grid: its list, or its range's `steps` points with both ends included
 * (linear or logarithmic spacing; rounded when `integer`). Undefined for a distribution, or a range without steps.
 */
export function gridValues(parameter: SweepParameter): SweepValue[] | undefined {
  if (parameter.values !== undefined) return parameter.values;
  const range = parameter.range;
  if (range === undefined || range.steps === undefined) return undefined;
  const values: number[] = [];
  const last = range.steps - 1;
  for (let step = 0; step <= last; step += 1) {
    // The ends are written exactly, not computed, so "from 1 to 10" ends on 10 and not 9.999999999999998.
    const value = step === 0 ? range.from : step === last ? range.to : rangeAt(range, step / last);
    values.push(range.integer === true ? Math.round(value) : value);
  }
  return values;
}

/** How many values an axis position can take in a grid (its parameters have this many each); undefined if not a grid axis. */
export function gridLength(parameter: SweepParameter): number | undefined {
  if (parameter.values !== undefined) return parameter.values.length;
  return parameter.range?.steps;
}

type Range = NonNullable<SweepParameter['range']>;

/** The point a fraction `u` of the way along a range (in log space when its scale is `log`). */
function rangeAt(range: Pick<Range, 'from' | 'to' | 'scale'>, u: number): number {
  if (range.scale === 'log') return range.from * Math.pow(range.to / range.from, u);
  return range.from + (range.to - range.from) * u;
}

/** A whole number drawn evenly from the whole numbers in [min, max] (`u` in [0, 1)); min when there are none. */
function wholeAt(min: number, max: number, u: number): number {
  const low = Math.ceil(min);
  const high = Math.floor(max);
  if (high <= low) return low;
  return Math.min(high, low + Math.floor(u * (high - low + 1)));
}

/**
 * A parameter's value at fraction `u` of its quantile function (0 < u < 1). The same `u` given to linked
 * parameters picks corresponding values: the same list position, the same fraction of a range.
 */
export function valueAtFraction(parameter: SweepParameter, u: number): SweepValue {
  if (parameter.values !== undefined) return pick(parameter.values, u);
  const range = parameter.range;
  if (range !== undefined) {
    if (range.integer === true && range.scale !== 'log') return wholeAt(range.from, range.to, u);
    const value = rangeAt(range, u);
    return range.integer === true ? clampRound(value, range.from, range.to) : value;
  }
  const distribution = parameter.distribution;
  if (distribution === undefined) return Number.NaN;
  switch (distribution.kind) {
    case 'uniform':
      return distribution.integer === true
        ? wholeAt(distribution.min, distribution.max, u)
        : distribution.min + (distribution.max - distribution.min) * u;
    case 'log-uniform': {
      const value = rangeAt({ from: distribution.min, to: distribution.max, scale: 'log' }, u);
      return distribution.integer === true ? clampRound(value, distribution.min, distribution.max) : value;
    }
    case 'normal': {
      const min = distribution.min ?? -Infinity;
      const max = distribution.max ?? Infinity;
      const drawn = distribution.mean + distribution.stddev * inverseNormal(u);
      const clipped = Math.min(max, Math.max(min, drawn));
      return distribution.integer === true ? clampRound(clipped, min, max) : clipped;
    }
    case 'choice':
      return distribution.weights === undefined
        ? pick(distribution.values, u)
        : weightedPick(distribution.values, distribution.weights, u);
  }
}

/** The options a categorical parameter chooses among (a list, or a choice distribution); undefined otherwise. */
export function categoricalValues(parameter: SweepParameter): SweepValue[] | undefined {
  if (parameter.values !== undefined) return parameter.values;
  if (parameter.distribution?.kind === 'choice') return parameter.distribution.values;
  return undefined;
}

function pick(values: readonly SweepValue[], u: number): SweepValue {
  const index = Math.min(values.length - 1, Math.max(0, Math.floor(u * values.length)));
  return values[index] ?? Number.NaN;
}

function weightedPick(values: readonly SweepValue[], weights: readonly number[], u: number): SweepValue {
  let total = 0;
  for (let index = 0; index < values.length; index += 1) total += weights[index] ?? 0;
  const target = u * total;
  let cumulative = 0;
  let lastWeighted = 0;
  for (let index = 0; index < values.length; index += 1) {
    const weight = weights[index] ?? 0;
    if (weight <= 0) continue;
    lastWeighted = index;
    cumulative += weight;
    if (target < cumulative) return values[index] ?? Number.NaN;
  }
  // Rounding can leave `target` a hair above the last sum: the last option with weight takes it.
  return values[lastWeighted] ?? Number.NaN;
}

/** Rounds to a whole number that stays within [min, max] where such a number exists. */
function clampRound(value: number, min: number, max: number): number {
  const rounded = Math.round(value);
  if (rounded < min && Math.ceil(min) <= max) return Math.ceil(min);
  if (rounded > max && Math.floor(max) >= min) return Math.floor(max);
  return rounded;
}

/**
 * The inverse of the standard normal CDF, by P. J. Acklam's rational approximation ("An algorithm for
 * computing the inverse normal cumulative distribution function", 2003; relative error below 1.15e-9), which
 * is plenty for drawing sweep points. Defined for 0 < p < 1; ±Infinity at the ends.
 */
export function inverseNormal(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}
