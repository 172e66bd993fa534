/**
 * Pareto fronts of sweep points: which feasible points no other feasible point beats on every objective at
 * once; and, for NSGA-II, the sorting of a population into successive fronts and the crowding distance that
 * keeps a front spread out (Deb, Pratap, Agarwal & Meyarivan, "A fast and elitist multiobjective genetic
 * algorithm: NSGA-II", IEEE TEC 6(2), 2002).
 *
 * Objectives are turned into "smaller is better" vectors (a `max` goal is negated), so every comparison
 * below is one way round.
 */
import type { SweepRow } from './row';
import type { SweepObjective } from './spec';

/**
 * A row's objectives as a vector to minimise (a `max` goal negated); undefined when the row is not a
 * candidate: not evaluated, not feasible, or an objective figure missing or not finite.
 */
export function objectiveVector(row: SweepRow, objectives: readonly SweepObjective[]): number[] | undefined {
  if (!row.ok || !row.feasible || row.figures === undefined) return undefined;
  const vector: number[] = [];
  for (const objective of objectives) {
    const value = row.figures[objective.figure];
    if (!Number.isFinite(value)) return undefined;
    vector.push(objective.goal === 'max' ? -value : value);
  }
  return vector;
}

/** Whether vector `a` dominates `b` (both minimised): no worse in every objective, better in at least one. */
export function dominatesVector(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  let better = false;
  for (let index = 0; index < a.length; index += 1) {
    const first = a[index] ?? 0;
    const second = b[index] ?? 0;
    if (first > second) return false;
    if (first < second) better = true;
  }
  return better;
}

/**
 * Whether row `a` dominates row `b` on the objectives: both feasible, `a` no worse on every objective and
 * better on one. A row that is not a candidate (see {@link objectiveVector}) neither dominates nor is dominated.
 */
export function dominates(a: SweepRow, b: SweepRow, objectives: readonly SweepObjective[]): boolean {
  const first = objectiveVector(a, objectives);
  const second = objectiveVector(b, objectives);
  return first !== undefined && second !== undefined && dominatesVector(first, second);
}

/**
 * The Pareto front of a sweep's feasible rows, in the order given: every feasible row no other feasible row
 * dominates. Rows with equal objectives are all on the front or all off it. O(n log n) for one or two
 * objectives (a sort and one sweep), O(n · front size) beyond; a million rows take 0.4–1.8 s (docs/performance.md).
 */
export function paretoFront<T extends SweepRow>(
  rows: readonly T[],
  objectives: readonly SweepObjective[],
): T[] {
  const dimensions = objectives.length;
  const candidates: T[] = [];
  const flat = new Float64Array(rows.length * dimensions);
  for (const row of rows) {
    if (!row.ok || !row.feasible || row.figures === undefined) continue;
    const base = candidates.length * dimensions;
    let finite = true;
    for (let objective = 0; objective < dimensions; objective += 1) {
      const { figure, goal } = objectives[objective] as SweepObjective;
      const value = row.figures[figure];
      if (!Number.isFinite(value)) finite = false;
      flat[base + objective] = goal === 'max' ? -value : value;
    }
    if (finite) candidates.push(row);
  }
  return flatFront(flat, candidates.length, dimensions).map((index) => candidates[index] as T);
}

/** The positions of the non-dominated vectors (minimised), in increasing order. */
export function frontIndices(vectors: readonly (readonly number[])[]): number[] {
  const dimensions = vectors[0]?.length ?? 0;
  const flat = new Float64Array(vectors.length * dimensions);
  vectors.forEach((vector, index) => flat.set(vector, index * dimensions));
  return flatFront(flat, vectors.length, dimensions);
}

/** The front of `count` vectors stored one after another in `flat`, as positions in increasing order. */
function flatFront(flat: Float64Array, count: number, dimensions: number): number[] {
  if (count === 0) return [];
  const order = survivors(flat, count, dimensions);
  // Lexicographic order: whatever dominates a vector comes before it, so a front only ever grows.
  order.sort((first, second) => {
    const a = first * dimensions;
    const b = second * dimensions;
    for (let objective = 0; objective < dimensions; objective += 1) {
      const difference = (flat[a + objective] as number) - (flat[b + objective] as number);
      if (difference !== 0) return difference;
    }
    return first - second;
  });
  const onFront = new Uint8Array(count);
  if (dimensions <= 2) sweepTwo(flat, dimensions, order, onFront);
  else {
    const front: number[] = [];
    for (const index of order) {
      let dominated = false;
      for (const member of front) {
        if (dominatesAt(flat, member * dimensions, index * dimensions, dimensions)) {
          dominated = true;
          break;
        }
      }
      if (dominated) continue;
      front.push(index);
      onFront[index] = 1;
    }
  }
  const result: number[] = [];
  for (let index = 0; index < count; index += 1) if (onFront[index] === 1) result.push(index);
  return result;
}

/**
 * The positions not dominated by a few pivots (the best vector on each objective, and the best on the sum of
 * objectives scaled to their extents): one linear pass that usually leaves a small fraction of a large set
 * to sort, and never drops a front member (whatever any vector dominates is off the front).
 */
