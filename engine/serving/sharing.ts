/**
 * Dynamic sharing: several models on one design, the hardware moved between them as their load shifts. One
 * `ServingSimulator` per model runs in lock-step windows of `intervalSeconds`; at each window's end the design's
 * units (eighths of every chip's compute and memory, or whole chips) are dealt out again in proportion to each
 * model's demand (requests waiting plus running), and a model whose share changed stalls for the reallocation
 * time (weights and KV blocks moved, kernels relaunched) before it runs on its new share.
 *
 * The policy is proportional share with whole units (largest remainder, Hamilton's method), each model keeping
 * at least the smallest share its weights fit in — the shape of demand-driven MIG/MPS repartitioning studied in
 * e.g. Choi et al., "Serving heterogeneous machine learning models on multi-GPU servers with spatio-temporal
 * sharing" (USENIX ATC 2022). The step-cost models of each share are built once by the caller and cached.
 */
import { ServingSimulator } from './simulate';
import type { ServingRun, SimulationInput, StepCostModel } from './types';

/** One model in the dynamic loop: its simulation input without the cost (the cost follows its share). */
export interface DynamicTenant {
  id: string;
  input: Omit<SimulationInput, 'cost'>;
}

export interface DynamicSharingInput {
  tenants: DynamicTenant[];
  /** Units the design is dealt out in (8 eighths of each chip, or the chips). */
  quanta: number;
  /** Each model's units at the start (the static partitions, quantised); every model's cost must exist there. */
  initialUnits: number[];
  /** The step cost of model `tenant` on `units` units, or undefined where it does not fit. Cached by the caller. */
  costAt: (tenant: number, units: number) => StepCostModel | undefined;
  intervalSeconds: number;
  reallocationSeconds: number;
}

export interface DynamicSharingResult {
  runs: ServingRun[];
  /** Times a model's share changed (each stalled it for `reallocationSeconds`). */
  reallocations: number;
  /** Sum over the reallocations of the stall time. */
  stalledSeconds: number;
  /** Windows the loop ran. */
  windows: number;
  /** Each model's units over time: one entry per reallocation window, [seconds, units per model]. */
  units: { atSeconds: number; units: number[] }[];
}

/** Windows after which the interval doubles, so a tiny interval on a long run cannot take unbounded time. */
const MAX_WINDOWS = 200_000;

/**
 * Deals `quanta` whole units out in proportion to `weights`, each at least `minimum[i]` (largest remainder on
 * what the minimums leave). With every weight zero, `current` is kept.
 */
export function apportion(
  weights: readonly number[],
  quanta: number,
  minimum: readonly number[],
  current: readonly number[],
): number[] {
  const total = weights.reduce((sum, weight) => sum + Math.max(0, weight), 0);
  const floor = minimum.reduce((sum, units) => sum + units, 0);
  if (total <= 0 || floor > quanta) return [...current];
  const spare = quanta - floor;
  const exact = weights.map((weight) => (Math.max(0, weight) / total) * spare);
  const units = exact.map((share, index) => (minimum[index] ?? 0) + Math.floor(share));
  let left = quanta - units.reduce((sum, value) => sum + value, 0);
  // Largest remainders first; ties go to the model listed first (deterministic).
  const order = exact
    .map((share, index) => ({ index, remainder: share - Math.floor(share) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    units[index] = (units[index] ?? 0) + 1;
    left -= 1;
  }
  return units;
}

/** The smallest share (in units) model `tenant` fits in, at most `ceiling` (which must fit). */
function smallestFit(costAt: DynamicSharingInput['costAt'], tenant: number, ceiling: number): number {
  for (let units = 1; units < ceiling; units += 1) if (costAt(tenant, units) !== undefined) return units;
  return ceiling;
}

/**
 * Runs every model's simulator in lock-step windows, reallocating units at each window's end. Throws
 * `ServingCancelled` when a tenant's `progress` returns false (the simulator's own rule).
 */
export function shareDynamically(input: DynamicSharingInput): DynamicSharingResult {
  const { tenants, quanta, costAt } = input;
  let units = [...input.initialUnits];
  const minimum = tenants.map((_, index) => smallestFit(costAt, index, units[index] ?? 1));
  const simulators = tenants.map((tenant, index) => {
    const cost = costAt(index, units[index] ?? 1);
    if (!cost) throw new Error(`model "${tenant.id}" has no step cost on its initial share`);
    return new ServingSimulator({ ...tenant.input, cost });
  });
  const history: DynamicSharingResult['units'] = [{ atSeconds: 0, units: [...units] }];
  let reallocations = 0;
  let stalledSeconds = 0;
  let interval = input.intervalSeconds;
  let time = 0;
  let windows = 0;
  while (simulators.some((simulator) => !simulator.done)) {
    time += interval;
    windows += 1;
    if (windows % MAX_WINDOWS === 0) interval *= 2;
    for (const simulator of simulators) if (!simulator.done) simulator.advance(time);
    if (simulators.every((simulator) => simulator.done)) break;
    const weights = simulators.map((simulator) => {
      if (simulator.done) return 0;
      const demand = simulator.demand();
      return demand.waiting + demand.running;
    });
    // A finished model has no demand and keeps only its smallest share; the rest goes to those still serving.
    const next = apportion(weights, quanta, minimum, units);
    const costs = next.map((count, index) =>
      count === units[index] || simulators[index]?.done ? undefined : costAt(index, count),
    );
    // Shares at or above a model's smallest fit always fit (more memory); refuse a move that would not, whole.
    if (next.some((count, index) => count !== units[index] && !simulators[index]?.done && !costs[index]))
      continue;
    let moved = false;
    costs.forEach((cost, index) => {
      const simulator = simulators[index];
      if (!cost || !simulator) return;
      simulator.setCost(cost);
      simulator.stall(input.reallocationSeconds);
      reallocations += 1;
      stalledSeconds += input.reallocationSeconds;
      moved = true;
    });
    if (moved) {
      units = next;
      history.push({ atSeconds: time, units: [...units] });
    }
  }
  return {
    runs: simulators.map((simulator) => simulator.finish()),
    reallocations,
    stalledSeconds,
    windows,
    units: history,
  };
}