function survivors(flat: Float64Array, count: number, dimensions: number): Uint32Array {
  const low = new Float64Array(dimensions).fill(Infinity);
  const high = new Float64Array(dimensions).fill(-Infinity);
  for (let index = 0; index < count; index += 1) {
    for (let objective = 0; objective < dimensions; objective += 1) {
      const value = flat[index * dimensions + objective] as number;
      if (value < (low[objective] as number)) low[objective] = value;
      if (value > (high[objective] as number)) high[objective] = value;
    }
  }
  const best = new Array<number>(dimensions + 1).fill(0);
  const bestScore = new Array<number>(dimensions + 1).fill(Infinity);
  for (let index = 0; index < count; index += 1) {
    let sum = 0;
    for (let objective = 0; objective < dimensions; objective += 1) {
      const value = flat[index * dimensions + objective] as number;
      const extent = (high[objective] as number) - (low[objective] as number);
      sum += extent > 0 ? (value - (low[objective] as number)) / extent : 0;
      if (value < (bestScore[objective] as number)) {
        bestScore[objective] = value;
        best[objective] = index;
      }
    }
    if (sum < (bestScore[dimensions] as number)) {
      bestScore[dimensions] = sum;
      best[dimensions] = index;
    }
  }
  const pivots = [...new Set(best)].map((index) => index * dimensions);
  const kept = new Uint32Array(count);
  let size = 0;
  for (let index = 0; index < count; index += 1) {
    const at = index * dimensions;
    if (!pivots.some((pivot) => dominatesAt(flat, pivot, at, dimensions))) kept[size++] = index;
  }
  return kept.subarray(0, size);
}

function dominatesAt(flat: Float64Array, a: number, b: number, dimensions: number): boolean {
  let better = false;
  for (let objective = 0; objective < dimensions; objective += 1) {
    const first = flat[a + objective] as number;
    const second = flat[b + objective] as number;
    if (first > second) return false;
    if (first < second) better = true;
  }
  return better;
}

/**
 * Two objectives (or one), in lexicographic order: a vector is dominated when an earlier group (smaller first
 * objective) reached a second objective at or below its own, or its own group (same first objective) did
 * strictly below.
 */
function sweepTwo(flat: Float64Array, dimensions: number, order: Uint32Array, onFront: Uint8Array): void {
  const second = (index: number) => (dimensions === 2 ? (flat[index * 2 + 1] as number) : 0);
  const first = (index: number) => flat[index * dimensions] as number;
  let bestBefore = Infinity;
  let position = 0;
  while (position < order.length) {
    const leader = order[position] as number;
    const groupFirst = first(leader);
    const groupBest = second(leader);
    let end = position;
    while (end < order.length && first(order[end] as number) === groupFirst) {
      const index = order[end] as number;
      const value = second(index);
      if (!(bestBefore <= value) && !(groupBest < value)) onFront[index] = 1;
      end += 1;
    }
    bestBefore = Math.min(bestBefore, groupBest);
    position = end;
  }
}

/**
 * Sorts `count` items into fronts by a domination relation: the first front is what nothing dominates, the
 * next what only the first dominates, and so on. `compare` must order every item after whatever dominates it
 * (for objective vectors: lexicographically). Efficient non-dominated sort with sequential search (Zhang, Tian,
 * Cheng & Jin, "An efficient approach to nondominated sorting for evolutionary multiobjective optimization",
 * IEEE TEC 19(2), 2015): in that order, each item joins the first front that holds nothing dominating it — right,
 * because domination is transitive. About O(n √n) tests on typical populations and no n² table, where Deb's
 * original sort took 6.6 s and a table of millions of entries for 6,000 items.
 * Returns positions, each front in increasing order.
 */
export function nondominatedSort(
  count: number,
  dominatesAt: (a: number, b: number) => boolean,
  compare: (a: number, b: number) => number,
): number[][] {
  const order = Array.from({ length: count }, (_, index) => index);
  order.sort((first, second) => compare(first, second) || first - second);
  const fronts: number[][] = [];
  for (const index of order) {
    let home: number[] | undefined;
    for (const front of fronts) {
      let dominated = false;
      // The latest members are the likeliest to dominate the next item in lexicographic order.
      for (let member = front.length - 1; member >= 0; member -= 1) {
        if (dominatesAt(front[member] as number, index)) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        home = front;
        break;
      }
    }
    if (home === undefined) fronts.push([index]);
    else home.push(index);
  }
  return fronts.map((front) => front.sort((first, second) => first - second));
}

/** Compares two vectors lexicographically (an order in which whatever dominates a vector comes before it). */
export function compareVectors(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let index = 0; index < a.length; index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The crowding distance of each member of a front (aligned with `front`): per objective, the gap between its
 * two neighbours relative to the front's extent, summed; the extremes of each objective get Infinity, so a
 * front keeps its ends (Deb et al. 2002, section III-B).
 */
export function crowdingDistances(
  vectors: readonly (readonly number[])[],
  front: readonly number[],
): Float64Array {
  const distances = new Float64Array(front.length);
  const dimensions = vectors[front[0] ?? 0]?.length ?? 0;
  const positions = Array.from({ length: front.length }, (_, position) => position);
  for (let objective = 0; objective < dimensions; objective += 1) {
    const value = (position: number) => vectors[front[position] ?? 0]?.[objective] ?? 0;
    positions.sort((first, second) => value(first) - value(second) || first - second);
    const lowest = positions[0] ?? 0;
    const highest = positions[positions.length - 1] ?? 0;
    distances[lowest] = Infinity;
    distances[highest] = Infinity;
    const extent = value(highest) - value(lowest);
    if (!(extent > 0)) continue;
    for (let rank = 1; rank < positions.length - 1; rank += 1) {
      const position = positions[rank] ?? 0;
      const gap = value(positions[rank + 1] ?? 0) - value(positions[rank - 1] ?? 0);
      distances[position] = (distances[position] ?? 0) + gap / extent;
    }
  }
  return distances;
}
